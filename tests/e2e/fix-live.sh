# The fixes keep what nginx does, on real nginx: a proxy nginx with passes
# to literal addresses (proxy-pass-literal-address and the keepalive rules
# fix them) in the corners of nginx's merge: nested locations that inherit
# the outer pass's default proxy_redirect, "proxy_redirect default" (twice,
# and beside another), a pass with a URI, a regex location, an exact one, a
# pass inside "if", fastcgi_pass overridden by a later proxy_pass, a
# proxy_redirect set further out, headers carried into nested locations, a
# nested pass reported but not fixed under a fixed one.
#
# Two backend nginx on 127.0.0.1 answer every request with a redirect to
# their own address (what the default proxy_redirect rewrites) and the Host
# they got, and the X-A header (the proxy's server sets it; a location's own
# proxy_set_header drops it, and the Connection fix must carry it).  Each URL is asked of the proxy before the fix, and after
# `ngxlint conf --write` and a reload: status, Location and Host must be the
# same for every one (the passes in "if" are reported, not fixed: nothing
# they need can be set there).  A control proves the comparison can fail:
# the `proxy_redirect default;` an earlier version of the fix put in nested
# locations changes what one URL answers.
#
# Needs nginx and curl (exits 77 without them); runs as root or not.
. tests/e2e/lib.sh
. tests/e2e/lib-nginx.sh

if [ ! -x "$NGINX" ]; then
    echo "nginx is missing ($NGINX)"; exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "curl is missing"; exit 77
fi

B1=$TMP/b1
B2=$TMP/b2
PX=$TMP/proxy

# shellcheck disable=SC2317  # called by the trap
cleanup() {
    np_stop "$PX"
    np_stop "$B1"
    np_stop "$B2"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# backend PREFIX PORT: a redirect to its own address, and the Host it got
backend_conf() {
    np_main "$1" 1
    cat <<EOF

http {
$(np_http_common "$1")
    access_log off;

    server {
        listen 127.0.0.1:$2;
        location / {
            add_header X-Host \$http_host always;
            add_header X-A \$http_x_a always;
            return 302 http://127.0.0.1:$2\$request_uri;
        }
    }
}
EOF
}

# proxy PREFIX PORT B1-PORT B2-PORT
proxy_conf() {
    np_main "$1" 1
    cat <<EOF

http {
$(np_http_common "$1")
    access_log off;

    upstream backend {
        server 127.0.0.1:$4;
    }

    server {
        listen 127.0.0.1:$2;
        proxy_set_header X-A srv;

        # nested passes inherit this pass's default proxy_redirect
        location /a/ {
            proxy_pass http://127.0.0.1:$3;

            location /a/n/ {
                proxy_pass http://backend;
            }

            location /a/v/ {
                set \$t 127.0.0.1:$4;
                proxy_pass http://\$t;
            }

            location /a/same/ {
                proxy_pass http://127.0.0.1:$4;
            }
        }

        location /u/ {
            proxy_pass http://127.0.0.1:$3/v1/;

            location /u/same/ {
                proxy_pass http://127.0.0.1:$3;
            }
        }

        location /d/ {
            proxy_pass http://127.0.0.1:$3;
            proxy_redirect default;
            proxy_redirect default;
        }

        location /m/ {
            proxy_pass http://127.0.0.1:$3;
            proxy_redirect default;
            proxy_redirect http://other.example/ /o/;
        }

        location /f/ {
            fastcgi_pass 127.0.0.1:9;
            proxy_pass http://127.0.0.1:$3;
        }

        location ~ ^/re/ {
            proxy_pass http://127.0.0.1:$3;
        }

        location = /e {
            proxy_pass http://127.0.0.1:$3/e2;
        }

        location /i/ {
            if (\$arg_x) {
                proxy_pass http://127.0.0.1:$4;
            }
            proxy_pass http://127.0.0.1:$3;
        }

        location /s/ {
            proxy_redirect http://127.0.0.1:$3/ /srv/;

            location /s/x/ {
                proxy_pass http://127.0.0.1:$3;
            }
        }

        # the outer pass is fixed; the nested ones, reported (a header takes
        # \$proxy_host; a pass in limit_except), keep the Host they inherited
        location /c/ {
            proxy_pass http://127.0.0.1:$3;

            location /c/k/ {
                add_header X-Via \$proxy_host;
                proxy_pass http://127.0.0.1:$4;
            }

            location /c/l/ {
                limit_except POST {
                    proxy_pass http://127.0.0.1:$4;
                }
            }
        }

        location /h/ {
            proxy_set_header X-T 1;
            proxy_pass http://127.0.0.1:$3;

            location /h/n/ {
                proxy_pass http://backend;
            }
        }
    }
}
EOF
}

URLS="/a/x /a/n/x /a/v/x /a/same/x /u/x /u/same/x /d/x /m/x /f/x /re/x /e
/i/x /i/x?x=1 /s/x/y /c/x /c/k/x /c/l/x /h/x /h/n/x"

# answers FILE: one line a URL, "URL STATUS LOCATION HOST X-A"
answers() {
    for u in $URLS; do
        h=$(curl -s -m 5 -o /dev/null -D - "http://127.0.0.1:$PORT$u" | tr -d '\r')
        printf '%s %s %s %s %s\n' "$u" \
            "$(printf '%s\n' "$h" | sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p')" \
            "$(printf '%s\n' "$h" | sed -n 's/^[Ll]ocation: //p')" \
            "$(printf '%s\n' "$h" | sed -n 's/^[Xx]-[Hh]ost: //p')" \
            "$(printf '%s\n' "$h" | sed -n 's/^[Xx]-[Aa]: //p')"
    done >"$1"
}

np_start_or_stop "the first backend nginx" "$B1" backend_conf
P1=$NP_PORT
np_start_or_stop "the second backend nginx" "$B2" backend_conf
P2=$NP_PORT
np_start_or_stop "the proxy nginx" "$PX" proxy_conf "$P1" "$P2"
PORT=$NP_PORT
cp "$PX/nginx.conf" "$TMP/original.conf"

answers "$TMP/before"
cat "$TMP/before" | sed "s/^/# /"
if [ "$(grep -c ' 302 http' "$TMP/before")" -ge 1 ] &&
   ! grep -q '^[^ ]* [^3]' "$TMP/before"; then
    ok "every URL is answered by a backend's redirect"
else
    not_ok "the proxy does not answer as set up" "$(cat "$TMP/before")"
fi

# the control: what an earlier fix wrote into a nested location
sed "/location \/a\/same\//,/}/s|proxy_pass http://127.0.0.1:$P2;|& proxy_redirect default;|" \
    "$TMP/original.conf" >"$PX/nginx.conf"
if np_reload "$PX" 1; then
    answers "$TMP/control"
    if cmp -s "$TMP/before" "$TMP/control"; then
        not_ok "the control: a nested proxy_redirect default changed nothing"
    else
        ok "the control: a nested proxy_redirect default changes what nginx answers"
    fi
else
    not_ok "the control did not load" "$(cat "$PX/start.err")"
fi

cp "$TMP/original.conf" "$PX/nginx.conf"
run "$NGXLINT" conf -q --write --nginx "$NGINX" "$PX/nginx.conf"
expect_rc 1 "ngxlint conf --write fixes the proxy's configuration, and reports the passes in \"if\" it leaves"
expect_out 'proxy_pass to the address 127.0.0.1:[0-9]+ has no upstream block' \
    "the passes in \"if\" are still reported"
if grep -q 'upstream literal_127_0_0_1_' "$PX/nginx.conf" &&
   grep -q 'keepalive' "$PX/nginx.conf"; then
    ok "the literal addresses now have upstream blocks with keepalive"
else
    not_ok "the fix did not write the upstreams" "$(diff -u "$TMP/original.conf" "$PX/nginx.conf")"
fi

run np_nginx "$PX" -t
expect_rc 0 "the fixed configuration passes nginx -t"

if np_reload "$PX" 1; then
    answers "$TMP/after"
    if cmp -s "$TMP/before" "$TMP/after"; then
        ok "every URL gets the same status, Location, Host and headers after the fix"
    else
        not_ok "the fix changed what nginx answers" \
            "$(diff -u "$TMP/before" "$TMP/after"; diff -u "$TMP/original.conf" "$PX/nginx.conf")"
    fi
else
    not_ok "the fixed configuration did not load" "$(cat "$PX/start.err")"
fi

done_testing
