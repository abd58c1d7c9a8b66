# Helpers for the end-to-end tests (sourced).  Each check prints one line;
# the script's exit status is the number of failed checks (capped), so a
# failing check never hides the others.

: "${NGXLINT:=build/ngxlint}"
: "${NGXL_ROOT:=$(pwd)}"
case "$NGXLINT" in /*) ;; *) NGXLINT="$NGXL_ROOT/$NGXLINT" ;; esac

T_FAILED=0
T_COUNT=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ngxlint-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() {
    T_COUNT=$((T_COUNT + 1))
    echo "ok $T_COUNT - $1"
}

not_ok() {
    T_COUNT=$((T_COUNT + 1))
    T_FAILED=$((T_FAILED + 1))
    echo "not ok $T_COUNT - $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -40
    return 0
}

# run CMD...: runs it, keeping stdout in $OUT, stderr in $ERR, status in $RC
run() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
}

# expect_rc N DESCRIPTION
expect_rc() {
    if [ "$RC" -eq "$1" ]; then
        ok "$2 (exit $RC)"
    else
        not_ok "$2: exit $RC, expected $1" "stdout: $OUT
stderr: $ERR"
    fi
}

# expect_out PATTERN DESCRIPTION: grep -E PATTERN in stdout
expect_out() {
    if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then
        ok "$2"
    else
        not_ok "$2: no /$1/ in stdout" "$OUT
stderr: $ERR"
    fi
}

expect_err() {
    if printf '%s\n' "$ERR" | grep -Eq -- "$1"; then
        ok "$2"
    else
        not_ok "$2: no /$1/ in stderr" "$ERR"
    fi
}

expect_no_out() {
    if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then
        not_ok "$2: /$1/ in stdout" "$OUT"
    else
        ok "$2"
    fi
}

done_testing() {
    echo "# $T_COUNT checks, $T_FAILED failed"
    [ "$T_FAILED" -eq 0 ] || exit 1
    exit 0
}
