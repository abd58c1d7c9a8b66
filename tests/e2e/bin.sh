# `ngxlint bin`: what a binary says about how it was built.  Every fixture
# (fixtures/bin, sources only) is compiled here, into $TMP, at every level
# with gcc and clang, with and without recorded flags, stripped, with its
# debug info moved out (build-id, debuglink, dwz, split DWARF, compressed),
# instrumented and hardened; then Debian's nginx and hostile input.  See
# fixtures/bin/README.md for the builds and the verdict each must get.
#
# GCC, CLANG: the compilers (default gcc, clang).  No gcc: skip (77).  No
# clang: its cases are skipped with a message.
# shellcheck disable=SC2016  # jq filters: their $names are jq's, not ours
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

GCC=${GCC:-gcc}
CLANG=${CLANG:-clang}

if ! command -v "$GCC" >/dev/null 2>&1; then
    echo "$GCC is missing: cannot build the fixtures"
    exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
    echo "jq is missing (make deps installs it)"
    exit 1
fi
HAVE_CLANG=1
if ! command -v "$CLANG" >/dev/null 2>&1; then
    HAVE_CLANG=0
    echo "# $CLANG is missing: the clang cases are skipped"
fi

F="$NGXL_ROOT/fixtures/bin"
W="$TMP/w"                      # the builds run here: CU names are src/x.c
B="$W/bin"
mkdir -p "$W/src" "$B"
cp "$F"/single/*.c "$F"/so/*.c "$F"/multi/src/*.c "$F"/multi/src/*.h "$W/src/"

KV="main buf hash table parse sort stats fmt"       # fixtures/bin/multi
KV_CUS='["src/buf.c","src/fmt.c","src/hash.c","src/main.c","src/parse.c","src/sort.c","src/stats.c","src/table.c"]'


# --- helpers

# build OUT CMD...: runs CMD in $W with `-o bin/OUT` appended; a build that
# fails is a failed check (the toolchain, not ngxlint), and returns 1
build() {
    b_out=$1
    shift
    if (cd "$W" && "$@" -o "bin/$b_out") >"$TMP/build.log" 2>&1; then
        return 0
    fi
    not_ok "build $b_out: $*" "$(cat "$TMP/build.log")"
    return 1
}

# kv_obj VARIANT FILE CMD...: compiles src/FILE.c to obj/VARIANT/FILE.o
kv_obj() {
    k_dir="obj/$1"
    k_file=$2
    shift 2
    mkdir -p "$W/$k_dir"
    (cd "$W" && "$@" -c "src/$k_file.c" -o "$k_dir/$k_file.o") >"$TMP/build.log" 2>&1 \
        || not_ok "compile $k_dir/$k_file.o: $*" "$(cat "$TMP/build.log")"
}

# kv_link VARIANT OUT CMD...: links obj/VARIANT/*.o into bin/OUT
kv_link() {
    k_dir="obj/$1"
    k_out=$2
    shift 2
    # shellcheck disable=SC2046  # the object list, word-split on purpose
    build "$k_out" "$@" $(for f in $KV; do printf '%s ' "$k_dir/$f.o"; done)
}

# kv_all VARIANT OUT CMD...: the whole project, every file with CMD
kv_all() {
    k_v=$1
    k_o=$2
    shift 2
    for f in $KV; do
        kv_obj "$k_v" "$f" "$@"
    done
    kv_link "$k_v" "$k_o" "$@"
}

# ngx ARGS...: `ngxlint bin ARGS` under a time limit, into $OUT/$ERR/$RC;
# a crash or a hang is a failed check
ngx() {
    run timeout 20 "$NGXLINT" bin "$@"
    case $RC in
    0|1|2) ;;
    124)   not_ok "ngxlint bin $*: hangs (killed after 20 s)" ;;
    *)     not_ok "ngxlint bin $*: crashes (exit $RC)" "$ERR" ;;
    esac
}

# the contract's shapes: list-cus of the one binary $f, and its findings
CUS_SHAPE='
    def hex: type == "string" and test("^0x[0-9a-f]+$");
    def strnull: . == null or type == "string";
    (.binaries | type == "array" and length == 1)
    and (.binaries[0] | (.file == $f)
        and (.build_id | . == null or test("^[0-9a-f]+$"))
        and (.debug_file | strnull)
        and (.cus | type == "array")
        and all(.cus[];
            (.name | type == "string" and length > 0)
            and (.producer | strnull)
            and (.opt | IN("O0", "O1", "O2", "O3", "Os", "Og", "Ofast",
                           "optimized", "unoptimized", "unknown"))
            and (.evidence | IN("producer", "dwarf", "machine-code", "none"))
            and (.confidence | IN("high", "medium", "low")))
        and all((.ranges // [])[];
            (.start | hex) and (.end | hex)
            and .opt == "unoptimized" and .evidence == "machine-code"))'

FINDINGS_SHAPE='
    (.tool | type == "object") and (.summary | type == "object")
    and (.findings | type == "array")
    and all(.findings[];
        (.rule | type == "string") and (.message | type == "string")
        and (.severity | IN("error", "warning", "note"))
        and .file == $f and .line == 0 and .column == 0
        and (.notes | type == "array"))'

# one_json: $OUT is exactly one JSON document
one_json() {
    printf '%s\n' "$OUT" | jq -e -s 'length == 1' >/dev/null 2>&1
}

# cus FILE [OPTIONS...]: --list-cus --format json of one binary; the output
# is checked against the contract's shape (a failed check only if it is not)
cus() {
    c_file=$1
    shift
    ngx --list-cus --format json "$@" "$c_file"
    if ! one_json || ! jqt "$CUS_SHAPE" --arg f "$c_file"; then
        not_ok "list-cus $c_file: output is not the contract's JSON (exit $RC)" \
            "$(printf '%s' "$OUT" | head -c 2000)
stderr: $ERR"
    fi
}

# findings FILE [OPTIONS...]: --format json of one binary; checks the shape
findings() {
    f_file=$1
    shift
    ngx --format json "$@" "$f_file"
    if ! one_json || ! jqt "$FINDINGS_SHAPE" --arg f "$f_file"; then
        not_ok "findings $f_file: output is not the findings JSON (exit $RC)" \
            "$(printf '%s' "$OUT" | head -c 2000)
stderr: $ERR"
    fi
}

# the compact view of $OUT shown when a check fails
show() {
    printf '%s\n' "$OUT" | jq -c '
        if has("binaries") then
            .binaries[] | {file, build_id, debug_file, ranges},
                          (.cus[] | {name, opt, evidence, confidence, producer})
        else
            .findings[] | del(.notes)
        end' 2>/dev/null | head -40
    [ -n "$ERR" ] && printf 'stderr: %s\n' "$ERR"
}

# jqt FILTER [JQ OPTIONS...]: whether FILTER is true of the JSON in $OUT
# (false when $OUT is empty or not JSON, or FILTER gives nothing)
jqt() {
    t_filter=$1
    shift
    printf '%s\n' "$OUT" | jq -e -n "$@" "input | ($t_filter)" >/dev/null 2>&1
}

# expect_jq DESCRIPTION FILTER [JQ OPTIONS...]: FILTER is true of $OUT
expect_jq() {
    j_desc=$1
    j_filter=$2
    shift 2
    if jqt "$j_filter" "$@"; then
        ok "$j_desc"
    else
        not_ok "$j_desc" "$(show)"
    fi
}

# expect_cu NAME OPT EVIDENCE DESCRIPTION: in the list-cus output, exactly
# one CU is NAME, judged OPT on EVIDENCE ("OPT1|OPT2": either)
expect_cu() {
    expect_jq "$4: $1 is $2 ($3)" '
        [.binaries[0].cus[] | select(.name == $n)]
        | length == 1 and (.[0].opt | IN($o | split("|")[]))
          and .[0].evidence == $e' \
        --arg n "$1" --arg o "$2" --arg e "$3"
}

# expect_cus_all NAMES_JSON OPT EVIDENCE DESCRIPTION: the CUs named
# src/*.c are exactly NAMES, every one OPT on EVIDENCE
expect_cus_all() {
    expect_jq "$4: every CU $2 ($3)" '
        [.binaries[0].cus[] | select(.name | startswith("src/"))] as $c
        | ([$c[].name] | sort) == $names
          and all($c[]; .opt == $o and .evidence == $e)' \
        --argjson names "$1" --arg o "$2" --arg e "$3"
}

# expect_producer_opt DESCRIPTION: every CU judged by its producer has the
# level of the last -O in it (a bare -O is -O1)
expect_producer_opt() {
    expect_jq "$1: every CU judged by its producer has its last -O" '
        def lastopt: [splits(" +") | select(test("^-O(fast|[0-3sg])?$"))]
                     | last | if . == "-O" then "O1" else ltrimstr("-") end;
        all(.binaries[].cus[] | select(.evidence == "producer"
                                       and (.producer // "" | test(" -O")));
            .opt == (.producer | lastopt))'
}

sev_of() {
    case $1 in
    bin-unoptimized|bin-sanitizer)        echo error ;;
    bin-debug-logging|bin-no-build-info)  echo note ;;
    *)                                    echo warning ;;
    esac
}

# expect_rule RULE DESCRIPTION: $OUT has RULE's finding(s), at its severity
expect_rule() {
    expect_jq "$2: $1" '
        [.findings[] | select(.rule == $r)]
        | length > 0 and all(.[]; .severity == $s)' \
        --arg r "$1" --arg s "$(sev_of "$1")"
}

expect_no_rule() {
    expect_jq "$2: no $1" '[.findings[] | select(.rule == $r)] | length == 0' \
        --arg r "$1"
}

# expect_unoptimized NAMES_JSON DESCRIPTION: one bin-unoptimized finding,
# an error, whose "cus" are exactly NAMES
expect_unoptimized() {
    expect_jq "$2: bin-unoptimized lists $1" '
        [.findings[] | select(.rule == "bin-unoptimized")]
        | length == 1 and .[0].severity == "error"
          and (.[0].cus | sort) == $names' \
        --argjson names "$1"
}

# expect_hardening "PROPS" yes|no DESCRIPTION: one bin-hardening finding per
# property that is missing (yes), none for those present (no)
expect_hardening() {
    for p in $1; do
        if [ "$2" = yes ]; then
            expect_jq "$3: bin-hardening $p" '
                [.findings[] | select(.rule == "bin-hardening" and .property == $p)]
                | length == 1 and .[0].severity == "warning"' --arg p "$p"
        else
            expect_jq "$3: no bin-hardening $p" '
                [.findings[] | select(.rule == "bin-hardening" and .property == $p)]
                | length == 0' --arg p "$p"
        fi
    done
}

# jq: a "0x..." string as a number
NUM='def num: ltrimstr("0x") | ascii_downcase | explode
         | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));'

# expect_ranges yes|no DESCRIPTION: machine code: unoptimised ranges, no CUs
expect_ranges() {
    if [ "$1" = yes ]; then
        expect_jq "$2: no CUs, unoptimised machine-code ranges" "$NUM"'
            .binaries[0] | .cus == [] and (.ranges | length > 0)
            and all(.ranges[]; (.start | num) < (.end | num)
                               and .opt == "unoptimized"
                               and .evidence == "machine-code")'
    else
        expect_jq "$2: no unoptimised machine-code ranges" \
            '(.binaries[0].ranges // []) | length == 0'
    fi
}

# addr FILE SYMBOL: where SYMBOL starts in FILE (not stripped), in decimal
addr() {
    a=$(nm "$1" 2>/dev/null | awk -v s="$2" '$3 == s { print $1; exit }')
    printf '%d\n' "0x${a:-0}"
}

# expect_covers FILE "SYMBOLS" yes|no DESCRIPTION: whether the ranges in $OUT
# (list-cus of FILE stripped) cover where each of SYMBOLS starts in FILE
expect_covers() {
    for s in $2; do
        if [ "$3" = yes ]; then
            w="covers"
            f='any(.binaries[0].ranges[]; (.start | num) <= $x and $x < (.end | num))'
        else
            w="does not cover"
            f='all(.binaries[0].ranges[]; $x < (.start | num) or $x >= (.end | num))'
        fi
        expect_jq "$4: the ranges: $w $s" "$NUM $f" --argjson x "$(addr "$1" "$s")"
    done
}

build_id() {
    readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: *//p'
}


# --- gcc at every level: the producer records the flags

for o in O0 O1 O2 O3 Os Og Ofast; do
    build "gcc-$o" "$GCC" -g "-$o" src/calc.c || continue
    cus "$B/gcc-$o"
    expect_cu src/calc.c "$o" producer "gcc -g -$o"
    expect_jq "gcc -g -$o: the producer is gcc's, with -$o" \
        '.binaries[0].cus[] | select(.name == "src/calc.c")
         | .producer | startswith("GNU C") and contains($o)' --arg o " -$o "
    expect_jq "gcc -g -$o: the build-id is readelf's" \
        '.binaries[0].build_id == $id' --arg id "$(build_id "$B/gcc-$o")"

    findings "$B/gcc-$o"
    if [ "$o" = O0 ]; then
        expect_rc 1 "gcc -g -O0: a finding"
        expect_unoptimized '["src/calc.c"]' "gcc -g -O0"
    else
        expect_no_rule bin-unoptimized "gcc -g -$o"
    fi
done

# the last -O wins; a bare -O is -O1 (nginx's own build gives "-O -O0")
for spec in "O1:-O" "O0:-O -O0" "O2:-O0 -O2" "Os:-O3 -O1 -Os"; do
    o=${spec%%:*}
    flags=${spec#*:}
    name="gcc-last-$o"
    # shellcheck disable=SC2086  # the -O flags, word-split on purpose
    build "$name" "$GCC" -g $flags src/calc.c || continue
    cus "$B/$name"
    expect_cu src/calc.c "$o" producer "gcc -g $flags"
done

# no -O at all: gcc's default is -O0 (the producer records no -O)
if build gcc-noopt "$GCC" -g src/calc.c; then
    cus "$B/gcc-noopt"
    expect_jq "gcc -g without -O: src/calc.c is O0 (producer) or unoptimized (dwarf)" '
        .binaries[0].cus[] | select(.name == "src/calc.c")
        | (.opt == "O0" and .evidence == "producer")
          or (.opt == "unoptimized" and .evidence == "dwarf")'
fi

# gcc -gno-record-gcc-switches: "GNU C17 12.2.0" only, judged by the DWARF
for o in O0 O1 O2 O3 Os Og; do
    build "gcc-norec-$o" "$GCC" -g -gno-record-gcc-switches "-$o" src/calc.c || continue
    cus "$B/gcc-norec-$o"
    if [ "$o" = O0 ]; then v=unoptimized; else v=optimized; fi
    expect_cu src/calc.c "$v" dwarf "gcc -g -gno-record-gcc-switches -$o"
done

# the multi-file project, no flags recorded: every CU has DWARF signals
for o in O0 O1 Og; do
    kv_all "norec-$o" "kv-norec-$o" "$GCC" -g -gno-record-gcc-switches "-$o" || continue
    cus "$B/kv-norec-$o"
    if [ "$o" = O0 ]; then v=unoptimized; else v=optimized; fi
    expect_cus_all "$KV_CUS" "$v" dwarf "kv, gcc -gno-record-gcc-switches -$o"
done

# -g1: no variables.  Recorded flags still give the level; without them
# nothing is judged at -O0 (gcc's DW_AT_call_all_tail_calls is on -g1's
# optimised code too); optimised code may show inlined subroutines:
# "unknown" or "optimized" there, never "unoptimized"
#
# But at -g1 gcc emits no call sites at any level, so DW_AT_call_all_tail_calls
# is vacuous there: gcc -g1 -Og marks exactly the functions -O0 marks (main,
# report, score in calc.c; no kv CU has an inlined subroutine at -g1 -Og),
# and at -g1 -O2 kv's sort.c and main.c have that attribute and no inlined
# subroutine.  Those must not be called unoptimised.
for o in O0 Og O2; do
    build "gcc-g1-$o" "$GCC" -g1 "-$o" src/calc.c || continue
    cus "$B/gcc-g1-$o"
    expect_cu src/calc.c "$o" producer "gcc -g1 -$o"

    build "gcc-g1-norec-$o" "$GCC" -g1 -gno-record-gcc-switches "-$o" src/calc.c || continue
    cus "$B/gcc-g1-norec-$o"
    if [ "$o" = O0 ]; then
        expect_jq "gcc -g1 -gno-record-gcc-switches -O0: src/calc.c is unknown (no variables to judge by)" '
            .binaries[0].cus[] | select(.name == "src/calc.c")
            | (.opt == "unknown" and .evidence == "none")
              or (.opt == "unoptimized" and .evidence == "dwarf"
                  and .confidence == "medium")'
    else
        expect_jq "gcc -g1 -gno-record-gcc-switches -$o: src/calc.c is unknown (or optimized by DWARF)" '
            .binaries[0].cus[] | select(.name == "src/calc.c")
            | (.opt == "unknown" and .evidence == "none")
              or (.opt == "optimized" and .evidence == "dwarf")'
    fi
done
for o in Og O2; do
    kv_all "g1-$o" "kv-g1-$o" "$GCC" -g1 -gno-record-gcc-switches "-$o" || continue
    cus "$B/kv-g1-$o"
    expect_jq "kv, gcc -g1 -gno-record-gcc-switches -$o: no CU unoptimized" \
        'all(.binaries[0].cus[]; .opt != "unoptimized" and .opt != "O0")'
    findings "$B/kv-g1-$o"
    expect_no_rule bin-unoptimized "kv, gcc -g1 -gno-record-gcc-switches -$o"
done


# --- clang: no flags recorded unless -grecord-command-line

if [ "$HAVE_CLANG" = 1 ]; then
    for o in O0 O1 O2 O3 Os Og; do
        if build "clang-$o" "$CLANG" -g "-$o" src/calc.c; then
            cus "$B/clang-$o"
            if [ "$o" = O0 ]; then v=unoptimized; else v=optimized; fi
            expect_cu src/calc.c "$v" dwarf "clang -g -$o"
            expect_jq "clang -g -$o: the producer is clang's" \
                '.binaries[0].cus[] | select(.name == "src/calc.c") | .producer | contains("clang")'
        fi

        if build "clang-rec-$o" "$CLANG" -g -grecord-command-line "-$o" src/calc.c; then
            cus "$B/clang-rec-$o"
            expect_cu src/calc.c "$o" producer "clang -g -grecord-command-line -$o"
        fi
    done

    kv_all clang-O1 kv-clang-O1 "$CLANG" -g -O1
    cus "$B/kv-clang-O1"
    expect_cus_all "$KV_CUS" optimized dwarf "kv, clang -g -O1"

    kv_all clang-O0 kv-clang-O0 "$CLANG" -g -O0
    cus "$B/kv-clang-O0"
    expect_cus_all "$KV_CUS" unoptimized dwarf "kv, clang -g -O0"
    findings "$B/kv-clang-O0"
    expect_unoptimized "$KV_CUS" "kv, clang -g -O0"

    for o in O0 O2; do
        build "clang-g1-$o" "$CLANG" -g1 "-$o" src/calc.c || continue
        cus "$B/clang-g1-$o"
        if [ "$o" = O0 ]; then
            expect_cu src/calc.c unknown none "clang -g1 -O0"
        else
            expect_jq "clang -g1 -O2: src/calc.c is unknown (or optimized by DWARF)" '
                .binaries[0].cus[] | select(.name == "src/calc.c")
                | (.opt == "unknown" and .evidence == "none")
                  or (.opt == "optimized" and .evidence == "dwarf")'
        fi
        build "clang-g1-rec-$o" "$CLANG" -g1 -grecord-command-line "-$o" src/calc.c || continue
        cus "$B/clang-g1-rec-$o"
        expect_cu src/calc.c "$o" producer "clang -g1 -grecord-command-line -$o"
    done

    build clang-llvmprof "$CLANG" -g -O2 -fprofile-instr-generate src/calc.c \
        && findings "$B/clang-llvmprof" \
        && expect_rule bin-instrumented "clang -fprofile-instr-generate"
fi


# --- a mixed build: two files at -O0, the rest at -O2

for f in $KV; do
    case $f in
    parse|stats) kv_obj mixed "$f" "$GCC" -g -O0 ;;
    *)           kv_obj mixed "$f" "$GCC" -g -O2 ;;
    esac
done
kv_link mixed kv-mixed "$GCC" -g
cus "$B/kv-mixed"
for f in $KV; do
    case $f in
    parse|stats) expect_cu "src/$f.c" O0 producer "kv mixed" ;;
    *)           expect_cu "src/$f.c" O2 producer "kv mixed" ;;
    esac
done
findings "$B/kv-mixed"
expect_rc 1 "kv mixed: findings"
expect_unoptimized '["src/parse.c","src/stats.c"]' "kv mixed"
expect_no_rule bin-mixed-optimization "kv mixed (-O0 CUs are bin-unoptimized's)"

# the same, as CFLAGS="-g -O2" with "-O0" appended for two files
for f in $KV; do
    case $f in
    parse|stats) kv_obj order "$f" "$GCC" -g -O2 -O0 ;;
    *)           kv_obj order "$f" "$GCC" -g -O2 ;;
    esac
done
kv_link order kv-order "$GCC" -g
cus "$B/kv-order"
expect_jq "kv -O2 ... -O0: the producer of src/parse.c has both" \
    '.binaries[0].cus[] | select(.name == "src/parse.c") | .producer | contains("-O2 -O0")'
expect_cu src/parse.c O0 producer "kv -O2 ... -O0"
expect_cu src/stats.c O0 producer "kv -O2 ... -O0"
expect_cu src/main.c O2 producer "kv -O2 ... -O0"
expect_producer_opt "kv -O2 ... -O0"
findings "$B/kv-order"
expect_unoptimized '["src/parse.c","src/stats.c"]' "kv -O2 ... -O0"

# optimised CUs at different levels: -O3 beside -Os
for f in $KV; do
    case $f in
    main|buf|hash|table) kv_obj o3os "$f" "$GCC" -g -O3 ;;
    *)                   kv_obj o3os "$f" "$GCC" -g -Os ;;
    esac
done
kv_link o3os kv-o3os "$GCC" -g
cus "$B/kv-o3os"
expect_cu src/hash.c O3 producer "kv -O3 and -Os"
expect_cu src/sort.c Os producer "kv -O3 and -Os"
findings "$B/kv-o3os"
expect_rule bin-mixed-optimization "kv -O3 and -Os"
expect_no_rule bin-unoptimized "kv -O3 and -Os"
findings "$B/kv-o3os" --fail-on error
expect_rc 0 "kv -O3 and -Os, --fail-on error: warnings only"

# the whole project at one level: nothing mixed
kv_all O2 kv-O2 "$GCC" -g -O2
cus "$B/kv-O2"
expect_cus_all "$KV_CUS" O2 producer "kv -O2"
findings "$B/kv-O2"
expect_no_rule bin-unoptimized "kv -O2"
expect_no_rule bin-mixed-optimization "kv -O2"

kv_all O0 kv-O0 "$GCC" -g -O0
findings "$B/kv-O0"
expect_unoptimized "$KV_CUS" "kv -O0: every CU"
findings "$B/kv-O0" --fail-on never
expect_rc 0 "kv -O0, --fail-on never"
run timeout 20 "$NGXLINT" bin "$B/kv-O0"
expect_rc 1 "kv -O0, text output"
expect_out 'bin-unoptimized' "...names bin-unoptimized"
run timeout 20 "$NGXLINT" bin --list-cus --format text "$B/kv-O0"
expect_rc 0 "kv -O0, --list-cus --format text"
expect_out 'src/parse\.c' "...lists src/parse.c"
expect_out 'O0' "...at O0"

# two files at once: one binary each, in order
ngx --list-cus --format json "$B/kv-O2" "$B/kv-mixed"
expect_jq "two files: two binaries, in order" \
    '[.binaries[].file] == $f' --argjson f "[\"$B/kv-O2\",\"$B/kv-mixed\"]"


# --- gcc LTO: the code is in an <artificial> CU, "GNU GIMPLE ... -O2"

kv_all lto kv-lto "$GCC" -g -O2 -flto
cus "$B/kv-lto"
expect_cu "<artificial>" O2 producer "kv -flto -O2"
expect_jq "kv -flto -O2: <artificial>'s producer is GNU GIMPLE" \
    '.binaries[0].cus[] | select(.name == "<artificial>") | .producer | startswith("GNU GIMPLE")'
expect_cus_all "$KV_CUS" O2 producer "kv -flto -O2: the per-file CUs"
findings "$B/kv-lto"
expect_no_rule bin-unoptimized "kv -flto -O2"
expect_no_rule bin-mixed-optimization "kv -flto -O2"

# compiled -flto -O0, linked -O2: the code is -O0 (each function keeps its
# compile-time level), though <artificial> records "-O0 -O2"; the per-file
# CUs record -O0
for f in $KV; do kv_obj lto-O0 "$f" "$GCC" -g -O0 -flto; done
kv_link lto-O0 kv-lto-O0 "$GCC" -g -O2 -flto
findings "$B/kv-lto-O0"
expect_rule bin-unoptimized "kv compiled -flto -O0, linked -O2"

# compiled -flto -O2, linked -O0: optimised code, though "<artificial>"
# records "-O2 -O0" (the last -O is the link line's, not the code's)
kv_link lto kv-lto-link-O0 "$GCC" -g -O0 -flto
findings "$B/kv-lto-link-O0"
expect_jq "kv compiled -flto -O2, linked -O0: no bin-unoptimized (each function keeps its compile-time level)" \
    '[.findings[] | select(.rule == "bin-unoptimized")] | length == 0'
expect_jq "kv compiled -flto -O2, linked -O0: no per-file CU called unoptimised" '
    [.findings[] | select(.rule == "bin-unoptimized") | .cus[]?
     | select(startswith("src/"))] | length == 0'


# --- stripped: the machine code

for cc in gcc clang; do
    [ "$cc" = clang ] && [ "$HAVE_CLANG" = 0 ] && continue
    if [ "$cc" = gcc ]; then c=$GCC; else c=$CLANG; fi
    for o in O0 O1 O2 Os Og; do
        n="$cc-strip-$o"
        build "$n" "$c" -g "-$o" src/calc.c || continue
        cp "$B/$n" "$B/$n.full"
        strip "$B/$n"
        cus "$B/$n"
        expect_jq "$cc -$o, stripped: no debug file" '.binaries[0].debug_file == null'
        if [ "$o" = O0 ]; then
            expect_ranges yes "$cc -O0, stripped"
            expect_covers "$B/$n.full" "main score report" yes "$cc -O0, stripped"
            findings "$B/$n"
            expect_rule bin-unoptimized "$cc -O0, stripped"
        else
            expect_ranges no "$cc -$o, stripped"
            findings "$B/$n"
            expect_no_rule bin-unoptimized "$cc -$o, stripped"
        fi
    done
done

# the mixed build, stripped: the -O0 functions, and none of the others
cp "$B/kv-mixed" "$B/kv-mixed-strip"
strip "$B/kv-mixed-strip"
cus "$B/kv-mixed-strip"
expect_ranges yes "kv mixed, stripped"
expect_covers "$B/kv-mixed" "kv_parse kv_stats" yes "kv mixed, stripped"
expect_covers "$B/kv-mixed" "kv_hash kv_sorted kv_format kv_buf_append" no "kv mixed, stripped"

# no -g at all, not stripped: the machine code, or nothing to judge by
for o in O0 O2; do
    build "gcc-nog-$o" "$GCC" "-$o" src/calc.c || continue
    cus "$B/gcc-nog-$o"
    expect_jq "gcc -$o without -g: no CUs" '.binaries[0].cus == []'
    findings "$B/gcc-nog-$o"
    if [ "$o" = O0 ]; then
        expect_jq "gcc -O0 without -g: bin-unoptimized by machine code, or bin-no-build-info" '
            [.findings[].rule] | (index("bin-unoptimized") != null)
                                 or (index("bin-no-build-info") != null)'
    else
        expect_no_rule bin-unoptimized "gcc -O2 without -g"
    fi
done


# --- the debug info elsewhere: build-id, debuglink, --debug-dir

# build-id under --debug-dir DIR: DIR/.build-id/xx/rest.debug
cp "$B/kv-mixed" "$B/kv-bid"
id_bid=$(build_id "$B/kv-bid")
id=$id_bid
dd="$TMP/debugdir"
mkdir -p "$dd/.build-id/$(echo "$id" | cut -c1-2)"
bid_file="$dd/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
objcopy --only-keep-debug "$B/kv-bid" "$bid_file"
strip "$B/kv-bid"
cus "$B/kv-bid" --debug-dir "$dd"
expect_jq "build-id: debug_file is DIR/.build-id/xx/rest.debug" \
    '.binaries[0] | .build_id == $id and (.debug_file | endswith($s))' \
    --arg id "$id" --arg s "/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
expect_cu src/parse.c O0 producer "build-id"
expect_cu src/main.c O2 producer "build-id"
findings "$B/kv-bid" --debug-dir "$dd"
expect_unoptimized '["src/parse.c","src/stats.c"]' "build-id"
cus "$B/kv-bid"
expect_jq "build-id, without --debug-dir: not found" '.binaries[0] | .debug_file == null and .cus == []'

# .gnu_debuglink: beside the binary, in its .debug/, under --debug-dir
mkdir -p "$W/link/.debug" "$W/link2" "$TMP/linkdir"
objcopy --only-keep-debug "$B/kv-mixed" "$W/link/kv.debug"
cp "$B/kv-mixed" "$W/link/kv"
strip "$W/link/kv"
(cd "$W/link" && objcopy --add-gnu-debuglink=kv.debug kv)
cus "$W/link/kv"
expect_jq "debuglink beside the binary: debug_file names it" \
    '.binaries[0].debug_file | endswith("/link/kv.debug")'
expect_cu src/stats.c O0 producer "debuglink beside"
findings "$W/link/kv"
expect_unoptimized '["src/parse.c","src/stats.c"]' "debuglink beside"

cp "$W/link/kv" "$W/link/kv-sub"
(cd "$W/link" && cp kv.debug .debug/kv-sub.debug && cp kv.debug kv-sub.debug \
    && objcopy --remove-section=.gnu_debuglink kv-sub \
    && objcopy --add-gnu-debuglink=kv-sub.debug kv-sub && rm kv-sub.debug)
cus "$W/link/kv-sub"
expect_jq "debuglink in .debug/: debug_file names it" \
    '.binaries[0].debug_file | endswith("/link/.debug/kv-sub.debug")'
expect_cu src/parse.c O0 producer "debuglink in .debug/"

# under --debug-dir: DIR/name (and gdb's DIR/<the binary's directory>/name)
cp "$W/link/kv" "$W/link2/kv"
cp "$W/link/kv.debug" "$TMP/linkdir/kv.debug"
mkdir -p "$TMP/linkdir$W/link2"
cp "$W/link/kv.debug" "$TMP/linkdir$W/link2/kv.debug"
cus "$W/link2/kv" --debug-dir "$TMP/linkdir"
expect_jq "debuglink under --debug-dir: debug_file names it" \
    '.binaries[0].debug_file | startswith($d) and endswith("/kv.debug")' --arg d "$TMP/linkdir/"
expect_cu src/main.c O2 producer "debuglink under --debug-dir"

# a debuglink whose CRC does not match (the debug file of another build):
# not used; the machine code is judged instead
mkdir -p "$W/badcrc"
cp "$B/kv-mixed" "$W/badcrc/kv"
objcopy --only-keep-debug "$W/badcrc/kv" "$W/badcrc/kv.debug"
strip "$W/badcrc/kv"
(cd "$W/badcrc" && objcopy --add-gnu-debuglink=kv.debug kv)
objcopy --only-keep-debug "$B/kv-O2" "$W/badcrc/kv.debug"
cus "$W/badcrc/kv"
expect_jq "debuglink, CRC mismatch: the file is not used" \
    '.binaries[0] | .debug_file == null and .cus == []'
expect_ranges yes "debuglink, CRC mismatch: machine code instead"
findings "$W/badcrc/kv"
expect_rule bin-unoptimized "debuglink, CRC mismatch"


# --- split DWARF: the CU names and producers are in the .dwo files

mkdir -p "$W/split/src" "$W/split-bin"
cp "$W"/src/*.c "$W"/src/*.h "$W/split/src/"
for f in $KV; do
    (cd "$W/split" && "$GCC" -g -O2 -gsplit-dwarf -c "src/$f.c") >"$TMP/build.log" 2>&1 \
        || not_ok "compile split/$f.o" "$(cat "$TMP/build.log")"
done
# shellcheck disable=SC2046  # the object list
(cd "$W/split" && "$GCC" -g -gsplit-dwarf -o "$W/split-bin/kv" $(for f in $KV; do printf '%s.o ' "$f"; done)) \
    >"$TMP/build.log" 2>&1 || not_ok "link split-bin/kv" "$(cat "$TMP/build.log")"
cus "$W/split-bin/kv"
expect_cus_all "$KV_CUS" O2 producer "split DWARF, .dwo at the CU's comp_dir"
expect_jq "split DWARF: the producer comes from the .dwo" \
    'all(.binaries[0].cus[] | select(.name | startswith("src/")); .producer | contains("-gsplit-dwarf"))'

mkdir -p "$W/split-moved"
cp "$W/split-bin/kv" "$W"/split/*.dwo "$W/split-moved/"
mv "$W/split" "$W/split-gone"
cus "$W/split-moved/kv"
expect_cus_all "$KV_CUS" O2 producer "split DWARF, .dwo next to the binary"

cus "$W/split-bin/kv"
findings "$W/split-bin/kv"
expect_no_rule bin-unoptimized "split DWARF, .dwo files missing"
ngx --list-cus "$W/split-bin/kv"
if printf '%s\n' "$OUT" | grep -q '(split DWARF: .*\.dwo not found)'; then
    ok "split DWARF, .dwo files missing: the table says why a unit is unknown"
else
    not_ok "split DWARF, .dwo files missing: no reason in the table" "$OUT"
fi


# --- dwz: a shared alt file (.gnu_debugaltlink)

if command -v dwz >/dev/null 2>&1; then
    for dv in 5 4; do
        d="$W/dwz$dv"
        mkdir -p "$d"
        kv_all "dwz$dv" "dwz$dv-kv" "$GCC" "-gdwarf-$dv" -O2
        build "dwz$dv-calc" "$GCC" "-gdwarf-$dv" -O2 src/calc.c src/buf.c src/hash.c
        mv "$B/dwz$dv-kv" "$d/kv"
        mv "$B/dwz$dv-calc" "$d/calc"
        if ! (cd "$d" && dwz -m common.debug kv calc) >"$TMP/build.log" 2>&1 \
           || ! readelf -S "$d/kv" | grep -q gnu_debugaltlink; then
            not_ok "dwz -m common.debug kv calc (DWARF $dv)" "$(cat "$TMP/build.log")"
            continue
        fi
        cus "$d/kv"
        expect_cus_all "$KV_CUS" O2 producer "dwz, DWARF $dv: kv"
        cus "$d/calc"
        expect_cus_all '["src/buf.c","src/calc.c","src/hash.c"]' O2 producer "dwz, DWARF $dv: calc"
        expect_jq "dwz, DWARF $dv: producers come through the alt file" \
            'all(.binaries[0].cus[]; .producer | startswith("GNU C"))'
    done
    rm "$W/dwz5/common.debug"
    cus "$W/dwz5/kv"
    findings "$W/dwz5/kv"
    expect_no_rule bin-unoptimized "dwz, the alt file missing"
else
    echo "# skipped: dwz is missing"
fi


# --- compressed debug sections

if build gcc-gz "$GCC" -g -O2 -gz src/calc.c; then
    cus "$B/gcc-gz"
    expect_cu src/calc.c O2 producer "gcc -gz (SHF_COMPRESSED, zlib)"
fi
for z in zlib zlib-gnu; do
    cp "$B/gcc-O0" "$B/gcc-O0-$z"
    objcopy "--compress-debug-sections=$z" "$B/gcc-O0-$z"
    cus "$B/gcc-O0-$z"
    expect_cu src/calc.c O0 producer "objcopy --compress-debug-sections=$z"
done
# zstd: read, or said clearly (libdwarf 20210528 cannot), never a crash
cp "$B/gcc-O0" "$B/gcc-O0-zstd"
if objcopy --compress-debug-sections=zstd "$B/gcc-O0-zstd" 2>/dev/null; then
    cus "$B/gcc-O0-zstd"
    if jqt 'any(.binaries[0].cus[]; .name == "src/calc.c" and .opt == "O0")'; then
        ok "zstd-compressed debug sections: read"
    elif printf '%s\n%s\n' "$OUT" "$ERR" | grep -qi zstd; then
        ok "zstd-compressed debug sections: said so"
    else
        not_ok "zstd-compressed debug sections: neither read nor said" "$(show)"
    fi
fi


# --- sanitizers and instrumentation

if build gcc-asan "$GCC" -g -O2 -fsanitize=address src/calc.c; then
    findings "$B/gcc-asan"
    expect_rule bin-sanitizer "gcc -fsanitize=address"
    strip "$B/gcc-asan"
    findings "$B/gcc-asan"
    expect_rule bin-sanitizer "gcc -fsanitize=address, stripped (NEEDED libasan)"
fi
if build gcc-ubsan "$GCC" -g -O2 -fsanitize=undefined src/calc.c; then
    findings "$B/gcc-ubsan"
    expect_rule bin-sanitizer "gcc -fsanitize=undefined"
fi
build gcc-cov "$GCC" -g -O2 --coverage src/calc.c \
    && findings "$B/gcc-cov" && expect_rule bin-instrumented "gcc --coverage"
if build gcc-pg "$GCC" -g -O2 -pg src/calc.c; then
    findings "$B/gcc-pg"
    expect_rule bin-instrumented "gcc -pg"
    strip "$B/gcc-pg"
    findings "$B/gcc-pg"
    expect_rule bin-instrumented "gcc -pg, stripped (imports mcount)"
fi
build gcc-cyg "$GCC" -g -O2 -finstrument-functions src/calc.c \
    && findings "$B/gcc-cyg" && expect_rule bin-instrumented "gcc -finstrument-functions"
findings "$B/gcc-O2"
expect_no_rule bin-instrumented "gcc -O2"
expect_no_rule bin-sanitizer "gcc -O2"


# --- a shared object

if build plugin-O2.so "$GCC" -g -O2 -fPIC -shared src/plugin.c; then
    cus "$B/plugin-O2.so"
    expect_cu src/plugin.c O2 producer "plugin.so -O2"
    findings "$B/plugin-O2.so"
    expect_no_rule bin-unoptimized "plugin.so -O2"
    expect_hardening pie no "plugin.so (a shared object is not a PIE)"
fi
if build plugin-O0.so "$GCC" -g -O0 -fPIC -shared src/plugin.c; then
    findings "$B/plugin-O0.so"
    expect_unoptimized '["src/plugin.c"]' "plugin.so -O0"
    strip "$B/plugin-O0.so"
    cus "$B/plugin-O0.so"
    expect_ranges yes "plugin.so -O0, stripped"
fi


# --- hardening

# readelf's word on CET: Debian 12's crt1.o/crti.o/crtn.o carry no IBT/SHSTK
# property, so -fcf-protection alone does not mark the output
has_cet() {
    readelf -n "$1" 2>/dev/null | grep -q 'x86 feature:.*IBT.*SHSTK'
}

if build weak "$GCC" -g -O2 -no-pie -Wl,-z,norelro -z execstack -fno-stack-protector src/fortify.c; then
    findings "$B/weak"
    expect_hardening "pie relro bind_now nx_stack stack_protector" yes "weak build"
    expect_rc 1 "weak build"
fi
HARD="-g -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now -fcf-protection"
# shellcheck disable=SC2086  # $HARD: the flags, word-split on purpose
if build hard "$GCC" $HARD src/fortify.c; then
    findings "$B/hard"
    expect_hardening "pie relro bind_now nx_stack stack_protector fortify" no "hardened build"
    if has_cet "$B/hard"; then
        expect_hardening cet no "hardened build (readelf: IBT, SHSTK)"
    else
        expect_hardening cet yes "hardened build (readelf: no IBT/SHSTK property)"
    fi
fi
# shellcheck disable=SC2086
if build hard-cet "$GCC" $HARD -Wl,-z,ibt,-z,shstk src/fortify.c && has_cet "$B/hard-cet"; then
    findings "$B/hard-cet"
    expect_jq "hardened build, CET forced at link: no bin-hardening at all" \
        '[.findings[] | select(.rule == "bin-hardening")] | length == 0'
    expect_rc 0 "hardened build, CET forced"
fi


# --- Debian's nginx and its modules: stripped, a debuglink to a debug file
# that is not installed; optimised; nginx is built --with-debug

NGINX_BIN=/usr/sbin/nginx
if [ -f "$NGINX_BIN" ]; then
    id=$(build_id "$NGINX_BIN")
    cus "$NGINX_BIN"
    if [ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug" ]; then
        echo "# nginx's debug file is installed: the machine-code checks are skipped"
    else
        expect_jq "$NGINX_BIN: no debug file, no CUs" \
            '.binaries[0] | .debug_file == null and .cus == []'
        expect_ranges no "$NGINX_BIN"
    fi
    findings "$NGINX_BIN"
    case $RC in 0|1) ok "$NGINX_BIN: exit $RC" ;; *) not_ok "$NGINX_BIN: exit $RC" "$ERR" ;; esac
    expect_no_rule bin-unoptimized "$NGINX_BIN"
    if grep -aq -- '--with-debug' "$NGINX_BIN"; then
        expect_rule bin-debug-logging "$NGINX_BIN (configure arguments: --with-debug)"
    else
        expect_no_rule bin-debug-logging "$NGINX_BIN (no --with-debug)"
    fi
    for m in /usr/lib/nginx/modules/*.so; do
        [ -f "$m" ] || continue
        findings "$m"
        case $RC in 0|1) ok "$m: exit $RC" ;; *) not_ok "$m: exit $RC" "$ERR" ;; esac
        expect_no_rule bin-unoptimized "$m"
    done
else
    echo "# skipped: $NGINX_BIN is not installed"
fi

# libc6-dbg, when installed: /usr/lib/debug/.build-id, thousands of CUs
# (one of them "-O2 -O3")
LIBC=/lib/x86_64-linux-gnu/libc.so.6
id=$(build_id "$LIBC" 2>/dev/null)
libc_dbg="/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
if [ -n "$id" ] && [ -f "$libc_dbg" ]; then
    cus "$LIBC"
    expect_jq "libc: debug_file is /usr/lib/debug/.build-id/xx/rest.debug" \
        '.binaries[0].debug_file == $d' --arg d "$libc_dbg"
    expect_jq "libc: more than 1000 CUs" '.binaries[0].cus | length > 1000'
    expect_producer_opt "libc"
    levels=$(printf '%s\n' "$OUT" | jq '[.binaries[0].cus[].opt
        | select(IN("O1", "O2", "O3", "Os", "Og", "Ofast"))] | unique | length')
    findings "$LIBC"
    expect_no_rule bin-unoptimized "libc"
    if [ "${levels:-0}" -gt 1 ]; then
        expect_rule bin-mixed-optimization "libc ($levels optimisation levels)"
    fi
else
    echo "# skipped: libc6-dbg is not installed"
fi


# --- hostile input: exit 2 naming the file, or findings; never a crash or hang

# expect_sane FILE DESCRIPTION: after `ngx --format json FILE`: findings
# JSON (exit 0 or 1), or exit 2 and a message naming FILE
expect_sane() {
    case $RC in
    0|1)
        if one_json && jqt "$FINDINGS_SHAPE" --arg f "$1"; then
            ok "$2: findings (exit $RC)"
        else
            not_ok "$2: exit $RC, but no findings JSON" "$OUT"
        fi ;;
    2)
        expect_err "$(basename "$1")" "$2: exit 2, naming the file" ;;
    esac
}

: >"$TMP/empty"
printf 'not an ELF file\n' >"$TMP/text"
printf '\177ELF' >"$TMP/magic-only"
mkdir -p "$TMP/a-directory"
for f in "$TMP/empty" "$TMP/text" "$TMP/magic-only" "$TMP/a-directory" "$TMP/no-such-file"; do
    ngx --format json "$f"
    expect_rc 2 "$(basename "$f")"
    expect_err "$(basename "$f")" "...the message names the file"
done

ngx --format json "$B/kv-O2" "$TMP/text"
expect_rc 2 "a good file and a text file"
expect_err "$TMP/text" "...the message names the bad one"

# truncated: shorter than the ELF header is not an ELF file; longer, the
# section headers (at the end) are gone, then parts of the sections
size=$(wc -c <"$B/gcc-O0" | tr -d ' ')
for n in 16 52 63 64 100 1000 4096 $((size / 2)) $((size - 1)); do
    head -c "$n" "$B/gcc-O0" >"$TMP/trunc-$n"
    ngx --format json "$TMP/trunc-$n"
    if [ "$n" -lt 64 ]; then
        expect_rc 2 "ELF truncated to $n bytes"
        expect_err "trunc-$n" "...the message names the file"
    else
        expect_sane "$TMP/trunc-$n" "ELF truncated to $n bytes"
    fi
    ngx --list-cus --format json "$TMP/trunc-$n"
done

# a truncated debug file where the build-id says: the binary is still judged
bid_dir="$TMP/baddebug/.build-id/$(echo "$id_bid" | cut -c1-2)"
mkdir -p "$bid_dir"
head -c 3000 "$bid_file" >"$bid_dir/$(echo "$id_bid" | cut -c3-).debug"
ngx --format json --debug-dir "$TMP/baddebug" "$B/kv-bid"
expect_sane "$B/kv-bid" "a truncated build-id debug file"
ngx --list-cus --format json --debug-dir "$TMP/baddebug" "$B/kv-bid"

# .debug_info overwritten with 0xff: at its start (a 64-bit unit of absurd
# length), and in its middle
info=$(readelf -SW "$B/gcc-O0" | sed 's/^ *\[ *[0-9]*\] *//' \
       | awk '$1 == ".debug_info" { print $4, $5 }')
off=$((0x${info% *}))
len=$((0x${info#* }))
for at in 0 $((len / 2)); do
    cp "$B/gcc-O0" "$TMP/badinfo-$at"
    head -c 64 /dev/zero | tr '\0' '\377' \
        | dd of="$TMP/badinfo-$at" bs=1 seek=$((off + at)) conv=notrunc 2>/dev/null
    ngx --list-cus --format json "$TMP/badinfo-$at"
    ngx --format json "$TMP/badinfo-$at"
    expect_sane "$TMP/badinfo-$at" "corrupt .debug_info at +$at"
done

# the section header table's offset pointing past the end of the file
cp "$B/gcc-O0" "$TMP/bad-shoff"
printf '\377\377\377\177' | dd of="$TMP/bad-shoff" bs=1 seek=40 conv=notrunc 2>/dev/null
ngx --format json "$TMP/bad-shoff"
expect_sane "$TMP/bad-shoff" "e_shoff past the end"

# an object file and an archive
if (cd "$W" && "$GCC" -g -O0 -c src/calc.c -o calc.o && ar rcs libcalc.a calc.o) >/dev/null 2>&1; then
    for f in "$W/calc.o" "$W/libcalc.a"; do
        ngx --format json "$f"
        expect_sane "$f" "$(basename "$f")"
    done
fi

done_testing
