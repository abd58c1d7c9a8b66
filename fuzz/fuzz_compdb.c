/*
 * ngxlint fuzz target: the compilation database reader (issue 9).
 *
 * The input is a compile_commands.json, read as `ngxlint src -p DIR`
 * reads it (lib/csrc: libclang's reader, then ngxlint's own work on each
 * entry: the launcher, the effective flags, clang's arguments, the short
 * names, the entry's line and column in the text), and the rules that
 * judge the flags.  The C itself is not parsed (that is libclang's work,
 * and the files named do not exist).
 *
 * libclang reads a directory, so the input is written to
 * compile_commands.json in a private directory made once per process.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/csrc/csrc.h"
#include "../rules/registry.h"
#include "common.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/*
 * Built a second time with NGXL_FUZZ_OBJS as fuzz_objs: the input is then
 * nginx's objs/Makefile (TMP/objs/Makefile, read as `ngxlint src -p TMP`
 * reads a configured nginx tree: the CFLAGS, the include lists, each
 * object's rule)
 */
#ifdef NGXL_FUZZ_OBJS
#define NGXL_FUZZ_NAME  "objs"
#define NGXL_FUZZ_SUB   "objs"
#define NGXL_FUZZ_FILE  "Makefile"
#else
#define NGXL_FUZZ_NAME  "compdb"
#define NGXL_FUZZ_SUB   NULL
#define NGXL_FUZZ_FILE  "compile_commands.json"
#endif


static ngxl_rule_use_t   ngxl_fuzz_use[64];
static size_t            ngxl_fuzz_nuse;
static int               ngxl_fuzz_ready;


static int
ngxl_fuzz_want(const ngxl_rule_t *rule)
{
    /* the rules that judge a TU's flags (those that read the AST see none) */
    return rule->src != NULL;
}


static int
ngxl_fuzz_setup(void)
{
    if (ngxl_fuzz_file(NGXL_FUZZ_NAME, NGXL_FUZZ_SUB, NGXL_FUZZ_FILE)
        != NGXL_OK)
    {
        return NGXL_ERROR;
    }

    ngxl_fuzz_nuse = ngxl_fuzz_rules(ngxl_fuzz_use, 64, ngxl_fuzz_want);
    ngxl_fuzz_ready = 1;

    return NGXL_OK;
}


/* what each TU says of itself must hold together */

static void
ngxl_fuzz_check(const ngxl_src_project_t *p)
{
    size_t                i;
    uint32_t              line, col, end_col;
    const char           *file;
    const ngxl_src_tu_t  *tu;

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->file == NULL || tu->abs == NULL || tu->abs[0] != '/'
            || tu->nargs < 3)
        {
            fprintf(stderr, "fuzz_" NGXL_FUZZ_NAME ": TU %zu: no file, no absolute "
                    "path, or no arguments for clang\n", i);
            abort();
        }

        ngxl_src_tu_where(tu, &file, &line, &col, &end_col);

        if (line && end_col < col) {
            fprintf(stderr, "fuzz_" NGXL_FUZZ_NAME ": TU %zu: its entry ends (column "
                    "%u) before it starts (%u)\n", i, end_col, col);
            abort();
        }
    }
}


static void
ngxl_fuzz_read(void)
{
    ngxl_diags_t         ds;
    ngxl_src_opts_t      so;
    ngxl_check_opts_t    ko;
    ngxl_src_project_t   p;

    memset(&so, 0, sizeof(ngxl_src_opts_t));
    so.build_dir = ngxl_fuzz_dir;
    so.jobs = 1;
    so.no_pch = 1;

    if (ngxl_src_project(&p, &so) != NGXL_OK) {
        if (p.problems.n == 0) {
            fprintf(stderr, "fuzz_" NGXL_FUZZ_NAME ": refused without a reason\n");
            abort();
        }

        ngxl_src_project_free(&p);
        return;
    }

    ngxl_fuzz_check(&p);

    memset(&ko, 0, sizeof(ngxl_check_opts_t));
    ko.version.major = 1;
    ko.version.minor = 22;
    ko.keepalive = 32;
    ko.hot_threshold = 2;

    ngxl_diags_init(&ds);
    ngxl_src_sources(&p, &ds);
    ngxl_check_src(ngxl_fuzz_use, ngxl_fuzz_nuse, &ko, &p, &ds);
    ngxl_diags_free(&ds);

    ngxl_src_project_free(&p);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ngxl_fuzz_ready && ngxl_fuzz_setup() != NGXL_OK) {
        abort();
    }

    if (ngxl_fuzz_write(data, size) != NGXL_OK) {
        fprintf(stderr, "fuzz_" NGXL_FUZZ_NAME ": writing %s: %s\n", ngxl_fuzz_path,
                strerror(errno));
        abort();
    }

    ngxl_fuzz_read();

    return 0;
}
