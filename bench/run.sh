#!/bin/sh
# make bench: every benchmark, each printing its table with the peer it is
# measured against in the same run.  A benchmark that lacks a tool says so
# and is skipped (exit 77).
NGXLINT="${1:-build/ngxlint}"

for b in bench/conf.sh bench/keepalive-qps.sh bench/bin.sh bench/lua.sh \
         bench/var-index.sh bench/src.sh; do
    [ -f "$b" ] || continue
    echo "=== $b"
    sh "$b" "$NGXLINT"
    rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || echo "$b: exit $rc"
    echo
done
