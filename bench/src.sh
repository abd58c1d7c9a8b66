#!/bin/sh
# src.sh [NGXLINT]
#
# How fast `ngxlint src` parses and analyses nginx 1.22.1's source tree
# (Debian's source package, through tools/nginx-src.sh: every Linux .c file
# with the stand-in configuration headers, and the perl module's nginx.c
# from xsubpp), in translation units (TUs) per second, with and without the
# precompiled header of nginx's core headers (ngx_config.h, ngx_core.h,
# ngx_http.h):
#
#   pch -jN      the default: the precompiled header, N = the cores
#   no-pch -jN   --no-pch
#   pch -j1      one thread: the CPU time of one TU
#   no-pch -j1
#
# After a warm-up run of each, the -jN rows run RUNS times (default 3) and
# the -j1 rows RUNS_J1 times (default 1), interleaved.  The table shows the
# median wall time, TUs per second (TUs / wall), the median CPU time (user
# + sys) and CPU per TU, the peak RSS, and the speed-up of the precompiled
# header.  Every run must find exactly the three known lookups
# (src-unindexed-var) and no file that does not parse: else exit 1.
#
# Needs GNU time (/usr/bin/time); the nginx source needs apt-get source
# (root, or the cache in build/deps/nginx-src): exits 77 (skipped) without.
# Environment: RUNS, RUNS_J1, NGINX_SRC_DIR, TMPDIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
ngxlint=${1:-$top/build/ngxlint}
runs=${RUNS:-3}
runs1=${RUNS_J1:-1}
TIME=/usr/bin/time

die()  { echo "src.sh: $*" >&2; exit 1; }
skip() { echo "src.sh: $* (skipped)" >&2; exit 77; }

for v in "$runs" "$runs1"; do
    case $v in '' | *[!0-9]* | 0) die "RUNS and RUNS_J1 must be positive integers" ;; esac
done

if [ ! -x "$TIME" ] || ! "$TIME" -f '%e %M' -o /dev/null true 2>/dev/null; then
    skip "GNU time is missing: install Debian's 'time' package (/usr/bin/time)"
fi
case $ngxlint in /*) ;; *) ngxlint=$(pwd)/$ngxlint ;; esac
if [ ! -x "$ngxlint" ]; then
    echo "src.sh: $ngxlint: not found (run make first)" >&2
    exit 2
fi

if tree=$(cd "$top" && sh tools/nginx-src.sh "${NGINX_SRC_DIR:-build/deps/nginx-src}"); then
    :
else
    rc=$?
    [ "$rc" -eq 77 ] && skip "no nginx source"
    die "tools/nginx-src.sh failed (exit $rc)"
fi
case $tree in /*) ;; *) tree=$top/$tree ;; esac

BENCH=src.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/ngxlint-src-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

cores=$(nproc 2>/dev/null || echo 1)

# run LABEL ARGS...: one run (its own run(): the TUs and the findings); appends "wall_s cpu_s rss_kib tus" to
# $work/LABEL.runs, and checks the findings
run() {
    label=$1
    shift
    t0=$(now_ms)
    if "$TIME" -f '%e %M %U %S' -o "$work/time" "$ngxlint" src --format json "$@" "$tree" \
           >"$work/$label.json" 2>"$work/$label.err"
    then
        :
    else
        echo "src.sh: $label: exit status $?:" >&2
        tail -n 5 "$work/$label.err" >&2
        exit 1
    fi
    t1=$(now_ms)
    tus=$(sed -n 's/^ngxlint: \([0-9]*\) translation units parsed.*/\1/p' "$work/$label.err")
    hits=$(grep -c '"rule": "src-unindexed-var"' "$work/$label.json" || true)
    if [ "$hits" != 3 ] || grep -q 'does not parse' "$work/$label.err"; then
        echo "src.sh: $label: $hits findings, expected the 3 known ones:" >&2
        cat "$work/$label.err" >&2
        exit 1
    fi
    tail -n 1 "$work/time" | awk -v ms=$((t1 - t0)) -v ns="$have_ns" -v t="${tus:-0}" \
        '{ printf "%.3f %.2f %d %d\n", (ns == 1 ? ms / 1000 : $1), $3 + $4, $2, t }' \
        >>"$work/$label.runs"
}

all() {
    run pch
    run nopch --no-pch
}

all1() {
    run pch1 -j 1
    run nopch1 -j 1 --no-pch
}

echo "tree:    $tree"
echo "warm-up ..."
all
all1
rm -f "$work"/*.runs

echo "measuring: $runs runs at -j$cores, $runs1 at -j1 ..."
i=0
while [ "$i" -lt "$runs" ]; do
    all
    i=$((i + 1))
done
i=0
while [ "$i" -lt "$runs1" ]; do
    all1
    i=$((i + 1))
done

median() {
    cut -d' ' -f"$1" "$2" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
tus=$(median 4 "$work/pch.runs")

echo
echo "== ngxlint src benchmark (bench/src.sh): nginx 1.22.1, $tus translation units =="
echo "machine:  $cores CPUs, ${cpu:-unknown CPU}, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ngxlint:  $("$ngxlint" --version 2>&1 | head -n 1) (libclang $(dpkg-query -W -f='${Version}' libclang1-14 2>/dev/null || echo '?'))"
echo "runs:     median of $runs (-j$cores) and $runs1 (-j1), after a warm-up"
echo

{
    for t in pch nopch pch1 nopch1; do
        echo "$t $(median 1 "$work/$t.runs") $(median 2 "$work/$t.runs") $(median 3 "$work/$t.runs") $(median 4 "$work/$t.runs")"
    done
} | awk -v cores="$cores" '
    BEGIN {
        name["pch"] = "pch -j" cores
        name["nopch"] = "no-pch -j" cores
        name["pch1"] = "pch -j1"
        name["nopch1"] = "no-pch -j1"
        printf "%-14s %9s %9s %9s %12s %10s %9s\n", "run", "wall (s)", "TUs/s", "cpu (s)", "cpu/TU (ms)", "RSS (MiB)", "speed-up"
    }
    {
        wall[$1] = $2; cpu[$1] = $3; rss[$1] = $4; tus[$1] = $5
        order[++n] = $1
    }
    END {
        for (i = 1; i <= n; i++) {
            t = order[i]
            base = (t ~ /1$/) ? "nopch1" : "nopch"
            up = (t ~ /^pch/) ? sprintf("%.2fx", wall[base] / wall[t]) : "-"
            printf "%-14s %9.2f %9.1f %9.2f %12.1f %10.1f %9s\n", name[t], wall[t],
                   tus[t] / wall[t], cpu[t], 1000 * cpu[t] / tus[t], rss[t] / 1024, up
        }
    }'
echo "(speed-up: the same -j without the precompiled header / with it, in wall time;"
echo " cpu: user + sys, GNU time's 10 ms steps; every run found the 3 known lookups)"
