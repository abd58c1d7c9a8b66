# The command line: subcommands, output formats, exit codes, and bad input.
. tests/e2e/lib.sh

F=fixtures/conf

# --- basics
run "$NGXLINT" --version
expect_rc 0 "--version"
expect_out '^ngxlint [0-9]+\.[0-9]+\.[0-9]+' "--version prints the version"

run "$NGXLINT" --help
expect_rc 0 "--help"
expect_out 'usage: ngxlint' "--help prints usage"

run "$NGXLINT" --no-such-option
expect_rc 2 "an unknown option is a usage error"

run "$NGXLINT" conf
expect_rc 2 "no input is a usage error"

run "$NGXLINT" --format yaml conf $F/good/nginx.conf
expect_rc 2 "an unknown --format is a usage error"

run "$NGXLINT" --enable no-such-rule conf $F/good/nginx.conf
expect_rc 2 "an unknown rule id is a usage error"
expect_err 'unknown rule "no-such-rule"' "...and says which"

# --- rules and explain
run "$NGXLINT" rules
expect_rc 0 "rules"
expect_out '^conf-syntax +error ' "rules lists conf-syntax with its severity"
expect_out '^conf-include ' "rules lists conf-include"

run "$NGXLINT" explain conf-syntax
expect_rc 0 "explain conf-syntax"
expect_out '^# conf-syntax' "explain prints the rule's doc"
expect_out '## The fix' "the doc has its fix section"

run "$NGXLINT" explain no-such-rule
expect_rc 2 "explain of an unknown rule"

# --- a valid configuration
run "$NGXLINT" conf $F/good/nginx.conf
expect_rc 0 "a valid configuration"
expect_out '^ngxlint: no findings$' "...has no findings"

run "$NGXLINT" $F/good/nginx.conf
expect_rc 0 "no subcommand: a config file is detected"

run "$NGXLINT" $F/good
expect_rc 0 "a directory: its main config is found, fragments it includes are not checked alone"

# --- text output like gcc
run "$NGXLINT" conf --color never $F/syntax/missing-semicolon.conf
expect_rc 1 "a syntax error fails at the default --fail-on"
expect_out "^$F/syntax/missing-semicolon.conf:5:9: error: unexpected \"}\" \[conf-syntax\]$" \
    "file:line:col: severity: message [rule]"
expect_out '^    5 \|         }$' "the source line is quoted"
expect_out '^      \|         \^$' "a caret points at the column"
expect_out '^ngxlint: 1 error, 0 warnings, 0 notes$' "a closing count line"
expect_no_out "$(printf '\033')" "no colour when not on a terminal"

run "$NGXLINT" conf --color always $F/syntax/missing-semicolon.conf
expect_out "$(printf '\033')\[" "--color always colours"

run "$NGXLINT" conf -q $F/syntax/missing-semicolon.conf
expect_no_out '^ngxlint: ' "-q: no summary"
expect_no_out '\|' "-q: no source lines"

run "$NGXLINT" conf --fail-on never $F/syntax/missing-semicolon.conf
expect_rc 0 "--fail-on never"

run "$NGXLINT" conf --disable conf-syntax $F/syntax/missing-semicolon.conf
expect_rc 0 "--disable conf-syntax"

run "$NGXLINT" conf --enable conf-include $F/syntax/missing-semicolon.conf
expect_rc 0 "--enable another rule only"

# --- JSON contract
run "$NGXLINT" conf --format json $F/syntax/missing-semicolon.conf
expect_rc 1 "--format json with a finding"
if command -v jq >/dev/null 2>&1; then
    if printf '%s' "$OUT" | jq -e '
        .tool.name == "ngxlint" and (.tool.version | type) == "string"
        and (.findings | length) == 1
        and .findings[0].rule == "conf-syntax"
        and .findings[0].severity == "error"
        and .findings[0].message == "unexpected \"}\""
        and (.findings[0].file | endswith("missing-semicolon.conf"))
        and .findings[0].line == 5 and .findings[0].column == 9
        and .findings[0].end_line == 5 and .findings[0].end_column == 10
        and .findings[0].fixable == false
        and (.findings[0].notes | type) == "array"
        and .summary == {"error": 1, "warning": 0, "note": 0}' >/dev/null
    then
        ok "the JSON output has the contract's fields and values"
    else
        not_ok "the JSON output breaks the contract" "$OUT"
    fi
else
    not_ok "jq is missing (make deps installs it)"
fi

run "$NGXLINT" conf --format json $F/good/nginx.conf
expect_rc 0 "--format json without findings"
expect_out '"findings": \[\]' "...an empty findings list"

# --- GitHub workflow commands
run "$NGXLINT" conf --format github $F/syntax/missing-semicolon.conf
expect_out "^::error file=$F/syntax/missing-semicolon.conf,line=5,col=9,endLine=5,endColumn=10,title=conf-syntax::unexpected \"}\"$" \
    "--format github"

# --- SARIF, validated by the SARIF multitool when it can be had
run "$NGXLINT" conf --format sarif $F/syntax/missing-semicolon.conf
expect_rc 1 "--format sarif"
printf '%s\n' "$OUT" > "$TMP/out.sarif"
if command -v jq >/dev/null 2>&1 \
   && jq -e '.version == "2.1.0" and .runs[0].results[0].ruleId == "conf-syntax"
             and .runs[0].results[0].locations[0].physicalLocation.region.startLine == 5
             and ([.runs[0].tool.driver.rules[].id] | index("conf-syntax")) != null' \
      "$TMP/out.sarif" >/dev/null; then
    ok "SARIF has the run, the rule and the result"
else
    not_ok "SARIF content" "$OUT"
fi
sh tests/e2e/sarif-validate.sh "$TMP/out.sarif" > "$TMP/validate" 2>&1
case $? in
0)  ok "the SARIF multitool validates the output" ;;
77) echo "# skipped: the SARIF multitool could not be installed: $(tail -1 "$TMP/validate")" ;;
*)  not_ok "the SARIF multitool rejects the output" "$(cat "$TMP/validate")" ;;
esac

# --- includes
run "$NGXLINT" conf -q $F/cycle/a.conf
expect_rc 1 "an include cycle"
expect_out "^$F/cycle/b.conf:1:9: error: include cycle: .* \[conf-include\]" \
    "...is reported at the include that re-enters"

run "$NGXLINT" conf -q $F/missing-include/nginx.conf
expect_rc 1 "a missing plain include"
expect_out "^$F/missing-include/nginx.conf:3:13: error: open\(\) \".*nope.conf\" failed \(2: No such file or directory\) \[conf-include\]" \
    "...is reported as nginx reports it; an empty glob is not"

# -p: the conf prefix for a fragment's relative includes
run "$NGXLINT" conf -q --context http $F/good/conf.d/app.conf
expect_rc 1 "a fragment's relative include resolves against its own directory by default"
run "$NGXLINT" conf -q --context http -p $F/good $F/good/conf.d/app.conf
expect_rc 0 "-p sets the prefix the fragment's includes resolve against"

run "$NGXLINT" conf -q --context bogus $F/good/nginx.conf
expect_rc 2 "an unknown --context"

# --- nginx -T dumps
if command -v nginx >/dev/null 2>&1; then
    d="$TMP/dump"
    mkdir -p "$d"
    cp -r $F/good/. "$d/"
    sed -i '1i load_module /usr/lib/nginx/modules/ndk_http_module.so;\nload_module /usr/lib/nginx/modules/ngx_http_lua_module.so;\npid '"$d"'/nginx.pid;' "$d/nginx.conf"
    if nginx -T -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" > "$TMP/dump.txt" 2>/dev/null; then
        run "$NGXLINT" conf --from-dump "$TMP/dump.txt"
        expect_rc 0 "--from-dump of a valid configuration"
        # break a file in the dump: positions must refer to its original path
        sed -i 's|proxy_http_version 1.1;|proxy_http_version 1.1|' "$TMP/dump.txt"
        run "$NGXLINT" conf -q --from-dump - < "$TMP/dump.txt"
        expect_rc 1 "--from-dump - (stdin) with a syntax error"
        expect_out "^$d/snippets/proxy.conf:2:1: error: unexpected \"proxy_set_header\"|^$d/snippets/proxy.conf:[0-9]+:[0-9]+: error: " \
            "...reported at the original path and line"
    else
        not_ok "nginx -T on the good fixture" "$(cat "$d/error.log" 2>/dev/null)"
    fi
fi

run "$NGXLINT" conf --from-dump $F/good/nginx.conf
expect_rc 2 "--from-dump of something that is not a dump"

# --- bad input: clear messages, defined exit codes, no crash
run "$NGXLINT" conf "$TMP/missing.conf"
expect_rc 2 "a missing file"
expect_err "missing.conf.*No such file or directory" "...names the file"
expect_no_out 'no findings' "...and does not claim no findings"

mkdir "$TMP/dir.conf"
run "$NGXLINT" conf "$TMP/dir.conf"
expect_rc 2 "a directory given as a config file"
expect_err "Is a directory" "...says so"

head -c 200000 /dev/urandom > "$TMP/garbage.conf" 2>/dev/null || \
    dd if=/dev/urandom of="$TMP/garbage.conf" bs=1000 count=200 2>/dev/null
run "$NGXLINT" conf -q "$TMP/garbage.conf"
if [ "$RC" -eq 1 ] || [ "$RC" -eq 0 ]; then
    ok "binary garbage: a verdict, no crash (exit $RC)"
else
    not_ok "binary garbage: exit $RC" "$ERR"
fi

printf 'http {\n    server {\n        listen 80;\n\0x;\n    }\n}\n' > "$TMP/nul.conf"
run "$NGXLINT" conf -q "$TMP/nul.conf"
expect_rc 0 "a NUL byte inside a token is data, as in nginx"

# a 100 MB configuration: bounded time (no quadratic behaviour)
awk 'BEGIN {
    print "events {}"; print "http {";
    for (i = 0; i < 1650000; i++)
        printf "    set_real_ip_from 127.0.0.1; # filler line %08d size\n", i;
    print "}" }' > "$TMP/big.conf"
size=$(wc -c < "$TMP/big.conf")
start=$(date +%s)
run timeout 120 "$NGXLINT" conf -q "$TMP/big.conf"
end=$(date +%s)
expect_rc 0 "a $((size / 1000000)) MB configuration ($((end - start)) s)"

# 200,000 findings in one file: each quoted with its line, in bounded time
# (a scan from the start for each line was quadratic: over 180 s)
awk 'BEGIN { print "events {}"; print "http {";
    for (i = 0; i < 200000; i++) print "    map_hash_bucket_size 64;";
    print "}" }' > "$TMP/dups.conf"
start=$(date +%s)
timeout 120 "$NGXLINT" conf --color never "$TMP/dups.conf" > "$TMP/dups.out" 2>&1
RC=$?
end=$(date +%s)
if [ "$RC" = 1 ] && [ "$(grep -c 'directive is duplicate' "$TMP/dups.out")" = 199999 ] &&
   grep -q '^ *200002 |     map_hash_bucket_size 64;$' "$TMP/dups.out"; then
    ok "199,999 duplicates reported with their source lines ($((end - start)) s)"
else
    not_ok "199,999 duplicates: exit $RC" "$(tail -5 "$TMP/dups.out")"
fi

# 10,000 nested blocks: nginx 1.22 accepts them, and so does ngxlint
awk 'BEGIN { print "http { server {";
    for (i = 0; i < 10000; i++) print "location /a {";
    for (i = 0; i < 10000; i++) printf "}"; print ""; print "} }" }' > "$TMP/nest.conf"
run "$NGXLINT" conf -q "$TMP/nest.conf"
expect_rc 0 "10,000 nested blocks (as nginx: accepted)"
run "$NGXLINT" parse "$TMP/nest.conf"
expect_rc 0 "...and printed as JSON without exhausting the stack"

# unclosed: a clear error at the end
awk 'BEGIN { print "http { server {";
    for (i = 0; i < 10000; i++) print "location /a {" }' > "$TMP/open.conf"
run "$NGXLINT" conf -q "$TMP/open.conf"
expect_rc 1 "10,000 unclosed blocks"
expect_out "open.conf:10002:1: error: unexpected end of file, expecting \"}\"" "...end of file at the line nginx names"

# past what nginx itself survives: ngxlint's limit, with a clear message
awk 'BEGIN { print "http { server {";
    for (i = 0; i < 200000; i++) print "location /a {";
    for (i = 0; i < 200000; i++) printf "}"; print ""; print "} }" }' > "$TMP/deep.conf"
run "$NGXLINT" conf -q "$TMP/deep.conf"
expect_rc 1 "200,000 nested blocks"
expect_out "deep.conf:12000:13: error: blocks nested more than 12000 deep" "...stop at ngxlint's limit with file:line"
run "$NGXLINT" parse "$TMP/deep.conf"
expect_rc 1 "...and parse does not crash on them"

run "$NGXLINT" conf -q $F/syntax/lua-eof.conf
expect_rc 1 "an unterminated Lua block"
expect_out "lua-eof.conf:4:34: error: unexpected end of file, expecting terminating characters for lua code block" \
    "...at the line of the last \"{\", as lua-nginx-module reports it"

# a token longer than nginx's 4 KiB buffer
awk 'BEGIN { printf "events {}\nhttp {\n    server_name \""; for (i = 0; i < 5000; i++) printf "a"; print "\";\n}" }' > "$TMP/long.conf"
run "$NGXLINT" conf -q "$TMP/long.conf"
expect_rc 1 "a 5,000-byte token"
expect_out "long.conf:3:17: error: too long parameter, probably missing terminating" "...too long for nginx's buffer"

# unreadable file (not as root: root reads everything)
if [ "$(id -u)" -ne 0 ]; then
    printf 'events {}\n' > "$TMP/secret.conf"; chmod 000 "$TMP/secret.conf"
    run "$NGXLINT" conf "$TMP/secret.conf"
    expect_rc 2 "an unreadable file"
    expect_err "Permission denied" "...says why"
fi

# --- parse: crossplane's payload
run "$NGXLINT" parse $F/good/nginx.conf
expect_rc 0 "parse"
if command -v jq >/dev/null 2>&1 && printf '%s' "$OUT" | jq -e '
    .status == "ok" and (.config | length) == 4
    and .config[0].parsed[1].directive == "events"
    and ([.config[] | .file | split("/") | last] == ["nginx.conf", "mime.types.conf", "app.conf", "proxy.conf"])' >/dev/null; then
    ok "parse: crossplane's payload, files in include order"
else
    not_ok "parse payload" "$OUT"
fi

run "$NGXLINT" parse --single-file $F/good/nginx.conf
if printf '%s' "$OUT" | jq -e '(.config | length) == 1' >/dev/null 2>&1; then
    ok "parse --single-file"
else
    not_ok "parse --single-file" "$OUT"
fi

run "$NGXLINT" parse --include-comments $F/good/nginx.conf
if printf '%s' "$OUT" | jq -e '.config[0].parsed[0] == {"directive":"#","line":1,"args":[],"comment":" A valid configuration that uses the corners of nginx'"'"'s syntax."}' >/dev/null 2>&1; then
    ok "parse --include-comments"
else
    not_ok "parse --include-comments" "$(printf '%s' "$OUT" | head -c 600)"
fi

run "$NGXLINT" parse $F/syntax/missing-semicolon.conf
expect_rc 1 "parse of a broken file"
expect_out '"status":"failed"' "...has status failed"

done_testing
