/*
 * ngxlint: what the DWARF says of each compilation unit (libdwarf).
 *
 * Every libdwarf call of the project is in this file, so that the move to
 * libdwarf 0.1+ (whose dwarf_init_b and dwarf_finish change and whose
 * dwarf_elf_init goes away) is one file's work.
 *
 * The producer decides when it records flags (the last -O wins).  Else the
 * CU's DIEs are walked until the first sign of optimisation: a location
 * list, a call site, an inlined subroutine.  Frame-base-relative locations
 * only, with no call sites, mean -O0.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>
#include <zlib.h>

#include "elf.h"
#include "debuginfo.h"


#ifndef DW_TAG_call_site
#define DW_TAG_call_site               0x48
#endif
#ifndef DW_TAG_skeleton_unit
#define DW_TAG_skeleton_unit           0x4a
#endif
#ifndef DW_AT_call_all_calls
#define DW_AT_call_all_calls           0x7a
#endif
#ifndef DW_AT_call_all_tail_calls
#define DW_AT_call_all_tail_calls      0x7c
#endif
#ifndef DW_AT_dwo_name
#define DW_AT_dwo_name                 0x76
#endif
#ifndef DW_FORM_loclistx
#define DW_FORM_loclistx               0x22
#endif

#define NGXL_DWARF_MAX_DEPTH    256
#define NGXL_DWARF_MAX_CUS      1000000


typedef struct {
    size_t      dies;
    size_t      fbreg;          /* variables at frame-base offsets     */
    size_t      other_loc;      /* variables at other locations        */
    size_t      code;           /* subprograms with code               */
    unsigned    optimized:1;    /* a decisive sign was seen            */
    unsigned    tail_calls:1;   /* DW_AT_call_all_tail_calls (gcc -O0) */
    const char *sign;           /* the sign, in words                  */
    const char *bad;            /* why the walk failed, in words       */
} ngxl_dwarf_walk_t;


static void
ngxl_dwarf_free_err(Dwarf_Debug dbg, Dwarf_Error *err)
{
    if (*err) {
        dwarf_dealloc_error(dbg, *err);
        *err = NULL;
    }
}


static char *
ngxl_dwarf_string(ngxl_binary_t *b, Dwarf_Debug dbg, Dwarf_Die die,
    Dwarf_Half attr)
{
    int              rc;
    char            *s, *r;
    Dwarf_Error      err;
    Dwarf_Attribute  a;

    err = NULL;
    rc = dwarf_attr(die, attr, &a, &err);

    if (rc != DW_DLV_OK) {
        ngxl_dwarf_free_err(dbg, &err);
        return NULL;
    }

    r = NULL;

    if (dwarf_formstring(a, &s, &err) == DW_DLV_OK) {
        r = ngxl_pstrndup(&b->pool, s, strlen(s));
    }

    ngxl_dwarf_free_err(dbg, &err);
    dwarf_dealloc_attribute(a);

    return r;
}


/*
 * A CU's code size, from DW_AT_high_pc read here: libdwarf 20210528's
 * dwarf_highpc_b(), given a constant it cannot read, reads it a second time
 * over the first error, which is then lost (a leak, with the allocations
 * untracked; the fuzzer's find)
 */

static uint64_t
ngxl_dwarf_code_bytes(Dwarf_Debug dbg, Dwarf_Die die)
{
    int              rc, constant;
    Dwarf_Addr       low, high;
    Dwarf_Half       form;
    Dwarf_Error      err;
    Dwarf_Signed     sv;
    Dwarf_Unsigned   uv;
    Dwarf_Attribute  a;

    err = NULL;

    if (dwarf_lowpc(die, &low, &err) != DW_DLV_OK) {
        ngxl_dwarf_free_err(dbg, &err);
        return 0;
    }

    if (dwarf_attr(die, DW_AT_high_pc, &a, &err) != DW_DLV_OK) {
        ngxl_dwarf_free_err(dbg, &err);
        return 0;
    }

    high = 0;
    constant = 1;
    rc = dwarf_whatform(a, &form, &err);

    if (rc != DW_DLV_OK) {
        /* no form: no size */

    } else if (form == DW_FORM_sdata) {
        rc = dwarf_formsdata(a, &sv, &err);
        high = (rc == DW_DLV_OK && sv > 0) ? (Dwarf_Addr) sv : 0;

    } else if (form == DW_FORM_data1 || form == DW_FORM_data2
               || form == DW_FORM_data4 || form == DW_FORM_data8
               || form == DW_FORM_udata || form == DW_FORM_implicit_const)
    {
        rc = dwarf_formudata(a, &uv, &err);
        high = (rc == DW_DLV_OK) ? uv : 0;

    } else {
        /* an address (DW_FORM_addr, addrx*): dwarf_formaddr tells */
        constant = 0;
        rc = dwarf_formaddr(a, &high, &err);
    }

    ngxl_dwarf_free_err(dbg, &err);
    dwarf_dealloc_attribute(a);

    if (rc != DW_DLV_OK) {
        return 0;
    }

    /* a constant is the size itself (DWARF 4, 2.17.2) */

    if (constant) {
        return high;
    }

    return high > low ? high - low : 0;
}


/*
 * One DIE's tag and attributes, into the walk's tally.  Returns whether its
 * children are worth a look: a type's members never are.
 */

static int
ngxl_dwarf_die(Dwarf_Debug dbg, Dwarf_Die die, ngxl_dwarf_walk_t *w)
{
    int               rc;
    Dwarf_Half        tag, an, form;
    Dwarf_Signed      i, n;
    Dwarf_Error       err;
    Dwarf_Attribute  *attrs;
    Dwarf_Unsigned    len;
    Dwarf_Ptr         expr;

    err = NULL;
    w->dies++;

    if (dwarf_tag(die, &tag, &err) != DW_DLV_OK) {
        ngxl_dwarf_free_err(dbg, &err);
        return 1;
    }

    switch (tag) {

    case DW_TAG_inlined_subroutine:
        w->optimized = 1;
        w->sign = "an inlined subroutine";
        return 0;

    case DW_TAG_call_site:
    case DW_TAG_GNU_call_site:
        w->optimized = 1;
        w->sign = "a call site";
        return 0;

    case DW_TAG_subprogram:
    case DW_TAG_variable:
    case DW_TAG_formal_parameter:
        break;

    case DW_TAG_structure_type:
    case DW_TAG_union_type:
    case DW_TAG_enumeration_type:
    case DW_TAG_class_type:
    case DW_TAG_subroutine_type:
    case DW_TAG_array_type:
        return 0;

    default:
        return 1;
    }

    /*
     * an error is given back whatever the result: libdwarf 20210528's
     * dwarf_attrlist() keeps going after a DW_FORM_indirect it could not
     * read, and may return DW_DLV_OK with the error set
     */

    rc = dwarf_attrlist(die, &attrs, &n, &err);
    ngxl_dwarf_free_err(dbg, &err);

    if (rc != DW_DLV_OK) {
        return 1;
    }

    for (i = 0; i < n; i++) {
        if (w->optimized
            || dwarf_whatattr(attrs[i], &an, &err) != DW_DLV_OK
            || dwarf_whatform(attrs[i], &form, &err) != DW_DLV_OK)
        {
            ngxl_dwarf_free_err(dbg, &err);
            dwarf_dealloc_attribute(attrs[i]);
            continue;
        }

        switch (an) {

        /*
         * DW_AT_call_all_calls is no sign: gcc 12 puts it on -O0's leaf
         * functions too (call sites themselves are the sign)
         */

        case DW_AT_call_all_tail_calls:
        case DW_AT_GNU_all_tail_call_sites:
            w->tail_calls = 1;
            break;

        case DW_AT_low_pc:
            if (tag == DW_TAG_subprogram) {
                w->code++;
            }
            break;

        case DW_AT_location:
            if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter) {
                break;
            }

            if (form == DW_FORM_sec_offset || form == DW_FORM_loclistx
                || form == DW_FORM_data4 || form == DW_FORM_data8)
            {
                w->optimized = 1;
                w->sign = "a location list";
                break;
            }

            if (form == DW_FORM_exprloc
                && dwarf_formexprloc(attrs[i], &len, &expr, &err)
                   == DW_DLV_OK)
            {
                if (len > 0 && ((unsigned char *) expr)[0] == DW_OP_fbreg) {
                    w->fbreg++;

                } else if (len > 0 && ((unsigned char *) expr)[0]
                                      != DW_OP_addr)
                {
                    w->other_loc++;
                }
            }

            ngxl_dwarf_free_err(dbg, &err);
            break;

        default:
            break;
        }

        dwarf_dealloc_attribute(attrs[i]);
    }

    dwarf_dealloc(dbg, attrs, DW_DLA_LIST);

    return 1;
}


/*
 * Whether a DIE comes after the one visited last, as every DIE of a
 * depth-first walk does.  libdwarf 20210528 follows a DW_AT_sibling that
 * points back (it only checks that it stays in the unit): the walk would
 * go round for ever.
 */

static int
ngxl_dwarf_forward(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Off *last)
{
    Dwarf_Off    off;
    Dwarf_Error  err;

    err = NULL;

    if (dwarf_dieoffset(die, &off, &err) != DW_DLV_OK || off <= *last) {
        ngxl_dwarf_free_err(dbg, &err);
        return 0;
    }

    *last = off;

    return 1;
}


/*
 * A depth-first walk of the CU's DIEs, stopping at the first sign of
 * optimisation.  Iterative, with a bounded stack (hostile DWARF nests), and
 * forward only (hostile DWARF loops).
 */

static int
ngxl_dwarf_walk(Dwarf_Debug dbg, Dwarf_Die cu, ngxl_dwarf_walk_t *w)
{
    int          rc, depth, down, back;
    Dwarf_Off    last;
    Dwarf_Die    stack[NGXL_DWARF_MAX_DEPTH], die, next;
    Dwarf_Error  err;

    err = NULL;
    depth = 0;
    last = 0;
    back = 0;

    if (!ngxl_dwarf_forward(dbg, cu, &last)) {
        w->bad = "corrupt DWARF: the unit's DIE has no offset";
        return NGXL_ERROR;
    }

    rc = dwarf_child(cu, &die, &err);
    if (rc != DW_DLV_OK) {
        ngxl_dwarf_free_err(dbg, &err);

        if (rc == DW_DLV_NO_ENTRY) {
            return NGXL_OK;
        }

        w->bad = "corrupt DWARF: the unit's first DIE cannot be read";
        return NGXL_ERROR;
    }

    for ( ;; ) {
        if (!ngxl_dwarf_forward(dbg, die, &last)) {
            /* corrupt: the unit is not judged on what was seen so far */
            dwarf_dealloc_die(die);
            w->bad = "corrupt DWARF: a DIE does not follow the one before "
                     "(a DW_AT_sibling pointing back)";
            back = 1;
            break;
        }

        down = ngxl_dwarf_die(dbg, die, w);

        if (w->optimized) {
            dwarf_dealloc_die(die);
            break;
        }

        /* down, but not into types */

        if (down && depth < NGXL_DWARF_MAX_DEPTH
            && dwarf_child(die, &next, &err) == DW_DLV_OK)
        {
            ngxl_dwarf_free_err(dbg, &err);
            stack[depth++] = die;
            die = next;
            continue;
        }

        ngxl_dwarf_free_err(dbg, &err);

        /* across, or up and across */

        for ( ;; ) {
            rc = dwarf_siblingof_b(dbg, die, 1, &next, &err);
            dwarf_dealloc_die(die);
            ngxl_dwarf_free_err(dbg, &err);

            if (rc == DW_DLV_OK) {
                die = next;
                break;
            }

            if (rc == DW_DLV_ERROR || depth == 0) {
                goto done;
            }

            die = stack[--depth];
        }
    }

done:

    while (depth > 0) {
        dwarf_dealloc_die(stack[--depth]);
    }

    return back ? NGXL_ERROR : NGXL_OK;
}


/* the verdict of a CU whose producer records no flags */

static void
ngxl_dwarf_judge(ngxl_binary_t *b, ngxl_cu_t *cu, ngxl_dwarf_walk_t *w)
{
    cu->evidence = NGXL_EVIDENCE_DWARF;

    if (w->optimized) {
        cu->opt = NGXL_OPT_OPTIMIZED;
        cu->confidence = NGXL_CONF_HIGH;
        cu->why = ngxl_psprintf(&b->pool, "%s", w->sign);
        return;
    }

    /*
     * DW_AT_call_all_tail_calls is no sign either: at -g1 gcc emits no call
     * sites, and puts it on optimised code as well
     */

    if (w->fbreg > 0) {
        cu->opt = NGXL_OPT_UNOPTIMIZED;
        cu->confidence = w->fbreg >= 3 && w->other_loc == 0
                         ? NGXL_CONF_HIGH : NGXL_CONF_MEDIUM;
        cu->why = ngxl_psprintf(&b->pool, "%zu variables at frame-base "
                                "offsets, no location lists, call sites or "
                                "inlining", w->fbreg);
        return;
    }

    cu->opt = NGXL_OPT_UNKNOWN;
    cu->evidence = NGXL_EVIDENCE_NONE;
    cu->confidence = NGXL_CONF_LOW;
    cu->why = ngxl_psprintf(&b->pool, "%s",
                            w->code ? "code without variables or call "
                                      "sites: nothing to tell by"
                                    : "no code and no variables");
}


/* how many different -O levels a producer names */

static int
ngxl_dwarf_levels(const char *p)
{
    int          n;
    char         seen[16];
    const char  *q;
    ngxl_opt_t   opt;

    n = 0;

    for (q = p; (q = strstr(q, " -O")) != NULL; q += 3) {
        char   tok[16];
        size_t len;

        /* this one option alone: "-O2" of " -O2 -O0 ..." */
        len = strcspn(q + 1, " \t");
        if (len >= sizeof(tok)) {
            continue;
        }

        memcpy(tok, q + 1, len);
        tok[len] = '\0';
        opt = ngxl_opt_from_flags(tok);

        if (opt != NGXL_OPT_UNKNOWN && memchr(seen, (int) opt, (size_t) n)
            == NULL && n < (int) sizeof(seen))
        {
            seen[n++] = (char) opt;
        }
    }

    return n;
}


/* reads the producer's flags into the CU */

static void
ngxl_dwarf_producer(ngxl_cu_t *cu)
{
    const char  *p;

    if (cu->producer == NULL) {
        return;
    }

    p = cu->producer;

    /* "GNU C17 12.2.0 -mtune=generic ..." records flags; "GNU C17 12.2.0"
       and "Debian clang version 14.0.6" do not */
    cu->recorded = strstr(p, " -") != NULL;

    if (!cu->recorded) {
        return;
    }

    cu->opt = ngxl_opt_from_flags(p);

    if (cu->opt == NGXL_OPT_UNKNOWN) {
        /* flags recorded, but no -O: the compilers' default, -O0 */
        cu->opt = NGXL_OPT_O0;
    }

    cu->evidence = NGXL_EVIDENCE_PRODUCER;
    cu->confidence = NGXL_CONF_HIGH;

    cu->sanitize = strstr(p, " -fsanitize=") != NULL;
    cu->coverage = strstr(p, " -fprofile-arcs") != NULL
                   || strstr(p, " --coverage") != NULL;
    cu->profile = strstr(p, " -p ") != NULL || strstr(p, " -pg") != NULL
                  || (strlen(p) > 3 && strcmp(p + strlen(p) - 3, " -p") == 0);
    cu->instrument = strstr(p, " -finstrument-functions") != NULL;
    cu->frame_pointer = strstr(p, " -fno-omit-frame-pointer") != NULL;
    cu->lto = strncmp(p, "GNU GIMPLE", 10) == 0;

    if (cu->lto && ngxl_dwarf_levels(p) > 1) {
        /*
         * LTO: "-O2 -O0" is the compile-time level, then the link-time
         * one; each function keeps the level it was compiled with, so the
         * last -O does not tell: the code itself will
         */
        cu->recorded = 0;
        cu->opt = NGXL_OPT_UNKNOWN;
        cu->evidence = NGXL_EVIDENCE_NONE;
        cu->confidence = NGXL_CONF_LOW;
    }
}


static void
ngxl_dwarf_cu(ngxl_binary_t *b, Dwarf_Debug dbg, Dwarf_Die die,
    const ngxl_bin_opts_t *opts, ngxl_cu_t *cu, int walk)
{
    char                *name;
    Dwarf_Error          err;
    ngxl_dwarf_walk_t    w;

    name = NULL;
    err = NULL;

    if (cu->name == NULL) {
        if (dwarf_diename(die, &name, &err) == DW_DLV_OK) {
            cu->name = ngxl_pstrndup(&b->pool, name, strlen(name));
        }

        ngxl_dwarf_free_err(dbg, &err);
    }

    if (cu->comp_dir == NULL) {
        cu->comp_dir = ngxl_dwarf_string(b, dbg, die, DW_AT_comp_dir);
    }

    if (cu->producer == NULL) {
        cu->producer = ngxl_dwarf_string(b, dbg, die, DW_AT_producer);
    }

    if (cu->code_bytes == 0) {
        cu->code_bytes = ngxl_dwarf_code_bytes(dbg, die);
    }

    ngxl_dwarf_producer(cu);

    if (!walk || (cu->recorded && !opts->full_walk)) {
        return;
    }

    memset(&w, 0, sizeof(ngxl_dwarf_walk_t));

    if (ngxl_dwarf_walk(dbg, die, &w) != NGXL_OK) {
        if (!cu->recorded) {
            cu->why = ngxl_psprintf(&b->pool, "not judged: %s", w.bad);
        }

        return;
    }

    if (!cu->recorded) {
        ngxl_dwarf_judge(b, cu, &w);
    }
}


/*
 * What libdwarf must not be given.  Debian 12's libdwarf (20210528) frees
 * memory twice when a header of .debug_rnglists or .debug_loclists is bad:
 * internal_read_header() fails, and internal_load_rnglists_contexts() (and
 * its loclists twin) frees the context and the chain, then goes on using
 * them (libdwarf 0.1 returns there).  dwarf_next_cu_header_d() loads both
 * sections, so one such header would crash us.  Its do_decompress_zlib()
 * also reads past the section when a SHF_COMPRESSED one is shorter than
 * its header, and allocates whatever size a compressed section claims.
 *
 * So before libdwarf sees a file, its DWARF sections are checked the way
 * libdwarf will read them (list headers after its decompression), more
 * strictly than libdwarf (each list header whole inside its section, and
 * no size that deflate could not have made: 1032 to 1): a file that fails
 * has corrupt DWARF, which is then not read at all.
 */

#define NGXL_DWARF_INFLATE_RATIO  1032


static uint64_t
ngxl_dwarf_read(const unsigned char *p, size_t n, int msb)
{
    size_t    i;
    uint64_t  v;

    v = 0;

    for (i = 0; i < n; i++) {
        v |= (uint64_t) p[msb ? n - 1 - i : i] << (8 * i);
    }

    return v;
}


/* the headers of a .debug_rnglists or .debug_loclists: NULL if sound */

static const char *
ngxl_dwarf_list_headers(const unsigned char *p, size_t len, int msb)
{
    size_t    off, left, lsz;
    uint64_t  area, asz;

    for (off = 0; off < len; off += lsz + (size_t) area) {
        left = len - off;

        if (left < 4) {
            return "a header cut short";
        }

        area = ngxl_dwarf_read(p + off, 4, msb);
        lsz = 4;

        if (area == 0xffffffff) {
            if (left < 12) {
                return "a header cut short";
            }

            area = ngxl_dwarf_read(p + off + 4, 8, msb);
            lsz = 12;

        } else if (area >= 0xfffffff0) {
            return "a reserved unit length";
        }

        /* version (2), address size, segment selector size, count (4) */

        if (area < 8 || area > left - lsz) {
            return "a unit length past the section's end";
        }

        if (ngxl_dwarf_read(p + off + lsz, 2, msb) != 5) {
            return "a header whose version is not 5";
        }

        asz = p[off + lsz + 2];

        if (asz != 2 && asz != 4 && asz != 8) {
            return "a header with a bad address size";
        }
    }

    return NULL;
}


/* what libdwarf calls NAME, and whether it is a list section */

static int
ngxl_dwarf_section_kind(const char *name, int *zdebug, int *list)
{
    const char  *rest;

    *zdebug = 0;
    *list = 0;

    if (strncmp(name, ".debug_", 7) == 0) {
        rest = name + 7;

    } else if (strncmp(name, ".zdebug_", 8) == 0) {
        rest = name + 8;
        *zdebug = 1;

    } else {
        return 0;
    }

    *list = strcmp(rest, "rnglists") == 0 || strcmp(rest, "loclists") == 0
            || strcmp(rest, "rnglists.dwo") == 0
            || strcmp(rest, "loclists.dwo") == 0;

    return 1;
}


/* one DWARF section: NULL if libdwarf may read it (or refuses it itself) */

static const char *
ngxl_dwarf_section_check(Elf_Scn *scn, const GElf_Shdr *sh, int zdebug,
    int list, int msb, int elf64)
{
    int                   rc;
    size_t                fld;
    uLongf                destlen;
    uint64_t              claimed;
    Elf_Data             *d;
    const char           *bad;
    unsigned char        *dest;
    const unsigned char  *p, *src;
    size_t                size, srclen;

    if (sh->sh_size == 0) {
        return NULL;
    }

    d = sh->sh_type == SHT_NOBITS ? NULL : elf_rawdata(scn, NULL);

    if (d == NULL || d->d_buf == NULL || d->d_size != sh->sh_size) {
        return list ? "cannot be read" : NULL;
    }

    p = d->d_buf;
    size = d->d_size;

    if (!zdebug && !(sh->sh_flags & SHF_COMPRESSED)) {
        return list ? ngxl_dwarf_list_headers(p, size, msb) : NULL;
    }

    /* compressed: do_decompress_zlib()'s two forms */

    if (size < 12) {
        return NULL;
    }

    if (memcmp(p, "ZLIB", 4) == 0) {
        claimed = ngxl_dwarf_read(p + 4, 8, 1);
        src = p + 12;
        srclen = size - 12;

    } else if (sh->sh_flags & SHF_COMPRESSED) {
        fld = elf64 ? 8 : 4;

        if (size < 3 * fld) {
            return "a compressed section shorter than its header";
        }

        if (ngxl_dwarf_read(p, 4, msb) != ELFCOMPRESS_ZLIB) {
            return NULL;
        }

        claimed = ngxl_dwarf_read(p + fld, fld, msb);
        src = p + 3 * fld;
        srclen = size - 3 * fld;

    } else {
        return NULL;
    }

    if (claimed / NGXL_DWARF_INFLATE_RATIO > srclen) {
        return "a compressed section that claims more than it can hold";
    }

    if (!list) {
        return NULL;
    }

    dest = malloc(claimed ? (size_t) claimed : 1);
    if (dest == NULL) {
        ngxl_oom();
    }

    destlen = (uLongf) claimed;
    rc = uncompress(dest, &destlen, src, (uLong) srclen);

    bad = rc == Z_OK ? ngxl_dwarf_list_headers(dest, destlen, msb) : NULL;

    free(dest);

    return bad;
}


/* NULL if libdwarf may be given ELF, else what is wrong, for the message */

static char *
ngxl_dwarf_sane(ngxl_pool_t *pool, Elf *elf)
{
    int           zdebug, list, tzdebug, tlist, msb, elf64;
    size_t        shstrndx;
    char         *ident;
    Elf_Scn      *scn, *target;
    GElf_Shdr     sh, th;
    const char   *name, *bad;

    ident = elf_getident(elf, NULL);

    if (ident == NULL || elf_getshdrstrndx(elf, &shstrndx) != 0) {
        return NULL;
    }

    msb = ident[EI_DATA] == ELFDATA2MSB;
    elf64 = ident[EI_CLASS] == ELFCLASS64;

    for (scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (gelf_getshdr(scn, &sh) == NULL) {
            continue;
        }

        /* relocations applied to a list section change what is checked */

        if (sh.sh_type == SHT_REL || sh.sh_type == SHT_RELA) {
            target = elf_getscn(elf, sh.sh_info);

            if (target && gelf_getshdr(target, &th) != NULL
                && (name = elf_strptr(elf, shstrndx, th.sh_name)) != NULL
                && ngxl_dwarf_section_kind(name, &tzdebug, &tlist) && tlist)
            {
                return ngxl_psprintf(pool, "corrupt DWARF: relocations "
                                     "into %s", name);
            }

            continue;
        }

        name = elf_strptr(elf, shstrndx, sh.sh_name);

        if (name == NULL || !ngxl_dwarf_section_kind(name, &zdebug, &list)) {
            continue;
        }

        bad = ngxl_dwarf_section_check(scn, &sh, zdebug, list, msb, elf64);

        if (bad) {
            return ngxl_psprintf(pool, "corrupt DWARF: %s: %s", name, bad);
        }
    }

    return NULL;
}


/* a split CU's .dwo: its CU gives the name, the producer and the signs */


static void
ngxl_dwarf_split(ngxl_binary_t *b, ngxl_cu_t *cu, const ngxl_bin_opts_t *opts)
{
    int           fd;
    char         *bad;
    Elf          *elf;
    Dwarf_Die     die;
    Dwarf_Debug   dbg;
    Dwarf_Error   err;
    Dwarf_Half    ver, asz, lsz, esz, type;
    Dwarf_Off     abbr;
    Dwarf_Sig8    sig;
    Dwarf_Unsigned  hlen, toff, next;

    if (ngxl_debug_open_dwo(b, cu->comp_dir, cu->dwo, &elf, &fd) != NGXL_OK) {
        cu->why = ngxl_psprintf(&b->pool, "split DWARF: %s not found",
                                cu->dwo);
        return;
    }

    err = NULL;
    bad = ngxl_dwarf_sane(&b->pool, elf);

    if (bad) {
        cu->why = ngxl_psprintf(&b->pool, "split DWARF: %s: %s", cu->dwo,
                                bad);
        elf_end(elf);
        close(fd);
        return;
    }

    if (dwarf_elf_init_b(elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
                         &dbg, &err)
        != DW_DLV_OK)
    {
        cu->why = ngxl_psprintf(&b->pool, "split DWARF: %s: %s", cu->dwo,
                                err ? dwarf_errmsg(err) : "no DWARF");
        if (err) {
            dwarf_dealloc_error(NULL, err);
        }
        elf_end(elf);
        close(fd);
        return;
    }

    if (dwarf_next_cu_header_d(dbg, 1, &hlen, &ver, &abbr, &asz, &lsz, &esz,
                               &sig, &toff, &next, &type, &err)
        == DW_DLV_OK
        && dwarf_siblingof_b(dbg, NULL, 1, &die, &err) == DW_DLV_OK)
    {
        cu->name = NULL;
        ngxl_dwarf_cu(b, dbg, die, opts, cu, 1);
        dwarf_dealloc_die(die);
    }

    ngxl_dwarf_free_err(dbg, &err);
    dwarf_finish(dbg, &err);
    elf_end(elf);
    close(fd);
}


int
ngxl_dwarf_scan(ngxl_binary_t *b, Elf *elf, Elf *alt,
    const ngxl_bin_opts_t *opts)
{
    int              rc;
    char            *dwo;
    Dwarf_Die        die;
    Dwarf_Half       ver, asz, lsz, esz, type, tag;
    Dwarf_Off        abbr;
    Dwarf_Sig8       sig;
    Dwarf_Debug      dbg, altdbg;
    Dwarf_Error      err;
    Dwarf_Unsigned   hlen, toff, next;
    ngxl_cu_t       *cu;

    err = NULL;
    altdbg = NULL;

    /*
     * every DIE, attribute and list is given back as soon as it is read:
     * libdwarf's own record of them cost a third of the time
     */
    (void) dwarf_set_de_alloc_flag(0);

    b->dwarf_err = ngxl_dwarf_sane(&b->pool, elf);

    if (b->dwarf_err) {
        return NGXL_ERROR;
    }

    rc = dwarf_elf_init_b(elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
                          &dbg, &err);

    if (rc == DW_DLV_NO_ENTRY) {
        return NGXL_OK;
    }

    if (rc != DW_DLV_OK) {
        b->dwarf_err = ngxl_psprintf(&b->pool, "libdwarf: %s",
                                     err ? dwarf_errmsg(err) : "failed");
        if (err) {
            dwarf_dealloc_error(NULL, err);
        }
        return NGXL_ERROR;
    }

    /* a dwz file libdwarf must not read is left out, like a missing one */

    if (alt && ngxl_dwarf_sane(&b->pool, alt) == NULL) {
        if (dwarf_elf_init_b(alt, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
                             &altdbg, &err)
            == DW_DLV_OK)
        {
            if (dwarf_set_tied_dbg(dbg, altdbg, &err) != DW_DLV_OK) {
                ngxl_dwarf_free_err(dbg, &err);
            }

        } else {
            ngxl_dwarf_free_err(NULL, &err);
            altdbg = NULL;
        }
    }

    for ( ;; ) {
        rc = dwarf_next_cu_header_d(dbg, 1, &hlen, &ver, &abbr, &asz, &lsz,
                                    &esz, &sig, &toff, &next, &type, &err);

        if (rc == DW_DLV_NO_ENTRY) {
            break;
        }

        if (rc != DW_DLV_OK || b->cus.n >= NGXL_DWARF_MAX_CUS) {
            b->dwarf_err = ngxl_psprintf(&b->pool, "libdwarf: %s",
                                         rc == DW_DLV_ERROR
                                         ? dwarf_errmsg(err)
                                         : "too many compilation units");
            ngxl_dwarf_free_err(dbg, &err);
            break;
        }

        if (dwarf_siblingof_b(dbg, NULL, 1, &die, &err) != DW_DLV_OK) {
            ngxl_dwarf_free_err(dbg, &err);
            continue;
        }

        if (dwarf_tag(die, &tag, &err) != DW_DLV_OK
            || tag == DW_TAG_partial_unit || tag == DW_TAG_type_unit)
        {
            /* dwz's shared units are not compilation units of their own */
            ngxl_dwarf_free_err(dbg, &err);
            dwarf_dealloc_die(die);
            continue;
        }

        cu = ngxl_palloc(&b->pool, sizeof(ngxl_cu_t));

        dwo = ngxl_dwarf_string(b, dbg, die, DW_AT_dwo_name);
        if (dwo == NULL) {
            dwo = ngxl_dwarf_string(b, dbg, die, DW_AT_GNU_dwo_name);
        }

        if (dwo) {
            cu->dwo = dwo;
            cu->comp_dir = ngxl_dwarf_string(b, dbg, die, DW_AT_comp_dir);
            cu->code_bytes = ngxl_dwarf_code_bytes(dbg, die);
            ngxl_dwarf_split(b, cu, opts);

            if (cu->name == NULL) {
                cu->name = cu->dwo;
            }

        } else {
            ngxl_dwarf_cu(b, dbg, die, opts, cu, 1);
        }

        if (cu->name == NULL || cu->name[0] == '\0') {
            cu->name = ngxl_psprintf(&b->pool, "<unit %zu>", b->cus.n + 1);
        }

        ngxl_vec_push(&b->cus, cu);
        dwarf_dealloc_die(die);
        ngxl_dwarf_free_err(dbg, &err);
    }

    dwarf_finish(dbg, &err);

    if (altdbg) {
        dwarf_finish(altdbg, &err);
    }

    return NGXL_OK;
}
