#!/bin/bash
# module/build.sh BUILD_DIR
#
# Builds BUILD_DIR/ngx_http_var_index_module.so against Debian's nginx-dev,
# the way Debian builds its own dynamic modules (debhelper's nginx_mod build
# system): the headers-only nginx tree of /usr/share/nginx/src, configured
# with its conf_flags (the flags that change the module ABI, --with-compat
# among them) and dpkg-buildflags, then `make modules`.  The tree is copied
# first: configure writes into it, and /usr/share is not ours.
#
# Needs: nginx-dev dpkg-dev libpcre2-dev libssl-dev zlib1g-dev (configure
# probes for pcre2, OpenSSL and zlib because conf_flags enables them) and a C
# compiler.  At the end the module's signature string is checked against the
# nginx binary's (NGINX, default /usr/sbin/nginx): load_module refuses a
# module whose signature differs.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi

src=/usr/share/nginx/src
nginx=${NGINX:-/usr/sbin/nginx}
here=$(cd "$(dirname "$0")" && pwd -P)
mkdir -p "$1"
out=$(cd "$1" && pwd -P)
work=$out/var-index-module
so=ngx_http_var_index_module.so

for f in "$src/conf_flags" "$src/configure"; do
    if [ ! -r "$f" ]; then
        echo "build.sh: $f is missing (install nginx-dev)" >&2
        exit 1
    fi
done
if ! command -v dpkg-buildflags >/dev/null 2>&1; then
    echo "build.sh: dpkg-buildflags is missing (install dpkg-dev)" >&2
    exit 1
fi

rm -rf "$work"
mkdir -p "$work"
cp -a "$src" "$work/nginx"

# shellcheck disable=SC1091  # Debian's: NGX_CONF_FLAGS=( ... )
. "$work/nginx/conf_flags"

cflags="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS)"
ldflags="$(dpkg-buildflags --get LDFLAGS) -fPIC"

(
    cd "$work/nginx"
    ./configure --with-cc-opt="$cflags" --with-ld-opt="$ldflags" \
        "${NGX_CONF_FLAGS[@]}" \
        --add-dynamic-module="$here" \
        --builddir="$work/objs"
) >"$work/configure.log" 2>&1 || {
    echo "build.sh: configure failed; the end of $work/configure.log:" >&2
    tail -20 "$work/configure.log" >&2
    exit 1
}

make -f "$work/objs/Makefile" -C "$work/nginx" modules \
    >"$work/make.log" 2>&1 || {
    echo "build.sh: make failed; the end of $work/make.log:" >&2
    tail -30 "$work/make.log" >&2
    exit 1
}

cp "$work/objs/$so" "$out/$so.tmp"
mv "$out/$so.tmp" "$out/$so"

# the signature load_module compares: "8,4,8,0000111111010111001111111111111111"
signature() {
    strings "$1" | grep -E '^[0-9]+,[0-9]+,[0-9]+,' | head -1
}

if [ -x "$nginx" ] && command -v strings >/dev/null 2>&1; then
    want=$(signature "$nginx")
    got=$(signature "$out/$so")
    if [ "$want" != "$got" ]; then
        echo "build.sh: signature $got differs from $nginx's $want" >&2
        exit 1
    fi
fi

echo "$out/$so"
