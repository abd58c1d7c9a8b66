#!/bin/sh
# Runs the libFuzzer targets (make fuzz): fuzz/run.sh DIR SECONDS TARGET...
#
# DIR is build/fuzz, where fuzz.mk built the targets.  Each target gets a
# corpus in DIR/corpus-TARGET, seeded on every run (and kept between runs,
# with what the fuzzer found):
#
#   fuzz_conf, fuzz_fix  fixtures/**/*.conf, and every Nth file of
#                        ../shared/corpus/configs (a few hundred; NGXL_CORPUS
#                        names another corpus directory)
#   fuzz_lua             fixtures/**/*.lua
#   fuzz_elf             small binaries compiled here from fixtures/bin with
#                        gcc and clang at -O0 and -O2 -g (never committed)
#   fuzz_compdb          a few compile_commands.json written here (CMake's,
#                        bear's, escapes)
#   fuzz_objs            an nginx objs/Makefile written here, and the first
#                        60 KB of the one `make module` configured, if any
#   fuzz_tree            the fixture trees (fixtures/demo, fixtures/conf/*)
#                        as one input each ("#@ NAME" starts a file), and a
#                        glob that includes itself
#   every target         its regression inputs, fixtures/fuzz/TARGET/*
#
# Each target runs SECONDS seconds.  A crash, a leak, a timeout (10 s) or
# more than 2 GB of memory stops that target, leaves the input in
# DIR/crashes-TARGET/ (emptied when the target starts) and makes the run
# fail, after every target has run.
# Ends with one line per target: executions, executions per second, corpus.
#
# FUZZ_CC: the clang used for the ELF seeds (gcc is used too, if there).
set -u

DIR=$1
SECONDS_EACH=$2
shift 2

CORPUS=${NGXL_CORPUS:-../shared/corpus}
CC_CLANG=${FUZZ_CC:-clang}
MAX_SEED=65536                  # bytes: larger files only slow the start

# seed DEST FILE...: copies each file into DEST, named after its path
seed() {
    s_dest=$1
    shift
    mkdir -p "$s_dest"
    for s_f in "$@"; do
        [ -f "$s_f" ] || continue
        [ "$(wc -c < "$s_f")" -le "$MAX_SEED" ] || continue
        s_name=$(printf '%s' "$s_f" | sed 's|^\.\./||; s|[/ ]|_|g')
        case $s_f in
        *.b64) base64 -d "$s_f" > "$s_dest/seed-${s_name%.b64}" ;;
        *)     cp "$s_f" "$s_dest/seed-$s_name" ;;
        esac
    done
}

seed_conf() {
    # shellcheck disable=SC2046  # file names without white space
    seed "$1" $(find fixtures -name '*.conf' -type f | sort)

    if [ -d "$CORPUS/configs" ]; then
        c_all=$(find "$CORPUS/configs" -type f ! -name '*.md' ! -name '*.json' \
                    ! -name '*.txt' ! -name '*.tsv' | LC_ALL=C sort)
        c_n=$(printf '%s\n' "$c_all" | wc -l)
        c_step=$((c_n / 300))
        [ "$c_step" -ge 1 ] || c_step=1
        # shellcheck disable=SC2046
        seed "$1" $(printf '%s\n' "$c_all" | awk -v s="$c_step" 'NR % s == 0')
    else
        echo "fuzz: $CORPUS/configs is missing: the fixtures only"
    fi
}

seed_lua() {
    # shellcheck disable=SC2046
    seed "$1" $(find fixtures -name '*.lua' -type f | sort)
}

# the ELF seeds: compiled in a scratch directory, copied into the corpus
seed_elf() {
    e_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ngxl-fuzz-seed.XXXXXX")
    e_src=fixtures/bin
    mkdir -p "$1"

    for e_cc in gcc "$CC_CLANG"; do
        command -v "$e_cc" >/dev/null 2>&1 || continue
        e_tag=$(basename "$e_cc")
        for e_o in -O0 -O2; do
            "$e_cc" -g $e_o -o "$e_tmp/calc-$e_tag$e_o" \
                "$e_src/single/calc.c" 2>/dev/null
            "$e_cc" -g $e_o -fPIC -shared -o "$e_tmp/plugin-$e_tag$e_o.so" \
                "$e_src/so/plugin.c" 2>/dev/null
        done
        "$e_cc" -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -pie \
            -o "$e_tmp/fortify-$e_tag" "$e_src/single/fortify.c" 2>/dev/null
        "$e_cc" -g1 -O2 -c -o "$e_tmp/calc-$e_tag.o" \
            "$e_src/single/calc.c" 2>/dev/null
    done

    # stripped (judged by machine code), and the debug info compressed
    if [ -f "$e_tmp/calc-gcc-O0" ] && command -v strip >/dev/null 2>&1; then
        strip -o "$e_tmp/calc-gcc-O0-stripped" "$e_tmp/calc-gcc-O0"
    fi
    if [ -f "$e_tmp/calc-gcc-O2" ] && command -v objcopy >/dev/null 2>&1; then
        objcopy --compress-debug-sections=zlib "$e_tmp/calc-gcc-O2" \
            "$e_tmp/calc-gcc-O2-zlib" 2>/dev/null
    fi

    for e_f in "$e_tmp"/*; do
        [ -f "$e_f" ] && cp "$e_f" "$1/seed-$(basename "$e_f")"
    done

    rm -rf "$e_tmp"
}

# tree_seed DEST ROOT: ROOT/nginx.conf, then each .conf under ROOT (one
# directory deep) after its "#@ NAME" line, as fuzz_tree reads its input
tree_seed() {
    t_out="$1/seed-tree-$(printf '%s' "$2" | sed 's|[/ ]|_|g')"
    cat "$2/nginx.conf" > "$t_out" 2>/dev/null || : > "$t_out"
    (cd "$2" && find . -maxdepth 2 -name '*.conf' ! -path ./nginx.conf -type f |
        sed 's|^\./||' | LC_ALL=C sort) | while read -r t_f; do
        printf '\n#@ %s\n' "$t_f" >> "$t_out"
        cat "$2/$t_f" >> "$t_out"
    done
}

seed_tree() {
    mkdir -p "$1"
    for t_root in fixtures/demo fixtures/conf/good fixtures/conf/cycle \
                  fixtures/conf/missing-include; do
        [ -d "$t_root" ] && tree_seed "$1" "$t_root"
    done
    printf '%s\n' 'events {}' 'http {' '    include conf.d/*.conf;' '}' \
        '#@ conf.d/a.conf' 'upstream u { server 127.0.0.1:1; }' \
        'server { location / { proxy_pass http://u; include conf.d/*.conf; } }' \
        '#@ conf.d/b.conf' 'include ../nginx.conf;' > "$1/seed-tree-glob-cycle"
}

# the objs/Makefile seeds: what nginx's configure writes, in small
seed_objs() {
    mkdir -p "$1"
    printf '%s\n' \
        'CC =	cc' \
        'CFLAGS =  -pipe  -O -W -Wall -Wpointer-arith -Wno-unused-parameter -Werror -g ' \
        'CPP =	cc -E' \
        'LINK =	$(CC)' \
        '' \
        'ALL_INCS = -I src/core \' \
        '	-I src/event \' \
        '	-I objs \' \
        '	-I src/http' \
        '' \
        'CORE_DEPS = src/core/nginx.h \' \
        '	objs/ngx_auto_config.h' \
        '' \
        'CORE_INCS = -I src/core \' \
        '	-I objs' \
        '' \
        'HTTP_INCS = -I src/http \' \
        '	-I ../ngx_http_m_module' \
        '' \
        'objs/src/core/nginx.o:	$(CORE_DEPS) \' \
        '	src/core/nginx.c' \
        '	$(CC) -c $(CFLAGS) $(CORE_INCS) \' \
        '		-o objs/src/core/nginx.o \' \
        '		src/core/nginx.c' \
        '' \
        'objs/addon/m/ngx_http_m_module.o:	$(ADDON_DEPS) \' \
        '	../ngx_http_m_module/ngx_http_m_module.c' \
        '	$(CC) -c $(CFLAGS) -O0 -fsanitize=address $(ALL_INCS) \' \
        '		-o objs/addon/m/ngx_http_m_module.o \' \
        '		../ngx_http_m_module/ngx_http_m_module.c' \
        > "$1/seed-objs-small"
    if [ -f build/var-index-module/objs/Makefile ]; then
        head -c 60000 build/var-index-module/objs/Makefile > "$1/seed-objs-module"
    fi
}

# the compilation database seeds, in the forms CMake, bear and hand-made
# databases take (there is no compile_commands.json in the repository)
seed_compdb() {
    mkdir -p "$1"
    cat > "$1/seed-cmake.json" <<'JSON'
[
{
  "directory": "/src/module/build",
  "command": "/usr/bin/cc -DNDEBUG -I/src/nginx/src/core -O2 -g -o CMakeFiles/m.dir/ngx_http_m_module.c.o -c /src/module/ngx_http_m_module.c",
  "file": "/src/module/ngx_http_m_module.c",
  "output": "CMakeFiles/m.dir/ngx_http_m_module.c.o"
},
{
  "directory": "/src/module/build",
  "command": "/usr/bin/cc -O0 -g -c ../util.c -o util.o",
  "file": "../util.c"
}
]
JSON
    cat > "$1/seed-bear.json" <<'JSON'
[
  {
    "arguments": ["ccache", "gcc", "-c", "-pipe", "-O", "-W", "-Wall", "-g",
                  "-fsanitize=address", "--coverage", "-pg",
                  "-D_FORTIFY_SOURCE=2", "-I", "src/core",
                  "-o", "objs/src/core/nginx.o", "src/core/nginx.c"],
    "directory": "/home/u/nginx-1.22.1",
    "file": "src/core/nginx.c"
  },
  {
    "arguments": ["clang", "-Os", "-O3", "-finstrument-functions", "-MMD",
                  "-MF", "x.d", "-x", "c", "a.cc"],
    "directory": ".",
    "file": "a.cc"
  }
]
JSON
    cat > "$1/seed-escapes.json" <<'JSON'
[{"directory":"/","command":"cc -O2 \"-DX=\\\"a b\\\"\" -c \"sp ace.c\"","file":"sp ace.c"},
 {"directory":"rel/dir/../x","command":"cc -Og -g0 -c ./b.c","file":"./b.c"}]
JSON
}

# final_stat NAME LOG: libFuzzer's final stat NAME (-print_final_stats)
final_stat() {
    sed -n "s/^stat::$1: *//p" "$2" | tail -1
}

failed=""
summary=""

for t in "$@"; do
    bin="$DIR/$t"
    corpus="$DIR/corpus-$t"
    crashes="$DIR/crashes-$t"
    log="$DIR/$t.log"
    mkdir -p "$corpus" "$crashes"
    rm -f "$crashes"/*          # this run's crashes only

    case $t in
    fuzz_conf|fuzz_fix) seed_conf "$corpus"; dict="-dict=fuzz/conf.dict" ;;
    fuzz_lua)           seed_lua "$corpus";  dict="-dict=fuzz/lua.dict" ;;
    fuzz_elf)           seed_elf "$corpus";  dict="" ;;
    fuzz_compdb)        seed_compdb "$corpus"; dict="-dict=fuzz/compdb.dict" ;;
    fuzz_objs)          seed_objs "$corpus"; dict="" ;;
    fuzz_tree)          seed_tree "$corpus"; dict="-dict=fuzz/conf.dict" ;;
    *)                  dict="" ;;
    esac

    # the inputs that once crashed it (tests/e2e/fuzz-regress.sh replays them)
    # shellcheck disable=SC2046
    seed "$corpus" $(find "fixtures/fuzz/$t" -type f 2>/dev/null | sort)

    echo "fuzz: $t for ${SECONDS_EACH}s ($(ls "$corpus" | wc -l) inputs in $corpus)"

    # shellcheck disable=SC2086  # $dict: empty or one word
    "$bin" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$crashes/" $dict \
        "$corpus" >"$log" 2>&1
    rc=$?

    execs=$(final_stat number_of_executed_units "$log")
    rate=$(final_stat average_exec_per_sec "$log")
    size=$(ls "$corpus" | wc -l)

    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc): $(ls "$crashes" | tr '\n' ' ')"
        failed="$failed $t"
        # what it said: the sanitizer's report, or the property; each input
        # replayed with full stacks (the fuzzing run's stop at a library
        # built without frame pointers, such as libdwarf's allocations)
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z]+:)|^ +#[0-9]+ ' "$log" \
            | head -30
        for c_in in "$crashes"/*; do
            [ -f "$c_in" ] || continue
            echo "fuzz: $t $(basename "$c_in") replayed, with full stacks:"
            ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0 \
                "$bin" -timeout=10 "$c_in" 2>&1 \
                | grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z]+:)|^ +#[0-9]+ ' \
                | grep -v -E 'in (fuzzer::|main |__libc_start|_start )' \
                | head -40
        done
    fi

    summary="$summary
$(printf '%-10s %10s execs %8s exec/s %6s corpus  %s' "$t" "${execs:-?}" \
    "${rate:-?}" "$size" "$result")"
done

echo "$summary"
echo "(logs: $DIR/TARGET.log)"

if [ -n "$failed" ]; then
    echo "fuzz: crashed:$failed (inputs kept in $DIR/crashes-TARGET/)"
    exit 1
fi
