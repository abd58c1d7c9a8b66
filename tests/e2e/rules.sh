# The rules against their fixtures (fixtures/rules/RULE/*.conf), at both
# sides of nginx 1.29.7: exactly the expected lines, then --write gives the
# golden file, a second --write changes nothing, nothing fixable is left,
# every other effective setting is kept (tests/tools/sameconf), and the
# result passes Debian's nginx -t.
. tests/e2e/lib.sh

SAMECONF="${BUILD:-build}/tests/tools/sameconf"
case "$SAMECONF" in /*) ;; *) SAMECONF="$NGXL_ROOT/$SAMECONF" ;; esac

if ! command -v jq >/dev/null 2>&1; then
    echo "jq is missing (make deps installs it)"; exit 77
fi

nginx_t() {    # FILE: Debian's nginx -t on a copy, with a private pid file
    d="$TMP/nginx-t"
    rm -rf "$d"; mkdir -p "$d"
    { echo "pid $d/nginx.pid;"; cat "$1"; } > "$d/nginx.conf"
    nginx -t -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" 2>&1
}

for f in fixtures/rules/*/*.conf; do
    case "$f" in *.fixed-*) continue ;; esac

    rule=$(basename "$(dirname "$f")")
    case "$f" in
    *-1.29.conf) versions="1.29.7" ;;
    *)           versions="1.22.1 1.29.7" ;;
    esac

    for v in $versions; do
        tag=${v%.*}

        want=$(grep -nE "# expect(\[$tag\])?: $rule\$" "$f" | cut -d: -f1 | sort -n | tr '\n' ' ')
        run "$NGXLINT" conf --format json --nginx-version "$v" "$f"
        got=$(printf '%s' "$OUT" | jq -r --arg r "$rule" \
                '.findings[] | select(.rule == $r) | .line' | sort -n | tr '\n' ' ')

        if [ "$want" = "$got" ]; then
            ok "$f at $v: $rule on lines ${want:-none}"
        else
            not_ok "$f at $v: $rule on lines ${got:-none}, expected ${want:-none}" \
                "$(printf '%s' "$OUT" | jq -r '.findings[] | "\(.line): \(.rule): \(.message)"')"
        fi

        if printf '%s' "$OUT" | jq -e '[.findings[] | select(.rule | startswith("conf-"))] | length > 0' >/dev/null; then
            not_ok "$f at $v: the fixture itself has conf-* findings" "$OUT"
        fi

        # --write, on a copy
        w="$TMP/write"
        rm -rf "$w"; mkdir -p "$w"
        cp "$f" "$w/nginx.conf"
        run "$NGXLINT" conf -q --write --nginx-version "$v" "$w/nginx.conf"

        golden="${f%.conf}.fixed-$tag.conf"
        if [ -f "$golden" ]; then
            if cmp -s "$golden" "$w/nginx.conf"; then
                ok "$f at $v: --write gives $(basename "$golden")"
            else
                not_ok "$f at $v: --write differs from $(basename "$golden")" \
                    "$(diff -u "$golden" "$w/nginx.conf")"
            fi
        elif cmp -s "$f" "$w/nginx.conf"; then
            ok "$f at $v: --write changes nothing (nothing to fix)"
        else
            not_ok "$f at $v: --write changed the file, and there is no golden" \
                "$(diff -u "$f" "$w/nginx.conf")"
        fi

        cp "$w/nginx.conf" "$TMP/first"
        run "$NGXLINT" conf -q --write --nginx-version "$v" "$w/nginx.conf"
        if cmp -s "$TMP/first" "$w/nginx.conf"; then
            ok "$f at $v: a second --write changes nothing"
        else
            not_ok "$f at $v: a second --write changed the file" \
                "$(diff -u "$TMP/first" "$w/nginx.conf")"
        fi

        run "$NGXLINT" conf --format json --nginx-version "$v" "$w/nginx.conf"
        left=$(printf '%s' "$OUT" | jq '[.findings[] | select(.fixable)] | length')
        if [ "$left" = 0 ]; then
            ok "$f at $v: nothing fixable is left"
        else
            not_ok "$f at $v: $left fixable findings left" "$OUT"
        fi

        run "$SAMECONF" "$f" "$w/nginx.conf"
        if [ "$RC" -eq 0 ]; then
            ok "$f at $v: every other effective setting is kept"
        else
            not_ok "$f at $v: the fix changed other effective settings" "$OUT$ERR"
        fi

        if [ "$tag" = 1.22 ] && command -v nginx >/dev/null 2>&1; then
            t=$(nginx_t "$w/nginx.conf")
            if printf '%s' "$t" | grep -q 'test is successful'; then
                ok "$f at $v: the fixed file passes nginx -t"
            else
                not_ok "$f at $v: nginx -t rejects the fixed file" "$t"
            fi
        fi
    done
done

# --fix prints the same change as a diff and writes nothing
f=fixtures/rules/upstream-keepalive/cases.conf
cp "$f" "$TMP/c.conf"
run "$NGXLINT" conf --fix --nginx-version 1.22.1 "$TMP/c.conf"
expect_rc 1 "--fix with fixes to make"
expect_out '^\+        keepalive 32;$' "--fix prints a unified diff"
if cmp -s "$f" "$TMP/c.conf"; then ok "--fix writes nothing"; else not_ok "--fix wrote"; fi

run "$NGXLINT" conf --fix --nginx-version 1.22.1 fixtures/rules/upstream-keepalive/cases.fixed-1.22.conf
expect_rc 0 "--fix with nothing to fix"

# the comparison every fix is held to (lib/fix/same.c: by these tests and
# by the fuzzer): it must see a change of meaning, a
# nested location's Host header and redirects here, and not the intended
# ones (HTTP/1.1, Connection, keepalive)
printf '%s\n' 'events {}' 'http {' '    upstream u { server 127.0.0.1:8001; }' \
    '    server {' '        listen 127.0.0.1:8080;' '        location /a/ {' \
    '            proxy_pass http://127.0.0.1:8000;' '            location /a/b/ {' \
    '                proxy_pass http://u;' '            }' '        }' '    }' '}' >"$TMP/m1.conf"
sed 's|proxy_pass http://127.0.0.1:8000;|proxy_pass http://127.0.0.1:8000; proxy_set_header Host a.example; proxy_redirect http://x/ /;|' \
    "$TMP/m1.conf" >"$TMP/m2.conf"
sed 's|upstream u { server 127.0.0.1:8001; }|upstream u { server 127.0.0.1:8001; keepalive 8; }|; s|proxy_pass http://u;|proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection "";|' \
    "$TMP/m1.conf" >"$TMP/m3.conf"
run "$SAMECONF" "$TMP/m1.conf" "$TMP/m2.conf"
if [ "$RC" = 1 ] && printf '%s\n' "$OUT" | grep -q 'location /a/b/.*proxy_set_header.*Host a.example' &&
   printf '%s\n' "$OUT" | grep -q 'location /a/b/.*proxy_redirect'; then
    ok "the comparison sees a changed Host and redirect, inherited by a nested location"
else
    not_ok "the comparison missed a change of meaning (exit $RC)" "$OUT"
fi
run "$SAMECONF" "$TMP/m1.conf" "$TMP/m3.conf"
expect_rc 0 "the comparison lets the intended changes pass (HTTP/1.1, Connection, keepalive)"

# --keepalive N
run "$NGXLINT" conf --fix --keepalive 64 --nginx-version 1.22.1 "$TMP/c.conf"
expect_out '^\+        keepalive 64;$' "--keepalive sets the count"

done_testing
