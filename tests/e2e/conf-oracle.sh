# The syntax fixtures against real nginx: for each file in
# fixtures/conf/syntax and fixtures/conf/good, Debian's `nginx -t` (with the
# Lua module) and `ngxlint conf` must give the same verdict at the same line.
. tests/e2e/lib.sh

if ! command -v nginx >/dev/null 2>&1; then
    echo "nginx is not installed"; exit 77
fi

MODS=/usr/lib/nginx/modules

oracle() {    # FILE -> "ok" or "LINE: MESSAGE" from nginx -t
    d="$TMP/nginx.$$"
    rm -rf "$d"; mkdir -p "$d"
    cp -r "$(dirname "$1")"/. "$d/"
    {
        echo "load_module $MODS/ndk_http_module.so;"
        echo "load_module $MODS/ngx_http_lua_module.so;"
        echo "pid $d/nginx.pid;"
        grep -q '^events' "$1" || echo "events {}"
    } > "$d/__main.conf"
    head_lines=$(wc -l < "$d/__main.conf")
    cat "$1" >> "$d/__main.conf"
    msg=$(nginx -t -p "$d/" -c "$d/__main.conf" -e "$d/error.log" 2>&1 \
          | grep -m1 'emerg')
    if [ -z "$msg" ]; then
        echo ok
        return
    fi
    line=$(printf '%s\n' "$msg" | sed -n 's/.* in .*__main\.conf:\([0-9]*\)$/\1/p')
    text=$(printf '%s\n' "$msg" | sed 's/^nginx: \[emerg\] //; s/ in [^ ]*:[0-9]*$//')
    echo "$((line - head_lines)): $text"
}

for f in fixtures/conf/syntax/*.conf fixtures/conf/good/nginx.conf; do
    want=$(oracle "$f")
    run "$NGXLINT" conf -q --format text --enable conf-syntax "$f"
    if [ "$want" = ok ]; then
        if [ "$RC" -eq 0 ]; then
            ok "$f: nginx and ngxlint accept it"
        else
            not_ok "$f: nginx accepts it, ngxlint says" "$OUT"
        fi
        continue
    fi
    line=${want%%:*}
    text=${want#*: }
    if printf '%s\n' "$OUT" | grep -qF -- "$f:$line:" \
       && printf '%s\n' "$OUT" | grep -qF -- "error: $text [conf-syntax]"; then
        ok "$f: line $line: $text"
    else
        not_ok "$f: nginx: line $line: $text" "$OUT"
    fi
done

# what nginx refuses beyond syntax that the front end checks too (the rule
# conf-directive): the same message at the same line
for f in fixtures/conf/directive/*.conf; do
    want=$(oracle "$f")
    run "$NGXLINT" conf -q --format text --enable conf-directive "$f"
    line=${want%%:*}
    text=${want#*: }
    if [ "$want" != ok ] && printf '%s\n' "$OUT" | grep -qF -- "$f:$line:" \
       && printf '%s\n' "$OUT" | grep -qF -- "error: $text [conf-directive]"; then
        ok "$f: line $line: $text"
    else
        not_ok "$f: nginx: $want" "$OUT"
    fi
done

# ... and what it takes: once in each of several blocks is no duplicate
for f in fixtures/conf/directive-ok/*.conf; do
    want=$(oracle "$f")
    run "$NGXLINT" conf -q --format text --enable conf-directive "$f"
    if [ "$want" = ok ] && [ "$RC" -eq 0 ]; then
        ok "$f: nginx and ngxlint accept it"
    else
        not_ok "$f: nginx: $want; ngxlint (exit $RC)" "$OUT"
    fi
done

done_testing
