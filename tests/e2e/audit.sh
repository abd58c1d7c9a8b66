# ngxlint audit, against real nginx masters on 127.0.0.1 (fixtures/audit/):
#
#   upstream  one worker, "ok" on two ports (one per proxy), and a slow
#             answer (about 1 s, limit_rate) on a third
#   storm     a proxy without keepalive (the seed incident), 2 workers
#   slow      the same, in front of the slow port: its connections live a
#             second each (seen in many samples), one request each
#   pool      the storm's proxy with keepalive 16, HTTP/1.1 and Connection
#             "", 2 workers, and a fake var_index_status (the module's JSON)
#
# A bounded load runs through the proxies (wrk, one thread, 4 connections,
# 1 ms between the requests of a connection; 8 connections for the slow
# one; at most 9 s) while `ngxlint audit --sample 3` runs.  It must find the
# masters, report live-connection-churn at the storm's and the slow one's
# upstream blocks and not at the pool's, report the status's misses at the
# pool's http block, judge each master for its own binary's version, and
# leave every process as it was (same pids, no reload, no signal,
# configuration untouched).
#
# Also: a master whose binary was replaced on disk since it started (the
# running one is read, through /proc/PID/exe).  As root, also: the audit as
# an unprivileged user (what it cannot read is a note each, and it still
# finds the masters), and a master in a chroot (a container's root: its
# configuration and Lua read as its root has them).  With the runtime
# module built ($BUILD/ngx_http_var_index_module.so) and Debian's Lua
# module: the status location found in a configuration.
#
# Needs nginx, wrk and jq (exits 77 without one) and Linux's /proc; runs as
# root or not.
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh
# shellcheck source=tests/e2e/lib-nginx.sh
. tests/e2e/lib-nginx.sh

if [ ! -x "$NGINX" ]; then
    echo "nginx is missing ($NGINX)"; exit 77
fi
for t in wrk jq; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "$t is missing (make deps installs it)"; exit 77
    fi
done
if [ ! -r /proc/self/stat ]; then
    echo "no /proc: cannot see nginx's processes"; exit 77
fi

FIX=$NGXL_ROOT/fixtures/audit
UP=$TMP/upstream
ST=$TMP/storm
SL=$TMP/slow
PO=$TMP/pool
CT=$TMP/ctr
VI=$TMP/vi
RB=$TMP/replaced
WRK_PIDS=""

# shellcheck disable=SC2317  # called by the trap
cleanup() {
    for p in $WRK_PIDS; do kill "$p" 2>/dev/null; done
    for d in "$ST" "$SL" "$PO" "$VI" "$CT" "$RB" "$UP"; do
        np_stop "$d"
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# au_fill TEMPLATE PREFIX PORT [UPSTREAM|PORT2 [STATUS|PORT3]]: a fixture,
# filled in; the writers np_start calls
# shellcheck disable=SC2317
au_fill() {
    sed -e "s|@PREFIX@|$2|g" -e "s|@PORT@|$3|g" -e "s|@PORT2@|${4:-}|g" \
        -e "s|@UPSTREAM@|${4:-}|g" -e "s|@PORT3@|${5:-}|g" \
        -e "s|@STATUS@|${5:-}|g" "$FIX/$1"
}
# shellcheck disable=SC2317
au_upstream() { au_fill upstream.conf "$1" "$2" "$3" "$4"; }
# shellcheck disable=SC2317
au_storm()    { au_fill storm.conf "$1" "$2" "$3"; }
# shellcheck disable=SC2317
au_pool()     { au_fill pool.conf "$1" "$2" "$3" "$4"; }

UP2=$(np_pick_port)
UP3=$(np_pick_port)
SP=$(np_pick_port)

if ! np_start "$UP" au_upstream "$UP2" "$UP3"; then
    not_ok "the upstream nginx starts" "$(cat "$UP/start.err" 2>/dev/null)"
    done_testing
fi
UP1=$NP_PORT
if ! np_start "$ST" au_storm "$UP1"; then
    not_ok "the storm proxy starts" "$(cat "$ST/start.err" 2>/dev/null)"
    done_testing
fi
ST_PORT=$NP_PORT
if ! np_start "$SL" au_storm "$UP3"; then
    not_ok "the slow proxy starts" "$(cat "$SL/start.err" 2>/dev/null)"
    done_testing
fi
SL_PORT=$NP_PORT
if ! np_start "$PO" au_pool "$UP2" "$SP"; then
    not_ok "the pool proxy starts" "$(cat "$PO/start.err" 2>/dev/null)"
    done_testing
fi
PO_PORT=$NP_PORT
ok "upstream on 127.0.0.1:$UP1, :$UP2 and :$UP3 (slow); storm proxy on :$ST_PORT, slow proxy on :$SL_PORT, pool proxy on :$PO_PORT, status on :$SP"

ST_M=$(np_master "$ST")
SL_M=$(np_master "$SL")
PO_M=$(np_master "$PO")
UP_M=$(np_master "$UP")
before="$(np_workers "$ST" | sort) $(np_workers "$PO" | sort) $(np_workers "$UP" | sort)"
sums_before=$(cat "$ST/nginx.conf" "$PO/nginx.conf" "$UP/nginx.conf" | cksum)
logs_before=$(cat "$ST/error.log" "$PO/error.log" "$UP/error.log" | grep -c 'signal\|start worker process')
VERSION=$("$NGINX" -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')

# ---- the load, and the audit while it runs ------------------------------------

cat >"$TMP/delay.lua" <<'EOF'
-- 1 ms between the requests of each connection: a bounded rate
function delay()
    return 1
end
EOF

for port in "$ST_PORT" "$PO_PORT"; do
    wrk -t1 -c4 -d9s -s "$TMP/delay.lua" "http://127.0.0.1:$port/" \
        >"$TMP/wrk-$port" 2>&1 &
    WRK_PIDS="$WRK_PIDS $!"
done
wrk -t1 -c8 -d9s --timeout 5s "http://127.0.0.1:$SL_PORT/" >"$TMP/wrk-$SL_PORT" 2>&1 &
WRK_PIDS="$WRK_PIDS $!"
sleep 1

run "$NGXLINT" audit --sample 3 --format json \
    --status-url "http://127.0.0.1:$SP/var_index_status"
AUDIT_OUT=$OUT
AUDIT_ERR=$ERR

for p in $WRK_PIDS; do kill -INT "$p" 2>/dev/null; done
for p in $WRK_PIDS; do wait "$p" 2>/dev/null; done
WRK_PIDS=""
for port in "$ST_PORT" "$SL_PORT" "$PO_PORT"; do
    echo "# wrk on :$port: $(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk-$port") requests/s"
done

expect_rc 1 "ngxlint audit (findings at warning)"

if printf '%s' "$OUT" | jq -e . >/dev/null 2>&1; then
    ok "the output is JSON"
else
    not_ok "the output is not JSON" "$OUT"
fi

host=$(printf '%s' "$OUT" | jq -r '.host')
if [ -n "$host" ] && [ "$host" = "$(uname -n)" ]; then
    ok "JSON carries the host: $host"
else
    not_ok "JSON host is \"$host\", expected \"$(uname -n)\""
fi

for m in "storm:$ST_M:$ST" "slow:$SL_M:$SL" "pool:$PO_M:$PO" "upstream:$UP_M:$UP"; do
    name=${m%%:*}; rest=${m#*:}; pid=${rest%%:*}; dir=${rest#*:}
    if printf '%s\n' "$ERR" | grep -q "master $pid: .*(nginx $VERSION), $dir/nginx.conf (-c), [0-9]* worker"; then
        ok "found the $name master ($pid), its binary's version $VERSION and its -c"
    else
        not_ok "the $name master ($pid) is not in the audit's summary" "$ERR"
    fi
done

# jq FILTER over the findings of one master
findings() {
    printf '%s' "$AUDIT_OUT" | jq -r --argjson pid "$1" \
        ".findings[] | select(.pid == \$pid) | $2"
}

line=$(grep -n 'upstream backend' "$ST/nginx.conf" | cut -d: -f1)
got=$(findings "$ST_M" 'select(.rule == "live-connection-churn") | "\(.file):\(.line)"')
few=$(findings "$ST_M" 'select(.rule == "live-unreadable") | .problem' | grep 'too few to judge')
if [ -z "$got" ] && [ -n "$few" ]; then
    echo "# the host's TCP table is too slow to read here: $few"
elif [ "$got" = "$ST/nginx.conf:$line" ]; then
    ok "live-connection-churn for the storm, at its upstream block (line $line)"
else
    not_ok "live-connection-churn for the storm: \"$got\", expected $ST/nginx.conf:$line" "$AUDIT_OUT
$AUDIT_ERR"
fi

# the slow one: connections seen in many samples, one request each (told
# by tcp_info, which only netlink gives)
got=$(findings "$SL_M" 'select(.rule == "live-connection-churn") | "\(.file):\(.line) \(.single_request * 2 >= .opened) \(.seen_once < .opened)"')
if [ "$got" = "$SL/nginx.conf:$line true true" ]; then
    ok "live-connection-churn for the slow proxy: its connections outlive a sample, each for one request"
elif printf '%s\n' "$ERR" | grep -A1 "master $SL_M:" | grep -q '/proc/PID/net/tcp)'; then
    echo "# no NETLINK_SOCK_DIAG here: the slow proxy's connections cannot be told one-shot"
elif findings "$SL_M" 'select(.rule == "live-unreadable") | .problem' | grep -q 'too few to judge'; then
    echo "# the host's TCP table is too slow to read here: the slow proxy not judged"
else
    not_ok "live-connection-churn for the slow proxy: \"$got\"" "$AUDIT_OUT
$AUDIT_ERR"
fi

got=$(findings "$PO_M" 'select(.rule == "live-connection-churn") | .line')
if [ -z "$got" ]; then
    ok "no live-connection-churn for the pool (keepalive)"
else
    not_ok "live-connection-churn for the pool at line $got" "$AUDIT_OUT
$AUDIT_ERR"
fi

# the figures, for the record
for m in "storm:$ST_M" "slow:$SL_M"; do
    findings "${m#*:}" 'select(.rule == "live-connection-churn") | "# '"${m%%:*}"': \(.opened) new connections to \(.servers | join(" ")) in \(.seconds * 10 | round / 10) s: \(.opened_per_second * 10 | round / 10)/s seen, about \(.opened_per_second_estimated // "?" | if type == "number" then round else . end)/s in all; \(.single_request) for one request, \(.seen_once) seen once, \(.kept) kept, at most \(.most_at_once) at once, \(.time_wait) in TIME_WAIT, \(.told_by_fd) told by fd, \(.told_by_address) by address"'
done
printf '%s\n' "$AUDIT_ERR" | sed -n "/master $PO_M:/,/master [0-9]*:/p" |
    grep 'upstream backend' | sed 's/^ngxlint: audit: */# pool: /'

churn=$(findings "$ST_M" 'select(.rule == "live-connection-churn") | .opened_per_second_estimated // .opened_per_second | floor')
if [ -z "$churn" ] && [ -n "$few" ]; then
    : # said above
elif [ -n "$churn" ] && [ "$churn" -gt 0 ]; then
    ok "the storm's figures: about $churn connections/s"
else
    not_ok "the storm's figures are missing" "$AUDIT_OUT"
fi

got=$(findings "$ST_M" 'select(.rule == "upstream-keepalive") | .line')
if [ "$got" = "$line" ]; then
    ok "the configuration rules ran on the storm's configuration (upstream-keepalive)"
else
    not_ok "no upstream-keepalive for the storm" "$AUDIT_OUT"
fi

got=$(findings "$PO_M" 'select(.rule == "live-var-index-misses") | "\(.variable)=\(.misses)"' | tr '\n' ' ')
if [ "$got" = "http_x_tenant_id=4821 cookie_session=17 " ]; then
    ok "live-var-index-misses for the pool: $got"
else
    not_ok "live-var-index-misses for the pool: \"$got\"" "$AUDIT_OUT"
fi

http=$(grep -n '^http {' "$PO/nginx.conf" | cut -d: -f1)
got=$(findings "$PO_M" 'select(.rule == "live-var-index-misses") | .line' | sort -u)
if [ "$got" = "$http" ]; then
    ok "... reported at the pool's http block (line $http), with the directive"
else
    not_ok "live-var-index-misses at line \"$got\", expected $http" "$AUDIT_OUT"
fi
# shellcheck disable=SC2016  # a literal $
if findings "$PO_M" 'select(.rule == "live-var-index-misses") | .notes[].message' | grep -q 'var_index \$http_x_tenant_id \$cookie_session;'; then
    ok "... the directive that indexes them all is given"
else
    not_ok "no var_index directive in the notes" "$AUDIT_OUT"
fi

# a binary several masters run is reported once, with the first one's pid
bin=$(readlink -f "$NGINX")
got=$(printf '%s' "$AUDIT_OUT" | jq -r --arg f "$bin" '[.findings[] | select(.file == $f and (.rule | startswith("bin-")) and .pid > 0)] | length')
if [ "$got" -gt 0 ] 2>/dev/null; then
    ok "the binary rules ran on the running $bin ($got findings, with a pid)"
else
    echo "# no binary findings for $bin: nothing to report on it"
fi

# ---- read-only --------------------------------------------------------------

after="$(np_workers "$ST" | sort) $(np_workers "$PO" | sort) $(np_workers "$UP" | sort)"
if [ "$(np_master "$ST") $(np_master "$PO") $(np_master "$UP")" = "$ST_M $PO_M $UP_M" ] &&
   [ "$before" = "$after" ]; then
    ok "the same masters and workers run after the audit"
else
    not_ok "processes changed: before $ST_M $PO_M $UP_M $before, after $(np_master "$ST") $(np_master "$PO") $(np_master "$UP") $after"
fi
if [ "$(cat "$ST/nginx.conf" "$PO/nginx.conf" "$UP/nginx.conf" | cksum)" = "$sums_before" ] &&
   [ "$(cat "$ST/error.log" "$PO/error.log" "$UP/error.log" | grep -c 'signal\|start worker process')" = "$logs_before" ]; then
    ok "no signal, no reload, configurations untouched"
else
    not_ok "the audit changed something" "$(tail -n 5 "$ST/error.log" "$PO/error.log")"
fi

# ---- usage ------------------------------------------------------------------

run "$NGXLINT" audit --status-url http://10.0.0.1:8081/var_index_status
expect_rc 2 "--status-url off loopback is refused"
expect_err 'loopback only' "... saying why"

run "$NGXLINT" audit "$ST/nginx.conf"
expect_rc 2 "audit takes no PATH"

run "$NGXLINT" audit --sample 0
expect_rc 2 "--sample 0 is refused"

# ---- docs/audit.md: its Ansible and Kubernetes YAML, its JSON ------------------

if python3 -c 'import yaml' 2>/dev/null; then
    if python3 - "$NGXL_ROOT/docs/audit.md" >"$TMP/docs" 2>&1 <<'EOF'
import json, re, sys, yaml
text = open(sys.argv[1]).read()
n = 0
for lang, body in re.findall(r"```(\w+)\n(.*?)```", text, re.S):
    if lang == "yaml":
        for doc in yaml.safe_load_all(body):
            assert doc, "an empty YAML document"
            n += 1
    elif lang == "json":
        json.loads(body)
        n += 1
print(n)
EOF
    then
        ok "docs/audit.md: its $(cat "$TMP/docs") YAML and JSON blocks parse"
    else
        not_ok "docs/audit.md has a block that does not parse" "$(cat "$TMP/docs")"
    fi
else
    echo "# no python3 yaml: docs/audit.md's YAML not checked"
fi

# ---- as an unprivileged user ------------------------------------------------

AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
   ! $AS_NOBODY "$NGXLINT" --version >/dev/null 2>&1; then
    echo "# uid 65534 cannot run $NGXLINT (a private directory on its path): not tried"
elif [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$TMP"    # the configurations, readable as that user
    run $AS_NOBODY "$NGXLINT" audit --sample 0.5 --format json --fail-on never \
        --enable live-unreadable,live-connection-churn,upstream-keepalive
    if [ "$RC" = 0 ] && printf '%s\n' "$ERR" | grep -q "master $ST_M:" &&
       printf '%s\n' "$ERR" | grep -q "master $PO_M:"; then
        ok "as uid 65534: the masters are still found"
    else
        not_ok "as uid 65534: exit $RC" "$ERR"
    fi
    n=$(printf '%s' "$OUT" | jq --argjson pid "$ST_M" '[.findings[] | select(.rule == "live-unreadable" and .pid == $pid)] | length')
    if [ "$n" -gt 0 ] 2>/dev/null &&
       printf '%s' "$OUT" | jq -r '.findings[] | select(.rule == "live-unreadable") | .problem' | grep -q "/proc/$ST_M/fd: Permission denied"; then
        ok "as uid 65534: $n notes for what it could not read of the storm master"
    else
        not_ok "as uid 65534: no live-unreadable notes" "$OUT"
    fi
    got=$(printf '%s' "$OUT" | jq -r --argjson pid "$ST_M" '.findings[] | select(.pid == $pid and .rule == "upstream-keepalive") | .line')
    if [ "$got" = "$line" ]; then
        ok "as uid 65534: the storm's configuration is still checked"
    else
        not_ok "as uid 65534: the storm's configuration was not checked" "$OUT"
    fi
else
    echo "# not root (the unprivileged run is this one), or no setpriv"
fi

# ---- a binary replaced on disk since its master started ----------------------

mkdir -p "$TMP/bin"
if cp "$NGINX" "$TMP/bin/nginx"; then
    nginx_was=$NGINX
    NGINX=$TMP/bin/nginx        # np_start runs it (a shell variable only:
                                # nginx reads an exported NGINX as sockets)
    if np_start "$RB" np_upstream_conf; then
        NGINX=$nginx_was
        RB_M=$(np_master "$RB")
        rm -f "$TMP/bin/nginx" && cp "$NGINX" "$TMP/bin/nginx"
        run "$NGXLINT" audit --sample 0.2 --format json --fail-on never
        if printf '%s\n' "$ERR" | grep -q "master $RB_M: $TMP/bin/nginx (deleted) (nginx $VERSION)" &&
           printf '%s\n' "$ERR" | grep -A1 "master $RB_M:" | grep -q 'replaced on disk since it started'; then
            ok "a binary replaced on disk: the running one is read (/proc/PID/exe), and said so"
        else
            not_ok "the replaced binary of master $RB_M" "$ERR"
        fi
        np_stop "$RB"
    else
        NGINX=$nginx_was
        not_ok "the master of a copied binary starts" "$(cat "$RB/start.err" 2>/dev/null)"
    fi
fi

# ---- a master in another root (a container) -------------------------------------

ctr_root() {    # builds $CT: nginx, its libraries, a configuration
    mkdir -p "$CT/usr/sbin" "$CT/etc/nginx/conf.d" "$CT/etc/nginx/sites" \
             "$CT/run" "$CT/tmp" "$CT/logs" "$CT/dev" "$CT/app" || return 1
    cp "$NGINX" "$CT/usr/sbin/nginx" || return 1
    for l in $(ldd "$NGINX" | grep -o '/[^ ]*'); do
        mkdir -p "$CT$(dirname "$l")" && cp -L "$l" "$CT$l" || return 1
    done
    mknod -m 666 "$CT/dev/null" c 1 3 || return 1
    echo 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$CT/etc/passwd"
    echo 'nogroup:x:65534:' >"$CT/etc/group"
    CT_LUA=""
    if [ -r /usr/lib/nginx/modules/ngx_http_lua_module.so ] && command -v dpkg >/dev/null 2>&1 &&
       dpkg -L lua-resty-core lua-resty-lrucache >"$TMP/lua-files" 2>/dev/null; then
        for m in /usr/lib/nginx/modules/ndk_http_module.so /usr/lib/nginx/modules/ngx_http_lua_module.so; do
            mkdir -p "$CT$(dirname "$m")" && cp "$m" "$CT$m" || return 1
            for l in $(ldd "$m" | grep -o '/[^ ]*'); do
                [ -e "$CT$l" ] || { mkdir -p "$CT$(dirname "$l")" && cp -L "$l" "$CT$l"; } || return 1
            done
        done
        grep '\.lua$' "$TMP/lua-files" | while read -r f; do
            mkdir -p "$CT$(dirname "$f")" && cp "$f" "$CT$f"
        done
        CT_LUA="load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;"
        printf 'local t = ngx.var.http_x_tenant\nngx.say(t or "-")\n' >"$CT/app/main.lua"
    fi
    CT_PORT=$(np_pick_port) || return 1
    cat >"$CT/etc/nginx/nginx.conf" <<EOF
$CT_LUA
daemon on;
master_process on;
worker_processes 1;
pid /run/nginx.pid;
error_log /logs/error.log notice;
events {
    worker_connections 64;
}
http {
    client_body_temp_path /tmp/body;
    proxy_temp_path /tmp/proxy;
    fastcgi_temp_path /tmp/fastcgi;
    uwsgi_temp_path /tmp/uwsgi;
    scgi_temp_path /tmp/scgi;
    access_log off;
    include /etc/nginx/conf.d/*.conf;
}
EOF
    lua_loc=""
    [ -n "$CT_LUA" ] && lua_loc="location /lua { content_by_lua_file /app/main.lua; }"
    cat >"$CT/etc/nginx/sites/app.conf" <<EOF
upstream in_container {
    server 127.0.0.1:$UP1;
}
server {
    listen 127.0.0.1:$CT_PORT;
    location / { proxy_pass http://in_container; }
    $lua_loc
}
EOF
    # an absolute link: only right when read from the container's root
    ln -s /etc/nginx/sites/app.conf "$CT/etc/nginx/conf.d/app.conf"
}

if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1 && command -v ldd >/dev/null 2>&1; then
    if ctr_root 2>"$TMP/ctr.err" && chroot "$CT" /usr/sbin/nginx -c /etc/nginx/nginx.conf 2>>"$TMP/ctr.err"; then
        # np_master reads $CT/nginx.pid
        cp "$CT/run/nginx.pid" "$CT/nginx.pid"
        CT_M=$(cat "$CT/run/nginx.pid")
        run "$NGXLINT" audit --sample 0.3 --format json --fail-on never
        if printf '%s\n' "$ERR" | grep -q "master $CT_M: .*/etc/nginx/nginx.conf (-c)" &&
           printf '%s\n' "$ERR" | grep -A1 "master $CT_M:" | grep -q "root /proc/$CT_M/root (a container)"; then
            ok "the chrooted master is found, its root told apart"
        else
            not_ok "the chrooted master ($CT_M)" "$ERR"
        fi
        got=$(printf '%s' "$OUT" | jq -r --argjson pid "$CT_M" '.findings[] | select(.pid == $pid and .rule == "upstream-keepalive") | "\(.file):\(.line)"')
        if [ "$got" = "/etc/nginx/conf.d/app.conf:1" ]; then
            ok "its configuration is read in its root (an include through an absolute link): $got"
        else
            not_ok "its configuration: \"$got\"" "$OUT
$ERR"
        fi
        if [ -n "$CT_LUA" ]; then
            got=$(printf '%s' "$OUT" | jq -r --argjson pid "$CT_M" '.findings[] | select(.pid == $pid and .rule == "lua-unindexed-var") | "\(.file):\(.line) \(.variable)"')
            if [ "$got" = "/app/main.lua:1 http_x_tenant" ]; then
                ok "its Lua is read in its root: $got"
            else
                not_ok "its Lua: \"$got\"" "$OUT"
            fi
        fi
        np_stop "$CT"
    else
        echo "# skipped the chroot: $(tail -n 3 "$TMP/ctr.err")"
    fi
else
    echo "# not root: no chroot"
fi

# ---- the runtime module's own status, found in the configuration -------------

SO=${BUILD:-build}/ngx_http_var_index_module.so
case "$SO" in /*) ;; *) SO="$NGXL_ROOT/$SO" ;; esac

# shellcheck disable=SC2317  # called by np_start
vi_conf() {
    np_main "$1" 1 | sed "1i load_module /usr/lib/nginx/modules/ndk_http_module.so;\\
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;\\
load_module $SO;"
    cat <<EOF
http {
$(np_http_common "$1")
    access_log off;
    lua_package_path "$NGXL_ROOT/module/lua/?.lua;;";
    init_by_lua_block { require("resty.var_index").patch() }
    var_index \$uri;
    server {
        listen 127.0.0.1:$2;
        location / {
            content_by_lua_block {
                ngx.say(ngx.var.http_x_tenant_id or "-")
            }
        }
        location = /vi {
            var_index_status;
        }
    }
}
EOF
}

if [ -r "$SO" ] && [ -r /usr/lib/nginx/modules/ngx_http_lua_module.so ] &&
   [ -r "$NGXL_ROOT/module/lua/resty/var_index.lua" ]; then
    if np_start "$VI" vi_conf; then
        VI_M=$(np_master "$VI")
        i=0
        while [ "$i" -lt 200 ]; do
            curl -s -o /dev/null "http://127.0.0.1:$NP_PORT/" 2>/dev/null ||
                wget -q -O /dev/null "http://127.0.0.1:$NP_PORT/" 2>/dev/null
            i=$((i + 1))
        done
        run "$NGXLINT" audit --sample 0.3 --format json --fail-on never
        if printf '%s\n' "$ERR" | grep -A3 "master $VI_M:" | grep -q "var_index_status at http://127.0.0.1:$NP_PORT/vi: [1-9][0-9]* indexed"; then
            ok "the module's var_index_status is found in the configuration and read"
        else
            not_ok "the module's status was not read" "$ERR"
        fi
        got=$(printf '%s' "$OUT" | jq -r --argjson pid "$VI_M" '.findings[] | select(.pid == $pid and .rule == "live-var-index-misses") | .variable')
        echo "# the module counted misses of: ${got:-none yet}"
        np_stop "$VI"
    else
        echo "# skipped the runtime module: $(tail -n 3 "$VI/start.err")"
    fi
else
    echo "# no runtime module built ($SO): its own status is not tried"
fi

done_testing
