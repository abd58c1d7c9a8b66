# The fixes on the real configurations of ../shared/corpus, held to real
# nginx: every file Debian's nginx accepted (nginx-t.tsv, class "ok") is
# fed to nginx as the corpus's run fed it (its wrapper), with the modules
# installed here loaded (Lua, and echo, which its tests use), and nginx -t
# must accept it here too (else it is left out: a missing file, another
# module).  Then `ngxlint conf --write` on a copy:
#
#   - no error (exit 0 or 1: nginx took the file, so must ngxlint);
#   - a changed file passes nginx -t;
#   - every server and location keeps its effective settings but those the
#     fixes are meant to change (tests/tools/sameconf, lib/fix/same.c);
#   - a second --write changes nothing.
#
# Nothing under ../shared is written: each file is copied into a scratch
# directory, which is nginx's prefix.  NGXL_CORPUS names another corpus.
# Runs the files on every CPU (xargs -P); with a sanitizer build, every 4th
# (NGXL_FIX_CORPUS_STEP=N: every Nth).  Exits 77 without nginx or the
# corpus.
. tests/e2e/lib.sh

CORPUS=${NGXL_CORPUS:-../shared/corpus}
MODS=/usr/lib/nginx/modules
HAVE=$(ls "$MODS" 2>/dev/null | tr '\n' ' ')
SAMECONF="${BUILD:-build}/tests/tools/sameconf"
case "$SAMECONF" in /*) ;; *) SAMECONF="$NGXL_ROOT/$SAMECONF" ;; esac
case "$CORPUS" in /*) ;; *) CORPUS="$NGXL_ROOT/$CORPUS" ;; esac

# one FILE WRAPPER N: the checks for one file, in $WORK/N; prints one line,
# "ok|fixed|skip FILE" or "FAIL FILE: why"
one() {
    d=$WORK/$3
    rm -rf "$d"; mkdir -p "$d"
    src=$CORPUS/configs/$1

    # the corpus's run had more modules: the load_module lines of those
    # not here are commented out, its scratch directory is this one
    sed -e "s|/tmp/nginx-corpus/|$d/|g" "$src" |
        awk -v have=" $HAVE " '
            /^[ \t]*load_module[ \t]/ {
                m = $2; sub(/;$/, "", m); sub(/.*\//, "", m)
                if (index(have, " " m " ") == 0) { print "# " $0; next }
            }
            { print }' >"$d/src"

    {
        for m in $HAVE; do
            grep -q "load_module.*/$m" "$d/src" || echo "load_module $MODS/$m;"
        done
        case $2 in
        raw)      cat "$d/src" ;;
        events)   echo 'events {}'; cat "$d/src" ;;
        http)     echo 'events {}'; echo 'http {'; cat "$d/src"; echo '}' ;;
        server)   echo 'events {}'; echo 'http {'; echo 'server {'; cat "$d/src"
                  echo '}'; echo '}' ;;
        location) echo 'events {}'; echo 'http {'; echo 'server {'
                  echo 'location / {'; cat "$d/src"; echo '}'; echo '}'; echo '}' ;;
        *)        return 0 ;;
        esac
    } >"$d/nginx.conf"
    rm -f "$d/src"

    # nginx opens the logs the file names, relative ones inside the prefix
    mkdir -p "$d/logs"
    if ! nginx -t -q -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" \
            >/dev/null 2>&1; then
        echo "skip $1"
        rm -rf "$d"
        return 0
    fi

    cp "$d/nginx.conf" "$d/original.conf"
    "$NGXLINT" conf -q --no-config --write --nginx "$(command -v nginx)" \
        "$d/nginx.conf" >"$d/out" 2>&1
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "FAIL $1: ngxlint conf --write exit $rc: $(head -3 "$d/out" | tr '\n' ' ')"
        return 0
    fi

    if cmp -s "$d/original.conf" "$d/nginx.conf"; then
        echo "ok $1"
        rm -rf "$d"
        return 0
    fi

    if ! nginx -t -q -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" \
            >"$d/t" 2>&1; then
        echo "FAIL $1: nginx -t rejects the fixed file: $(head -2 "$d/t" | tr '\n' ' ')"
        return 0
    fi

    if ! "$SAMECONF" "$d/original.conf" "$d/nginx.conf" >"$d/same" 2>&1; then
        echo "FAIL $1: the fix changed other effective settings: $(head -4 "$d/same" | tr '\n' ' ')"
        return 0
    fi

    cp "$d/nginx.conf" "$d/first.conf"
    "$NGXLINT" conf -q --no-config --write --nginx "$(command -v nginx)" \
        "$d/nginx.conf" >/dev/null 2>&1
    if ! cmp -s "$d/first.conf" "$d/nginx.conf"; then
        echo "FAIL $1: a second --write changed the file"
        return 0
    fi

    echo "fixed $1"
    rm -rf "$d"
}

if [ "${1:-}" = --one ]; then
    WORK=$2
    shift 2
    one "$@"
    exit 0
fi

if ! command -v nginx >/dev/null 2>&1; then
    echo "nginx is not installed"; exit 77
fi
if [ ! -f "$CORPUS/nginx-t.tsv" ]; then
    echo "no corpus at $CORPUS"; exit 77
fi
if [ ! -x "$SAMECONF" ]; then
    echo "$SAMECONF is not built (make unit)"; exit 77
fi

# a sanitizer build is several times slower: every STEPth file then
STEP=${NGXL_FIX_CORPUS_STEP:-1}
if [ -z "${NGXL_FIX_CORPUS_STEP:-}" ] &&
   ldd "$NGXLINT" 2>/dev/null | grep -q libasan; then
    STEP=4
    echo "# a sanitizer build: every ${STEP}th file"
fi

# the files nginx accepted, numbered for their scratch directories
awk -F '\t' -v step="$STEP" 'NR > 1 && $3 == "ok" && ++n % step == 0 {
        print $1, $2, NR }' "$CORPUS/nginx-t.tsv" >"$TMP/list"

ME=$0
case "$ME" in /*) ;; *) ME="$NGXL_ROOT/$ME" ;; esac
mkdir -p "$TMP/w"

NGXLINT=$NGXLINT xargs -P "$(nproc 2>/dev/null || echo 2)" -n 3 \
    sh "$ME" --one "$TMP/w" <"$TMP/list" >"$TMP/results"

total=$(wc -l <"$TMP/list" | tr -d ' ')
skipped=$(grep -c '^skip ' "$TMP/results")
same=$(grep -c '^ok ' "$TMP/results")
fixed=$(grep -c '^fixed ' "$TMP/results")
failed=$(grep -c '^FAIL ' "$TMP/results")
echo "# $total files nginx accepted: $skipped not accepted here (a missing file, another module), $same needed no fix, $fixed fixed, $failed failed"

if [ "$failed" = 0 ] && [ "$((same + fixed + skipped))" = "$total" ]; then
    ok "every file nginx -t accepts is fixed to one it accepts, with the same meaning, to a fixed point ($fixed fixed)"
else
    not_ok "$failed of $total corpus files failed (or did not report)" \
        "$(grep '^FAIL ' "$TMP/results" | head -30)"
fi

if [ "$fixed" -ge $((40 / STEP)) ]; then
    ok "the corpus exercises the fixes ($fixed files changed)"
else
    not_ok "only $fixed corpus files were changed by the fixes: the test checks little"
fi

done_testing
