#!/bin/sh
# keepalive-qps.sh [NGXLINT]
#
# The end-to-end effect of ngxlint's keepalive fix, in requests a second
# through a real nginx proxy, on 127.0.0.1 only (the setup is
# tests/e2e/lib-nginx.sh's):
#
#   upstream   nginx, 1 worker, `return 200 "ok\n"`, one access-log line a
#              request ("$connection ..."), from which the connections it
#              accepted are counted
#   before     a proxy nginx, 2 workers, the seed incident: `upstream
#              backend { server ...; }` + `proxy_pass http://backend;`, no
#              keepalive: a new upstream connection for every request
#   after      a second proxy nginx, started with the same config, patched
#              by `ngxlint conf --write --nginx-version 1.22.1` (keepalive
#              32, proxy_http_version 1.1, Connection ""), checked with
#              nginx -t and reloaded
#
# wrk (THREADS threads, CONNS connections, keepalive to the proxy) runs
# DURATION seconds against each proxy, RUNS times each, interleaved
# (before, after, before, ...) after a 1-second warm-up of each; the table
# has the medians.  Client, proxies and upstream share the machine's CPUs:
# on a small machine the client takes a large share, so the ratio is the
# ratio of this machine, not of a production proxy.
#
# Needs nginx and wrk: exits 77 (skipped) without either.
#
# Environment: RUNS (default 3), DURATION (seconds, default 5), THREADS
# (default 2), CONNS (default 32), NGINX (default: nginx on PATH, else
# /usr/sbin/nginx), TMPDIR.
set -u

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(dirname "$here")
ngxlint=${1:-$top/build/ngxlint}
runs=${RUNS:-3}
duration=${DURATION:-5}
threads=${THREADS:-2}
conns=${CONNS:-32}
workers=2

die()  { echo "keepalive-qps.sh: $*" >&2; exit 1; }
skip() { echo "keepalive-qps.sh: $* (skipped)" >&2; exit 77; }

for v in "$runs" "$duration" "$threads" "$conns"; do
    case $v in '' | *[!0-9]* | 0) die "RUNS, DURATION, THREADS and CONNS must be positive integers" ;; esac
done

# shellcheck source=tests/e2e/lib-nginx.sh
. "$top/tests/e2e/lib-nginx.sh"

[ -x "$NGINX" ] || skip "nginx is not installed ($NGINX)"
command -v wrk >/dev/null 2>&1 || skip "wrk is not installed"
[ -r /proc/self/stat ] || skip "no /proc: cannot follow nginx's processes"
[ -x "$ngxlint" ] || die "$ngxlint: not found (run make first)"

work=$(mktemp -d "${TMPDIR:-/tmp}/ngxlint-bench.XXXXXX")
UP=$work/upstream
BEFORE=$work/before
AFTER=$work/after
WRK_PID=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null
    np_stop "$BEFORE"
    np_stop "$AFTER"
    np_stop "$UP"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- the three nginx --------------------------------------------------------

np_start "$UP" np_upstream_conf || die "the upstream nginx does not start: $(cat "$UP/start.err")"
up_port=$NP_PORT
np_start "$BEFORE" np_proxy_conf "$up_port" "$workers" off ||
    die "the 'before' proxy does not start: $(cat "$BEFORE/start.err")"
before_port=$NP_PORT
np_start "$AFTER" np_proxy_conf "$up_port" "$workers" off ||
    die "the 'after' proxy does not start: $(cat "$AFTER/start.err")"
after_port=$NP_PORT

"$ngxlint" conf -q --write --nginx-version 1.22.1 "$AFTER/nginx.conf" >"$work/fix.out" 2>&1 ||
    die "ngxlint conf --write failed: $(cat "$work/fix.out")"
grep -q 'keepalive 32;' "$AFTER/nginx.conf" || die "ngxlint did not add keepalive: $(cat "$AFTER/nginx.conf")"
np_nginx "$AFTER" -t >"$work/t.out" 2>&1 || die "nginx -t rejects the fixed config: $(cat "$work/t.out")"
np_reload "$AFTER" "$workers" || die "the 'after' proxy did not reload: $(tail -n 5 "$AFTER/error.log")"

# ---- the runs ---------------------------------------------------------------

# load PHASE PORT SECONDS: one wrk run; appends "rps requests seconds conns
# errors" to $work/PHASE.runs
load() {
    np_settle "$UP/access.log"
    l0=$(np_lines "$UP/access.log")
    wrk -t"$threads" -c"$conns" -d"$3"s "http://127.0.0.1:$2/" >"$work/wrk.out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk failed: $(cat "$work/wrk.out")"
    WRK_PID=""
    np_settle "$UP/access.log"
    l1=$(np_lines "$UP/access.log")
    c=$(np_conns "$UP/access.log" "$l0" "$l1")
    awk -v c="$c" '
        /requests in/        { n = $1; s = $4; sub(/s,$/, "", s) }
        /^Requests\/sec:/    { rps = $2 }
        /Non-2xx/            { err += $NF }
        /Socket errors:/     { for (i = 4; i <= NF; i += 2) { v = $i; sub(/,$/, "", v); err += v } }
        END { printf "%s %s %s %s %d\n", rps, n, s, c, err }' "$work/wrk.out" >>"$work/$1.runs"
}

total=$((2 + 2 * runs * duration))
echo "keepalive-qps: upstream 127.0.0.1:$up_port, before 127.0.0.1:$before_port, after 127.0.0.1:$after_port"
echo "keepalive-qps: warm-up, then $runs x ${duration} s on each (about $total s) ..."
load warmup "$before_port" 1
load warmup "$after_port" 1
rm -f "$work/warmup.runs"
i=0
while [ "$i" -lt "$runs" ]; do
    load before "$before_port" "$duration"
    load after "$after_port" "$duration"
    i=$((i + 1))
done

# TIME-WAIT sockets to and from the upstream's port, at the end: which side
# closes the connections without keepalive, and how many are left waiting
tw_up=$(ss -Htan state time-wait "( sport = :$up_port )" 2>/dev/null | wc -l | tr -d ' ')
tw_px=$(ss -Htan state time-wait "( dport = :$up_port )" 2>/dev/null | wc -l | tr -d ' ')

# ---- the report -------------------------------------------------------------

median() {  # COLUMN FILE
    cut -d' ' -f"$1" "$2" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# per run: requests/s, upstream connections/s, requests/connection
for p in before after; do
    awk '{ printf "%s %s %s %s\n", $1, ($3 > 0 ? $4 / $3 : 0), ($4 > 0 ? $2 / $4 : 0), $5 }' \
        "$work/$p.runs" >"$work/$p.derived"
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
wrk_v=$(wrk -v 2>&1 | head -n 1 | sed 's/ Copyright.*//')
nginx_pkg=$(dpkg -S "$(readlink -f "$NGINX")" 2>/dev/null | sed -n '1s/:.*//p')
[ -n "$nginx_pkg" ] && nginx_pkg="$nginx_pkg $(dpkg-query -W -f='${Version}' "$nginx_pkg" 2>/dev/null)"

echo
echo "== keepalive fix: end-to-end QPS (bench/keepalive-qps.sh) =="
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "         client (wrk), both proxies and the upstream share these CPUs"
echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')${nginx_pkg:+ (Debian $nginx_pkg)}"
echo "wrk:     $wrk_v, -t$threads -c$conns -d${duration}s, keepalive to the proxy"
echo "ngxlint: $("$ngxlint" --version 2>&1 | head -n 1)"
sysctl_() { { tr '\t' '-' <"/proc/sys/net/ipv4/$1"; } 2>/dev/null || echo '?'; }
echo "tcp:     ip_local_port_range $(sysctl_ ip_local_port_range), tcp_tw_reuse $(sysctl_ tcp_tw_reuse), tcp_max_tw_buckets $(sysctl_ tcp_max_tw_buckets)"
echo "setup:   proxy $workers workers, upstream 1 worker (return 200), all on 127.0.0.1"
echo "runs:    $runs of each, interleaved, after a 1 s warm-up; medians (min-max)"
echo

{
    for p in before after; do
        f=$work/$p.derived
        lo=$(cut -d' ' -f1 "$f" | sort -n | head -n 1)
        hi=$(cut -d' ' -f1 "$f" | sort -n | tail -n 1)
        err=$(awk '{ s += $4 } END { print s + 0 }' "$f")
        echo "$p $(median 1 "$f") $lo $hi $(median 2 "$f") $(median 3 "$f") $err"
    done
} | awk -v tw_up="$tw_up" -v tw_px="$tw_px" '
    BEGIN {
        printf "%-8s %12s %21s %17s %14s %7s\n", "phase", "requests/s", "(min-max)", "upstream conn/s", "requests/conn", "errors"
    }
    {
        rps[$1] = $2
        printf "%-8s %12.0f %21s %17.0f %14.1f %7d\n", $1, $2, sprintf("(%.0f-%.0f)", $3, $4), $5, $6, $7
    }
    END {
        print ""
        printf "ratio after/before: %.2fx requests/s on this machine\n", (rps["before"] > 0 ? rps["after"] / rps["before"] : 0)
        printf "seed incident:      94,706 -> 6,301 requests/s without keepalive, i.e. %.2fx with it\n", 94706 / 6301
        printf "TIME-WAIT at the end: %d on the upstream side, %d on the proxy side (port reuse: see net.ipv4.tcp_tw_reuse)\n", tw_up, tw_px
    }'
echo
echo "errors: wrk's non-2xx responses and socket errors, all runs"
echo "upstream conn/s: distinct \$connection values in the upstream's access log / wrk's duration;"
echo "after the fix a connection carries up to keepalive_requests (1000) requests, nginx's default"
