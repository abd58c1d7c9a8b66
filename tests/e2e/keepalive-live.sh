# The keepalive fix, with real processes on 127.0.0.1: an upstream nginx
# behind a proxy nginx with the seed incident's configuration (an upstream
# block without keepalive).  Before the fix the upstream accepts about one
# connection a request; `ngxlint conf --write` then patches the proxy's
# config, which passes nginx -t and is reloaded; after the fix the upstream
# accepts at most workers x keepalive (2 x 32) connections for the same load.
#
# The load: wrk, one thread, 8 connections (HTTP/1.1 keepalive to the
# proxy), whose thread a Lua script stops after REQUESTS responses (default
# 500; -d10s as a backstop).  The figures come from the upstream's access log:
# one line a request, "$connection $connection_requests $status"; the
# distinct $connection values in a phase's lines are the connections that
# carried its requests (see tests/e2e/lib-nginx.sh).
#
# Needs nginx and wrk (exits 77 without either) and Linux's /proc; runs as
# root or not.
. tests/e2e/lib.sh
. tests/e2e/lib-nginx.sh

if [ ! -x "$NGINX" ]; then
    echo "nginx is missing ($NGINX)"; exit 77
fi
if ! command -v wrk >/dev/null 2>&1; then
    echo "wrk is missing (make deps installs it)"; exit 77
fi
if [ ! -r /proc/self/stat ]; then
    echo "no /proc: cannot follow nginx's processes"; exit 77
fi

REQUESTS=${REQUESTS:-500}
WORKERS=2       # the proxy's worker_processes
KEEPALIVE=32    # what ngxlint's fix sets

UP=$TMP/upstream
PX=$TMP/proxy

# lib.sh's trap removes $TMP; both nginx go first (they write into it)
WRK_PID=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null
    np_stop "$PX"
    np_stop "$UP"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cat >"$TMP/stop.lua" <<EOF
-- stops the thread after $REQUESTS responses
local n = 0
function response(status, headers, body)
    n = n + 1
    if n >= $REQUESTS then
        wrk.thread:stop()
    end
end
EOF

if ! np_start "$UP" np_upstream_conf; then
    not_ok "the upstream nginx starts" "$(cat "$UP/start.err" 2>/dev/null)"
    done_testing
fi
UP_PORT=$NP_PORT
ok "the upstream nginx listens on 127.0.0.1:$UP_PORT (1 worker)"

if ! np_start "$PX" np_proxy_conf "$UP_PORT" "$WORKERS" on; then
    not_ok "the proxy nginx starts" "$(cat "$PX/start.err" 2>/dev/null)"
    done_testing
fi
PX_PORT=$NP_PORT
ok "the proxy nginx listens on 127.0.0.1:$PX_PORT ($WORKERS workers, no keepalive)"

# phase NAME: the load, then the phase's figures from the logs: REQS (the
# upstream's requests), CONNS (its connections), MAXREQ (the most requests
# on one connection), BAD (proxy responses other than 200), WRK_REQS
phase() {
    np_settle "$UP/access.log" "$PX/access.log"
    u0=$(np_lines "$UP/access.log")
    p0=$(np_lines "$PX/access.log")
    # wrk sleeps for its whole -d even when every thread has stopped: once
    # the upstream has logged the requests and its log has stopped growing
    # (the thread has stopped), SIGINT ends the sleep (wrk then prints its
    # figures as usual)
    wrk -t1 -c8 -d10s -s "$TMP/stop.lua" "http://127.0.0.1:$PX_PORT/" \
        >"$TMP/out" 2>"$TMP/err" &
    WRK_PID=$!
    i=0
    while [ "$i" -lt 200 ] && kill -0 "$WRK_PID" 2>/dev/null; do
        [ $(($(np_lines "$UP/access.log") - u0)) -ge "$REQUESTS" ] && break
        sleep 0.05
        i=$((i + 1))
    done
    np_settle "$UP/access.log" "$PX/access.log"
    kill -INT "$WRK_PID" 2>/dev/null
    wait "$WRK_PID"
    RC=$?
    WRK_PID=""
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
    np_settle "$UP/access.log" "$PX/access.log"
    u1=$(np_lines "$UP/access.log")
    p1=$(np_lines "$PX/access.log")
    REQS=$((u1 - u0))
    CONNS=$(np_conns "$UP/access.log" "$u0" "$u1")
    MAXREQ=$(np_max_reqs "$UP/access.log" "$u0" "$u1")
    BAD=$(awk -v a="$p0" -v b="$p1" 'NR > a && NR <= b && $1 != 200' "$PX/access.log" | wc -l | tr -d ' ')
    WRK_REQS=$(printf '%s\n' "$OUT" | sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p')

    if [ "$RC" -eq 0 ] && [ "${WRK_REQS:-0}" -ge "$REQUESTS" ] && [ "$REQS" -ge "$REQUESTS" ] &&
       [ "$BAD" = 0 ] && ! printf '%s\n' "$OUT" | grep -Eq 'Non-2xx|Socket errors'; then
        ok "$1: wrk got ${WRK_REQS} responses, all 200; the upstream served $REQS requests"
    else
        not_ok "$1: the load did not go through (wrk exit $RC, ${WRK_REQS:-no} responses, upstream $REQS requests, $BAD non-200 at the proxy)" \
            "$OUT$ERR
proxy error log: $(tail -n 5 "$PX/error.log")"
    fi
}

# ---- before: the seed incident ----------------------------------------------

run "$NGXLINT" conf --nginx-version 1.22.1 "$PX/nginx.conf"
if [ "$RC" -eq 1 ] && printf '%s\n' "$OUT" | grep -q 'upstream "backend" has no keepalive.*\[upstream-keepalive\]'; then
    ok "ngxlint reports upstream-keepalive on the proxy's config (exit 1)"
else
    not_ok "ngxlint does not report upstream-keepalive (exit $RC)" "$OUT$ERR"
fi

phase before
if [ "$REQS" -gt 0 ] && [ $((CONNS * 10)) -ge $((REQS * 9)) ]; then
    ok "before: the upstream accepted $CONNS connections for $REQS requests (at most $MAXREQ on one)"
else
    not_ok "before: the upstream accepted $CONNS connections for $REQS requests, expected >= 90%"
fi

# ---- the fix ----------------------------------------------------------------

cp "$PX/nginx.conf" "$TMP/seed.conf"
run "$NGXLINT" conf -q --write --nginx-version 1.22.1 "$PX/nginx.conf"
expect_rc 0 "ngxlint conf --write on the proxy's config"
if grep -q '^ *keepalive 32;$' "$PX/nginx.conf" &&
   grep -q '^ *proxy_http_version 1\.1;$' "$PX/nginx.conf" &&
   grep -q '^ *proxy_set_header Connection "";$' "$PX/nginx.conf"; then
    ok "--write added keepalive 32, proxy_http_version 1.1 and Connection \"\""
else
    not_ok "--write did not add the three directives" "$(diff -u "$TMP/seed.conf" "$PX/nginx.conf")"
fi

run np_nginx "$PX" -t
if printf '%s\n' "$ERR" | grep -q 'test is successful'; then
    ok "the fixed config passes nginx -t"
else
    not_ok "nginx -t rejects the fixed config" "$ERR$(cat "$PX/error.log")"
fi

if np_reload "$PX" "$WORKERS"; then
    ok "nginx -s reload: $WORKERS new workers, the old ones gone"
else
    not_ok "the proxy did not reload" "$(tail -n 20 "$PX/error.log")"
fi

# ---- after ------------------------------------------------------------------

phase after
max=$((WORKERS * KEEPALIVE))
if [ "$REQS" -gt 0 ] && [ "$CONNS" -ge 1 ] && [ "$CONNS" -le "$max" ]; then
    ok "after: the upstream accepted $CONNS connections for $REQS requests (<= $WORKERS x $KEEPALIVE = $max; at most $MAXREQ on one)"
else
    not_ok "after: the upstream accepted $CONNS connections for $REQS requests, expected 1 to $max"
fi
if [ "$MAXREQ" -gt 1 ]; then
    ok "after: the upstream connections are reused ($MAXREQ requests on the busiest)"
else
    not_ok "after: no upstream connection carried more than one request"
fi

pids="$(np_master "$PX") $(np_workers "$PX") $(np_master "$UP") $(np_workers "$UP")"
np_stop "$PX"
np_stop "$UP"
left=""
for p in $pids; do
    np_is_nginx "$p" && left="$left $p"
done
if [ -z "$left" ]; then
    ok "both nginx stopped"
else
    not_ok "nginx processes still running:$left"
fi

done_testing
