# `ngxlint src` on real nginx: Debian's nginx 1.22.1 source package
# (tools/nginx-src.sh fetches it with apt-get source, once, into
# build/deps/nginx-src, and runs xsubpp on the perl module's nginx.xs).
#
#   without a build   every Linux file parses with the stand-in headers,
#                     and src-unindexed-var finds exactly the three known
#                     lookups of the official modules: two in the SSI
#                     filter, one in nginx.xs (through xsubpp's #line)
#   objs/Makefile     a copy configured by nginx's own configure: its
#                     flags (nginx's default bare -O is a note; with
#                     --with-cc-opt=-O0 every file is an error), and a
#                     file parsed with the Makefile's own flags
#
# Not root and the source not cached (or no network): skip (77).
# NGINX_SRC_DIR: where the source is cached (default build/deps/nginx-src).
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

if ! command -v jq >/dev/null 2>&1; then
    echo "jq is missing (make deps installs it)"
    exit 1
fi

cd "$NGXL_ROOT" || exit 1

tree=$(sh tools/nginx-src.sh "${NGINX_SRC_DIR:-build/deps/nginx-src}")
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
case "$tree" in /*) ;; *) tree="$NGXL_ROOT/$tree" ;; esac


# --- the source tree, with stand-ins

run "$NGXLINT" src --format json "$tree"
expect_rc 0 "src on nginx 1.22.1's source: notes only"
expect_err '^ngxlint: [0-9]+ translation units parsed in .* precompiled nginx header\)$' \
    "every file parsed, with the precompiled nginx headers"
if printf '%s' "$ERR" | grep -q 'does not parse'; then
    not_ok "some nginx files do not parse with the stand-ins" "$ERR"
else
    ok "no file fails to parse"
fi

ntu=$(printf '%s' "$ERR" | sed -n 's/^ngxlint: \([0-9]*\) translation units parsed.*/\1/p')
nc=$(find "$tree/src" -name '*.c' | wc -l)
if [ -n "$ntu" ] && [ "$ntu" -gt 150 ] && [ "$ntu" -lt "$nc" ]; then
    ok "$ntu of the $nc .c files: other systems' left out (auto/sources)"
else
    not_ok "translation units parsed: ${ntu:-?} of $nc .c files"
fi

got=$(printf '%s' "$OUT" | jq -r '.findings[] | "\(.rule) \(.file | sub(".*/nginx-1.22.1/"; "")) \(.function)"' | sort)
want="src-unindexed-var src/http/modules/ngx_http_ssi_filter_module.c ngx_http_ssi_echo
src-unindexed-var src/http/modules/ngx_http_ssi_filter_module.c ngx_http_ssi_evaluate_string
src-unindexed-var src/http/modules/perl/nginx.xs XS_nginx_variable"
if [ "$got" = "$want" ]; then
    ok "exactly the three known lookups: ngx_http_ssi_echo, ngx_http_ssi_evaluate_string, nginx.xs"
else
    not_ok "the findings on nginx 1.22.1" "want:
$want
got:
$got"
fi

bad=$(printf '%s' "$OUT" | jq -r '.findings[] | "\(.file) \(.line)"' |
    while read -r f l; do
        sed -n "${l}p" "$f" | grep -q 'ngx_http_get_variable(' || echo "$f:$l"
    done)
[ -z "$bad" ] && ok "each is on its call's line (nginx.xs's own, through #line)" \
              || not_ok "findings not on a call's line" "$bad"

printf '%s' "$OUT" | jq -e '[.findings[] | select(.severity == "note" and .name_kind != "const"
                            and .name_kind != "conf")] | length == 3' >/dev/null \
    && ok "all three are notes: the names come from the SSI page and from Perl" \
    || not_ok "the severities on nginx 1.22.1" "$OUT"

printf '%s' "$OUT" | jq -e '.findings[] | select(.function == "ngx_http_ssi_evaluate_string")
                            | .loops == 1' >/dev/null \
    && ok "ngx_http_ssi_evaluate_string's lookup is in a loop" \
    || not_ok "the loop around ngx_http_ssi_evaluate_string's lookup" "$OUT"

# the precompiled header changes the time, not the findings
pch=$OUT
run "$NGXLINT" src --format json --no-pch "$tree"
expect_rc 0 "--no-pch on nginx's source"
if [ "$pch" = "$OUT" ]; then
    ok "--no-pch: the same findings"
else
    not_ok "--no-pch changes the findings" "$(printf '%s\n' "$pch" | diff - "$TMP/out")"
fi


# --- a configured copy: objs/Makefile

b="$TMP/nginx"
cp -r "$tree" "$b"

if (cd "$b" && ./configure) >"$TMP/configure.log" 2>&1; then
    run "$NGXLINT" src --format json --enable src-unoptimized,src-optimization-mixed,src-instrumented -p "$b"
    expect_rc 0 "objs/Makefile of a default configure: a note"
    cl=$(grep -n '^CFLAGS' "$b/objs/Makefile" | cut -d: -f1)
    printf '%s' "$OUT" | jq -e --argjson l "$cl" '(.findings | length == 1)
            and (.findings[0] | .rule == "src-unoptimized" and .severity == "note"
                 and (.file | endswith("objs/Makefile")) and .line == $l
                 and (.message | test("nginx.s default -O, which is -O1")))' >/dev/null \
        && ok "nginx's default -O (-O1): a note at objs/Makefile's CFLAGS (line $cl)" \
        || not_ok "the default configure's note" "$OUT"
    n=$(printf '%s' "$OUT" | jq '.findings[0].tus | length')
    nm=$(grep -c '^	$(CC) -c' "$b/objs/Makefile")
    [ "$n" = "$nm" ] && ok "every compile rule of objs/Makefile read ($n)" \
                     || not_ok "translation units from objs/Makefile: $n, rules: $nm"
    if printf '%s' "$ERR" | grep -q 'parsed'; then
        not_ok "the flag rules alone parsed the C" "$ERR"
    else
        ok "the flag rules alone parse nothing"
    fi

    # a file with the Makefile's own flags (its -I, objs/ngx_auto_config.h)
    run "$NGXLINT" src --format json -p "$b" "$b/src/http/modules/ngx_http_ssi_filter_module.c"
    expect_rc 0 "-p nginx FILE"
    expect_err '^ngxlint: 1 translation unit parsed' "... one file parsed"
    n=$(printf '%s' "$OUT" | jq '[.findings[] | select(.rule == "src-unindexed-var")] | length')
    [ "$n" = 2 ] && ok "the SSI filter's two lookups, with the Makefile's flags" \
                 || not_ok "the SSI filter with the Makefile's flags: $n findings" "$OUT"

    # the whole build, with the Makefile's flags: one PCH per include path
    run "$NGXLINT" src --format json -p "$b"
    expect_rc 0 "-p nginx: the whole build parsed"
    expect_err '^ngxlint: [0-9]+ translation units parsed in .*, [0-9]+ precompiled nginx headers\)$' \
        "... with a precompiled header per set of flags"
    got=$(printf '%s' "$OUT" | jq -r '.findings[] | "\(.rule) \(.function // "-")"' | sort | tr '\n' ' ')
    [ "$got" = "src-unindexed-var ngx_http_ssi_echo src-unindexed-var ngx_http_ssi_evaluate_string src-unoptimized - " ] \
        && ok "the SSI filter's two lookups and the -O note; perl is not configured" \
        || not_ok "the whole default build: $got" "$OUT"

    # -p objs/ works as well
    run "$NGXLINT" src --format json --enable src-unoptimized -p "$b/objs"
    expect_rc 0 "-p objs/"
    expect_out 'default -O, which is -O1' "... the same note"
else
    not_ok "./configure" "$(tail -20 "$TMP/configure.log")"
fi

if (cd "$b" && ./configure --with-cc-opt=-O0) >"$TMP/configure.log" 2>&1; then
    run "$NGXLINT" src --format json --enable src-unoptimized,src-optimization-mixed -p "$b"
    expect_rc 1 "objs/Makefile with --with-cc-opt=-O0: an error"
    printf '%s' "$OUT" | jq -e '(.findings | length == 1)
            and (.findings[0] | .severity == "error"
                 and (.message | test("^([0-9]+) of \\1 translation units built without optimisation"))
                 and (.notes[0].message | test(": -O, then -O0: the last -O wins$"))
                 and ([.notes[] | select(.message == "configure ran with: --with-cc-opt=-O0")] | length == 1))' >/dev/null \
        && ok "every file at -O0: nginx's -O, then --with-cc-opt's -O0 (configure's arguments noted)" \
        || not_ok "--with-cc-opt=-O0" "$OUT"
    run "$NGXLINT" src --color never --enable src-unoptimized -p "$b"
    expect_out "fix: configure nginx with --with-cc-opt='-O2'" "the hint is nginx's configure option"
else
    not_ok "./configure --with-cc-opt=-O0" "$(tail -20 "$TMP/configure.log")"
fi

done_testing
