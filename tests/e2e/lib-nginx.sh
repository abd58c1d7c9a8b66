# Shared by tests/e2e/keepalive-live.sh and bench/keepalive-qps.sh
# (sourced; not a test: tests/run.sh skips it).  Two real nginx processes
# on 127.0.0.1 only:
#
#   upstream   worker_processes 1; answers every request with
#              `return 200 "ok\n"` and logs one line a request:
#              "$connection $connection_requests $status".  $connection is
#              the serial number of the connection, from a counter that all
#              the workers of one master share (in shared memory), so the
#              number of distinct values in a range of lines is the number
#              of connections that carried those requests.
#   proxy      worker_processes N, the seed incident: `upstream backend {
#              server 127.0.0.1:PORT; }` and `location / { proxy_pass
#              http://backend; }`, no keepalive.
#
# Each runs in its own prefix directory (config, pid file, logs and temp
# paths all inside it), as a daemon, and is stopped by the pid in its pid
# file.  Nothing here needs root; run as root, the workers run as nginx's
# default user (nobody), which needs no access to the prefix: the master
# opens the logs.  The functions take the prefix directory as first argument
# and use np_-prefixed globals (no `local` in POSIX sh).
#
# Environment: NGINX (default: nginx on PATH, else /usr/sbin/nginx).

if [ -z "${NGINX:-}" ]; then
    NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi

# Ports are drawn at random from 20000-31999, below Linux's default
# ephemeral range (32768-60999, see /proc/sys/net/ipv4/ip_local_port_range),
# skipping those `ss` shows listening; nginx's own bind() is the final word:
# on "Address already in use" np_start draws again.
np_random_port() {
    np_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    echo $((20000 + np_r % 12000))
}

np_port_listened() {    # PORT: true if something listens on it (as far as ss tells)
    command -v ss >/dev/null 2>&1 || return 1
    ss -Hltn 2>/dev/null | awk -v p="$1" '
        { n = split($4, a, ":"); if (a[n] == p) found = 1 }
        END { exit !found }'
}

np_pick_port() {
    np_i=0
    while [ "$np_i" -lt 50 ]; do
        np_i=$((np_i + 1))
        np_p=$(np_random_port)
        if ! np_port_listened "$np_p"; then
            echo "$np_p"
            return 0
        fi
    done
    return 1
}

# np_main PREFIX WORKERS: the main-context lines shared by both configs
np_main() {
    cat <<EOF
daemon on;
master_process on;
worker_processes $2;
pid $1/nginx.pid;
error_log $1/error.log notice;

events {
    worker_connections 1024;
}
EOF
}

# np_http_common PREFIX: http-context lines shared by both configs: every
# path nginx may create or open inside the prefix
np_http_common() {
    cat <<EOF
    client_body_temp_path $1/tmp/body;
    proxy_temp_path       $1/tmp/proxy;
    fastcgi_temp_path     $1/tmp/fastcgi;
    uwsgi_temp_path       $1/tmp/uwsgi;
    scgi_temp_path        $1/tmp/scgi;
EOF
}

# np_upstream_conf PREFIX PORT
np_upstream_conf() {
    np_main "$1" 1
    cat <<EOF

http {
$(np_http_common "$1")

    log_format conn '\$connection \$connection_requests \$status';
    access_log $1/access.log conn;

    server {
        listen 127.0.0.1:$2;
        location / {
            return 200 "ok\n";
        }
    }
}
EOF
}

# np_proxy_conf PREFIX PORT UPSTREAM-PORT WORKERS ACCESS-LOG(on|off): the
# seed incident.  The access log, when on, has one line a request:
# "$status $upstream_status".
np_proxy_conf() {
    np_main "$1" "$4"
    if [ "$5" = on ]; then
        np_log="log_format st '\$status \$upstream_status';
    access_log $1/access.log st;"
    else
        np_log="access_log off;"
    fi
    cat <<EOF

http {
$(np_http_common "$1")

    $np_log

    upstream backend {
        server 127.0.0.1:$3;
    }

    server {
        listen 127.0.0.1:$2;
        location / {
            proxy_pass http://backend;
        }
    }
}
EOF
}

# np_nginx PREFIX ARG...: nginx on the prefix's config
np_nginx() {
    np_d=$1
    shift
    "$NGINX" -p "$np_d/" -c "$np_d/nginx.conf" -e "$np_d/error.log" "$@"
}

# np_start PREFIX WRITER [ARG...]: writes PREFIX/nginx.conf with
# `WRITER PREFIX PORT ARG...` on a free port and starts nginx on it; sets
# NP_PORT.  On failure, the reason is in PREFIX/start.err.
np_start() {
    np_d=$1 np_w=$2
    shift 2
    mkdir -p "$np_d/tmp"
    np_try=0
    while [ "$np_try" -lt 8 ]; do
        np_try=$((np_try + 1))
        if ! NP_PORT=$(np_pick_port); then
            echo "no free port found" >"$np_d/start.err"
            return 1
        fi
        "$np_w" "$np_d" "$NP_PORT" "$@" >"$np_d/nginx.conf"
        : >"$np_d/error.log"
        # the master binds before it daemonizes: a zero exit means listening
        if np_nginx "$np_d" >"$np_d/start.err" 2>&1; then
            return 0
        fi
        cat "$np_d/error.log" >>"$np_d/start.err"
        grep -q 'Address already in use' "$np_d/start.err" || return 1
    done
    return 1
}

# np_start_or_stop WHAT PREFIX WRITER [ARG...]: np_start, and for a test
# (tests/e2e/lib.sh): a failed check naming WHAT and the end of the test if
# it cannot start
np_start_or_stop() {
    np_what=$1
    shift
    if ! np_start "$@"; then
        not_ok "$np_what did not start" "$(cat "$1/start.err" 2>/dev/null)"
        done_testing
    fi
}

np_master() {   # PREFIX: the master's pid, if it runs
    [ -s "$1/nginx.pid" ] || return 1
    np_m=$(cat "$1/nginx.pid")
    case $np_m in '' | *[!0-9]*) return 1 ;; esac
    [ -d "/proc/$np_m" ] || kill -0 "$np_m" 2>/dev/null || return 1
    echo "$np_m"
}

# np_children PID: the pids of PID's children, from /proc (Linux)
np_children() {
    for np_s in /proc/[0-9]*/stat; do
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        sed -n 's/^\([0-9]*\) (.*) [A-Za-z] \([0-9]*\) .*/\1 \2/p' "$np_s" 2>/dev/null
    done | awk -v p="$1" '$2 == p { print $1 }'
}

np_workers() {  # PREFIX: the worker pids (the master's children)
    np_m=$(np_master "$1") || return 0
    np_children "$np_m"
}

# np_is_nginx PID: PID is a live nginx process (guards against a reused
# pid).  A zombie does not count: the daemonized master's parent is PID 1,
# which may take its time to reap it (over a second in some containers).
np_is_nginx() {
    np_st=$(sed -n 's/^[0-9]* (\(.*\)) \([A-Za-z]\) .*/\1 \2/p' "/proc/$1/stat" 2>/dev/null)
    case $np_st in
    "nginx Z" | "nginx X" | "nginx x") return 1 ;;
    "nginx "?) return 0 ;;
    *) return 1 ;;
    esac
}

# np_reload PREFIX WORKERS: `nginx -s reload`, then waits (up to 10 s) until
# every old worker has gone and WORKERS new ones run, so that nothing the
# caller sends afterwards reaches a worker with the old configuration
np_reload() {
    np_old=$(np_workers "$1")
    np_nginx "$1" -s reload 2>>"$1/start.err" || return 1
    np_i=0
    while [ "$np_i" -lt 100 ]; do
        np_now=$(np_workers "$1")
        np_stale=0
        for np_o in $np_old; do
            for np_n in $np_now; do
                [ "$np_o" = "$np_n" ] && np_stale=1
            done
        done
        np_count=$(printf '%s\n' "$np_now" | grep -c .)
        if [ "$np_stale" = 0 ] && [ "$np_count" = "$2" ]; then
            return 0
        fi
        sleep 0.1
        np_i=$((np_i + 1))
    done
    return 1
}

# np_stop PREFIX: fast shutdown (TERM) of the master, then waits up to 5 s;
# KILLs the master and its workers, by pid, if they are still there
np_stop() {
    np_m=$(np_master "$1") || return 0
    np_is_nginx "$np_m" || return 0
    np_ws=$(np_children "$np_m")
    kill -TERM "$np_m" 2>/dev/null
    np_i=0
    while [ "$np_i" -lt 50 ]; do
        np_alive=""
        for np_p in "$np_m" $np_ws; do
            np_is_nginx "$np_p" && np_alive="$np_alive $np_p"
        done
        [ -z "$np_alive" ] && return 0
        sleep 0.1
        np_i=$((np_i + 1))
    done
    # shellcheck disable=SC2086  # a list of pids
    kill -KILL $np_alive 2>/dev/null
    return 0
}

# np_settle FILE...: waits (up to 3 s) until the files stop growing, so that
# the log lines of requests still in flight land in the phase they belong to
np_settle() {
    np_prev=""
    np_i=0
    while [ "$np_i" -lt 30 ]; do
        np_cur=$(cat "$@" 2>/dev/null | wc -c)
        [ "$np_cur" = "$np_prev" ] && return 0
        np_prev=$np_cur
        sleep 0.1
        np_i=$((np_i + 1))
    done
}

np_lines() {    # FILE: its line count (0 if absent)
    if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# np_conns LOG FROM TO: distinct connections (first field) in lines
# FROM+1..TO of an upstream access log
np_conns() {
    awk -v a="$2" -v b="$3" 'NR > a && NR <= b && !seen[$1]++ { n++ }
        END { print n + 0 }' "$1"
}

# np_max_reqs LOG FROM TO: the most requests one connection carried in
# lines FROM+1..TO (the second field, $connection_requests)
np_max_reqs() {
    awk -v a="$2" -v b="$3" 'NR > a && NR <= b && $2 > m { m = $2 }
        END { print m + 0 }' "$1"
}
