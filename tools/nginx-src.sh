#!/bin/sh
# tools/nginx-src.sh [DIR]: Debian's nginx 1.22.1 source (the source package
# nginx=1.22.1-9+deb12u9, its patches applied), for tests/e2e/src.sh and
# bench/src.sh; prints the tree's path (DIR/nginx-1.22.1).  The perl
# module's nginx.xs is run through xsubpp, as nginx's build does, so that
# its nginx.c is beside it (#line directives point back at nginx.xs).
#
# DIR defaults to build/deps/nginx-src.  The tree is cached there: once it
# is, this does nothing else.
#
# Fetching it needs `apt-get source`, that is a deb-src line for bookworm.
# Run as root, it adds /etc/apt/sources.list.d/ngxlint-deb-src.sources
# when apt knows no source of that version yet (once: the file is not
# rewritten), runs apt-get update, and installs dpkg-dev when dpkg-source
# is missing.  Not root, without the cache: exits 77 (skip).  Exits 1 when
# the fetch fails for another reason.
set -eu

VERSION=1.22.1-9+deb12u9
UPSTREAM=1.22.1
DIR=${1:-build/deps/nginx-src}
TREE=$DIR/nginx-$UPSTREAM
SOURCES=/etc/apt/sources.list.d/ngxlint-deb-src.sources

skip() { echo "nginx-src: $*" >&2; exit 77; }
die()  { echo "nginx-src: $*" >&2; exit 1; }

if [ -f "$TREE/src/core/nginx.c" ] && [ -f "$TREE/src/http/modules/perl/nginx.c" ]; then
    echo "$TREE"
    exit 0
fi

command -v xsubpp >/dev/null 2>&1 || skip "xsubpp is missing (Debian's perl package)"

if [ ! -f "$TREE/src/core/nginx.c" ]; then
    command -v apt-get >/dev/null 2>&1 || skip "no apt-get: not a Debian system"

    has_source() {
        apt-cache showsrc nginx 2>/dev/null | grep -q "^Version: $VERSION\$"
    }

    if ! has_source; then
        [ "$(id -u)" -eq 0 ] || skip "the nginx source is not cached in $DIR, and adding a deb-src line for bookworm needs root"
        if [ ! -f "$SOURCES" ]; then
            cat >"$SOURCES" <<'EOF'
# added by ngxlint's tools/nginx-src.sh: source packages, for its tests
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        fi
        apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
        has_source || skip "apt knows no source package nginx=$VERSION"
    fi

    if ! command -v dpkg-source >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || skip "dpkg-source is missing (dpkg-dev)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            dpkg-dev >/dev/null 2>&1 || die "cannot install dpkg-dev"
    fi

    mkdir -p "$DIR"
    work=$(mktemp -d "$DIR/fetch.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    # apt's sandbox user may not write here: that is a warning, not an error
    if ! (cd "$work" && apt-get source -qq "nginx=$VERSION") >"$work.log" 2>&1; then
        cat "$work.log" >&2
        rm -f "$work.log"
        skip "apt-get source nginx=$VERSION failed"
    fi
    rm -f "$work.log"
    [ -f "$work/nginx-$UPSTREAM/src/core/nginx.c" ] || die "apt-get source unpacked no nginx-$UPSTREAM"
    rm -rf "$TREE"
    mv "$work/nginx-$UPSTREAM" "$TREE"
fi

# what nginx's build makes of nginx.xs (objs/src/http/modules/perl/nginx.c)
perl_dir=$TREE/src/http/modules/perl
(cd "$perl_dir" && xsubpp -typemap typemap nginx.xs >nginx.c.tmp && mv nginx.c.tmp nginx.c) \
    || die "xsubpp failed on $perl_dir/nginx.xs"

echo "$TREE"
