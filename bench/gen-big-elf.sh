#!/bin/sh
# gen-big-elf.sh OUTDIR [NCUS]
#
# Builds OUTDIR/big: a large x86-64 executable with debug information, for
# benchmarking `ngxlint bin` (bench/bin.sh).  NCUS (default 3000) is the
# number of compilation units besides main.c; at 3000 the binary has about
# 200 MB of .debug_* sections, like a large server built with -g.
#
# Compiling thousands of distinct C files with -g would take many minutes
# on a small machine, so the units are copies:
#
#   1. four template files (OUTDIR/src/tpl_a..d_QQQQQQ.c), each 128-140
#      groups of struct, union, enum and typedef types, every third group
#      with a pair of functions (a loop, locals in nested scopes, a list
#      walk, an inlined helper), so that one unit carries about 68 KB of
#      DWARF (at -O2: location lists, inlined subroutines, call sites) and
#      20 KB of code.  Every function is static except one entry point,
#      tpl_entry_QQQQQQ;
#   2. each template is compiled once with `gcc -g -O2 -c`, and templates
#      a and b a second time with -O0, so the binary is "mixed": two units
#      in ten are -O0 (units 5, 10, 15, ...);
#   3. a small C program (OUTDIR/src/clone.c) writes the NCUS copies: in
#      each, the placeholder QQQQQQ becomes the unit's number (%06d)
#      wherever it occurs: the entry point's symbol, its DW_AT_name and the
#      file name, so that every copy has its own global symbol
#      (tpl_entry_000042) and its own DW_AT_name (tpl_c_000042.c).  This is
#      what `objcopy --redefine-sym` would do, for one symbol, without
#      starting objcopy NCUS times; an equal-length substitution in string
#      tables keeps every offset and size of the object as it was;
#   4. main.c calls every entry point; all of it is linked with `gcc -g`.
#
# The output is deterministic (the same NCUS and tools give the same
# bytes, whatever OUTDIR is: source paths are mapped to /ngxlint-bench).
# The copies are deleted after the link; OUTDIR/.stamp records NCUS, the
# generator's checksum, the compiler's version, LINKER and NOREC, and a
# later run with the same stamp reuses OUTDIR/big.  At the end the binary
# is run (it must exit 0) and its size, DWARF size and CU count are
# printed.  A non-empty OUTDIR that this script did not make (it leaves a
# marker, OUTDIR/.ngxlint-bench-elf) is refused; in its own OUTDIR it
# replaces big, src and obj, and touches nothing else.
#
# On 2 cores (gcc 12, ld.bfd): about 3 s to compile the templates, 3 s to
# write the copies, 6 s to link: 10-15 s in all, 650 MB peak (the link).
#
# Needs gcc and binutils (readelf, size); exits 77 (skipped) without them.
#
# Environment: CC (default gcc), LINKER (passed as -fuse-ld=LINKER when
# set: bfd, gold, lld), JOBS (parallel compiles, default nproc), NOREC (1:
# compile with -gno-record-gcc-switches, so that the producers record no
# flags and every unit must be judged by its DIEs; default 0).
set -eu

usage() {
    echo "usage: $0 OUTDIR [NCUS]" >&2
    exit 2
}
die()  { echo "gen-big-elf.sh: $*" >&2; exit 1; }
skip() { echo "gen-big-elf.sh: $* (skipped)" >&2; exit 77; }

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    usage
fi
out=$1
ncus=${2:-3000}
cc=${CC:-gcc}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
norec=${NOREC:-0}
# the generator's own checksum: an OUTDIR/big made by another version of
# this script is not reused
gen_version=$(cksum < "$0" | awk '{ print $1 }')

case $ncus in '' | *[!0-9]* | 0) die "NCUS must be a positive integer" ;; esac
[ "$ncus" -le 999999 ] || die "NCUS must be at most 999999"
case $jobs in '' | *[!0-9]* | 0) jobs=2 ;; esac
case $norec in 0 | 1) ;; *) die "NOREC must be 0 or 1" ;; esac

command -v "$cc" >/dev/null 2>&1 || skip "$cc is not installed"
for t in readelf size; do
    command -v "$t" >/dev/null 2>&1 || skip "$t (binutils) is not installed"
done
case $(uname -m) in
    x86_64) ;;
    *) skip "the templates are for x86-64, not $(uname -m)" ;;
esac

ldflag=
[ -z "${LINKER:-}" ] || ldflag=-fuse-ld=$LINKER

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
stamp="ncus=$ncus gen=$gen_version cc=$("$cc" -dumpfullversion 2>/dev/null || "$cc" -dumpversion) ld=${LINKER:-default} norec=$norec"

# ---- the report -------------------------------------------------------------

# report: size, DWARF size and CU count of OUTDIR/big.  The CUs are counted
# by their address-range sets (readelf --debug-dump=aranges: one set per
# unit with code, every unit here), which is quick; a full
# --debug-dump=info takes about a minute.
report() {
    big=$out/big
    size=$(wc -c < "$big")
    size -A "$big" | awk -v f="$big" -v s="$size" '
        $1 ~ /^\.(z)?debug_/ { d += $2 }
        $1 == ".debug_info" { i = $2 }
        END {
            printf "big:     %s\n", f
            printf "size:    %.1f MB (%d bytes)\n", s / 1e6, s
            printf "DWARF:   %.1f MB in .debug_* sections (.debug_info %.1f MB)\n", d / 1e6, i / 1e6
        }'
    echo "CUs:     $(readelf --debug-dump=aranges "$big" | grep -c 'Offset into .debug_info')"
}

if [ -x "$out/big" ] && [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
    echo "gen-big-elf.sh: $out/big is up to date ($stamp)"
    report
    exit 0
fi
# a directory this script wrote carries a marker; refuse to write into
# any other
marker=.ngxlint-bench-elf
if [ -n "$(ls -A "$out")" ] && [ ! -f "$out/$marker" ]; then
    die "$out exists, is not empty and was not made by this script"
fi
echo "made by bench/gen-big-elf.sh" >"$out/$marker"

rm -f "$out/big" "$out/.stamp"
src=$out/src
obj=$out/obj
rm -rf "$src" "$obj"
mkdir -p "$src" "$obj"
# the copies are some 400 MB: never left behind
trap 'rm -rf "$obj" "$out/big.tmp"' EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)

# ---- the templates ----------------------------------------------------------

# template NAME VARIANT NGROUPS EVERY: writes $src/tpl_NAME_QQQQQQ.c
#
# Each of the NGROUPS groups declares (TYPES) two structs (a dozen and a
# half members of varied types, self-pointers, an anonymous struct, arrays,
# bit fields, a function pointer), an enum, a union, three typedefs and an
# inline predicate; every EVERY-th group also has (FUNCS) two static
# functions: walk_N (a list walk with locals in nested scopes, noinline,
# so -O2 gives it location lists and entry values) and make_N (builds two
# nodes on its stack and calls walk_N: an inlined helper, a call site).
# tpl_entry_QQQQQQ calls every make_N.  The VARIANT (0-3) changes the
# member types, so the four templates are different code.
template() {
    name=$1 v=$2 n=$3 every=$4
    f=$src/tpl_${name}_QQQQQQ.c
    case $v in
        0) t1=int    t2=long          t3=double t4=short ;;
        1) t1=long   t2=int           t3=float  t4='unsigned short' ;;
        2) t1=short  t2='long long'   t3=double t4=int ;;
        *) t1='unsigned' t2='unsigned long' t3=float t4='signed char' ;;
    esac
    {
        printf '/* generated by bench/gen-big-elf.sh: template %s */\n' "$name"
        printf '#include <stddef.h>\n#include <stdint.h>\n\n'
        printf '#define V %d\n' "$v"
        cat <<'EOF'
static volatile int tpl_sink;

static inline uint32_t mix(uint32_t h, uint32_t x)
{
    h ^= x + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h;
}

#define TYPES(n, T1, T2, T3, T4)                                              \
enum kind_##n { K##n##_NONE, K##n##_HEAD, K##n##_BODY, K##n##_TAIL,          \
                K##n##_SKIP, K##n##_LAST = 1000 + n };                        \
union val_##n { T1 i; T3 d; unsigned char raw[sizeof(T3)]; void *p; };       \
struct stats_##n {                                                            \
    T2                 hits, misses, evictions, bytes_in, bytes_out;          \
    T3                 mean, var;                                             \
    T4                 hist[16];                                              \
};                                                                            \
struct node_##n {                                                             \
    T1                 id;                                                    \
    T2                 weight;                                                \
    T3                 score;                                                 \
    T4                 flags;                                                 \
    enum kind_##n      kind;                                                  \
    union val_##n      val;                                                   \
    unsigned char      tag[8];                                                \
    const char        *label;                                                 \
    struct node_##n   *next;                                                  \
    struct node_##n   *prev;                                                  \
    struct { T1 lo, hi; } range;                                              \
    unsigned           bit_a:1, bit_b:3, bit_c:4;                             \
    size_t             len;                                                   \
    struct stats_##n  *stats;                                                 \
    void             (*on_free)(struct node_##n *, void *);                   \
    void              *data;                                                  \
};                                                                            \
typedef struct node_##n node_##n##_t;                                         \
typedef struct stats_##n stats_##n##_t;                                       \
typedef int (*node_##n##_cmp)(const node_##n##_t *, const node_##n##_t *);    \
                                                                              \
static inline int                                                             \
node_##n##_live(const node_##n##_t *p)                                        \
{                                                                             \
    return p->kind != K##n##_SKIP && p->range.lo <= p->range.hi;              \
}

/* the code: a list walk (noinline: location lists, entry values) and a
 * maker that builds two nodes on its stack and calls it */
#define FUNCS(n, T1, T2, T3, T4)                                              \
static __attribute__((noinline)) T2                                           \
walk_##n(const node_##n##_t *head, int limit, uint32_t seed)                  \
{                                                                             \
    const node_##n##_t *p;                                                    \
    T2                  acc = 0;                                              \
    uint32_t            h = seed;                                             \
    int                 i;                                                    \
                                                                              \
    for (p = head, i = 0; p != NULL && i < limit; p = p->next, i++) {         \
        T3 s = p->score * (T3) (i + 1);                                       \
        if (!node_##n##_live(p)) {                                            \
            continue;                                                         \
        }                                                                     \
        {                                                                     \
            unsigned char t = p->tag[i & 7];                                  \
            h = mix(h, (uint32_t) t + (uint32_t) p->id);                      \
            acc += (T2) (p->weight * (V + 1)) + (T2) s + (T2) p->flags;      \
        }                                                                     \
        if (p->bit_b == 3) {                                                  \
            acc ^= (T2) h;                                                    \
        }                                                                     \
    }                                                                         \
    return acc + (T2) (h & 0xff);                                             \
}                                                                             \
                                                                              \
static T2                                                                     \
make_##n(int k)                                                               \
{                                                                             \
    node_##n##_t x[2] = { { 0 } };                                            \
                                                                              \
    x[0].id = (T1) k;                                                         \
    x[0].weight = (T2) n;                                                     \
    x[0].score = (T3) k / (T3) 2;                                             \
    x[0].kind = K##n##_HEAD;                                                  \
    x[0].label = #n;                                                          \
    x[0].next = &x[1];                                                        \
    x[0].range.hi = (T1) k;                                                   \
    x[1].id = (T1) (k + 1);                                                   \
    x[1].kind = (enum kind_##n) (k % 5);                                      \
    x[1].prev = &x[0];                                                        \
    x[1].bit_b = (unsigned) k & 7;                                            \
    return walk_##n(x, k, (uint32_t) n);                                      \
}

EOF
        i=1
        while [ "$i" -le "$n" ]; do
            printf 'TYPES(%d, %s, %s, %s, %s)\n' "$i" "$t1" "$t2" "$t3" "$t4"
            if [ $((i % every)) -eq 0 ]; then
                printf 'FUNCS(%d, %s, %s, %s, %s)\n' "$i" "$t1" "$t2" "$t3" "$t4"
            fi
            i=$((i + 1))
        done
        printf '\nint tpl_entry_QQQQQQ(int k);\n\n'
        printf 'int\ntpl_entry_QQQQQQ(int k)\n{\n    long acc = 0;\n\n'
        i=$every
        while [ "$i" -le "$n" ]; do
            printf '    acc += (long) make_%d(k);\n' "$i"
            i=$((i + every))
        done
        printf '    tpl_sink = (int) acc;\n    return (int) (acc & 1) - (int) (acc & 1);\n}\n'
    } >"$f"
}

# the types per template: about 200 MB of DWARF at 3000 units
template a 0 136 3
template b 1 128 3
template c 2 140 3
template d 3 132 3

# ---- the clone program -------------------------------------------------------

cat >"$src/clone.c" <<'EOF'
/* generated by bench/gen-big-elf.sh: writes the copies of the template
 * objects.  stdin: "NUMBER TEMPLATE.o OUT.o" lines; in each copy every
 * QQQQQQ becomes NUMBER (%06d). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char path[4096]; unsigned char *data; size_t len; } tpl_t;

static tpl_t *load(tpl_t *t, size_t *n, const char *path)
{
    size_t i;
    FILE  *f;
    long   len;

    for (i = 0; i < *n; i++) {
        if (strcmp(t[i].path, path) == 0) {
            return &t[i];
        }
    }
    if (*n == 64 || strlen(path) >= sizeof t[0].path) {
        fprintf(stderr, "clone: too many templates or path too long\n");
        exit(1);
    }
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        perror(path);
        exit(1);
    }
    t[*n].data = malloc((size_t) len);
    if (t[*n].data == NULL || fread(t[*n].data, 1, (size_t) len, f) != (size_t) len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    strcpy(t[*n].path, path);
    t[*n].len = (size_t) len;
    return &t[(*n)++];
}

int main(void)
{
    static tpl_t   t[64];
    size_t         n = 0, i, hits;
    unsigned long  num;
    char           tpath[4096], opath[4096], digits[16];
    unsigned char *buf = NULL;
    size_t         cap = 0;
    tpl_t         *tp;
    FILE          *f;

    while (scanf("%lu %4095s %4095s", &num, tpath, opath) == 3) {
        tp = load(t, &n, tpath);
        if (cap < tp->len) {
            cap = tp->len;
            buf = realloc(buf, cap);
            if (buf == NULL) {
                perror("realloc");
                return 1;
            }
        }
        memcpy(buf, tp->data, tp->len);
        snprintf(digits, sizeof digits, "%06lu", num);
        hits = 0;
        for (i = 0; i + 6 <= tp->len; i++) {
            if (buf[i] == 'Q' && memcmp(buf + i, "QQQQQQ", 6) == 0) {
                memcpy(buf + i, digits, 6);
                hits++;
                i += 5;
            }
        }
        if (hits < 2) {
            fprintf(stderr, "clone: %s: only %lu placeholders\n", tpath, (unsigned long) hits);
            return 1;
        }
        f = fopen(opath, "wb");
        if (f == NULL || fwrite(buf, 1, tp->len, f) != tp->len || fclose(f) != 0) {
            perror(opath);
            return 1;
        }
    }
    if (!feof(stdin)) {
        fprintf(stderr, "clone: bad input line\n");
        return 1;
    }
    free(buf);
    return 0;
}
EOF

# ---- compile ----------------------------------------------------------------

# the paths in the DWARF do not depend on OUTDIR
map="-ffile-prefix-map=$src=/ngxlint-bench"
recflag=
[ "$norec" = 0 ] || recflag=-gno-record-gcc-switches
echo "gen-big-elf.sh: compiling the templates into $out ..."
t0=$(date +%s)

# compile OBJ FLAGS... SOURCE, at most $jobs at a time
running=0
pids=
compile() {
    o=$1
    shift
    # shellcheck disable=SC2086
    (cd "$src" && "$cc" "$@" "$map" $recflag -c -o "$o") &
    pids="$pids $!"
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait_all
    fi
}
wait_all() {
    for p in $pids; do
        wait "$p" || die "a compile failed"
    done
    pids=
    running=0
}

(cd "$src" && "$cc" -O2 -o "$obj/clone" clone.c) || die "cannot build clone"

for t in a b c d; do
    compile "$obj/tpl_${t}_O2.o" -g -O2 "tpl_${t}_QQQQQQ.c"
done
for t in a b; do
    compile "$obj/tpl_${t}_O0.o" -g -O0 "tpl_${t}_QQQQQQ.c"
done
wait_all
echo "gen-big-elf.sh: templates compiled in $(( $(date +%s) - t0 )) s"

# ---- the copies and main.c --------------------------------------------------

t0=$(date +%s)
# unit i (1..NCUS): i % 10 picks the object; 5 and 0 are the -O0 ones
awk -v n="$ncus" -v obj="$obj" 'BEGIN {
    split("a_O2 b_O2 c_O2 d_O2 a_O0 c_O2 d_O2 a_O2 b_O2 b_O0", slot, " ")
    for (i = 1; i <= n; i++) {
        s = slot[(i - 1) % 10 + 1]
        t = substr(s, 1, 1)
        printf "%d %s/tpl_%s.o %s/cu_%s_%06d.o\n", i, obj, s, obj, t, i
    }
}' >"$obj/list"
"$obj/clone" <"$obj/list" || die "clone failed"

awk -v n="$ncus" 'BEGIN {
    print "/* generated by bench/gen-big-elf.sh */"
    for (i = 1; i <= n; i++) {
        printf "int tpl_entry_%06d(int k);\n", i
    }
    print ""
    print "int"
    print "main(int argc, char **argv)"
    print "{"
    print "    int rc = 0;"
    print ""
    print "    (void) argv;"
    for (i = 1; i <= n; i++) {
        printf "    rc |= tpl_entry_%06d(argc + %d);\n", i, i % 7
    }
    print "    return rc;"
    print "}"
}' >"$src/main.c"
# shellcheck disable=SC2086
(cd "$src" && "$cc" -g -O2 "$map" $recflag -c -o "$obj/main.o" main.c) || die "cannot compile main.c"

awk '{ print $3 }' "$obj/list" >"$obj/objects"
echo "gen-big-elf.sh: $ncus copies written in $(( $(date +%s) - t0 )) s; linking ..."

# ---- link -------------------------------------------------------------------

t0=$(date +%s)
# shellcheck disable=SC2086
"$cc" -g $ldflag -o "$out/big.tmp" "$obj/main.o" "@$obj/objects" || die "the link failed"
echo "gen-big-elf.sh: linked in $(( $(date +%s) - t0 )) s"

"$out/big.tmp" || die "$out/big.tmp exits $? (it should exit 0)"
mv "$out/big.tmp" "$out/big"
rm -rf "$obj"
echo "$stamp" >"$out/.stamp"
echo "gen-big-elf.sh: done in $(( $(date +%s) - t_start )) s"
report
