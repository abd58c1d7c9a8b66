# `ngxlint bin` on hostile ELF files.  Real files are built here, into $TMP
# (gcc -g -O0 and -O2 of fixtures/bin/single/calc.c, the same compressed
# both ways, a copy of /usr/sbin/nginx), and tests/tools/elfmangle.py makes
# their hostile variants (see its header): cut at every section boundary
# and a byte either side, section headers pointing past the end, lies in
# e_shoff/e_shnum/e_shstrndx and the rest of the ELF header, zero, huge and
# past-the-end sizes and offsets, overlapping sections, seeded bit flips in
# the DWARF, SHF_COMPRESSED and .zdebug sections whose size lies, notes
# whose sizes lie.  Then .gnu_debuglink and .gnu_debugaltlink loops (a file
# naming itself, two naming each other, links to a FIFO, a directory, a
# symlink loop, in the places ngxlint searches), and a file rewritten and
# cut short while it is read (a background writer, bounded).
#
# Each input goes through `ngxlint bin FILE` and `ngxlint bin --format json
# FILE` (and --list-cus --format json for the DWARF ones) under `timeout 20`
# and `ulimit -v` (HOSTILE_MEM_KB, default 2 GB).  Pass: exit 0, 1 or 2,
# never a signal or a timeout; on exit 2 stderr names the file; on 0 and 1
# the JSON is one document of the contract's shape.  One check per group of
# inputs; a failure lists the inputs that failed.  A sample of 5 runs under
# valgrind memcheck when it is installed (no error, no definite leak).
#
# Needs gcc, python3, objcopy, strip; without them: skip (77).
# shellcheck disable=SC3045  # ulimit -v: dash, bash and busybox have it
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

GCC=${GCC:-gcc}
MEM_KB=${HOSTILE_MEM_KB:-2097152}
# an ASan build reserves terabytes of address space for its shadow memory:
# no address-space bound then (the sanitizer reports what it finds)
if ldd "${NGXLINT:-build/ngxlint}" 2>/dev/null | grep -q libasan; then
    MEM_KB=unlimited
fi
MANGLE="$NGXL_ROOT/tests/tools/elfmangle.py"

for t in "$GCC" python3 objcopy strip readelf timeout; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "$t is missing: cannot build the hostile inputs"
        exit 77
    fi
done

W="$TMP/w"
H="$TMP/h"                      # the hostile inputs
R="$TMP/r"                      # what ngxlint said
mkdir -p "$W" "$H" "$R"
cp "$NGXL_ROOT/fixtures/bin/single/calc.c" "$W/"

# --- helpers

# bounded CMD...: CMD under the memory bound (a subshell's ulimit -v)
# shellcheck disable=SC2317  # called through run()
bounded() {
    (ulimit -v "$MEM_KB" 2>/dev/null; exec timeout 20 "$@")
}

# sweep NAME LIST [list-cus]: every file of LIST (names under $H) through
# ngxlint bin, text and JSON (and --list-cus JSON): one check for them all
sweep() {
    s_name=$1
    s_list=$2
    s_cus=${3:-}
    s_n=0
    s_rcs=""
    : >"$R/fail"
    : >"$R/json"
    # one subshell holds the memory bound for the whole list
    (
        ulimit -v "$MEM_KB" 2>/dev/null
        while read -r f; do
            for mode in text json cus; do
                case $mode in
                text) set -- ;;
                json) set -- --format json ;;
                cus)  [ -n "$s_cus" ] || continue
                      set -- --list-cus --format json ;;
                esac
                timeout 20 "$NGXLINT" bin "$@" "$H/$f" >"$R/out" 2>"$R/err"
                rc=$?
                echo "$rc" >>"$R/rcs"
                case $rc in
                0|1)
                    if [ "$mode" != text ]; then
                        # kept for one JSON check of the whole list
                        cp "$R/out" "$R/j.$mode.$f"
                        printf '%s\t%s\t%s\n' "$mode" "$H/$f" "$R/j.$mode.$f" >>"$R/json"
                    fi ;;
                2)
                    grep -qF -- "$f" "$R/err" \
                        || echo "$f ($mode): exit 2, stderr does not name it: $(head -c 200 "$R/err" | tr '\n' ' ')" >>"$R/fail" ;;
                124)
                    echo "$f ($mode): hangs (killed after 20 s)" >>"$R/fail" ;;
                *)
                    echo "$f ($mode): exit $rc (a signal or an abort): $(head -c 200 "$R/err" | tr '\n' ' ')" >>"$R/fail" ;;
                esac
            done
        done <"$s_list"
    )
    python3 - "$R/json" >>"$R/fail" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    mode, path, out = line.rstrip("\n").split("\t")
    name = path.rsplit("/", 1)[-1]
    try:
        text = open(out, "rb").read().decode("utf-8")
        doc = json.loads(text)
    except Exception as e:
        print("%s (%s): not one JSON document: %s" % (name, mode, e))
        continue
    bad = None
    if mode == "json":
        if not (isinstance(doc.get("tool"), dict) and isinstance(doc.get("summary"), dict)
                and isinstance(doc.get("findings"), list)):
            bad = "no tool/summary/findings"
        else:
            for f in doc["findings"]:
                if not (isinstance(f.get("rule"), str) and isinstance(f.get("message"), str)
                        and f.get("severity") in ("error", "warning", "note")
                        and f.get("file") == path and f.get("line") == 0
                        and isinstance(f.get("notes"), list)):
                    bad = "finding %r" % (f,)
                    break
    else:
        b = doc.get("binaries")
        if not (isinstance(b, list) and len(b) == 1 and b[0].get("file") == path
                and isinstance(b[0].get("cus"), list)):
            bad = "no binaries[0] for the file"
        else:
            for c in b[0]["cus"]:
                if not (isinstance(c.get("name"), str) and c["name"]
                        and isinstance(c.get("opt"), str)
                        and (c.get("producer") is None or isinstance(c["producer"], str))):
                    bad = "cu %r" % (c,)
                    break
    if bad:
        print("%s (%s): JSON not the contract's: %s" % (name, mode, bad[:300]))
EOF
    s_n=$(wc -l <"$s_list" | tr -d ' ')
    s_rcs=$(sort "$R/rcs" 2>/dev/null | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
    rm -f "$R/rcs" "$R"/j.*
    if [ "$s_n" -eq 0 ]; then
        not_ok "$s_name: no input was made"
    elif [ -s "$R/fail" ]; then
        not_ok "$s_name: $s_n inputs, $(wc -l <"$R/fail" | tr -d ' ') failures (exits: $s_rcs)" \
            "$(head -40 "$R/fail")"
    else
        ok "$s_name: $s_n inputs, no signal, no hang, exit 2 names the file (exits: $s_rcs)"
    fi
}

# mangle KIND BASE PREFIX [SEED]: the variants, listed in $H/PREFIX-KIND.list
mangle() {
    if python3 "$MANGLE" "$1" "$W/$2" "$H" "$3" ${4:+"$4"} >"$H/$3-$1.list" 2>"$R/mangle.err"; then
        return 0
    fi
    not_ok "elfmangle.py $1 $2" "$(cat "$R/mangle.err")"
    return 1
}

# one NAME FILE [OPTIONS...]: one input, text and JSON, into $RC/$ERR
one() {
    o_name=$1
    o_file=$2
    shift 2
    o_bad=""
    for fmt in text json; do
        if [ $fmt = json ]; then set -- --format json "$@"; fi
        run bounded "$NGXLINT" bin "$@" "$o_file"
        case $RC in
        0|1) ;;
        2)   printf '%s\n' "$ERR" | grep -qF -- "$(basename "$o_file")" \
                 || o_bad="$o_bad; $fmt: exit 2 without the file's name: $ERR" ;;
        124) o_bad="$o_bad; $fmt: hangs (killed after 20 s)" ;;
        *)   o_bad="$o_bad; $fmt: exit $RC: $ERR" ;;
        esac
    done
    if [ -z "$o_bad" ]; then
        ok "$o_name (exit $RC)"
    else
        not_ok "$o_name" "${o_bad#; }"
    fi
}


# --- the real files

if ! (cd "$W" && "$GCC" -g -O0 calc.c -o o0 && "$GCC" -g -O2 calc.c -o o2) >"$R/build.log" 2>&1; then
    not_ok "gcc -g -O0 / -O2 calc.c" "$(cat "$R/build.log")"
    done_testing
fi
# SHF_COMPRESSED (gcc -gz=zlib, else objcopy), and .zdebug_* (zlib-gnu)
(cd "$W" && "$GCC" -g -O2 -gz=zlib calc.c -o gz) >/dev/null 2>&1 \
    || (cp "$W/o2" "$W/gz" && objcopy --compress-debug-sections=zlib "$W/gz")
cp "$W/o0" "$W/zg"
objcopy --compress-debug-sections=zlib-gnu "$W/zg" 2>/dev/null
NGINX_BIN=/usr/sbin/nginx
HAVE_NGINX=0
if [ -f "$NGINX_BIN" ]; then
    cp "$NGINX_BIN" "$W/nginx"
    HAVE_NGINX=1
fi

# every base is read cleanly first: a failure there is not the hostility's
for b in o0 o2 gz zg; do
    run "$NGXLINT" bin --list-cus --format json "$W/$b"
    case $RC in
    0|1) ok "the base $b is read (exit $RC)" ;;
    *)   not_ok "the base $b: exit $RC" "$ERR" ;;
    esac
done
if readelf -SW "$W/gz" | grep -q ' .debug_info .*C'; then
    ok "gz has SHF_COMPRESSED debug sections"
else
    not_ok "gz has no SHF_COMPRESSED debug section" "$(readelf -SW "$W/gz" | grep debug)"
fi
if readelf -SW "$W/zg" | grep -q '\.zdebug_info'; then
    ok "zg has .zdebug_* sections"
else
    not_ok "zg has no .zdebug_info" "$(readelf -SW "$W/zg" | grep debug)"
fi


# --- the variants, group by group

for k in trunc shpast ehdr sections overlap notes; do
    mangle "$k" o0 o0 && sweep "gcc -g -O0, $k" "$H/o0-$k.list"
done
mangle dwarf o0 o0 9 && sweep "gcc -g -O0, corrupt DWARF (seed 9)" "$H/o0-dwarf.list" cus

for k in trunc shpast overlap notes; do
    mangle "$k" o2 o2 && sweep "gcc -g -O2, $k" "$H/o2-$k.list"
done
mangle dwarf o2 o2 17 && sweep "gcc -g -O2, corrupt DWARF (seed 17)" "$H/o2-dwarf.list" cus

mangle chdr gz gz 5 && sweep "SHF_COMPRESSED, Elf64_Chdr lies" "$H/gz-chdr.list" cus
mangle chdr zg zg 5 && sweep ".zdebug_*, ZLIB size lies" "$H/zg-chdr.list" cus

if [ $HAVE_NGINX = 1 ]; then
    for k in trunc shpast ehdr sections overlap notes; do
        mangle "$k" nginx nginx && sweep "$NGINX_BIN (stripped), $k" "$H/nginx-$k.list"
    done
else
    echo "# skipped: $NGINX_BIN is not installed"
fi


# --- debug links: loops, and places that are not files

D="$TMP/dl"
mkdir -p "$D/sub" "$D/debugdir"
cp "$W/o2" "$D/dl"
objcopy --only-keep-debug "$D/dl" "$D/dl.debug"
objcopy --strip-debug --remove-section=.note.gnu.build-id "$D/dl"
objcopy --add-gnu-debuglink="$D/dl.debug" "$D/dl"
(cd "$D" && "$NGXLINT" bin --list-cus --format json dl) >"$R/out" 2>&1
if grep -q '"debug_file": ".*dl.debug"' "$R/out"; then
    ok "debuglink: the base finds dl.debug"
else
    not_ok "debuglink: the base does not find dl.debug" "$(cat "$R/out")"
fi

# relink FILE NAME CRC [OWN]: FILE's .gnu_debuglink names NAME with CRC,
# and FILE's own CRC32 is OWN (default CRC)
relink() {
    python3 "$MANGLE" debuglink "$@" >"$R/mangle.err" 2>&1 \
        || not_ok "elfmangle.py debuglink $*" "$(cat "$R/mangle.err")"
}

# a file naming itself, with the CRC its debuglink asks for
cp "$D/dl" "$D/self"
relink "$D/self" self 5eedcafe
cd "$D" || exit 1
one "debuglink: a file naming itself (CRC matching), by a relative path" self
cd "$NGXL_ROOT" || exit 1
one "debuglink: a file naming itself, by its absolute path" "$D/self"
one "debuglink: a file naming itself, --debug-dir its own directory" "$D/self" --debug-dir "$D"

# two files naming each other, each CRC the other's link asks for
cp "$D/dl" "$D/ping"
cp "$D/dl" "$D/pong"
relink "$D/ping" pong 11111111 22222222
relink "$D/pong" ping 22222222 11111111
python3 - "$D/ping" "$D/pong" <<'EOF' || not_ok "ping/pong CRCs"
import sys, zlib
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
assert zlib.crc32(a) == 0x22222222 and zlib.crc32(b) == 0x11111111, (hex(zlib.crc32(a)), hex(zlib.crc32(b)))
EOF
cd "$D" || exit 1
one "debuglink: two files naming each other (CRCs matching)" ping
cd "$NGXL_ROOT" || exit 1
one "debuglink: two files naming each other, --debug-dir" "$D/pong" --debug-dir "$D"

# the name leads to a FIFO, a directory, a symlink loop, /dev/zero
mkfifo "$D/fifo.debug"
mkdir -p "$D/dir.debug" "$D/.debug"
ln -s loop2.debug "$D/loop1.debug"
ln -s loop1.debug "$D/loop2.debug"
ln -s /dev/zero "$D/zero.debug"
mkfifo "$D/.debug/fifo2.debug"
for n in fifo dir loop1 zero fifo2; do
    cp "$D/dl" "$D/to-$n"
    relink "$D/to-$n" "$n.debug" 0badf00d
    one "debuglink to $n.debug (not a regular file)" "$D/to-$n" --debug-dir "$D"
done

# by build-id: .build-id/xx/rest.debug is the binary itself, a FIFO, a loop
cp "$W/o2" "$D/bid"
objcopy --strip-debug "$D/bid"
id=$(readelf -n "$D/bid" | sed -n 's/^ *Build ID: *//p')
if [ -n "$id" ]; then
    for what in self fifo loop dir; do
        dd="$D/bid-$what/.build-id/$(echo "$id" | cut -c1-2)"
        mkdir -p "$dd"
        rest="$dd/$(echo "$id" | cut -c3-).debug"
        case $what in
        self) ln -s "$D/bid" "$rest" ;;
        fifo) mkfifo "$rest" ;;
        loop) ln -s "$rest" "$rest" ;;
        dir)  mkdir "$rest" ;;
        esac
        one "build-id: the debug file is $what" "$D/bid" --debug-dir "$D/bid-$what"
    done
else
    not_ok "no build-id in gcc's output" "$(readelf -n "$D/bid")"
fi

# .gnu_debugaltlink (a dwz file) naming the debug file itself, a FIFO, a
# directory, /dev/zero, a missing file
for what in self fifo dir zero none; do
    cp "$D/dl" "$D/alt-$what"
    cp "$D/dl.debug" "$D/alt-$what.dbg"
    case $what in
    self) target="$D/alt-$what.dbg" ;;
    fifo) target="$D/fifo.debug" ;;
    dir)  target="$D/dir.debug" ;;
    zero) target=/dev/zero ;;
    none) target="$D/no-such-file" ;;
    esac
    printf '%s\0%s' "$target" "0123456789abcdefghij" >"$R/alt"
    objcopy --add-section .gnu_debugaltlink="$R/alt" "$D/alt-$what.dbg" 2>"$R/mangle.err" \
        || not_ok "objcopy --add-section .gnu_debugaltlink" "$(cat "$R/mangle.err")"
    objcopy --remove-section=.gnu_debuglink "$D/alt-$what"
    objcopy --add-gnu-debuglink="$D/alt-$what.dbg" "$D/alt-$what"
    one ".gnu_debugaltlink names $what" "$D/alt-$what"
done


# --- a file rewritten and cut short while it is read

# the writer: copies of a large -g binary (ngxlint itself) and of nginx,
# each followed by a cut; bounded by its own count and killed when the
# readers are done
cp "$NGXLINT" "$W/big"
[ $HAVE_NGINX = 1 ] || cp "$W/o2" "$W/nginx"
cp "$W/big" "$W/moving"
(
    i=0
    while [ $i -lt 20000 ]; do
        cat "$W/big" >"$W/moving"
        truncate -s 65536 "$W/moving"
        cat "$W/nginx" >"$W/moving"
        truncate -s 4096 "$W/moving"
        i=$((i + 1))
    done
) &
WRITER=$!
bad=""
changed=0
n=0
while [ $n -lt 150 ]; do
    case $((n % 2)) in
    0) set -- --list-cus --format json ;;
    1) set -- ;;
    esac
    (ulimit -v "$MEM_KB" 2>/dev/null; exec timeout 20 "$NGXLINT" bin "$@" "$W/moving") \
        >/dev/null 2>"$R/err"
    rc=$?
    case $rc in
    0|1) ;;
    2)  grep -q moving "$R/err" || bad="$bad
run $n: exit 2 without the file's name: $(cat "$R/err")"
        grep -q 'changed while it was read' "$R/err" && changed=$((changed + 1)) ;;
    *)  bad="$bad
run $n: exit $rc: $(head -c 200 "$R/err")" ;;
    esac
    n=$((n + 1))
done
kill "$WRITER" 2>/dev/null
wait "$WRITER" 2>/dev/null
if [ -z "$bad" ]; then
    ok "a file rewritten and cut short while read: $n runs, no signal or hang ($changed said it changed)"
else
    not_ok "a file rewritten and cut short while read" "$bad"
fi


# --- valgrind memcheck on a sample

if command -v valgrind >/dev/null 2>&1; then
    for f in "o0-debug_info-flip3-x"* "o2-debug_rnglists-flip0-"* "gz-debug_info-chdr-size-10000000000" \
             "o0-debug_abbrev-stamp00-at0" "o0-shpast-"*; do
        # the first name the glob gives
        # shellcheck disable=SC2046,SC2086  # the glob, on purpose
        set -- $(cd "$H" && ls -d $f 2>/dev/null)
        [ $# -gt 0 ] || { not_ok "valgrind sample: no input $f"; continue; }
        run valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite "$NGXLINT" bin --format json "$H/$1"
        case $RC in
        0|1|2) ok "valgrind memcheck: $1 (exit $RC)" ;;
        *)     not_ok "valgrind memcheck: $1 (exit $RC)" "$(printf '%s\n' "$ERR" | head -40)" ;;
        esac
    done
else
    echo "# skipped: valgrind is missing"
fi

done_testing
