#!/bin/sh
# valgrind.sh: one run of each subcommand under valgrind memcheck, on the
# bundled example deployment (fixtures/demo): no memory error, no leak.
#
#   conf (text, json, sarif, github), conf --fix, conf --write (on a copy),
#   parse, lua (text, --list-accesses, --emit-index, --fix, --write on a
#   copy), bin (an -O0 program built here, Debian's nginx), src (libclang),
#   audit, rules, explain, and a path alone (detected)
#
# Pass: valgrind's own exit code (99) never comes: no invalid read or write,
# no use of uninitialised memory, no definite, indirect or possible leak
# ("still reachable" is memory the libraries keep until exit: not a leak),
# and ngxlint's exit is the one it has without valgrind.
#
# Skipped (77) without valgrind, and for a sanitizer build (ASan and
# valgrind do not run together; `make test SANITIZE=1` checks that build).
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is missing"
    exit 77
fi
if ldd "$NGXLINT" 2>/dev/null | grep -q libasan; then
    echo "a sanitizer build: valgrind does not run it"
    exit 77
fi

DEMO=$NGXL_ROOT/fixtures/demo
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes"

# vg DESC ARGS...: ngxlint ARGS, first plain (its exit), then under
# valgrind: the same exit, nothing from valgrind
vg() {
    vg_desc=$1
    shift
    run "$NGXLINT" "$@"
    vg_rc=$RC
    # shellcheck disable=SC2086  # VG: words
    run $VG "$NGXLINT" "$@"
    if [ "$RC" = "$vg_rc" ] && ! printf '%s\n' "$ERR" | grep -q '^==[0-9]*=='; then
        ok "valgrind: $vg_desc (exit $RC, as without valgrind)"
    else
        not_ok "valgrind: $vg_desc: exit $RC (without valgrind: $vg_rc)" \
            "$(printf '%s\n' "$ERR" | grep '^==' | head -40)"
    fi
}

# the check's control: a program that leaks and reads uninitialised memory
# must make valgrind fail with these options
cat >"$TMP/leak.c" <<'EOC'
#include <stdio.h>
#include <stdlib.h>
int main(void) { int *p = malloc(64); if (p[3] > 0) puts("x"); p = malloc(32); return p == NULL; }
EOC
if cc -g -O0 -o "$TMP/leak" "$TMP/leak.c" 2>/dev/null; then
    # shellcheck disable=SC2086  # VG: words
    run $VG "$TMP/leak"
    if [ "$RC" = 99 ]; then
        ok "valgrind's options catch a leak and an uninitialised read (the control)"
    else
        not_ok "valgrind's options do not catch the control's leak (exit $RC)" "$ERR"
    fi
else
    not_ok "cc could not build the control"
fi

# the demo leaves an include missing on purpose, and no fix is applied to
# a configuration not read whole: the writes patch copies of fixtures
KA=$NGXL_ROOT/fixtures/rules/upstream-keepalive/cases.conf
IX=$NGXL_ROOT/fixtures/lua/index/plain.conf
cp "$KA" "$TMP/ka.conf"
cp "$IX" "$TMP/ix.conf"

vg "conf" conf "$DEMO/nginx.conf"
vg "conf --format json" conf --format json "$DEMO/nginx.conf"
vg "conf --format sarif" conf --format sarif "$DEMO/nginx.conf"
vg "conf --format github" conf --format github "$DEMO/nginx.conf"
vg "conf --fix" conf --fix "$DEMO/nginx.conf"
vg "conf --fix (fixes)" conf --fix "$KA"
# --write changes the copy: the plain run first would leave nothing to do,
# so this one runs under valgrind only (exit 0 or 1: findings left)
# shellcheck disable=SC2086  # VG: words
run $VG "$NGXLINT" conf --write "$TMP/ka.conf"
if [ "$RC" -le 1 ] && ! printf '%s\n' "$ERR" | grep -q '^==[0-9]*=='; then
    ok "valgrind: conf --write (exit $RC)"
else
    not_ok "valgrind: conf --write: exit $RC" "$(printf '%s\n' "$ERR" | head -40)"
fi
if cmp -s "$KA" "$TMP/ka.conf"; then
    not_ok "conf --write under valgrind changed nothing"
else
    ok "conf --write under valgrind patched the copy"
fi
vg "parse" parse "$DEMO/nginx.conf"
vg "lua" lua "$DEMO/nginx.conf"
vg "lua --list-accesses --format json" lua --list-accesses --format json "$DEMO/nginx.conf"
vg "lua --emit-index" lua --emit-index "$DEMO/nginx.conf"
vg "lua --fix" lua --fix "$DEMO/nginx.conf"
vg "lua --fix (fixes)" lua --fix "$IX"
# shellcheck disable=SC2086  # VG: words
run $VG "$NGXLINT" lua --write "$TMP/ix.conf"
if [ "$RC" -le 1 ] && ! printf '%s\n' "$ERR" | grep -q '^==[0-9]*==' &&
   ! cmp -s "$IX" "$TMP/ix.conf"; then
    ok "valgrind: lua --write patched the copy (exit $RC)"
else
    not_ok "valgrind: lua --write: exit $RC" "$(printf '%s\n' "$ERR" | head -40)"
fi

if command -v cc >/dev/null 2>&1 && cc -g -O0 -o "$TMP/picker" "$DEMO/src/picker.c" 2>/dev/null; then
    vg "bin (an -O0 program)" bin "$TMP/picker"
    vg "bin --format json" bin --format json "$TMP/picker"
else
    not_ok "cc could not build fixtures/demo/src/picker.c"
fi
if [ -x /usr/sbin/nginx ]; then
    vg "bin /usr/sbin/nginx" bin /usr/sbin/nginx
fi
vg "src (libclang)" src "$DEMO/src/ngx_http_demo_module.c"
vg "audit" audit
vg "rules" rules
vg "explain" explain upstream-keepalive
vg "a path alone (detected)" "$DEMO/nginx.conf"

done_testing
