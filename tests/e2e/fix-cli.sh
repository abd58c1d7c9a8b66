# --fix and --write from the command line, the nginx version, and that
# every rule has its doc and its fixtures.
. tests/e2e/lib.sh

F=fixtures/rules/upstream-keepalive/cases.conf

# a configuration that does not parse is never patched
cp fixtures/conf/syntax/missing-semicolon.conf "$TMP/broken.conf"
run "$NGXLINT" conf --write "$TMP/broken.conf"
expect_rc 2 "--write on a configuration with a syntax error"
expect_err 'no fix is applied to a configuration that does not parse' "...says why"
if cmp -s fixtures/conf/syntax/missing-semicolon.conf "$TMP/broken.conf"; then
    ok "...and leaves it as it was"
else
    not_ok "...and changed it"
fi

run "$NGXLINT" conf --write --from-dump "$F"
expect_rc 2 "--write needs files, not a dump"

run "$NGXLINT" conf --backup .orig "$F"
expect_rc 2 "--backup without --write is a usage error"

cp "$F" "$TMP/c.conf"
chmod 640 "$TMP/c.conf"
run "$NGXLINT" conf --write --backup .orig --nginx-version 1.22.1 "$TMP/c.conf"
expect_rc 0 "--write with --backup"
expect_err 'fixes? written to 1 file' "...says what it wrote"
if cmp -s "$F" "$TMP/c.conf.orig"; then ok "...keeps the original as .orig"; else not_ok "...the backup differs"; fi
if [ "$(stat -c %a "$TMP/c.conf")" = 640 ]; then ok "...keeps the file's mode"; else not_ok "...mode $(stat -c %a "$TMP/c.conf")"; fi
if ls "$TMP" | grep -q ngxlint-; then not_ok "...left temporary files" "$(ls "$TMP")"; else ok "...leaves no temporary file"; fi

if [ "$(id -u)" -eq 0 ] && getent passwd nobody >/dev/null; then
    cp "$F" "$TMP/owned.conf"
    chown nobody "$TMP/owned.conf"
    run "$NGXLINT" conf -q --write --nginx-version 1.22.1 "$TMP/owned.conf"
    if [ "$(stat -c %U "$TMP/owned.conf")" = nobody ]; then
        ok "--write keeps the file's owner"
    else
        not_ok "--write changed the owner to $(stat -c %U "$TMP/owned.conf")"
    fi
fi

# a pass naming a host that is the upstream's name to be: nginx resolves it
# by DNS now, and would send it to the new upstream; the fix takes another
# name (nginx -t cannot check this one: the host does not resolve)
cat > "$TMP/host.conf" <<'EOF'
events {}
http {
    server {
        listen 127.0.0.1:8080;
        location /a/ { proxy_pass http://127.0.0.1:8001; }
        location /b/ { proxy_pass http://LITERAL_127_0_0_1_8001; }
    }
}
EOF
run "$NGXLINT" conf -q --write --nginx-version 1.29.7 "$TMP/host.conf"
if grep -q 'upstream literal_127_0_0_1_8001_2 {' "$TMP/host.conf" \
   && grep -q 'proxy_pass http://literal_127_0_0_1_8001_2;' "$TMP/host.conf" \
   && grep -q 'proxy_pass http://LITERAL_127_0_0_1_8001;' "$TMP/host.conf" \
   && ! grep -q 'upstream literal_127_0_0_1_8001 ' "$TMP/host.conf"; then
    ok "a new upstream does not take a name a pass gives as a host"
else
    not_ok "a new upstream takes a pass's host name" "$(cat "$TMP/host.conf")"
fi

# one file included under two spellings, in two servers that need different
# settings: it is one file, given one text with what both need (taken as
# two, it got two diffs, and the last one written won)
mkdir -p "$TMP/two/snip"
cat > "$TMP/two/nginx.conf" <<'EOF'
events {}
http {
    upstream u { server 127.0.0.1:8001; }
    server { listen 127.0.0.1:8080; proxy_http_version 1.1; include snip/p.conf; }
    server { listen 127.0.0.1:8081; include snip/./p.conf; }
}
EOF
printf 'location / {\n    proxy_pass http://u;\n}\n' > "$TMP/two/snip/p.conf"
run "$NGXLINT" conf --fix --nginx-version 1.22.1 "$TMP/two/nginx.conf"
n=$(printf '%s\n' "$OUT" | grep -c '^+++ .*p\.conf$')
run "$NGXLINT" conf -q --write --nginx-version 1.22.1 "$TMP/two/nginx.conf"
if [ "$n" -eq 1 ] && grep -q 'proxy_http_version 1.1;' "$TMP/two/snip/p.conf" \
   && grep -q 'proxy_set_header Connection "";' "$TMP/two/snip/p.conf"; then
    ok "a file included under two spellings is fixed as one file, for both"
else
    not_ok "a file included under two spellings: $n diffs" "$(cat "$TMP/two/snip/p.conf")"
fi

# the nginx version: given, from a binary, or the default
run "$NGXLINT" conf --nginx-version 1.29.7 "$F"
expect_out 'judged for nginx 1\.29\.7 \(--nginx-version\)' "--nginx-version"
expect_rc 0 "...and at 1.29.7 nothing in that fixture needs fixing"

run "$NGXLINT" conf --nginx-version banana "$F"
expect_rc 2 "--nginx-version of something that is not a version"

if command -v nginx >/dev/null 2>&1; then
    nv=$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
    run "$NGXLINT" conf --nginx "$(command -v nginx)" "$F"
    expect_out "judged for nginx $nv \(.*nginx -v\)" "--nginx BIN asks the binary ($nv)"
    run "$NGXLINT" conf "$F"
    expect_out "judged for nginx $nv \(nginx -v, on PATH\)" "nginx on PATH"
fi

run env PATH=/nonexistent "$NGXLINT" conf "$F"
expect_out 'judged for nginx 1\.22\.0 \(the default: no nginx on PATH\)' "no nginx anywhere: 1.22"

run "$NGXLINT" conf --nginx /nonexistent/nginx "$F"
expect_rc 2 "--nginx with a binary that is not there"

run "$NGXLINT" conf --format json --nginx-version 1.22.1 "$F"
if printf '%s' "$OUT" | jq -e '.target == {"nginx_version": "1.22.1", "source": "--nginx-version"}
        and (.findings[] | select(.rule == "upstream-keepalive") | .fixable)' >/dev/null 2>&1; then
    ok "JSON: the target version, and fixable findings"
else
    not_ok "JSON target / fixable" "$OUT"
fi

# SARIF carries the fixes
run "$NGXLINT" conf --format sarif --nginx-version 1.22.1 "$F"
if printf '%s' "$OUT" | jq -e '[.runs[0].results[] | select(.ruleId == "upstream-keepalive")][0].fixes[0].artifactChanges[0].replacements[0].insertedContent.text | test("keepalive 32;")' >/dev/null 2>&1; then
    ok "SARIF: fixes with the inserted text"
else
    not_ok "SARIF fixes" "$OUT"
fi
printf '%s\n' "$OUT" > "$TMP/fix.sarif"
sh tests/e2e/sarif-validate.sh "$TMP/fix.sarif" > "$TMP/v" 2>&1
case $? in
0)  ok "the SARIF multitool validates output with fixes" ;;
77) echo "# skipped: SARIF multitool unavailable" ;;
*)  not_ok "the SARIF multitool rejects output with fixes" "$(cat "$TMP/v")" ;;
esac

# every rule: its doc, and its fixtures
for id in $("$NGXLINT" rules | awk '{print $1}'); do
    run "$NGXLINT" explain "$id"
    if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "^# $id\$" \
       && printf '%s' "$OUT" | grep -q '^## The fix'; then
        ok "$id: explain prints its doc"
    else
        not_ok "$id: no doc with a fix section" "$OUT"
    fi
    case "$id" in
    conf-*) dir=fixtures/conf ;;
    bin-*)  dir=fixtures/bin ;;
    lua-*)  dir=fixtures/lua ;;
    src-*)  dir=fixtures/src ;;
    live-*) dir=fixtures/audit ;;
    ngxlint-suppression) dir=tests/e2e/adopt.sh ;;
    *)      dir=fixtures/rules/$id ;;
    esac
    if [ -n "$(find "$dir" \( -name '*.conf' -o -name '*.c' -o -name '*.lua' -o -name '*.sh' \) 2>/dev/null | head -n 1)" ]; then
        ok "$id: has fixtures in $dir"
    else
        not_ok "$id: no fixtures in $dir"
    fi
done

done_testing
