/*
 * ngxlint: the build flags in force for a translation unit.  As in the
 * compiler, the last of each pair wins: "-O2 ... -O0" is -O0, and
 * "-fno-inline ... -finline" inlines.  A bare -O is -O1.
 */

#include <string.h>

#include "csrc.h"


static const char  *ngxl_src_kind_names[] = {
    "none", "const", "conf", "unknown", "param", "request"
};


const char *
ngxl_src_name_kind(ngxl_src_name_t kind)
{
    return (size_t) kind < sizeof(ngxl_src_kind_names)
                           / sizeof(ngxl_src_kind_names[0])
           ? ngxl_src_kind_names[kind] : "unknown";
}


/* -fsanitize=a,b and -fno-sanitize=b: the set in force, in BUF */

static void
ngxl_src_sanitize(ngxl_buf_t *set, const char *list, int on)
{
    char        name[64], *p;
    size_t      len, n;
    ngxl_buf_t  out;
    const char *s, *e;

    for (s = list; *s; s = *e ? e + 1 : e) {
        e = strchr(s, ',');

        if (e == NULL) {
            e = s + strlen(s);
        }

        len = (size_t) (e - s);

        if (len == 0 || len >= sizeof(name)) {
            continue;
        }

        memcpy(name, s, len);
        name[len] = '\0';

        /* drop NAME (and everything, for "all") from the set */

        ngxl_buf_init(&out);

        for (p = set->data; p && *p; p += n + (p[n] == ',')) {
            n = strcspn(p, ",");

            if ((n == len && memcmp(p, name, len) == 0)
                || (!on && strcmp(name, "all") == 0))
            {
                continue;
            }

            if (out.len) {
                ngxl_buf_addc(&out, ',');
            }

            ngxl_buf_add(&out, p, n);
        }

        if (on) {
            if (out.len) {
                ngxl_buf_addc(&out, ',');
            }

            ngxl_buf_adds(&out, name);
        }

        ngxl_buf_free(set);
        *set = out;
    }
}


void
ngxl_src_flags(ngxl_src_flags_t *fl, char *const *argv, size_t argc,
    ngxl_pool_t *pool)
{
    size_t       i;
    ngxl_opt_t   opt;
    ngxl_buf_t   san;
    const char  *a, *def;

    memset(fl, 0, sizeof(ngxl_src_flags_t));
    ngxl_buf_init(&san);

    for (i = 0; i < argc; i++) {
        a = argv[i];

        if (a[0] != '-') {
            continue;
        }

        if (a[1] == 'O') {
            opt = ngxl_opt_from_flags(a);

            if (opt == NGXL_OPT_UNKNOWN) {
                continue;
            }

            if (fl->nopts++ == 0) {
                fl->opt_first = a;
            }

            fl->opt = opt;
            fl->opt_arg = a;
            continue;
        }

        if (strcmp(a, "-fno-inline") == 0) {
            fl->no_inline = 1;

        } else if (strcmp(a, "-finline") == 0) {
            fl->no_inline = 0;

        } else if (strcmp(a, "-fno-optimize-sibling-calls") == 0) {
            fl->no_sibling = 1;

        } else if (strcmp(a, "-foptimize-sibling-calls") == 0) {
            fl->no_sibling = 0;

        } else if (strcmp(a, "-pg") == 0) {
            fl->pg = 1;

        } else if (strcmp(a, "--coverage") == 0
                   || strcmp(a, "-fprofile-arcs") == 0
                   || strcmp(a, "-ftest-coverage") == 0
                   || strcmp(a, "-fcoverage-mapping") == 0)
        {
            fl->coverage = 1;

        } else if (strcmp(a, "-fno-profile-arcs") == 0
                   || strcmp(a, "-fno-test-coverage") == 0
                   || strcmp(a, "-fno-coverage-mapping") == 0)
        {
            fl->coverage = 0;

        } else if (strncmp(a, "-fprofile-generate", 18) == 0
                   || strncmp(a, "-fprofile-instr-generate", 24) == 0)
        {
            fl->profile_gen = 1;

        } else if (strncmp(a, "-fno-profile-generate", 21) == 0
                   || strncmp(a, "-fno-profile-instr-generate", 27) == 0)
        {
            fl->profile_gen = 0;

        } else if (strcmp(a, "-finstrument-functions") == 0) {
            fl->instrument = 1;

        } else if (strcmp(a, "-fno-omit-frame-pointer") == 0) {
            fl->frame_pointer = 1;

        } else if (strcmp(a, "-fomit-frame-pointer") == 0) {
            fl->frame_pointer = 0;

        } else if (strncmp(a, "-fsanitize=", 11) == 0) {
            ngxl_src_sanitize(&san, a + 11, 1);

        } else if (strncmp(a, "-fno-sanitize=", 14) == 0) {
            ngxl_src_sanitize(&san, a + 14, 0);

        } else if (strcmp(a, "-g0") == 0) {
            fl->debug = 0;

        } else if (a[1] == 'g' && (a[2] == '\0' || (a[2] >= '1' && a[2] <= '3')
                                   || strncmp(a, "-ggdb", 5) == 0
                                   || strncmp(a, "-gdwarf", 7) == 0))
        {
            fl->debug = 1;

        } else if (a[1] == 'D' || a[1] == 'U') {
            def = a[2] ? a + 2 : (i + 1 < argc ? argv[i + 1] : "");

            if (strcmp(def, "NDEBUG") == 0 || strncmp(def, "NDEBUG=", 7) == 0)
            {
                fl->ndebug = a[1] == 'D';

            } else if (strncmp(def, "_FORTIFY_SOURCE", 15) == 0) {
                fl->fortify = a[1] == 'D' && strcmp(def, "_FORTIFY_SOURCE=0")
                                             != 0;
            }
        }
    }

    if (san.len) {
        fl->sanitize = ngxl_pstrndup(pool, san.data, san.len);
    }

    ngxl_buf_free(&san);
}


const char *
ngxl_src_opt_text(const ngxl_src_flags_t *fl)
{
    if (fl->opt_arg == NULL) {
        return "no -O";
    }

    if (strcmp(fl->opt_arg, "-O") == 0) {
        return "-O (-O1)";
    }

    return fl->opt_arg;
}


int
ngxl_src_release_like(const ngxl_src_project_t *p, const ngxl_src_tu_t *tu)
{
    const char  *bt;

    bt = p->build_type;

    if (bt && *bt) {
        return strcmp(bt, "Release") == 0 || strcmp(bt, "RelWithDebInfo") == 0
               || strcmp(bt, "MinSizeRel") == 0;
    }

    if (tu->origin == NGXL_SRC_FROM_MAKEFILE) {
        /* nginx's own build: -O (-O1) and -g is how it ships */
        return ngxl_opt_optimized(tu->flags.opt)
               && tu->flags.opt != NGXL_OPT_OG;
    }

    switch (tu->flags.opt) {

    case NGXL_OPT_O2:
    case NGXL_OPT_O3:
    case NGXL_OPT_OS:
    case NGXL_OPT_OZ:
    case NGXL_OPT_OFAST:
        return 1;

    default:
        return tu->flags.ndebug || tu->flags.fortify;
    }
}


void
ngxl_src_tu_where(const ngxl_src_tu_t *tu, const char **file, uint32_t *line,
    uint32_t *col, uint32_t *end_col)
{
    if (tu->build_file && tu->build_line) {
        *file = tu->build_file;
        *line = tu->build_line;
        *col = tu->build_col;
        *end_col = tu->build_end_col;

    } else {
        *file = tu->file;
        *line = 0;
        *col = 0;
        *end_col = 0;
    }
}
