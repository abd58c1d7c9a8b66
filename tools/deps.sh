#!/bin/sh
# Installs what ngxlint needs on Debian 12, and only what is missing:
# Debian packages with apt-get, and the pinned tree-sitter Lua grammar
# from the npm registry (checked against its integrity hash).
set -eu

PKGS="gcc clang make pkg-config libjansson-dev libcmocka-dev libelf-dev
libdwarf-dev libtree-sitter-dev libclang-dev nginx nginx-dev
libnginx-mod-http-lua libnginx-mod-http-echo lua-resty-core luajit2 openssl
ca-certificates
jq time wrk dwz dwarfdump binutils zlib1g-dev pre-commit
python3-yaml man-db dpkg-dev libpcre2-dev libssl-dev valgrind curl cmake
bear perl"

GRAMMAR="@tree-sitter-grammars/tree-sitter-lua@0.2.0"
GRAMMAR_TGZ="tree-sitter-grammars-tree-sitter-lua-0.2.0.tgz"
GRAMMAR_SHA512="sha512-VPk971J3hBUNr7CpZJvgTU5UmEkW8iMQ0Sk6br4O3xL00XFEO4PCjSSGeYYakRgPAJiIR8J594UcBK+7ilBvqw=="
DEPS_DIR="${NGXL_DEPS_DIR:-build/deps}"

# "deps.sh grammar": only the grammar (what a plain `make` needs)
only_grammar=0
[ "${1:-}" = grammar ] && only_grammar=1

missing=""
[ "$only_grammar" = 1 ] && PKGS=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
if [ "$only_grammar" = 0 ] && ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi

if [ -n "$missing" ]; then
    echo "deps: installing:$missing"
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO=sudo
        else
            echo "deps: not root and no sudo: install these packages:$missing" >&2
            exit 1
        fi
    else
        SUDO=
    fi
    $SUDO apt-get update -qq
    # a package's own services must not start on a build machine
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq \
        --no-install-recommends $missing >/dev/null
fi

# the tree-sitter Lua grammar, pinned (ABI 14: Debian's tree-sitter 0.20
# loads no newer one)
if [ ! -f "$DEPS_DIR/tree-sitter-lua/src/parser.c" ]; then
    mkdir -p "$DEPS_DIR"
    (cd "$DEPS_DIR" && npm pack --silent "$GRAMMAR" >/dev/null)
    got="sha512-$(openssl dgst -sha512 -binary "$DEPS_DIR/$GRAMMAR_TGZ" | base64 -w0)"
    if [ "$got" != "$GRAMMAR_SHA512" ]; then
        echo "deps: $GRAMMAR_TGZ: integrity mismatch: $got" >&2
        rm -f "$DEPS_DIR/$GRAMMAR_TGZ"
        exit 1
    fi
    rm -rf "$DEPS_DIR/tree-sitter-lua"
    mkdir -p "$DEPS_DIR/tree-sitter-lua"
    tar -xzf "$DEPS_DIR/$GRAMMAR_TGZ" -C "$DEPS_DIR/tree-sitter-lua" \
        --strip-components=1 package/src package/LICENSE.md package/package.json
    echo "deps: $GRAMMAR ok ($GRAMMAR_SHA512)"
fi
