/*
 * ngxlint: unit tests of the stripped-code pass (lib/elf/prologue.c):
 * the byte matcher on hand-written prologues, then real binaries built
 * here with gcc and clang at every -O level, a mixed build whose ranges
 * must be exactly the -O0 objects' functions, and damaged copies.
 *
 * A compiler that is missing is skipped with a message.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "elf/elf.h"


/* lib/elf/prologue.c: exported for these tests, not in elf.h */


#define NFUNCS   40             /* functions in each generated file */

static char         tmpdir[64];
static const char  *ccs[] = { "gcc", "clang" };
static int          have_cc[2];
static int          have_tools;  /* strip and nm */


/* the matcher on bytes gcc 12 and clang 14 emitted */

typedef struct {
    const char  *what;
    const char  *hex;
    int          match;
} pro_case_t;

static const pro_case_t  pro_cases[] = {

    /* -O0 */
    { "gcc int", "554889e5897dfc8b45fc83c0015dc3", 1 },
    { "gcc long, char *", "554889e548897df8488975f0488b45f0", 1 },
    { "gcc double first", "554889e5f20f1145f8897df4f30f114df0", 1 },
    { "gcc char, short", "554889e589fa89f08855fc668945f8", 1 },
    { "gcc unsigned char", "554889e54883ec1089f88845fc0fb645fc", 1 },
    { "gcc main, push %rbx", "554889e5534883ec10897df4488975e8", 1 },
    { "gcc sub $128 as add", "554889e54883c48048897da8488975a0", 1 },
    { "gcc varargs", "554889e54881ece00000004889bd28ffffff", 1 },
    { "gcc struct of floats", "554889e566480f7ec00f28c1488945f0", 1 },
    { "gcc complex double",
      "554889e566480f7ec0660f28c14889c266480f7ec066480f6eca66480f6ec0"
      "f20f114df0", 1 },
    { "gcc -fcf-protection", "f30f1efa554889e5897dfc8b45fc", 1 },
    { "clang char, short", "554889e56689f04088f9884dff668945fc", 1 },
    { "clang main", "554889e54883ec20c745fc00000000897df8", 1 },
    { "clang _Bool", "554889e54088f824018845ff", 1 },
    { "clang long double", "554889e5db6d10db7df0897dec", 1 },
    { "clang stack struct", "554889e5488d4510897dfc488b00", 1 },
    { "clang stack args", "554889e54883ec508b451048897df88975f4", 1 },
    { "clang varargs",
      "554889e54881ece000000084c00f84290000000f298550ffffff", 1 },
    { "clang struct of floats", "554889e5660f1345e0f30f114de8", 1 },
    { "mov %rsp,%rbp as 8b", "55488bec48897df8", 1 },
    { "gcc pushes, %rdi read back",
      "554889e54154534883ec1048897de8488b45e8488b00", 1 },
    { "clang pushes, %rdi read back",
      "554889e54157415641554154534883ec2848897dd0488b45d0", 1 },

    /* not -O0 */
    { "no arguments", "554889e5b8010000005dc3", 0 },
    { "argument on the stack only", "554889e5488b45285dc3", 0 },
    { "no frame (-O2)", "f30f1efa4157415641554154", 0 },
    { "-O2 fp: five pushes", "554889e54157415641554154534883ec1848897dc8", 0 },
    { "-O2 fp: r14 rbx", "554889e54156534883ec10f20f1145e8", 0 },
    { "store above %rbp", "554889e548897d10", 0 },
    { "store to (%r13)", "554889e5498975f8", 0 },
    { "callee-saved register stored", "554889e548895df8", 0 },
    { "%xmm8 stored", "554889e5f2440f1145f8", 0 },
    { "a call first", "554889e5e800000000897dfc", 0 },
    { "gcc address of the argument",
      "554889e54883ec1048897df8488d45f84889c7", 1 },
    { "-O2 fp: spilled to pass its address",
      "554889e54883ec1048897df8488d7df8e800000000", 0 },
    { "-O2 with a frame: pushes, %rdi, %rsi",
      "554889e54157415641554154534883ec5848897d9848897590", 0 },
    { "-O2 fp varargs: save area from %rcx",
      "554889e54881ecd000000048898d68ffffff4c898570ffffff4c898d78ffffff"
      "84c0", 0 },
    { "-O2 fp varargs: save area from %rdi (float named)",
      "554889e54883ec504889bd30ffffff4889b538ffffff48899540ffffff48898d48"
      "ffffff4c898550ffffff4c898d58ffffff84c0741f", 0 },
    { "-O2 fp varargs: save area from %rdx, one store",
      "554889e5534881ecd800000048899550ffffff84c0", 0 },
    { "push %rbp only", "5548", 0 },
    { "empty", "", 0 }
};


static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
    size_t        n;
    unsigned int  v;

    for (n = 0; hex[0] && hex[1] && n < max; n++, hex += 2) {
        assert_int_equal(sscanf(hex, "%2x", &v), 1);
        out[n] = (uint8_t) v;
    }

    return n;
}


static void
test_matcher(void **state)
{
    size_t    i, n, k;
    uint8_t   buf[128], *p;

    (void) state;

    for (i = 0; i < sizeof(pro_cases) / sizeof(pro_cases[0]); i++) {
        n = unhex(pro_cases[i].hex, buf, sizeof(buf));

        if (ngxl_elf_prologue_match(buf, n) != pro_cases[i].match) {
            fail_msg("%s: expected %d", pro_cases[i].what,
                     pro_cases[i].match);
        }

        /* every prefix, in a buffer of its exact size (ASan watches) */

        for (k = 0; k <= n; k++) {
            p = malloc(k ? k : 1);
            assert_non_null(p);
            memcpy(p, buf, k);
            (void) ngxl_elf_prologue_match(p, k);
            free(p);
        }
    }
}


/* fixtures */

static void
put(const char *name, const char *text)
{
    char   path[128];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}


static const struct {
    const char  *params;
    const char  *body;
} sigs[] = {
    { "int a", "acc += a * 3;" },
    { "long a, char *b", "acc += a + (b ? (long) strlen(b) : 0);" },
    { "double a, int b", "acc += (long) (a * b);" },
    { "char a, short b, unsigned char c", "acc += a + b * c;" },
    { "const char *s, int a, long b, double c, float d",
      "acc += (long) strlen(s) + a + b + (long) (c * d);" },
    { "int a, int b, int c, int d, int e, int f",
      "acc += a + b * c - d + e * f;" },
    { "struct zpt p, int a", "acc += p.x * p.y + a;" },
    { "void *p, long a, long b, long c, long d, long e, long f, long g",
      "acc += (p != 0) + a + b * c + d + e * f + g;" },
    { "float a", "acc += (long) (a * 2);" },
    { "_Bool a, long b", "acc += a ? b : -b;" },
    { "struct zpt *p", "acc += p->x - p->y;" },
    { "unsigned short a, signed char b", "acc += a * b;" }
};


/* PREFIX.c: NFUNCS functions taking arguments, plus one without */

static void
gen_source(const char *prefix)
{
    int     i;
    size_t  s;
    char    name[32];
    FILE   *f;
    char    path[128];

    snprintf(path, sizeof(path), "%s/%s.c", tmpdir, prefix);
    f = fopen(path, "w");
    assert_non_null(f);

    fprintf(f, "#include <string.h>\n#include \"z.h\"\n\n");

    for (i = 0; i < NFUNCS; i++) {
        s = (size_t) i % (sizeof(sigs) / sizeof(sigs[0]));
        snprintf(name, sizeof(name), "%s_%d", prefix, i);

        fprintf(f,
                "long\n%s(%s)\n{\n    long acc = %d;\n    %s\n"
                "    if (acc & 1) {\n        zsink += acc;\n    }\n"
                "    return acc ^ zsink;\n}\n\n",
                name, sigs[s].params, i, sigs[s].body);
    }

    assert_int_equal(fclose(f), 0);
}


static int run(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));


static int
run(const char *fmt, ...)
{
    char     cmd[1024];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);

    return system(cmd) == 0;
}


static int
group_setup(void **state)
{
    size_t  i;

    (void) state;

    if (elf_version(EV_CURRENT) == EV_NONE) {
        return -1;
    }

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ngxlint-prologue-XXXXXX");

    if (mkdtemp(tmpdir) == NULL) {
        return -1;
    }

    put("z.h", "struct zpt { int x, y; };\nextern volatile long zsink;\n");
    put("zmain.c",
        "volatile long zsink;\n"
        "long zmain_none(void) { return zsink * 3; }\n"
        "int\nmain(int argc, char **argv)\n{\n"
        "    zsink = argc;\n    return (int) zsink & (argv[0] != 0);\n}\n");

    /* z0*: built -O0 in the mixed test; z2*: -O2 */

    gen_source("z0a");
    gen_source("z0b");
    gen_source("z2a");
    gen_source("z2b");

    have_tools = run("strip --version >/dev/null 2>&1")
                 && run("nm --version >/dev/null 2>&1");

    for (i = 0; i < 2; i++) {
        have_cc[i] = have_tools
                     && run("%s --version >/dev/null 2>&1", ccs[i]);

        if (!have_cc[i]) {
            print_message("[   INFO   ] %s (or strip, nm) not found: "
                          "its cases are skipped\n", ccs[i]);
        }
    }

    return 0;
}


static int
group_teardown(void **state)
{
    (void) state;

    if (tmpdir[0]) {
        (void) run("rm -rf '%s'", tmpdir);
    }

    return 0;
}


/*
 * Builds z0a z2a z0b z2b zmain into TAG (objects in that order: the -O0
 * ones are not adjacent), each with OPT, or OPT0 for the z0 files, and a
 * stripped copy TAG.s.
 */

static int
build(const char *cc, const char *tag, const char *opt, const char *opt0)
{
    return run("cd '%s' && %s %s -w -c z0a.c -o %s-z0a.o"
               " && %s %s -w -c z0b.c -o %s-z0b.o"
               " && %s %s -w -c z2a.c -o %s-z2a.o"
               " && %s %s -w -c z2b.c -o %s-z2b.o"
               " && %s %s -w -c zmain.c -o %s-zmain.o"
               " && %s -o %s %s-z2a.o %s-z0a.o %s-z2b.o %s-z0b.o %s-zmain.o"
               " && strip -o %s.s %s",
               tmpdir, cc, opt0, tag, cc, opt0, tag, cc, opt, tag,
               cc, opt, tag, cc, opt, tag,
               cc, tag, tag, tag, tag, tag, tag, tag, tag);
}


/* runs the pass on NAME (in tmpdir): its return, *b filled */

static int
scan(const char *name, ngxl_binary_t *b)
{
    int    fd, rc;
    char   path[128];
    Elf   *elf;

    memset(b, 0, sizeof(ngxl_binary_t));
    ngxl_pool_init(&b->pool);

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);

    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);

    elf = elf_begin(fd, ELF_C_READ, NULL);

    if (elf == NULL) {
        /* libelf would not have it: nothing to judge, nothing to crash */
        close(fd);
        return NGXL_ERROR;
    }

    rc = ngxl_elf_prologues(b, elf);

    elf_end(elf);
    close(fd);

    return rc;
}


static void
release(ngxl_binary_t *b)
{
    ngxl_vec_free(&b->ranges);
    ngxl_pool_free(&b->pool);
}


static void
check_ranges_sane(ngxl_binary_t *b)
{
    size_t         i, sum;
    ngxl_range_t  *r, *prev;

    sum = 0;
    prev = NULL;

    for (i = 0; i < b->ranges.n; i++) {
        r = b->ranges.elts[i];

        assert_true(r->start < r->end);
        assert_true(r->functions > 0);
        assert_int_equal(r->opt, NGXL_OPT_UNOPTIMIZED);

        if (prev != NULL) {
            assert_true(prev->end <= r->start);
        }

        sum += r->functions;
        prev = r;
    }

    assert_int_equal(sum, b->flagged);
}


static const struct {
    const char  *tag;
    const char  *opt;
    int          o0;          /* expect most flagged             */
    unsigned     max_pct;     /* otherwise: at most this share   */
} levels[] = {
    { "O0", "-O0", 1, 0 },
    { "O1", "-O1", 0, 0 },
    { "O2", "-O2", 0, 0 },
    { "O3", "-O3", 0, 0 },
    { "Os", "-Os", 0, 0 },
    { "Og", "-Og", 0, 0 },

    /* address-taken and variadic arguments are spilled at -O2 too */
    { "O2fp", "-O2 -fno-omit-frame-pointer", 0, 10 },
};


static void
test_levels(void **state)
{
    size_t         c, l;
    char           tag[64], name[80];
    int            any;
    ngxl_binary_t  b, u;

    (void) state;

    any = 0;

    for (c = 0; c < 2; c++) {

        if (!have_cc[c]) {
            continue;
        }

        any = 1;

        for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
            snprintf(tag, sizeof(tag), "%s-%s", ccs[c], levels[l].tag);
            assert_true(build(ccs[c], tag, levels[l].opt, levels[l].opt));

            snprintf(name, sizeof(name), "%s.s", tag);
            assert_int_equal(scan(name, &b), NGXL_OK);

            print_message("[   INFO   ] %-12s %3zu of %3zu flagged,"
                          " %zu ranges\n", tag, b.flagged, b.functions,
                          b.ranges.n);

            /* 4 x 40 functions, main, and 5 without arguments or _start */
            assert_true(b.functions >= 4 * NFUNCS);
            assert_true(b.text_bytes > 0);
            check_ranges_sane(&b);

            if (levels[l].o0) {
                assert_true(b.flagged * 100 >= b.functions * 90);
                assert_true(b.ranges.n >= 1);

            } else {
                assert_true(b.flagged * 100
                            <= b.functions * levels[l].max_pct);
            }

            /* symbols change nothing */

            assert_int_equal(scan(tag, &u), NGXL_OK);
            assert_int_equal(u.functions, b.functions);
            assert_int_equal(u.flagged, b.flagged);
            assert_int_equal(u.ranges.n, b.ranges.n);

            release(&u);
            release(&b);
        }
    }

    if (!any) {
        skip();
    }
}


/* gold marks .eh_frame_hdr SHT_X86_64_UNWIND, not SHT_PROGBITS */

static void
test_linkers(void **state)
{
    size_t         c, l;
    char           tag[64], name[80];
    int            any;
    ngxl_binary_t  b;
    static const char  *lds[] = { "lld", "gold", "bfd" };

    (void) state;

    any = 0;

    for (c = 0; c < 2; c++) {

        if (!have_cc[c]) {
            continue;
        }

        for (l = 0; l < sizeof(lds) / sizeof(lds[0]); l++) {
            snprintf(tag, sizeof(tag), "%s-%s", ccs[c], lds[l]);

            if (!run("cd '%s' && %s -O0 -w -fuse-ld=%s z0a.c z2a.c zmain.c"
                     " -o %s 2>/dev/null && strip -o %s.s %s",
                     tmpdir, ccs[c], lds[l], tag, tag, tag))
            {
                print_message("[   INFO   ] %s: no -fuse-ld=%s, skipped\n",
                              ccs[c], lds[l]);
                continue;
            }

            any = 1;

            snprintf(name, sizeof(name), "%s.s", tag);
            assert_int_equal(scan(name, &b), NGXL_OK);

            print_message("[   INFO   ] %-12s %3zu of %3zu flagged,"
                          " %zu ranges\n", tag, b.flagged, b.functions,
                          b.ranges.n);

            assert_true(b.functions >= 2 * NFUNCS);
            assert_true(b.flagged * 100 >= b.functions * 90);
            assert_true(b.ranges.n >= 1);
            check_ranges_sane(&b);

            release(&b);
        }
    }

    if (!any) {
        skip();
    }
}


/* whether ADDR is in one of b's ranges */

static int
in_ranges(ngxl_binary_t *b, uint64_t addr)
{
    size_t         i;
    ngxl_range_t  *r;

    for (i = 0; i < b->ranges.n; i++) {
        r = b->ranges.elts[i];

        if (addr >= r->start && addr < r->end) {
            return 1;
        }
    }

    return 0;
}


static void
test_mixed(void **state)
{
    size_t              c, z0, z2;
    char                tag[64], name[80], path[128], line[512], sym[256];
    char                type;
    int                 any;
    FILE               *f;
    unsigned long long  addr;
    ngxl_binary_t       b;

    (void) state;

    any = 0;

    for (c = 0; c < 2; c++) {

        if (!have_cc[c]) {
            continue;
        }

        any = 1;

        snprintf(tag, sizeof(tag), "%s-mixed", ccs[c]);
        assert_true(build(ccs[c], tag, "-O2", "-O0"));
        assert_true(run("cd '%s' && nm --defined-only %s > %s.nm",
                        tmpdir, tag, tag));

        snprintf(name, sizeof(name), "%s.s", tag);
        assert_int_equal(scan(name, &b), NGXL_OK);
        check_ranges_sane(&b);

        /* every z0 function inside a range, no z2 function, nor main */

        snprintf(path, sizeof(path), "%s/%s.nm", tmpdir, tag);
        f = fopen(path, "r");
        assert_non_null(f);

        z0 = 0;
        z2 = 0;

        while (fgets(line, sizeof(line), f) != NULL) {

            if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3
                || (type != 'T' && type != 't'))
            {
                continue;
            }

            if (strncmp(sym, "z0", 2) == 0) {
                z0++;

                if (!in_ranges(&b, addr)) {
                    fail_msg("%s: -O0 function %s not in a range", tag, sym);
                }

            } else if (strncmp(sym, "z2", 2) == 0
                       || strcmp(sym, "main") == 0
                       || strncmp(sym, "zmain", 5) == 0)
            {
                z2++;

                if (in_ranges(&b, addr)) {
                    fail_msg("%s: -O2 function %s in a range", tag, sym);
                }
            }
        }

        fclose(f);

        print_message("[   INFO   ] %-12s %zu of %zu flagged, %zu ranges\n",
                      tag, b.flagged, b.functions, b.ranges.n);

        assert_int_equal(z0, 2 * NFUNCS);
        assert_true(z2 >= 2 * NFUNCS);
        assert_int_equal(b.flagged, z0);

        /* z0a and z0b are apart: two runs */
        assert_int_equal(b.ranges.n, 2);

        release(&b);
    }

    if (!any) {
        skip();
    }
}


/* damaged copies */

typedef struct {
    uint8_t  *data;
    size_t    size;
    size_t    text_off, text_size, text_shdr;
    size_t    hdr_off, hdr_size, hdr_shdr;
} image_t;


static void
load_image(const char *name, image_t *im)
{
    int          fd;
    char         path[128];
    FILE        *f;
    long         size;
    size_t       shstrndx;
    const char  *sname;
    Elf         *elf;
    Elf_Scn     *scn;
    GElf_Ehdr    eh;
    GElf_Shdr    sh;

    memset(im, 0, sizeof(image_t));

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);

    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);

    im->size = (size_t) size;
    im->data = malloc(im->size);
    assert_non_null(im->data);
    assert_int_equal(fread(im->data, 1, im->size, f), im->size);
    fclose(f);

    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    elf = elf_begin(fd, ELF_C_READ, NULL);
    assert_non_null(elf);
    assert_non_null(gelf_getehdr(elf, &eh));
    assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);

    scn = NULL;

    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        assert_non_null(gelf_getshdr(scn, &sh));
        sname = elf_strptr(elf, shstrndx, sh.sh_name);

        if (sname == NULL) {
            continue;
        }

        if (strcmp(sname, ".text") == 0) {
            im->text_off = sh.sh_offset;
            im->text_size = sh.sh_size;
            im->text_shdr = eh.e_shoff + elf_ndxscn(scn) * eh.e_shentsize;

        } else if (strcmp(sname, ".eh_frame_hdr") == 0) {
            im->hdr_off = sh.sh_offset;
            im->hdr_size = sh.sh_size;
            im->hdr_shdr = eh.e_shoff + elf_ndxscn(scn) * eh.e_shentsize;
        }
    }

    elf_end(elf);
    close(fd);

    assert_true(im->text_size > 0);
    assert_true(im->hdr_size > 12);
}


static void
save(const char *name, const uint8_t *data, size_t size)
{
    char   path[128];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}


/* a copy of IM with SIZE bytes at OFF set to P (when P), cut at LEN */

static int
scan_patched(image_t *im, size_t len, size_t off, const void *p,
    size_t size, ngxl_binary_t *b)
{
    int       rc;
    uint8_t  *copy;

    copy = malloc(im->size);
    assert_non_null(copy);
    memcpy(copy, im->data, im->size);

    if (p != NULL) {
        assert_true(off + size <= im->size);
        memcpy(copy + off, p, size);
    }

    save("damaged", copy, len);
    free(copy);

    rc = scan("damaged", b);
    assert_true(rc == NGXL_OK || rc == NGXL_ERROR);
    check_ranges_sane(b);

    return rc;
}


static void
test_damaged(void **state)
{
    int            c, rc;
    char           tag[64];
    size_t         i, cuts[6];
    uint8_t        buf[16];
    uint32_t       v32;
    uint64_t       v64;
    image_t        im;
    ngxl_binary_t  b, ref;

    (void) state;

    for (c = 0; c < 2 && !have_cc[c]; c++) {
        /* the first compiler there is */
    }

    if (c == 2) {
        skip();
    }

    snprintf(tag, sizeof(tag), "%s-O0.s", ccs[c]);

    if (!run("test -f '%s/%s'", tmpdir, tag)) {
        snprintf(tag, sizeof(tag), "%s-dmg", ccs[c]);
        assert_true(build(ccs[c], tag, "-O0", "-O0"));
        snprintf(tag, sizeof(tag), "%s-dmg.s", ccs[c]);
    }

    load_image(tag, &im);

    assert_int_equal(scan(tag, &ref), NGXL_OK);
    assert_true(ref.flagged > 0);

    /* what gcc and clang emit: pcrel|sdata4, udata4, datarel|sdata4 */
    assert_int_equal(im.data[im.hdr_off], 1);
    assert_int_equal(im.data[im.hdr_off + 1], 0x1b);
    assert_int_equal(im.data[im.hdr_off + 2], 0x03);
    assert_int_equal(im.data[im.hdr_off + 3], 0x3b);

    /* the file cut in the middle of .text, of .eh_frame_hdr, and around */

    cuts[0] = im.text_off + im.text_size / 2;
    cuts[1] = im.hdr_off + im.hdr_size / 2;
    cuts[2] = im.hdr_off + 2;
    cuts[3] = im.hdr_off + 9;
    cuts[4] = 64;
    cuts[5] = 10;

    for (i = 0; i < 6; i++) {
        rc = scan_patched(&im, cuts[i], 0, NULL, 0, &b);
        assert_true(rc == NGXL_OK || rc == NGXL_ERROR);
        release(&b);
    }

    /*
     * The section headers kept (they are at the end of the file, so a
     * cut loses them): sizes that run past the end of the file.
     */

    v64 = im.size;                              /* .text sh_size */
    (void) scan_patched(&im, im.size, im.text_shdr + 32, &v64, 8, &b);
    release(&b);

    v64 = im.size - 4;                          /* .eh_frame_hdr sh_offset */
    (void) scan_patched(&im, im.size, im.hdr_shdr + 24, &v64, 8, &b);
    release(&b);

    /* .eh_frame_hdr cut inside its header and inside its table */

    for (v64 = 0; v64 < 24; v64++) {
        (void) scan_patched(&im, im.size, im.hdr_shdr + 32, &v64, 8, &b);
        assert_true(b.functions <= v64);
        release(&b);
    }

    /* a count far past the table: capped by what the section holds */

    v32 = 0x7fffffff;
    (void) scan_patched(&im, im.size, im.hdr_off + 8, &v32, 4, &b);
    assert_true(b.functions <= ref.functions);
    release(&b);

    /* a version we do not know */

    buf[0] = 2;
    rc = scan_patched(&im, im.size, im.hdr_off, buf, 1, &b);
    assert_int_equal(rc, NGXL_ERROR);
    assert_int_equal(b.functions, 0);
    release(&b);

    /* encodings we do not take: indirect, then aligned */

    buf[0] = 0x9b;
    rc = scan_patched(&im, im.size, im.hdr_off + 1, buf, 1, &b);
    assert_int_equal(rc, NGXL_ERROR);
    release(&b);

    buf[0] = 0x5b;
    rc = scan_patched(&im, im.size, im.hdr_off + 3, buf, 1, &b);
    assert_int_equal(rc, NGXL_ERROR);
    release(&b);

    /* no table (omit): nothing judged */

    buf[0] = 0xff;
    rc = scan_patched(&im, im.size, im.hdr_off + 3, buf, 1, &b);
    assert_int_equal(rc, NGXL_OK);
    assert_int_equal(b.functions, 0);
    release(&b);

    /* every entry the same start: one function */

    {
        uint8_t  *copy;
        size_t    n, k;

        copy = malloc(im.hdr_size);
        assert_non_null(copy);
        memcpy(copy, im.data + im.hdr_off, im.hdr_size);
        memcpy(&v32, copy + 8, 4);
        n = v32;
        assert_true(12 + n * 8 <= im.hdr_size);

        /* the table reversed: the same answer */

        for (k = 0; k < n; k++) {
            memcpy(copy + 12 + k * 8,
                   im.data + im.hdr_off + 12 + (n - 1 - k) * 8, 8);
        }

        (void) scan_patched(&im, im.size, im.hdr_off, copy, im.hdr_size,
                            &b);
        assert_int_equal(b.functions, ref.functions);
        assert_int_equal(b.flagged, ref.flagged);
        assert_int_equal(b.ranges.n, ref.ranges.n);
        release(&b);

        for (k = 0; k < n; k++) {
            memcpy(copy + 12 + k * 8, im.data + im.hdr_off + 12, 8);
        }

        (void) scan_patched(&im, im.size, im.hdr_off, copy, im.hdr_size,
                            &b);
        assert_true(b.functions <= 1);
        release(&b);

        /* starts pointing anywhere: ignored */

        for (k = 0; k < n; k++) {
            v32 = (uint32_t) (k * 0x9e3779b9u);
            memcpy(copy + 12 + k * 8, &v32, 4);
        }

        (void) scan_patched(&im, im.size, im.hdr_off, copy, im.hdr_size,
                            &b);
        release(&b);

        free(copy);
    }

    /* not x86-64: nothing judged */

    buf[0] = 183;                               /* EM_AARCH64 */
    buf[1] = 0;
    rc = scan_patched(&im, im.size, 18, buf, 2, &b);
    assert_int_equal(rc, NGXL_OK);
    assert_int_equal(b.functions, 0);
    assert_int_equal(b.flagged, 0);
    assert_int_equal(b.ranges.n, 0);
    release(&b);

    release(&ref);
    free(im.data);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_matcher),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_linkers),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_damaged),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
