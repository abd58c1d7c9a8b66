#!/bin/sh
# bin.sh [NGXLINT]
#
# How fast, and in how much memory, `ngxlint bin` judges every compilation
# unit of a large binary with debug information, compared with the tools
# one would otherwise use to read the producers:
#
#   ngxlint --list-cus   bin --list-cus --format json BIG: every CU's
#                        verdict (producer scan; DIE walk only for CUs
#                        whose producer records no flags)
#   ngxlint bin          bin BIG: the findings (the same reading, plus
#                        the rules)
#   dwarfdump -P         libdwarf's own producer listing (CU names per
#                        producer), when dwarfdump is installed
#   readelf | grep       readelf --debug-dump=info BIG | grep -c
#                        DW_AT_producer (binutils): one run, at most
#                        TIMEOUT seconds
#   ngxlint stripped     bin --list-cus --format json on a stripped copy
#                        of BIG: judged by machine code (prologues)
#   ngxlint nginx        bin --list-cus --format json on the system's
#                        nginx (Debian's is stripped: machine code)
#
# BIG comes from bench/gen-big-elf.sh (NCUS units, default 3000: about
# 270 MB, 200 MB of DWARF); build/bench/big-elf is reused when it is up to
# date.  After one warm-up run of each tool (the page cache is warm), the
# fast tools run RUNS times (default 5), interleaved, and readelf once; the
# table shows the median wall time, the median CPU time (user + sys), the
# median peak RSS, and the ratio peer wall / ngxlint --list-cus wall.  The CU count ngxlint reports is
# checked against readelf's DW_AT_producer lines (and dwarfdump's), and
# the goal "all CUs judged in under 0.1 s warm" is checked.
#
# Peak RSS counts the pages of BIG that a tool maps and touches (page
# cache, shared): for a tool that mmaps the file it is mostly that, not
# memory of its own.
#
# Needs GNU time (/usr/bin/time), gcc and binutils: exits 77 (skipped)
# without them.  dwarfdump is optional (Debian's dwarfdump package).
# Exits 1 when ngxlint fails, or its CU count or its count of -O0 units
# is wrong.
#
# Environment: RUNS (default 5), NCUS (default 3000), TIMEOUT (readelf's
# limit in seconds, default 300), NOREC (1: the units are compiled with
# -gno-record-gcc-switches, so ngxlint must walk every unit's DIEs; the
# binary is build/bench/big-elf-norec), NGINX (default: nginx on PATH, else
# /usr/sbin/nginx), TMPDIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
ngxlint=${1:-$top/build/ngxlint}
runs=${RUNS:-5}
ncus=${NCUS:-3000}
limit=${TIMEOUT:-300}
norec=${NOREC:-0}
goal=0.1
TIME=/usr/bin/time

die()  { echo "bin.sh: $*" >&2; exit 1; }
skip() { echo "bin.sh: $* (skipped)" >&2; exit 77; }

for v in "$runs" "$ncus" "$limit"; do
    case $v in '' | *[!0-9]* | 0) die "RUNS, NCUS and TIMEOUT must be positive integers" ;; esac
done

# ---- what we need -----------------------------------------------------------

if [ ! -x "$TIME" ] || ! "$TIME" -f '%e %M' -o /dev/null true 2>/dev/null; then
    skip "GNU time is missing: install Debian's 'time' package (/usr/bin/time)"
fi
for t in readelf strip timeout; do
    command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
done
if [ ! -x "$ngxlint" ]; then
    echo "bin.sh: $ngxlint: not found (run make first)" >&2
    exit 2
fi
have_dwarfdump=0
if command -v dwarfdump >/dev/null 2>&1; then
    have_dwarfdump=1
fi
if [ -z "${NGINX:-}" ]; then
    NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi
have_nginx=0
[ -f "$NGINX" ] && have_nginx=1

BENCH=bin.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/ngxlint-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# ---- the binary -------------------------------------------------------------

case $norec in
    0) outdir=$top/build/bench/big-elf ;;
    1) outdir=$top/build/bench/big-elf-norec ;;
    *) die "NOREC must be 0 or 1" ;;
esac
t0=$(date +%s)
if NOREC=$norec sh "$here/gen-big-elf.sh" "$outdir" "$ncus" >"$work/gen.out" 2>&1; then
    :
else
    rc=$?
    cat "$work/gen.out" >&2
    [ "$rc" -eq 77 ] && exit 77
    die "gen-big-elf.sh failed (exit $rc)"
fi
gen_s=$(( $(date +%s) - t0 ))
big=$outdir/big
if grep -q 'is up to date' "$work/gen.out"; then
    gen_note="reused"
else
    gen_note="generated in $gen_s s"
fi

stripped=$work/big-stripped
strip -o "$stripped" "$big" || die "strip failed"

# ---- the runs ---------------------------------------------------------------

# run LABEL OKCODES STDOUT CMD...: runs CMD under GNU time and appends
# "wall_s rss_kib cpu_s" to $work/LABEL.runs (or "timeout" when CMD is
# `timeout` and it fired); CMD's stdout goes to STDOUT, its stderr to
# $work/LABEL.err; an exit status not in OKCODES (a space-separated list)
# stops the benchmark.
run() {
    label=$1 ok=$2 stdout=$3
    shift 3
    t0=$(now_ms)
    if "$TIME" -f '%e %M %U %S' -o "$work/time" "$@" >"$stdout" 2>"$work/$label.err"
    then
        rc=0
    else
        rc=$?
    fi
    t1=$(now_ms)
    if [ "$rc" -eq 124 ] && [ "$1" = timeout ]; then
        echo "timeout" >>"$work/$label.runs"
        return 0
    fi
    case " $ok " in
        *" $rc "*) ;;
        *) echo "bin.sh: $label: exit status $rc:" >&2
           tail -n 5 "$work/$label.err" >&2
           exit 1 ;;
    esac
    # after a non-zero exit GNU time writes "Command exited with non-zero
    # status N" first: the numbers are on the last line
    tail -n 1 "$work/time" | awk -v ms=$((t1 - t0)) -v ns="$have_ns" \
        '{ printf "%.3f %d %.2f\n", (ns == 1 ? ms / 1000 : $1), $2, $3 + $4 }' >>"$work/$label.runs"
}

# ngxlint exits 1 when it has findings (the big binary has -O0 units)
list_cus() {
    run list 0 "$work/list.json" "$ngxlint" bin --list-cus --format json "$big"
}
findings() { run bin "0 1" "$work/bin.out" "$ngxlint" bin "$big"; }
stripped_run() {
    run stripped 0 "$work/stripped.json" "$ngxlint" bin --list-cus --format json "$stripped"
}
nginx_run() {
    [ "$have_nginx" = 1 ] || return 0
    run nginx 0 "$work/nginx.json" "$ngxlint" bin --list-cus --format json "$NGINX"
}
dwarfdump_run() {
    [ "$have_dwarfdump" = 1 ] || return 0
    run dwarfdump 0 "$work/dwarfdump.out" dwarfdump -P "$big"
}
# grep -c exits 1 when it counts nothing: the count says so
# shellcheck disable=SC2016
readelf_run() {
    run readelf "0 1" "$work/readelf.out" timeout "$limit" \
        sh -c 'readelf --debug-dump=info "$1" | grep -c DW_AT_producer' sh "$big"
}

echo "big:     $big ($gen_note)"
echo "warm-up ..."
list_cus
findings
stripped_run
nginx_run
dwarfdump_run
rm -f "$work"/*.runs

echo "measuring: $runs runs of each, readelf once (at most $limit s) ..."
i=0
while [ "$i" -lt "$runs" ]; do
    list_cus
    findings
    stripped_run
    nginx_run
    dwarfdump_run
    i=$((i + 1))
done
readelf_run

# ---- the counts -------------------------------------------------------------

# ngxlint's JSON has one "opt" a CU; "unknown" is a CU it could not judge
cus_ngxlint=$(grep -o '"opt": *"[^"]*"' "$work/list.json" | wc -l | tr -d ' ')
cus_unknown=$(grep -o '"opt": *"unknown"' "$work/list.json" | wc -l | tr -d ' ')
cus_o0=$(grep -o '"opt": *"\(O0\|unoptimized\)"' "$work/list.json" | wc -l | tr -d ' ')
# the generator makes units 5, 10, 15, ... -O0
tens=$((ncus / 10))
want_o0=$((tens * 2 + (ncus % 10 >= 5 ? 1 : 0)))
if grep -q timeout "$work/readelf.runs"; then
    cus_readelf=
else
    cus_readelf=$(tr -d ' ' <"$work/readelf.out")
fi
cus_dwarfdump=
if [ "$have_dwarfdump" = 1 ]; then
    cus_dwarfdump=$(grep -c "^    [0-9]*: '" "$work/dwarfdump.out" || true)
fi
findings_line=$(tail -n 1 "$work/bin.out")
ranges_stripped=$(grep -o '"opt": *"[^"]*"' "$work/stripped.json" | wc -l | tr -d ' ')

# ---- the report -------------------------------------------------------------

# median COLUMN FILE: the median of a column (for an even count, the mean
# of the middle two)
median() {
    cut -d' ' -f"$1" "$2" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# spread FILE: "min-max" of the wall times
spread() {
    cut -d' ' -f1 "$1" | sort -n |
        awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f-%.3f", lo, hi }'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
size=$(wc -c < "$big")
dwarf=$(size -A "$big" 2>/dev/null | awk '$1 ~ /^\.(z)?debug_/ { d += $2 } END { printf "%d", d }')

echo
if [ "$norec" = 1 ]; then
    echo "== ngxlint bin benchmark (bench/bin.sh, $ncus units, no flags recorded: DIE walks) =="
else
    echo "== ngxlint bin benchmark (bench/bin.sh, $ncus units) =="
fi
echo "machine:  $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "ngxlint:  $("$ngxlint" --version 2>&1 | head -n 1) (libdwarf $(pkgver libdwarf1), libelf $(pkgver libelf1))"
echo "peers:    $(readelf --version | head -n 1), dwarfdump $([ "$have_dwarfdump" = 1 ] && pkgver dwarfdump || echo 'not installed')"
awk -v f="$big" -v s="$size" -v d="$dwarf" -v n="$gen_note" 'BEGIN {
    printf "binary:   %s: %.1f MB, %.1f MB of DWARF (%s)\n", f, s / 1e6, d / 1e6, n }'
awk -v s="$(wc -c < "$stripped")" 'BEGIN { printf "stripped: the same, stripped: %.1f MB\n", s / 1e6 }'
if [ "$have_nginx" = 1 ]; then
    echo "nginx:    $NGINX ($(wc -c < "$NGINX") bytes; $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'))"
fi
echo "runs:     $runs of each after a warm-up (readelf: 1); median (min-max); MB = 10^6 bytes"
echo

{
    for t in list bin dwarfdump readelf stripped nginx; do
        f=$work/$t.runs
        if [ ! -s "$f" ]; then
            echo "$t missing"
        elif grep -q timeout "$f"; then
            echo "$t timeout"
        else
            echo "$t $(median 1 "$f") $(median 2 "$f") $(spread "$f") $(wc -l < "$f") $(median 3 "$f")"
        fi
    done
} | awk -v limit="$limit" '
    BEGIN {
        name["list"] = "ngxlint --list-cus"
        name["bin"] = "ngxlint bin"
        name["dwarfdump"] = "dwarfdump -P"
        name["readelf"] = "readelf | grep"
        name["stripped"] = "ngxlint stripped"
        name["nginx"] = "ngxlint nginx"
        miss["dwarfdump"] = "not installed (apt-get install dwarfdump)"
        miss["nginx"] = "not installed"
        printf "%-19s %9s %13s %8s %15s %10s\n", "tool", "wall (s)", "(min-max)", "cpu (s)", "peak RSS (MiB)", "ratio"
    }
    $2 == "missing" { printf "%-19s %s\n", name[$1], miss[$1]; next }
    $2 == "timeout" { printf "%-19s %9s %13s %8s %15s %10s\n", name[$1], ">" limit " s", "", "-", "-", "-"; next }
    {
        if ($1 == "list") base = $2
        if ($1 == "list" || $1 == "stripped" || $1 == "nginx") ratio = "-"
        else ratio = sprintf("%.1fx", base > 0 ? $2 / base : 0)
        # readelf runs once: no spread
        printf "%-19s %9.3f %13s %8.2f %15.1f %10s\n", name[$1], $2,
               ($5 > 1 ? "(" $4 ")" : ""), $6, $3 / 1024, ratio
    }'
echo "(ratio: peer wall / ngxlint --list-cus wall; cpu: user + sys, in GNU time's"
echo " 10 ms steps: a wall time well above it means the machine was busy; the"
echo " stripped and nginx rows are ngxlint judging machine code, shown for their"
echo " time)"
echo

ok=1
echo "CUs:      ngxlint $cus_ngxlint ($cus_o0 -O0, $cus_unknown not judged);" \
     "readelf ${cus_readelf:-? (timed out)} DW_AT_producer lines${cus_dwarfdump:+; dwarfdump -P $cus_dwarfdump}"
if [ -n "$cus_readelf" ]; then
    if [ "$cus_ngxlint" = "$cus_readelf" ]; then
        echo "          the counts match"
    else
        echo "          MISMATCH: ngxlint $cus_ngxlint, readelf $cus_readelf"
        ok=0
    fi
fi
if [ -n "$cus_dwarfdump" ] && [ "$cus_dwarfdump" != "$cus_ngxlint" ]; then
    echo "          MISMATCH: ngxlint $cus_ngxlint, dwarfdump -P $cus_dwarfdump"
    ok=0
fi
if [ "$cus_o0" = "$want_o0" ]; then
    echo "verdicts: $cus_o0 units -O0, as built"
else
    echo "verdicts: WRONG: ngxlint finds $cus_o0 units -O0; $want_o0 were built -O0"
    ok=0
fi
echo "findings: $findings_line"
echo "stripped: $ranges_stripped unoptimised address ranges found by machine code (-O0 units built: $want_o0)"

wall=$(median 1 "$work/list.runs")
if awk -v w="$wall" -v g="$goal" -v u="$cus_unknown" -v n="$cus_ngxlint" \
       'BEGIN { exit !(w < g && u == 0 && n > 0) }'
then
    echo "goal:     all $cus_ngxlint CUs judged in under $goal s warm: met ($wall s)"
else
    echo "goal:     all CUs judged in under $goal s warm: NOT met ($wall s, $cus_unknown of $cus_ngxlint not judged)"
fi

[ "$ok" = 1 ] || exit 1
exit 0
