# `ngxlint conf --write` killed (SIGKILL) at random points of a large
# patch run: every file must be byte for byte either its old version or its
# fully fixed one, never half written; the only other files left are the
# temporary ones lib/fix/write.c documents (DIR/.NAME.ngxlint-new-PID-N,
# the new version being written, and DIR/.NAME.ngxlint-old-PID-N, a link to
# the original); and a second --write, not killed, finishes the job and
# removes those temporary files.
#
# The tree (made here, under $TMP): nginx.conf and WK_FILES (default 200)
# files, each with two upstreams without keepalive and a server whose
# locations use them, one with its own proxy_set_header: every file gets
# fixes (keepalive, proxy_http_version, the Connection header carrying the
# inherited headers).  The fixed version comes from one clean --write of a
# copy.  The kills, WK_RUNS (default 30), drawn with a fixed seed (WK_SEED,
# default 9): half after a delay between 80% of the time --fix takes
# (parsing and fixing, before any write) and 110% of the time --write
# takes (temporary files written and fsynced, links, renames); the other
# half as soon as a chosen file has been renamed, in the burst of renames
# at the end, where a delay seldom lands.
#
# Needs python3 (to generate), md5sum, awk, GNU date (milliseconds).
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

LC_ALL=C
export LC_ALL

FILES=${WK_FILES:-200}
RUNS=${WK_RUNS:-30}
SEED=${WK_SEED:-9}

for t in python3 md5sum awk; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "$t is missing"
        exit 77
    fi
done
case $(date +%N) in
*[!0-9]*|'') echo "date +%N is not GNU date's"; exit 77 ;;
esac

W="$TMP/wk"
mkdir -p "$W/orig/sites"

python3 - "$W/orig" "$FILES" <<'EOF'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/nginx.conf", "w") as f:
    f.write("events {}\nhttp {\n    proxy_set_header X-Tree yes;\n"
            "    include sites/*.conf;\n}\n")
for i in range(n):
    with open("%s/sites/site%03d.conf" % (d, i), "w") as f:
        f.write("# site %d\n"
                "upstream app%d {\n    server 127.0.0.1:%d;\n    server 127.0.0.1:%d;\n}\n\n"
                "upstream api%d {\n    server 127.0.0.1:%d;\n}\n\n"
                "server {\n    listen %d;\n    server_name s%d.example;\n\n"
                "    location / {\n        proxy_pass http://app%d;\n"
                "        proxy_set_header Host $host;\n    }\n\n"
                "    location /api/ {\n        proxy_pass http://api%d;\n    }\n}\n"
                % (i, i, 20000 + i, 21000 + i, i, 22000 + i, 8000 + i, i, i, i))
EOF

# now_ms: milliseconds since the epoch
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# md5s DIR: "RELATIVE-PATH MD5" of every regular file under DIR, sorted
md5s() {
    (cd "$1" && find . -type f | sort | xargs md5sum) | awk '{ print $2, $1 }'
}


# --- the fixed version, once, by a clean run on a copy

cp -a "$W/orig" "$W/fixed"
t0=$(now_ms)
run "$NGXLINT" conf --fix "$W/fixed/nginx.conf"
T_FIX=$(($(now_ms) - t0))
t0=$(now_ms)
run "$NGXLINT" conf --write "$W/fixed/nginx.conf"
T_WRITE=$(($(now_ms) - t0))
expect_rc 0 "a clean --write of the tree ($((FILES + 1)) files, ${T_WRITE} ms; --fix alone ${T_FIX} ms)"
expect_err "fix(es)? written to $FILES files" "...every site file is fixed"

md5s "$W/orig" >"$W/old.md5"
md5s "$W/fixed" >"$W/new.md5"
changed=$(join "$W/old.md5" "$W/new.md5" | awk '$2 != $3' | wc -l | tr -d ' ')
if [ "$changed" -ge "$FILES" ]; then
    ok "the fixed version differs from the old in $changed files"
else
    not_ok "the fixed version differs in only $changed files"
fi
run "$NGXLINT" conf --write "$W/fixed/nginx.conf"
if [ "$(md5s "$W/fixed")" = "$(cat "$W/new.md5")" ]; then
    ok "a second --write changes nothing (the fixed version is a fixed point)"
else
    not_ok "a second --write changed the fixed version"
fi


# --- the kills

lo=$((T_FIX * 8 / 10))
hi=$((T_WRITE * 11 / 10 + 1))
# half the runs: a delay; the other half: a file to wait for (the renames
# come last, in a burst, and a delay seldom lands there)
awk -v seed="$SEED" -v n="$RUNS" -v lo="$lo" -v hi="$hi" -v files="$FILES" '
    BEGIN {
        srand(seed)
        for (i = 0; i < n; i++) {
            if (i % 2 == 0) printf "%d\n", lo + rand() * (hi - lo)
            else printf "file%03d\n", int(rand() * files)
        }
    }' >"$W/delays"

mid=0
before=0
after=0
leftovers=0
k=0
while read -r ms; do
    k=$((k + 1))
    rm -rf "$W/run"
    cp -a "$W/orig" "$W/run"

    "$NGXLINT" conf -q --write "$W/run/nginx.conf" >/dev/null 2>&1 &
    pid=$!
    case $ms in
    file*)
        # as soon as that file is the fixed one (a busy wait, bounded by
        # the process): in the middle of the renames
        f=${ms#file}
        when="once site$f.conf is renamed"
        while kill -0 "$pid" 2>/dev/null \
              && ! cmp -s "$W/run/sites/site$f.conf" "$W/fixed/sites/site$f.conf"; do
            :
        done ;;
    *)
        when="after $ms ms"
        sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')" ;;
    esac
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?

    # each file: old, new, or neither; any other file: documented or not
    md5s "$W/run" >"$W/run.md5"
    verdict=$(awk '
        FILENAME == ARGV[1] { old[$1] = $2; next }
        FILENAME == ARGV[2] { new[$1] = $2; next }
        {
            if ($1 in old) {
                if ($2 == old[$1] && $2 == new[$1]) same++
                else if ($2 == old[$1]) o++
                else if ($2 == new[$1]) n++
                else { bad++; print "half " $1 > "/dev/stderr" }
                seen[$1] = 1
            } else if ($1 ~ /\/\.[^\/]*\.ngxlint-(new|old)-[0-9]+-[0-9]+$/) {
                t++
            } else {
                bad++; print "stray " $1 > "/dev/stderr"
            }
        }
        END {
            for (f in old) if (!(f in seen)) { bad++; print "gone " f > "/dev/stderr" }
            printf "%d %d %d %d\n", o, n, t, bad
        }' "$W/old.md5" "$W/new.md5" "$W/run.md5" 2>"$W/bad")
    # shellcheck disable=SC2086  # four numbers, split on purpose
    set -- $verdict
    n_old=$1 n_new=$2 n_tmp=$3 n_bad=$4

    case $rc in
    137) how="killed" ;;
    0)   how="finished first" ;;
    *)   how="exit $rc" ;;
    esac
    if [ "$n_new" -gt 0 ] && [ "$n_old" -gt 0 ]; then
        mid=$((mid + 1))
    elif [ "$n_new" -eq 0 ]; then
        before=$((before + 1))
    else
        after=$((after + 1))
    fi
    leftovers=$((leftovers + n_tmp))

    if [ "$n_bad" -eq 0 ] && { [ "$rc" -eq 137 ] || [ "$rc" -eq 0 ]; }; then
        ok "kill $k $when ($how): $n_old old, $n_new fixed, $n_tmp documented temporary files"
    else
        not_ok "kill $k $when ($how): $n_bad files neither old nor fixed, or not documented" \
            "$(head -20 "$W/bad")"
    fi

    # a run that is not killed finishes the job
    run "$NGXLINT" conf -q --write "$W/run/nginx.conf"
    md5s "$W/run" | awk '$1 !~ /\/\.[^\/]*\.ngxlint-(new|old)-[0-9]+-[0-9]+$/' >"$W/rerun.md5"
    n_left=$(find "$W/run" -name '.*.ngxlint-*-[0-9]*-[0-9]*' | wc -l | tr -d ' ')
    if [ "$n_tmp" -gt 0 ] && [ "$n_left" -eq 0 ]; then
        ok "kill $k: the second --write removed the $n_tmp temporary files the killed one left"
    elif [ "$n_left" -ne 0 ]; then
        not_ok "kill $k: $n_left temporary files left after a second --write" \
            "$(find "$W/run" -name '.*.ngxlint-*' | head -5)"
    fi
    if [ "$RC" -eq 0 ] && cmp -s "$W/rerun.md5" "$W/new.md5"; then
        ok "kill $k: a second --write gives the fixed version"
    else
        not_ok "kill $k: a second --write (exit $RC) does not give the fixed version" \
            "$(diff "$W/new.md5" "$W/rerun.md5" | head -10)
$ERR"
    fi
done <"$W/delays"

echo "# kills: $mid in the middle of the renames, $before before any, $after after all; $leftovers temporary files left"
if [ "$mid" -gt 0 ]; then
    ok "at least one kill landed between two renames ($mid of $RUNS)"
else
    not_ok "no kill landed between two renames: the delays missed the write phase (${T_FIX}-${T_WRITE} ms)"
fi

done_testing
