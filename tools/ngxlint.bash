# bash completion for ngxlint

_ngxlint()
{
    local cur prev commands opts
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    commands="conf bin lua src audit parse explain rules"
    opts="--format --fail-on --enable --disable --color --quiet --prefix
          --context --from-dump --strict --nginx-version --nginx --fix
          --write --backup --keepalive --list-cus --debug-dir --debuginfod
          --list-accesses --emit-index --dialect --hot-threshold --baseline
          --update-baseline --no-config --single-file --include-comments
          --combine --ignore --indent --sample --status-url --jobs --no-pch
          --version --help"

    case "$prev" in
    --format)   COMPREPLY=($(compgen -W "text json sarif github" -- "$cur")); return ;;
    --fail-on)  COMPREPLY=($(compgen -W "error warning note never" -- "$cur")); return ;;
    --color)    COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --dialect)  COMPREPLY=($(compgen -W "var_index kong" -- "$cur")); return ;;
    --context)  COMPREPLY=($(compgen -W "main events http server location upstream if limit_except stream mail" -- "$cur")); return ;;
    --enable|--disable|explain)
        COMPREPLY=($(compgen -W "$(ngxlint rules 2>/dev/null | awk '{print $1}')" -- "$cur")); return ;;
    --prefix|-p|--debug-dir)
        COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac

    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

complete -F _ngxlint ngxlint
