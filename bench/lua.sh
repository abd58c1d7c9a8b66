#!/bin/sh
# lua.sh [NGXLINT] [SCALE]
#
# How fast, and in how much memory, `ngxlint lua` reads a large OpenResty
# Lua tree, compared in the same run with:
#
#   luajit loadfile   LuaJIT (Debian's luajit2, a project dependency) loads
#                     and compiles every file to bytecode, running none: the
#                     parser that will really run this code
#   grep -c ngx.var   grep -rc 'ngx\.var' over the tree: a trivial floor
#
# and ngxlint's own modes:
#
#   ngxlint list      lua --list-accesses --format json DIR (to /dev/null):
#                     parse, walk, every access as JSON
#   ngxlint lua DIR   lua DIR: the same, then the rules (no configuration:
#                     phases unknown, so few findings)
#   ngxlint project   lua -q nginx.conf: the tree as a project (modules
#                     through lua_package_path, phases through require,
#                     content_by_lua_file handlers), the rules, the findings
#   ... on 1 CPU      the project under taskset -c 0: the files are parsed
#                     ahead of the walk on the other CPUs; this row is what
#                     one CPU does alone (tree-sitter's parse is ~80% of it)
#
# The tree comes from bench/gen-lua-tree.sh (SCALE 1: about 4,400 files,
# 39 MB of Lua); build/bench/lua-tree-SCALE is used as it is when present,
# else the tree is generated into a temporary directory and removed
# afterwards.  One warm-up run of each tool fills the page cache and checks
# the verdicts: LuaJIT loads every file; ngxlint reports exactly the
# accesses the generator wrote (each file read once, every access seen,
# also as a project, where the handlers are reached both as
# content_by_lua_file and as modules), and no lua-syntax.  Then each tool
# runs RUNS times (default 5), interleaved; the table shows the median wall
# time, the throughput (MB = 10^6 bytes of Lua; files/s), and the median
# peak RSS, then each ngxlint mode against LuaJIT and grep, and the goal
# from the issue: 10 MB/s or more end to end.
#
# Needs GNU time (/usr/bin/time, Debian's `time` package): exits 77
# (skipped) without it.  LuaJIT is optional (its rows are left out), jq is
# needed for the checks.
#
# Environment: RUNS (default 5), LUAJIT (default: luajit on PATH), TMPDIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
ngxlint=${1:-$top/build/ngxlint}
scale=${2:-1}
runs=${RUNS:-5}
goal=10
TIME=/usr/bin/time

die()  { echo "lua.sh: $*" >&2; exit 1; }
skip() { echo "lua.sh: $* (skipped)" >&2; exit 77; }

case $runs in '' | *[!0-9]* | 0) die "RUNS must be a positive integer" ;; esac

# ---- what we need ---------------------------------------------------------

if [ ! -x "$TIME" ] || ! "$TIME" -f '%e %M' -o /dev/null true 2>/dev/null; then
    skip "GNU time is missing: install Debian's 'time' package (/usr/bin/time)"
fi
command -v jq >/dev/null 2>&1 || skip "jq is missing (make deps installs it)"
if [ ! -x "$ngxlint" ]; then
    echo "lua.sh: $ngxlint: not found (run make first)" >&2
    exit 2
fi
LUAJIT=${LUAJIT:-$(command -v luajit 2>/dev/null || true)}
if [ -n "$LUAJIT" ] && [ ! -x "$LUAJIT" ]; then
    LUAJIT=
fi
[ -n "$LUAJIT" ] || echo "lua.sh: luajit is not installed: its row is left out" >&2

BENCH=lua.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/ngxlint-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# ---- the tree -------------------------------------------------------------

tree=$top/build/bench/lua-tree-$scale
if [ -f "$tree/.ngxlint-bench-tree" ] && [ -d "$tree/lua" ]; then
    echo "tree: $tree (reused)"
else
    tree=$work/tree
    printf 'tree: generating scale %s into %s ... ' "$scale" "$tree"
    t0=$(date +%s)
    sh "$here/gen-lua-tree.sh" "$tree" "$scale"
    echo "done in $(( $(date +%s) - t0 )) s"
fi

find "$tree/lua" -type f -name '*.lua' | sort > "$work/files"
nfiles=$(wc -l < "$work/files" | tr -d ' ')
bytes=$(xargs cat < "$work/files" | wc -c | tr -d ' ')
accesses=$(sed -n 's/^accesses //p' "$tree/.ngxlint-bench-tree")

# LuaJIT: load (parse and compile) every file, run none
cat > "$work/load.lua" <<'EOF'
local n, bad = 0, 0
for path in io.lines(arg[1]) do
    n = n + 1
    local f, err = loadfile(path)
    if not f then
        bad = bad + 1
        io.stderr:write(err, "\n")
    end
end
print(n, bad)
EOF

# ---- the runs -------------------------------------------------------------

list()    { run list "0" "${1:-/dev/null}" "$ngxlint" lua --list-accesses --format json "$tree/lua"; }
lint()    { run lint "0 1" "${1:-/dev/null}" "$ngxlint" lua "$tree/lua"; }
project() { run project "0 1" "${1:-/dev/null}" "$ngxlint" lua -q "$tree/nginx.conf"; }
project1() { run project1 "0 1" "${1:-/dev/null}" taskset -c 0 "$ngxlint" lua -q "$tree/nginx.conf"; }
luajit()  { run luajit "0" "$work/luajit.out" "$LUAJIT" "$work/load.lua" "$work/files"; }
grepc()   { run grep "0 1" /dev/null grep -rc --include='*.lua' 'ngx\.var' "$tree/lua"; }

tools="list lint project"
# the same on one CPU: parsing ahead on the other CPUs is what reaches the
# goal; this row shows what one CPU does alone
if [ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null 2>&1; then
    tools="$tools project1"
fi
[ -n "$LUAJIT" ] && tools="$tools luajit"
tools="$tools grep"

# the warm-up fills the page cache, and checks the verdicts
echo "warm-up ..."
list "$work/list.json"
lint "$work/lint.out"
project "$work/project.out"
[ -n "$LUAJIT" ] && luajit
grepc

got=$(jq '.accesses | length' "$work/list.json")
[ "$got" = "$accesses" ] ||
    die "ngxlint lists $got accesses, the generator wrote $accesses (a file read twice, or an access missed)"
"$ngxlint" lua --list-accesses --format json "$tree/nginx.conf" > "$work/plist.json" 2>/dev/null ||
    die "ngxlint lua --list-accesses nginx.conf failed"
got=$(jq '.accesses | length' "$work/plist.json")
[ "$got" = "$accesses" ] ||
    die "as a project, ngxlint lists $got accesses, the generator wrote $accesses (a file read twice, or an access missed)"
if grep -q 'lua-syntax' "$work/lint.out"; then
    die "ngxlint reports lua-syntax on generated code: $(grep -m 3 'lua-syntax' "$work/lint.out")"
fi
if [ -n "$LUAJIT" ]; then
    set -- $(cat "$work/luajit.out")
    [ "${1:-0}" = "$nfiles" ] && [ "${2:-1}" = 0 ] ||
        die "LuaJIT loaded ${1:-0} of $nfiles files, ${2:-?} failed: $(head -n 3 "$work/luajit.err")"
fi
findings=$(grep -c '\[lua-[a-z-]*\]$' "$work/project.out" || true)
rm -f "$work"/*.runs

echo "measuring: $runs runs of each ..."
i=0
while [ "$i" -lt "$runs" ]; do
    for t in $tools; do
        case $t in grep) grepc ;; *) "$t" ;; esac
    done
    i=$((i + 1))
done

# ---- the report -----------------------------------------------------------

median() {
    cut -d' ' -f"$1" "$2" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
spread() {
    cut -d' ' -f1 "$1" | sort -n |
        awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f-%.3f", lo, hi }'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)

echo
echo "== ngxlint lua benchmark (bench/lua.sh, scale $scale) =="
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "ngxlint: $("$ngxlint" --version 2>&1 | head -n 1)"
[ -n "$LUAJIT" ] && echo "luajit:  $("$LUAJIT" -v 2>&1 | head -n 1)"
awk -v b="$bytes" -v f="$nfiles" -v a="$accesses" 'BEGIN {
    printf "tree:    %.1f MB of Lua (%d bytes) in %d files, %d ngx.var accesses\n", b / 1e6, b, f, a }'
echo "runs:    $runs of each after a warm-up; median (min-max); MB = 10^6 bytes of Lua"
echo "checks:  every access listed once (as files and as a project); LuaJIT loads every file"
echo "project: $findings findings"
echo

for t in $tools; do
    echo "$t $(median 1 "$work/$t.runs") $(median 2 "$work/$t.runs") $(spread "$work/$t.runs")"
done | awk -v b="$bytes" -v f="$nfiles" -v goal="$goal" '
    BEGIN {
        name["list"] = "ngxlint list"
        name["lint"] = "ngxlint lua DIR"
        name["project"] = "ngxlint project"
        name["project1"] = "  ... on 1 CPU"
        name["luajit"] = "luajit loadfile"
        name["grep"] = "grep -c ngx.var"
        printf "%-16s %9s %15s %8s %9s %15s\n", "tool", "wall (s)", "(min-max)", "MB/s", "files/s", "peak RSS (MiB)"
    }
    {
        wall[$1] = $2; rss[$1] = $3; seen[++n] = $1
        printf "%-16s %9.3f %15s %8.1f %9.0f %15.1f\n", name[$1], $2, "(" $4 ")",
               ($2 > 0 ? b / 1e6 / $2 : 0), ($2 > 0 ? f / $2 : 0), $3 / 1024
    }
    END {
        print ""
        for (k = 1; k <= 3; k++) {
            t = (k == 1) ? "list" : (k == 2) ? "lint" : "project"
            line = sprintf("%-16s", name[t])
            if ("luajit" in wall)
                line = line sprintf(" %5.1fx LuaJIT'"'"'s wall time, %5.2fx its RSS;", \
                       (wall["luajit"] > 0 ? wall[t] / wall["luajit"] : 0), \
                       (rss["luajit"] > 0 ? rss[t] / rss["luajit"] : 0))
            line = line sprintf(" %5.1fx grep'"'"'s wall time", (wall["grep"] > 0 ? wall[t] / wall["grep"] : 0))
            print line
        }
        print ""
        for (k = 1; k <= 3; k++) {
            t = (k == 1) ? "list" : (k == 2) ? "lint" : "project"
            mbs = wall[t] > 0 ? b / 1e6 / wall[t] : 0
            printf "goal (>= %d MB/s end to end): %-16s %6.1f MB/s: %s\n", goal, name[t], mbs,
                   (mbs >= goal ? "met" : "NOT met")
        }
        if ("project1" in wall && wall["project1"] > 0)
            printf "one CPU (taskset -c 0):       ngxlint project  %6.1f MB/s (%.2fx the time on all CPUs)\n",
                   b / 1e6 / wall["project1"], wall["project1"] / wall["project"]
    }'
