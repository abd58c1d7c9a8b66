#!/bin/sh
# conf.sh [NGXLINT] [SCALE]
#
# How fast, and in how much memory, ngxlint reads a large configuration
# tree compared with `nginx -t` (Debian's nginx with the Lua module):
#
#   nginx -t          nginx's own test: parse, load modules, merge, build
#                     hashes, compile regexes, start the Lua VM
#   ngxlint parse     the tree to crossplane's JSON (stdout to /dev/null)
#   ngxlint conf -q   parse and lint
#
# The tree comes from bench/gen-conf-tree.sh (SCALE 1: about 22 MB, 4,000
# servers, 4,200 upstreams, some 580 files); build/bench/conf-tree-SCALE is
# used as it is when present, else the tree is generated into a temporary
# directory and removed afterwards.  After one warm-up run of each tool
# (which also checks that nginx accepts the tree), each tool runs RUNS
# times (default 5), interleaved; the table shows the median wall time,
# the throughput, and the median peak RSS.
#
# Needs GNU time (/usr/bin/time, Debian's `time` package) and nginx: exits
# 77 (skipped) without either.
#
# Environment: RUNS (default 5), NGINX (default: nginx on PATH, else
# /usr/sbin/nginx), TMPDIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
ngxlint=${1:-$top/build/ngxlint}
scale=${2:-1}
runs=${RUNS:-5}
TIME=/usr/bin/time

die()  { echo "conf.sh: $*" >&2; exit 1; }
skip() { echo "conf.sh: $* (skipped)" >&2; exit 77; }

case $runs in '' | *[!0-9]* | 0) die "RUNS must be a positive integer" ;; esac

# ---- what we need ---------------------------------------------------------

if [ ! -x "$TIME" ] || ! "$TIME" -f '%e %M' -o /dev/null true 2>/dev/null; then
    skip "GNU time is missing: install Debian's 'time' package (/usr/bin/time)"
fi
if [ -z "${NGINX:-}" ]; then
    NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi
[ -x "$NGINX" ] || skip "nginx is not installed ($NGINX)"
if [ ! -x "$ngxlint" ]; then
    echo "conf.sh: $ngxlint: not found (run make first)" >&2
    exit 2
fi

BENCH=conf.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/ngxlint-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# ---- the tree -------------------------------------------------------------

tree=$top/build/bench/conf-tree-$scale
if [ -f "$tree/nginx.conf" ]; then
    echo "tree: $tree (reused)"
else
    tree=$work/tree
    printf 'tree: generating scale %s into %s ... ' "$scale" "$tree"
    t0=$(date +%s)
    sh "$here/gen-conf-tree.sh" "$tree" "$scale"
    echo "done in $(( $(date +%s) - t0 )) s"
fi

# conf_files [FIND-ACTION...]: the configuration proper, what nginx and
# ngxlint read (not the logs, temp and cache directories, which nginx -t
# creates or opens for writing)
conf_files() {
    find "$tree" -type f ! -path "$tree/logs/*" ! -path "$tree/tmp/*" \
         ! -path "$tree/cache/*" ! -name '.ngxlint-bench-tree' "$@"
}
nfiles=$(conf_files -print | wc -l)
bytes=$(conf_files -exec cat {} + | wc -c)
# block counts, for the record (the generator opens one block a line)
counts=$(conf_files -exec cat {} + | awk '
    /^[ \t]*server[ \t]*\{/ { s++ }
    /^[ \t]*upstream[ \t]/  { u++ }
    /^[ \t]*location[ \t]/  { l++ }
    /_by_lua_block[ \t]/    { b++ }
    END { printf "%d servers, %d locations, %d upstreams, %d Lua blocks", s, l, u, b }')

# ---- the runs -------------------------------------------------------------

nginx_t() {
    run nginx "0" /dev/null \
        "$NGINX" -t -p "$tree/" -c "$tree/nginx.conf" -e "$tree/logs/error.log"
}
parse() { run parse "0" /dev/null "$ngxlint" parse "$tree/nginx.conf"; }
# the front end alone: read, tokenize and parse every file, follow every
# include, judge the syntax (no JSON, no semantic model)
front() {
    run front "0" /dev/null "$ngxlint" conf -q --enable conf-syntax,conf-include \
        "$tree/nginx.conf"
}
lint()  { run lint "0 1" "$work/lint.out" "$ngxlint" conf -q "$tree/nginx.conf"; }

# the warm-up fills the page cache, and checks the verdicts
echo "warm-up ..."
nginx_t
front
parse
lint
if ! grep -q 'syntax is ok' "$work/nginx.err" ||
   ! grep -q 'test is successful' "$work/nginx.err"; then
    die "nginx -t does not accept the tree: $(cat "$work/nginx.err")"
fi
findings=$(wc -l < "$work/lint.out")
rm -f "$work"/*.runs

echo "measuring: $runs runs of each ..."
i=0
while [ "$i" -lt "$runs" ]; do
    nginx_t
    front
    parse
    lint
    i=$((i + 1))
done

# ---- the report -----------------------------------------------------------

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
lua_pkg=$(dpkg-query -W -f='${Version}' libnginx-mod-http-lua 2>/dev/null || true)

echo
echo "== ngxlint conf benchmark (bench/conf.sh, scale $scale) =="
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')${lua_pkg:+ (lua module $lua_pkg)}"
echo "ngxlint: $("$ngxlint" --version 2>&1 | head -n 1)"
awk -v b="$bytes" -v f="$nfiles" -v c="$counts" 'BEGIN {
    printf "tree:    %.1f MB (%d bytes) in %d files: %s\n", b / 1e6, b, f, c }'
echo "runs:    $runs of each after a warm-up; median (min-max); MB = 10^6 bytes"
echo "lint:    $findings findings"
echo

for t in nginx front parse lint; do
    echo "$t $(median 1 "$work/$t.runs") $(median 2 "$work/$t.runs") $(spread "$work/$t.runs")"
done | awk -v b="$bytes" '
    BEGIN {
        name["nginx"] = "nginx -t"
        name["front"] = "ngxlint parsing"
        name["parse"] = "ngxlint parse"
        name["lint"] = "ngxlint conf -q"
        printf "%-16s %9s %13s %8s %15s\n", "tool", "wall (s)", "(min-max)", "MB/s", "peak RSS (MiB)"
        # parsing: conf -q --enable conf-syntax,conf-include (the front end)
        # parse:   the crossplane JSON of the whole tree, to /dev/null
        # conf -q: parse, build the model, run every rule
    }
    {
        wall[$1] = $2; rss[$1] = $3
        printf "%-16s %9.3f %13s %8.1f %15.1f\n", name[$1], $2, "(" $4 ")",
               ($2 > 0 ? b / 1e6 / $2 : 0), $3 / 1024
    }
    END {
        print ""
        for (k = 1; k <= 3; k++) {
            t = (k == 1) ? "front" : (k == 2) ? "parse" : "lint"
            printf "%-15s vs nginx -t: speed-up %5.1fx (nginx wall / ngxlint wall), memory %.2fx (ngxlint RSS / nginx RSS)\n",
                   name[t], (wall[t] > 0 ? wall["nginx"] / wall[t] : 0), rss[t] / rss["nginx"]
        }
    }'
