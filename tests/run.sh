#!/bin/sh
# Runs every test: the cmocka binaries given as arguments, then every
# tests/e2e/*.sh script.  A script exits 0 (pass), 77 (skip: a tool it
# needs is missing) or anything else (fail).  Ends with one line,
# "N passed, N failed, N skipped", and a non-zero status on any failure.
#
# NGXLINT: the binary under test (default build/ngxlint).

NGXLINT="${NGXLINT:-build/ngxlint}"
export NGXLINT
export NGXL_ROOT="$(pwd)"

passed=0
failed=0
skipped=0
failures=""

run() {
    name="$1"
    shift
    echo "=== $name"
    "$@"
    rc=$?
    case $rc in
    0)  passed=$((passed + 1)) ;;
    77) skipped=$((skipped + 1)); echo "--- skipped: $name" ;;
    *)  failed=$((failed + 1)); failures="$failures $name"
        echo "--- FAILED: $name (exit $rc)" ;;
    esac
}

for t in "$@"; do
    run "$t" "$t"
done

for t in tests/e2e/*.sh; do
    case "$t" in
    */lib.sh|*/lib-nginx.sh|*/sarif-validate.sh) continue ;;
    esac
    run "$t" sh "$t"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
