# What adopting ngxlint takes: inline suppressions, a baseline, .ngxlint.conf,
# the pre-commit hooks (with Debian's pre-commit, on a scratch repository),
# the CI examples' syntax, and make install into a scratch DESTDIR.
. tests/e2e/lib.sh

F=fixtures/rules/upstream-keepalive/cases.conf
V="--nginx-version 1.22.1"

# --- suppressions
cp "$F" "$TMP/s.conf"
sed -i 's|    upstream no_keepalive {          # expect\[1.22\]: upstream-keepalive|    upstream no_keepalive { # ngxlint: disable=upstream-keepalive the backend is an appliance|' "$TMP/s.conf"
sed -i 's|    upstream grpc_backend {          # expect\[1.22\]: upstream-keepalive|    # ngxlint: disable=upstream-keepalive\n    upstream grpc_backend {|' "$TMP/s.conf"
run "$NGXLINT" conf -q $V --format json "$TMP/s.conf"
# upstream-keepalive: 4 upstreams in the fixture, 2 of them suppressed
if printf '%s' "$OUT" | jq -e '
    ([.findings[] | select(.rule == "upstream-keepalive")] | length) == 2
    and ([.findings[] | select(.rule == "upstream-keepalive") | .message
          | select(test("no_keepalive|grpc_backend"))] | length) == 0
    and ([.findings[] | select(.rule == "ngxlint-suppression")] | length) == 1
    and (.findings[] | select(.rule == "ngxlint-suppression") | .line) == 21' >/dev/null; then
    ok "suppressions on the line and above it; the one without a reason is a note"
else
    not_ok "suppressions" "$OUT"
fi

# --- baseline
cp "$F" "$TMP/b.conf"
run "$NGXLINT" conf $V --baseline "$TMP/base.json" --update-baseline "$TMP/b.conf"
expect_rc 0 "--update-baseline saves the findings"
expect_err 'findings? saved as the baseline' "...and says so"
# an edit above the findings moves their lines: they still match
sed -i '1i # a new first line' "$TMP/b.conf"
run "$NGXLINT" conf $V --baseline "$TMP/base.json" "$TMP/b.conf"
expect_rc 0 "a baselined finding does not fail, even moved a line down"
# a new finding does
sed -i 's|        keepalive 16;|        least_conn;|' "$TMP/b.conf"
run "$NGXLINT" conf -q $V --baseline "$TMP/base.json" --format json "$TMP/b.conf"
expect_rc 1 "a new finding fails"
if printf '%s' "$OUT" | jq -e '[.findings[] | select(.rule == "upstream-keepalive")] | length == 1' >/dev/null; then
    ok "...and only it is reported"
else
    not_ok "baseline: only the new finding" "$OUT"
fi
# a file name that is not UTF-8: kept in the baseline (as U+FFFD), and
# its findings still match
bad_name=$(printf 'b\377\376.conf')
cp "$F" "$TMP/$bad_name"
run "$NGXLINT" conf $V --baseline "$TMP/base8.json" --update-baseline "$TMP/$bad_name"
if [ "$RC" = 0 ] && jq -e '[.findings[] | select(.file != null and (.file | test("\ufffd")))] | length > 0' "$TMP/base8.json" >/dev/null 2>&1; then
    ok "--update-baseline keeps a file name that is not UTF-8"
else
    not_ok "--update-baseline with a file name that is not UTF-8 (exit $RC)" "$(cat "$TMP/base8.json" 2>/dev/null | head -c 400)"
fi
run "$NGXLINT" conf $V --baseline "$TMP/base8.json" "$TMP/$bad_name"
expect_rc 0 "...and its findings match that baseline"
printf 'not json' > "$TMP/bad.json"
run "$NGXLINT" conf $V --baseline "$TMP/bad.json" "$TMP/b.conf"
expect_rc 2 "a broken baseline file"

# --- .ngxlint.conf
mkdir -p "$TMP/proj/sub"
cp "$F" "$TMP/proj/sub/n.conf"
printf 'disable upstream-keepalive;\nseverity keepalive-http-version error;\nnginx_version 1.22.1;\n' > "$TMP/proj/.ngxlint.conf"
( cd "$TMP/proj/sub" && "$NGXLINT" conf --format json n.conf ) > "$TMP/out" 2>&1
if jq -e '[.findings[] | select(.rule == "upstream-keepalive")] | length == 0' "$TMP/out" >/dev/null 2>&1 \
   && jq -e '.target.nginx_version == "1.22.1"' "$TMP/out" >/dev/null 2>&1; then
    ok ".ngxlint.conf is found from the working directory upwards and applied"
else
    not_ok ".ngxlint.conf" "$(cat "$TMP/out")"
fi
( cd "$TMP/proj/sub" && "$NGXLINT" conf --no-config --format json --nginx-version 1.22.1 n.conf ) > "$TMP/out" 2>&1
if jq -e '[.findings[] | select(.rule == "upstream-keepalive")] | length > 0' "$TMP/out" >/dev/null 2>&1; then
    ok "--no-config ignores it"
else
    not_ok "--no-config" "$(cat "$TMP/out")"
fi
printf 'severity no-such-rule error;\n' > "$TMP/proj/.ngxlint.conf"
( cd "$TMP/proj/sub" && "$NGXLINT" conf n.conf ) > "$TMP/out" 2>&1
if [ $? -eq 2 ]; then ok "an unknown rule in .ngxlint.conf is an error"; else not_ok "unknown rule in .ngxlint.conf" "$(cat "$TMP/out")"; fi
printf 'disable\n' > "$TMP/proj/.ngxlint.conf"
( cd "$TMP/proj/sub" && "$NGXLINT" conf n.conf ) > "$TMP/out" 2>&1
if [ $? -eq 2 ] && grep -q '.ngxlint.conf:2: unexpected end of file' "$TMP/out"; then
    ok "a syntax error in .ngxlint.conf names the file and line"
else
    not_ok ".ngxlint.conf syntax error" "$(cat "$TMP/out")"
fi

# --- pre-commit, on a scratch repository
if command -v pre-commit >/dev/null 2>&1 && command -v git >/dev/null 2>&1; then
    r="$TMP/repo"
    mkdir -p "$r/bin"
    ln -s "$NGXLINT" "$r/bin/ngxlint"
    cp "$F" "$r/nginx.conf"
    (
        cd "$r" && git init -q . && git add nginx.conf \
        && git -c user.name=t -c user.email=t@t commit -qm init
    )
    hooks() {
        ( cd "$r" && PATH="$r/bin:$PATH" PRE_COMMIT_HOME="$TMP/pc-home" \
          pre-commit try-repo "$NGXL_ROOT" ngxlint-conf --files nginx.conf ) > "$TMP/pc" 2>&1
    }
    hooks
    if [ $? -ne 0 ] && grep -q 'upstream-keepalive' "$TMP/pc"; then
        ok "pre-commit: the hook fails on a config with a missing keepalive"
    else
        not_ok "pre-commit: the hook did not fail" "$(cat "$TMP/pc")"
    fi
    "$NGXLINT" conf -q --write $V "$r/nginx.conf" 2>/dev/null
    hooks
    if [ $? -eq 0 ]; then
        ok "pre-commit: ...and passes once it is fixed"
    else
        not_ok "pre-commit: the hook still fails after the fix" "$(cat "$TMP/pc")"
    fi
else
    echo "# skipped: pre-commit or git is missing (make deps installs pre-commit)"
fi

# --- the CI examples are valid YAML
if python3 -c 'import yaml' 2>/dev/null; then
    for y in docs/examples/*.yml docs/examples/*.yaml .pre-commit-hooks.yaml; do
        if python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$y" 2>"$TMP/y"; then
            ok "$y is valid YAML"
        else
            not_ok "$y" "$(cat "$TMP/y")"
        fi
    done
fi

# --- make install into a scratch DESTDIR
d="$TMP/dest"
if make -s install DESTDIR="$d" PREFIX=/usr/local BUILD="${BUILD:-build}" >"$TMP/inst" 2>&1; then
    ok "make install DESTDIR=..."
else
    not_ok "make install" "$(cat "$TMP/inst")"
fi
run "$d/usr/local/bin/ngxlint" --version
expect_rc 0 "the installed binary runs"
run "$d/usr/local/bin/ngxlint" explain upstream-keepalive
expect_out '^# upstream-keepalive' "...with its docs compiled in"
for f in share/man/man1/ngxlint.1 share/bash-completion/completions/ngxlint \
         share/doc/ngxlint/rules/upstream-keepalive.md; do
    if [ -f "$d/usr/local/$f" ]; then ok "installed $f"; else not_ok "missing $f"; fi
done
if command -v man >/dev/null 2>&1; then
    w=$(man --warnings -l "$d/usr/local/share/man/man1/ngxlint.1" 2>&1 >/dev/null)
    if [ -z "$w" ]; then ok "the man page has no warnings (man --warnings)"; else not_ok "man --warnings" "$w"; fi
fi
if command -v bash >/dev/null 2>&1; then
    if bash -n "$d/usr/local/share/bash-completion/completions/ngxlint"; then
        ok "the bash completion parses"
    else
        not_ok "bash completion"
    fi
fi

done_testing
