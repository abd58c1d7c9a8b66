# The inputs the fuzzers once crashed on (fixtures/fuzz/TARGET/*), replayed:
#
#   - each libFuzzer target (fuzz/, built by `make fuzz-build` into
#     build/fuzz/) runs its own inputs once, without fuzzing: a crash, a
#     sanitizer report or a broken property (an abort) fails the check;
#   - ngxlint runs on each of them the way a user would (conf, parse, the
#     fixes, lua, bin, src): its exit status must be 0, 1 or 2, never a
#     signal, and it must end within 60 seconds.
#
# See fuzz/fuzz.mk and fuzz/run.sh for `make fuzz`.  No clang with its
# libFuzzer runtime: skip (77).  FUZZ_CC: the clang (default: clang-14,
# else clang).
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

FUZZ=fixtures/fuzz
FUZZ_BUILD=build/fuzz
TARGETS="fuzz_conf fuzz_lua fuzz_elf fuzz_fix fuzz_compdb fuzz_objs fuzz_tree"

if [ -z "${FUZZ_CC:-}" ]; then
    FUZZ_CC=$(command -v clang-14 2>/dev/null || command -v clang 2>/dev/null)
fi

if [ -z "$FUZZ_CC" ]; then
    echo "clang is missing: the fuzz targets cannot be built"
    exit 77
fi

# libFuzzer's runtime comes with clang's compiler-rt, not always installed
cat > "$TMP/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void) data;
    (void) size;
    return 0;
}
EOF
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined -o "$TMP/probe" \
        "$TMP/probe.c" >/dev/null 2>&1; then
    echo "$FUZZ_CC has no libFuzzer runtime (-fsanitize=fuzzer)"
    exit 77
fi

TIMEOUT=""
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout 60"

# ---- the targets -----------------------------------------------------------

if ${MAKE:-make} -s fuzz-build FUZZ_CC="$FUZZ_CC" >"$TMP/build.log" 2>&1; then
    ok "make fuzz-build"
else
    not_ok "make fuzz-build" "$(tail -20 "$TMP/build.log")"
fi

# replay TARGET FILE: the target runs FILE once
replay() {
    r_bin="$FUZZ_BUILD/$1"
    if [ ! -x "$r_bin" ]; then
        not_ok "$1 $2: $r_bin was not built"
        return
    fi
    # shellcheck disable=SC2086  # $TIMEOUT: empty or two words
    $TIMEOUT "$r_bin" "$2" >"$TMP/replay.log" 2>&1
    r_rc=$?
    if [ "$r_rc" -eq 0 ]; then
        ok "$1 replays $2"
    else
        not_ok "$1 replays $2: exit $r_rc" \
            "$(grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z]+:)|runtime error' \
                   "$TMP/replay.log" | head -10)"
    fi
}

# cli WHAT ARGS...: ngxlint ARGS... exits 0, 1 or 2
cli() {
    c_what=$1
    shift
    # shellcheck disable=SC2086
    run $TIMEOUT "$NGXLINT" --nginx-version 1.22.0 "$@"
    case $RC in
    0|1|2) ok "ngxlint $c_what (exit $RC)" ;;
    *)     not_ok "ngxlint $c_what: exit $RC (a signal, a hang, or worse)" \
               "$(printf '%s\n' "$ERR" | tail -10)" ;;
    esac
}

total=0

for t in $TARGETS; do
    [ -d "$FUZZ/$t" ] || continue

    for f in "$FUZZ/$t"/*; do
        [ -f "$f" ] || continue
        total=$((total + 1))

        # binary inputs (a mutated ELF) are kept as base64 text
        case $f in
        *.b64) mkdir -p "$TMP/b64"
               base64 -d "$f" > "$TMP/b64/$(basename "$f" .b64)"
               f=$TMP/b64/$(basename "$f" .b64) ;;
        esac

        replay "$t" "$f"

        case $t in
        fuzz_conf)
            cli "conf --single-file $f" conf --single-file "$f"
            cli "parse --include-comments $f" parse --include-comments "$f"
            cli "conf --from-dump $f" conf --from-dump "$f"
            ;;
        fuzz_fix)
            mkdir -p "$TMP/fix"
            cp "$f" "$TMP/fix/nginx.conf"
            cli "conf --fix --single-file $f" conf --fix --single-file \
                "$TMP/fix/nginx.conf"
            cli "conf --write --single-file $f" conf --write --single-file \
                "$TMP/fix/nginx.conf"
            cp "$f" "$TMP/fix/nginx.conf"
            cli "lua --fix $f" lua --fix "$TMP/fix/nginx.conf"
            ;;
        fuzz_lua)
            cli "lua $f" lua "$f"
            cli "lua --list-accesses $f" lua --list-accesses "$f"
            ;;
        fuzz_elf)
            cli "bin $f" bin "$f"
            cli "bin --list-cus --format json $f" bin --list-cus \
                --format json "$f"
            case $f in
            */sibling-points-back-loop)
                run "$NGXLINT" bin --list-cus "$f"
                if printf '%s\n' "$OUT" | grep -q 'not judged: corrupt DWARF: .*sibling'; then
                    ok "bin --list-cus $f: the unit not judged says why"
                else
                    not_ok "bin --list-cus $f: no reason for the unknown unit" "$OUT"
                fi ;;
            esac
            ;;
        fuzz_compdb)
            mkdir -p "$TMP/db"
            cp "$f" "$TMP/db/compile_commands.json"
            cli "src -p DIR (with $f)" src -p "$TMP/db"
            ;;
        fuzz_tree)
            cli "conf $f (its first part alone)" conf "$f"
            ;;
        fuzz_objs)
            mkdir -p "$TMP/tree/objs"
            cp "$f" "$TMP/tree/objs/Makefile"
            cli "src -p TREE (with $f as objs/Makefile)" src -p "$TMP/tree"
            ;;
        esac
    done
done

# fuzz_tree reads its own tree only (fuzz/confine.c): this input's
# "include .*/*.conf" reaches the fuzzer's TMPDIR through "..", where a
# 9 MB configuration of comments once made it run out of memory
host=$(mktemp -d /tmp/ngxl-h.XXXXXX)
awk 'BEGIN { print "events {}"; print "http {";
             for (i = 0; i < 200000; i++)
                 printf "    map_hash_bucket_size 64; # filler %08d\n", i;
             print "}" }' > "$host/outside.conf"
TMPDIR=$host replay fuzz_tree \
    "$FUZZ/fuzz_tree/include-outside-tree-host-files.tree"
rm -rf "$host"

if [ "$total" -gt 0 ]; then
    ok "$total regression inputs in $FUZZ"
else
    not_ok "no regression input in $FUZZ"
fi

done_testing
