# `ngxlint src`: C module sources and compilation databases.
#
#   fixtures/src/module   module sources with a "want:" comment above each
#                         lookup (warning, note or nothing): constant names,
#                         a configuration field, a name made per request,
#                         typedefs of the request, a macro, a loop, a helper
#                         whose callers pass a constant, a stream module;
#                         parsed with stand-in nginx configuration headers
#                         and Debian's nginx-dev headers (/usr/share/nginx/src)
#   fixtures/src/broken   a file that does not parse: clang's diagnostics,
#                         exit 2, and every other file still analysed
#   fixtures/src/cmake    configured (not built) by CMake at several build
#                         types: the "command" form of compile_commands.json
#   fixtures/src/make     built under bear (the "arguments" form) with a
#                         level of its own for each file
#
# Real nginx source is tests/e2e/src-nginx.sh's.  No jq: fail.  No
# nginx-dev, cmake or bear: their checks are skipped with a message.
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

if ! command -v jq >/dev/null 2>&1; then
    echo "jq is missing (make deps installs it)"
    exit 1
fi

F="$NGXL_ROOT/fixtures/src"
cd "$NGXL_ROOT" || exit 1


# --- helpers

# wants FILE...: "LINE SEVERITY" for each lookup a "want:" comment is above
# ("nothing" gives no line)
wants() {
    for w_f in "$@"; do
        awk -v f="$w_f" '
            /^[ \t]*\/\* want: (warning|note)/ {
                sev = $0; sub(/.*want: /, "", sev); sub(/ .*/, "", sev)
                print f ":" NR + 1 " " sev
            }' "$w_f"
    done | sort
}

# got: the same from $OUT (JSON), for rule src-unindexed-var
got() {
    printf '%s' "$OUT" | jq -r '.findings[] | select(.rule == "src-unindexed-var")
                                | "\(.file):\(.line) \(.severity)"' | sort
}

# finding FUNCTION JQ-TEST DESCRIPTION: the finding in FUNCTION passes TEST
finding() {
    if printf '%s' "$OUT" | jq -e --arg f "$1" \
           "[.findings[] | select(.function == \$f)] | length == 1 and (.[0] | $2)" \
           >/dev/null 2>&1
    then
        ok "$3"
    else
        not_ok "$3" "$(printf '%s' "$OUT" | jq --arg f "$1" '.findings[] | select(.function == $f)')"
    fi
}


# --- module sources, with stand-ins

HAVE_DEV=0
if [ -f /usr/share/nginx/src/src/core/ngx_core.h ]; then
    HAVE_DEV=1
else
    echo "# nginx-dev is not installed (/usr/share/nginx/src): the module checks are skipped"
fi

if [ "$HAVE_DEV" = 1 ]; then
    run "$NGXLINT" src --format json fixtures/src/module
    expect_rc 1 "src fixtures/src/module: warnings"

    want=$(wants fixtures/src/module/*.c)
    have=$(got)
    if [ "$want" = "$have" ]; then
        ok "every want: comment, and nothing else ($(printf '%s\n' "$want" | wc -l) lookups)"
    else
        not_ok "the findings are not the want: comments" "want:
$want
got:
$have"
    fi

    n=$(printf '%s' "$OUT" | jq '[.findings[] | select(.rule != "src-unindexed-var")] | length')
    [ "$n" = 0 ] && ok "no build: no build-flag findings" \
                 || not_ok "build-flag findings without a build: $n" "$OUT"

    finding ngx_http_tenant_static '.severity == "warning" and .variable == "http_x_tenant_id" and .name_kind == "const"' \
        "a static ngx_string(): a constant name"
    finding ngx_http_tenant_local '.variable == "http_x_request_id" and .name_kind == "const"' \
        "ngx_str_set() with a macro's literal: a constant name"
    finding ngx_http_tenant_conf '.severity == "warning" and .name_kind == "conf" and .variable == null' \
        "a configuration field: fixed at configuration time"
    finding ngx_http_tenant_conf '[.notes[] | select(.message | test("in ngx_http_tenant_variable\\(\\): index = ngx_http_get_variable_index\\(cf, &tlcf->var_name\\)"))] | length == 1' \
        "... its index belongs in the directive's handler that sets the field"
    finding ngx_http_tenant_dynamic '.severity == "note" and .name_kind == "request" and (.notes[0].message | test("ngx_http_arg"))' \
        "a name from ngx_http_arg(): made per request, a note"
    finding ngx_http_tenant_alias '.request_type == "tenant_req_p" and .variable == "http_x_a" and .loops == 1' \
        "the request through typedefs of typedefs; in a loop"
    finding ngx_http_tenant_alias '.message | test("through the macro NGX_HTTP_TENANT_GET")' \
        "a lookup written through a macro names it"
    finding ngx_http_tenant_get '.variable == "http_x_forwarded_proto" and (.notes[0].message | test("static proto"))' \
        "a helper's parameter, set to a constant by the file's only call"
    finding ngx_stream_tenant_handler '.callee == "ngx_stream_get_variable" and .variable == "ssl_preread_server_name" and (.message | test("per session"))' \
        "ngx_stream_get_variable() in a stream session handler"

    # both halves, as notes: the configuration time and the request
    finding ngx_http_tenant_static '([.notes[] | select(.message | test("at configuration time, in ngx_http_tenant_init\\(\\): index = ngx_http_get_variable_index\\(cf, &ngx_http_tenant_name\\)"))] | length == 1) and ([.notes[] | select(.message | test("per request: vv = ngx_http_get_indexed_variable\\(r, index\\)"))] | length == 1)' \
        "the finding shows both halves of the fix"

    n=$(printf '%s' "$OUT" | jq '[.findings[] | select(.function == "ngx_http_tenant_indexed" or .function == "ngx_http_tenant_no_request")] | length')
    [ "$n" = 0 ] && ok "indexed reads, and functions without a request: nothing" \
                 || not_ok "findings where there must be none: $n" "$OUT"

    # the position is the call's (or the macro's): the source has it there
    bad=$(printf '%s' "$OUT" | jq -r '.findings[] | "\(.file) \(.line) \(.column)"' |
        while read -r f l c; do
            sed -n "${l}p" "$f" | cut -c"$c"- | grep -Eq '^(ngx_(http|stream)_get_variable|NGX_HTTP_TENANT_GET)\(' \
                || echo "$f:$l:$c"
        done)
    [ -z "$bad" ] && ok "each finding's column is its call's" \
                  || not_ok "findings not at a call" "$bad"

    # text: gcc-style lines, the source line quoted
    run "$NGXLINT" src --color never fixtures/src/module/ngx_http_tenant_module.c
    expect_rc 1 "src FILE (text)"
    expect_out '^fixtures/src/module/ngx_http_tenant_module.c:[0-9]+:[0-9]+: warning: ngx_http_get_variable\(\) looks up \$http_x_tenant_id by name per request in ngx_http_tenant_static\(\)' \
        "text: file:line:col: warning: message"
    expect_out '^ +[0-9]+ \|     vv = ngx_http_get_variable\(r, &name, key\);' "text: the call's line quoted"
    expect_err 'ngxlint: 1 translation unit parsed' "the parse is summed up on stderr"

    # SARIF, checked as fix-cli.sh checks it
    run "$NGXLINT" src --format sarif fixtures/src/module
    printf '%s\n' "$OUT" > "$TMP/src.sarif"
    sh tests/e2e/sarif-validate.sh "$TMP/src.sarif" > "$TMP/v" 2>&1
    case $? in
    0)  ok "the SARIF of src findings validates" ;;
    77) echo "# skipped: SARIF multitool unavailable" ;;
    *)  not_ok "the SARIF of src findings does not validate" "$(cat "$TMP/v")" ;;
    esac

    # -j and the precompiled header change nothing but the time
    run "$NGXLINT" src --format json -j 1 fixtures/src/module
    one=$OUT
    run "$NGXLINT" src --format json -j 3 --no-pch fixtures/src/module
    if [ "$one" = "$OUT" ]; then
        ok "-j 1, -j 3 and --no-pch: the same findings"
    else
        not_ok "-j 1 and -j 3 --no-pch differ" "$(printf '%s\n' "$one" | diff - "$TMP/out")"
    fi
    expect_no_out '"file": "/tmp/ngxlint-src' "the stand-in headers are not in the findings"
    run "$NGXLINT" src --format json -j 0 fixtures/src/module
    expect_rc 2 "-j 0 is a usage error"

    # the stand-in directory is removed afterwards
    before=$(ls -d "${TMPDIR:-/tmp}"/ngxlint-src.* 2>/dev/null | wc -l)
    run "$NGXLINT" src --format json fixtures/src/module
    after=$(ls -d "${TMPDIR:-/tmp}"/ngxlint-src.* 2>/dev/null | wc -l)
    [ "$before" = "$after" ] && ok "the stand-in headers' directory is removed" \
                             || not_ok "stand-in directories left behind: $before, then $after"

    # --enable: the flag rules alone do not parse anything
    run "$NGXLINT" src --enable src-unoptimized fixtures/src/module
    expect_rc 0 "only a flag rule: nothing to report"
    expect_no_out 'parsed' "... and nothing parsed"
    if printf '%s' "$ERR" | grep -q 'parsed'; then
        not_ok "--enable src-unoptimized still parses" "$ERR"
    else
        ok "--enable src-unoptimized: no parse"
    fi

    # --- a file that does not parse

    run "$NGXLINT" src --format json fixtures/src/module fixtures/src/broken
    expect_rc 2 "a file that does not parse: exit 2"
    expect_err '^ngxlint: fixtures/src/broken/ngx_http_broken_module.c: does not parse \(3 errors\)' \
        "it is named, with its count of errors"
    expect_err "ngx_http_broken_module.c:12:10: error: 'ngx_http_no_such_header.h' file not found" \
        "clang's diagnostics: the missing header"
    expect_err "ngx_http_broken_module.c:25:16: error: use of undeclared identifier 'no_such_identifier'" \
        "... the undeclared identifier"
    expect_err "ngx_http_broken_module.c:28:18: error: expected ';' after return statement" \
        "... the missing semicolon"
    want=$(wants fixtures/src/module/*.c fixtures/src/broken/*.c)
    have=$(got)
    if [ "$want" = "$have" ]; then
        ok "the other files are analysed in full, and the broken one as far as it goes"
    else
        not_ok "findings beside a broken file" "want:
$want
got:
$have"
    fi
    if printf '%s' "$ERR" | grep -q 'ngx_http_tenant_module.c: does not parse'; then
        not_ok "a good file is said not to parse" "$ERR"
    else
        ok "only the broken file is said not to parse"
    fi

    # a progress bar on a terminal only
    if printf '%s' "$ERR" | grep -q '\['; then
        not_ok "a progress bar on a stderr that is not a terminal" "$ERR"
    else
        ok "no progress bar when stderr is not a terminal"
    fi
    if command -v script >/dev/null 2>&1; then
        script -qec "$NGXLINT src --format json fixtures/src/module >/dev/null" "$TMP/typescript" \
            >/dev/null 2>&1
        if grep -q '\] [0-9]*/2 ' "$TMP/typescript"; then
            ok "a progress bar on a terminal"
        else
            not_ok "no progress bar on a terminal" "$(cat -v "$TMP/typescript")"
        fi
    else
        echo "# script(1) is missing: the terminal case is skipped"
    fi
fi


# --- usage errors

run "$NGXLINT" src
expect_rc 2 "src with nothing to read"
expect_err 'src needs a build directory' "... says what it needs"

run "$NGXLINT" src -p "$TMP/no-such-dir"
expect_rc 2 "-p DIR that does not exist"
expect_err 'no-such-dir: No such file or directory' "... says so"

mkdir -p "$TMP/empty"
run "$NGXLINT" src -p "$TMP/empty"
expect_rc 2 "-p DIR without a database"
expect_err 'no compile_commands.json, and not an nginx build directory' "... says so"


# --- a database written by hand: ccache, a relative file and -I, gcc's own
# options, -Werror and -MD

mkdir -p "$TMP/hand/inc" "$TMP/hand/build"
echo '#define HAND_ONE 1' > "$TMP/hand/inc/hand.h"
printf '#include "hand.h"\nint hand(void) { return HAND_ONE; }\n' > "$TMP/hand/hand.c"
cat > "$TMP/hand/build/compile_commands.json" <<EOF
[
  { "directory": "$TMP/hand",
    "arguments": [ "ccache", "gcc", "-O2", "-Iinc", "-fconserve-stack",
                   "-fipa-pta", "-mindirect-branch=thunk", "-Werror", "-MD",
                   "-MF", "hand.d",
                   "-c", "hand.c", "-o", "build/hand.o" ],
    "file": "hand.c" }
]
EOF
run sh -c 'cd / && "$0" src -p "$1"' "$NGXLINT" "$TMP/hand/build"
expect_rc 0 "relative -I and file, resolved against the entry's directory (run from /)"
if printf '%s' "$ERR" | grep -q 'does not parse'; then
    not_ok "gcc's own options (-fconserve-stack, ...) make a file fail" "$ERR"
else
    ok "gcc's own options are not the source's errors"
fi
[ ! -e "$TMP/hand/hand.d" ] && ok "-MD -MF: no dependency file written" \
                            || not_ok "ngxlint wrote the dependency file"
sed -i 's/"-Iinc", //' "$TMP/hand/build/compile_commands.json"
run "$NGXLINT" src -p "$TMP/hand/build"
expect_rc 2 "without its -I: the file does not parse"
expect_err "^    $TMP/hand/hand.c:1:10: error: 'hand.h' file not found" \
    "... clang's diagnostic, with the file's absolute path"


# --- CMake: the "command" form

if command -v cmake >/dev/null 2>&1; then
    cp -r "$F/cmake" "$TMP/cmake"

    # configure NAME CMAKE-ARGS...: a build directory $TMP/cmake/b-NAME
    configure() {
        c_dir="$TMP/cmake/b-$1"
        shift
        if ! cmake -S "$TMP/cmake" -B "$c_dir" "$@" >"$TMP/cmake.log" 2>&1; then
            not_ok "cmake $*" "$(cat "$TMP/cmake.log")"
            return 1
        fi
        return 0
    }

    if configure hot -DCMAKE_BUILD_TYPE=Release -DNGXL_DEBUG_HOT=ON; then
        grep -q '"command"' "$TMP/cmake/b-hot/compile_commands.json" \
            && ok "CMake's database has the command form" \
            || not_ok "CMake's database has no \"command\""
        run "$NGXLINT" src --format json -p "$TMP/cmake/b-hot"
        expect_rc 1 "cmake Release, src/hot.c at -O0"
        line=$(grep -n '"file": ".*/src/hot.c"' "$TMP/cmake/b-hot/compile_commands.json" | cut -d: -f1)
        if printf '%s' "$OUT" | jq -e --argjson l "$line" '
                ([.findings[] | select(.rule == "src-unoptimized")] | length == 1)
                and (.findings[] | select(.rule == "src-unoptimized")
                     | .severity == "error" and .line == $l and .tus == [.tus[0]]
                       and (.tus[0] | endswith("src/hot.c"))
                       and (.message | test("1 of 3 translation units"))
                       and (.notes[0].message == "src/hot.c: -O3, then -O0: the last -O wins"))' >/dev/null
        then
            ok "src-unoptimized: hot.c, at its entry (line $line), -O3 then -O0"
        else
            not_ok "src-unoptimized on the CMake Release build" "$OUT"
        fi
        printf '%s' "$OUT" | jq -e '.findings[] | select(.rule == "src-optimization-mixed")
                | .severity == "warning" and .optimized == 2 and (.message | test("most at -O3"))' >/dev/null \
            && ok "src-optimization-mixed: one file at -O0 beside two at -O3" \
            || not_ok "src-optimization-mixed on the CMake Release build" "$OUT"
    fi

    if configure none; then
        run "$NGXLINT" src --format json -p "$TMP/cmake/b-none"
        expect_rc 1 "cmake without CMAKE_BUILD_TYPE"
        printf '%s' "$OUT" | jq -e '([.findings[] | select(.rule == "src-unoptimized")] | length == 1)
                and (.findings[0].tus | length == 3)
                and (.findings[0].message | test("no -O"))' >/dev/null \
            && ok "src-unoptimized: no -O at all in any of the 3 files" \
            || not_ok "src-unoptimized without a build type" "$OUT"
        n=$(printf '%s' "$OUT" | jq '[.findings[] | select(.rule == "src-optimization-mixed")] | length')
        [ "$n" = 0 ] && ok "all unoptimised: not mixed" || not_ok "mixed, when all are unoptimised" "$OUT"
        run "$NGXLINT" src --color never -p "$TMP/cmake/b-none"
        expect_out 'fix: CMAKE_BUILD_TYPE is empty, so CMake passes no -O at all' \
            "the hint names CMAKE_BUILD_TYPE"
    fi

    if configure asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNGXL_ASAN=ON; then
        run "$NGXLINT" src --format json -p "$TMP/cmake/b-asan"
        expect_rc 1 "cmake RelWithDebInfo, src/util.c with -fsanitize=address"
        printf '%s' "$OUT" | jq -e '([.findings[] | select(.rule == "src-instrumented")] | length == 1)
                and (.findings[] | select(.rule == "src-instrumented")
                     | (.message | test("CMAKE_BUILD_TYPE=RelWithDebInfo"))
                       and (.message | test("src/util.c \\(-fsanitize=address\\)"))
                       and ([.notes[] | select(.message | test("-fno-omit-frame-pointer"))] | length == 1))' >/dev/null \
            && ok "src-instrumented: ASan in a RelWithDebInfo build, frame pointers noted" \
            || not_ok "src-instrumented on the CMake ASan build" "$OUT"
    fi

    if configure clean -DCMAKE_BUILD_TYPE=Release; then
        run "$NGXLINT" src --format json -p "$TMP/cmake/b-clean"
        expect_rc 0 "cmake Release: no findings"
        n=$(printf '%s' "$OUT" | jq '.findings | length')
        [ "$n" = 0 ] && ok "... none at all" || not_ok "findings in a clean Release build" "$OUT"
    fi
else
    echo "# cmake is missing: the CMake checks are skipped"
fi


# --- bear: the "arguments" form

if command -v bear >/dev/null 2>&1 && command -v make >/dev/null 2>&1; then
    cp -r "$F/make" "$TMP/make"
    if (cd "$TMP/make" && bear --output compile_commands.json -- make CC="${CC:-cc}") \
           >"$TMP/bear.log" 2>&1
    then
        grep -q '"arguments"' "$TMP/make/compile_commands.json" \
            && ok "bear's database has the arguments form" \
            || not_ok "bear's database has no \"arguments\""

        run "$NGXLINT" src --format json -p "$TMP/make"
        expect_rc 1 "bear: a file per level"

        printf '%s' "$OUT" | jq -e '[.findings[] | select(.rule == "src-unoptimized" and .severity == "error")]
                | length == 1 and (.[0].tus | map(split("/") | last) == ["debug.c", "plain.c"])' >/dev/null \
            && ok "-O0 after -O2, and no -O: unoptimised; -O0 -O, -Ofast, -Og, -Os, -Oz: not" \
            || not_ok "the unoptimised files of the bear build" "$OUT"
        printf '%s' "$OUT" | jq -e '.findings[] | select(.rule == "src-unoptimized" and .severity == "error")
                | [.notes[].message] == ["debug.c: -O2, then -O0: the last -O wins",
                                         "plain.c: no -O on its command line: the compiler'"'"'s default is -O0"]' >/dev/null \
            && ok "the notes say why: the last -O wins, no -O is -O0" \
            || not_ok "the notes of the bear build" "$OUT"
        printf '%s' "$OUT" | jq -e '[.findings[] | select(.rule == "src-unoptimized" and .severity == "warning")]
                | length == 1 and (.[0].tus | map(split("/") | last) == ["noinline.c"])' >/dev/null \
            && ok "-fno-inline -fno-optimize-sibling-calls at -O2: a warning" \
            || not_ok "the -fno-inline file" "$OUT"
        printf '%s' "$OUT" | jq -e '.findings[] | select(.rule == "src-optimization-mixed")
                | .optimized == 8 and (.unoptimized | length == 2) and (.message | test("most at -O2"))' >/dev/null \
            && ok "src-optimization-mixed: 2 unoptimised beside 8" \
            || not_ok "src-optimization-mixed on the bear build" "$OUT"
        printf '%s' "$OUT" | jq -e '[.findings[] | select(.rule == "src-instrumented")]
                | length == 1 and (.[0].tus | map(split("/") | last) == ["prof.c"])
                and (.[0].message | test("\\(-O2\\)"))' >/dev/null \
            && ok "src-instrumented: -pg at -O2" \
            || not_ok "src-instrumented on the bear build" "$OUT"

        # the entry's line and column: the "file" of debug.c's entry
        line=$(grep -n '"file": ".*/debug.c"' "$TMP/make/compile_commands.json" | cut -d: -f1)
        printf '%s' "$OUT" | jq -e --argjson l "$line" '.findings[] | select(.rule == "src-optimization-mixed")
                | .line == $l and .column == 5' >/dev/null \
            && ok "the finding points at debug.c's \"file\" (line $line)" \
            || not_ok "the finding's position in the database" "$OUT"

        # PATHs with -p: the database's files under them are parsed
        run "$NGXLINT" src --format json -p "$TMP/make" "$TMP/make/debug.c"
        expect_err '1 translation unit parsed' "-p DIR FILE: only FILE is parsed"
        n=$(printf '%s' "$OUT" | jq '[.findings[] | select(.rule == "src-optimization-mixed")] | length')
        [ "$n" = 1 ] && ok "... and the flags of every file are still judged" \
                     || not_ok "the flag rules with -p DIR FILE" "$OUT"
    else
        not_ok "bear -- make" "$(cat "$TMP/bear.log")"
    fi
else
    echo "# bear or make is missing: the bear checks are skipped"
fi

done_testing
