/*
 * ngxlint fuzz target: the patcher (issue 9).
 *
 * The input is one configuration file; it goes through what
 * `ngxlint conf --fix FILE` does (lib/fix/fix.c: every rule, their fixes
 * applied to a fixed point, nginx 1.22, keepalive 32), includes not
 * followed, then, from the input again, through what `ngxlint lua --fix
 * FILE` does (the Lua rules: the index directives of the variables its Lua
 * reads, inserted into http {}).  The properties, for both:
 *
 *   - a file with a syntax error is refused;
 *   - a file nginx would accept as far as the front end can tell (no
 *     error but unknown directives) is fixed: the fixes settle, and the
 *     fixed text parses with no error, and emits itself again byte for
 *     byte; no directive is lost (the fixes add, move and change them,
 *     never remove one); the fixes are idempotent: the fixed text needs
 *     no fix; every server and location keeps its effective settings but
 *     those a fix is meant to change (lib/fix/same.c: HTTP/1.1, the
 *     Connection header, keepalive, the index directives);
 *   - a file with other errors (a directive's arguments, its context, two
 *     "keepalive" or two proxy_pass in a block: "is duplicate", as nginx
 *     says) may be refused (a fix can copy an inherited directive that is
 *     wrong), and so may a file with a NUL byte (the patcher does not edit
 *     what is not text); when such a file is fixed, the same holds but the
 *     meaning, with no more errors than it had.
 *
 * ngxl_fix_run() reads the configuration by its path, so the input is
 * written to one file in a private directory made once per process.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/fix/fix.h"
#include "../lib/fix/same.h"
#include "../rules/registry.h"
#include "common.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngxl_rule_use_t   ngxl_fuzz_use[64];
static size_t            ngxl_fuzz_nuse;
static int               ngxl_fuzz_ready;
static int               ngxl_fuzz_lua;     /* lua --fix, not conf --fix */


static int
ngxl_fuzz_want(const ngxl_rule_t *rule)
{
    /* every rule, as `ngxlint conf --fix` runs them */
    (void) rule;
    return 1;
}


static int
ngxl_fuzz_setup(void)
{
    if (ngxl_fuzz_file("fix", NULL, "nginx.conf") != NGXL_OK) {
        return NGXL_ERROR;
    }

    ngxl_fuzz_nuse = ngxl_fuzz_rules(ngxl_fuzz_use, 64, ngxl_fuzz_want);
    ngxl_fuzz_ready = 1;

    return NGXL_OK;
}


static void
ngxl_fuzz_fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "fuzz_fix: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    abort();
}


/* errors nginx would stop at (unknown directives are notes): their count */

static size_t
ngxl_fuzz_errors(const ngxl_conf_t *conf)
{
    size_t              i, n;
    const ngxl_cerr_t  *e;

    n = 0;

    for (i = 0; i < conf->errors.n; i++) {
        e = conf->errors.elts[i];

        if (e->kind != NGXL_CERR_UNKNOWN) {
            n++;
        }
    }

    return n;
}


/* the directives of the main file, at any depth (comments left out) */

static size_t
ngxl_fuzz_directives(const ngxl_conf_t *conf)
{
    size_t             n;
    const ngxl_dir_t  *d;

    n = 0;
    d = conf->main->child;

    while (d) {
        if (d->kind == NGXL_NODE_DIRECTIVE) {
            n++;
        }

        if (d->child) {
            d = d->child;
            continue;
        }

        while (d->next == NULL && d->parent) {
            d = d->parent;
        }

        d = d->next;
    }

    return n;
}


static void
ngxl_fuzz_conf_opts(ngxl_conf_opts_t *co)
{
    memset(co, 0, sizeof(ngxl_conf_opts_t));
    co->start_ctx = NGXL_MAIN;
    co->single_file = 1;
}


static void
ngxl_fuzz_check_opts(ngxl_check_opts_t *ko)
{
    memset(ko, 0, sizeof(ngxl_check_opts_t));
    ko->version.major = 1;
    ko->version.minor = 22;
    ko->version.patch = 0;
    ko->keepalive = 32;
    ko->hot_threshold = 2;
    ko->conf_rules = !ngxl_fuzz_lua;
    ko->lua_rules = ngxl_fuzz_lua;
}


/* the fixed text: parsed from memory, as good as the input, emitted again */

static void
ngxl_fuzz_reparse(const ngxl_fix_file_t *f, size_t errors0, size_t dirs0)
{
    ngxl_buf_t          out;
    ngxl_conf_t         conf;
    ngxl_dump_file_t    over;
    ngxl_conf_opts_t    co;
    const ngxl_cerr_t  *e;

    ngxl_fuzz_conf_opts(&co);

    over.path = f->path;
    over.data = f->data;
    over.len = f->len;
    co.overrides = &over;
    co.noverrides = 1;

    if (ngxl_conf_parse(&conf, f->path, &co) != NGXL_OK) {
        ngxl_fuzz_fail("the fixed %s was not read", f->path);
    }

    e = ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX);

    if (e != NULL) {
        fprintf(stderr, "fuzz_fix: the fixed text: line %u: %s\n", e->line,
                e->msg);
        ngxl_fuzz_fail("the fixed %s has a syntax error", f->path);
    }

    if (ngxl_fuzz_errors(&conf) > errors0) {
        ngxl_fuzz_fail("the fixed %s has more errors than the input",
                       f->path);
    }

    if (ngxl_fuzz_directives(&conf) < dirs0) {
        ngxl_fuzz_fail("the fixed %s has fewer directives than the input",
                       f->path);
    }

    ngxl_buf_init(&out);
    ngxl_conf_emit(conf.main, &out);

    if (out.len != f->len
        || (out.len && memcmp(out.data, f->data, out.len) != 0))
    {
        ngxl_fuzz_fail("the fixed %s is not emitted again", f->path);
    }

    ngxl_buf_free(&out);
    ngxl_conf_free(&conf);
}


/*
 * the fixed text means what the input meant: every server and location
 * keeps its effective settings but those a fix is meant to change
 * (lib/fix/same.c)
 */

static void
ngxl_fuzz_meaning(const ngxl_fix_file_t *f)
{
    size_t             i;
    ngxl_vec_t         report;
    ngxl_same_t        before, after;
    ngxl_conf_opts_t   co;
    ngxl_dump_file_t   over;

    ngxl_fuzz_conf_opts(&co);

    over.path = f->path;
    over.data = f->orig;
    over.len = f->orig_len;
    co.overrides = &over;
    co.noverrides = 1;

    if (ngxl_same_load(&before, f->path, &co) != NGXL_OK) {
        ngxl_fuzz_fail("the input does not parse again: %s", f->path);
    }

    over.data = f->data;
    over.len = f->len;

    if (ngxl_same_load(&after, f->path, &co) != NGXL_OK) {
        ngxl_fuzz_fail("the fixed text does not parse: %s", f->path);
    }

    memset(&report, 0, sizeof(ngxl_vec_t));

    if (ngxl_same_diff(&before, &after, &report) != 0) {
        for (i = 0; i < report.n && i < 10; i++) {
            fprintf(stderr, "fuzz_fix: %s\n", (char *) report.elts[i]);
        }

        ngxl_fuzz_fail("the fixes changed what %s means", f->path);
    }

    ngxl_vec_free(&report);
    ngxl_same_free(&before);
    ngxl_same_free(&after);
}


/* a second run over the fixed text changes nothing */

static void
ngxl_fuzz_again(const ngxl_fix_file_t *f)
{
    ngxl_fix_t          fx;
    ngxl_conf_opts_t    co;
    ngxl_check_opts_t   ko;

    if (ngxl_fuzz_write(f->data, f->len) != NGXL_OK) {
        ngxl_fuzz_fail("writing %s again", ngxl_fuzz_path);
    }

    ngxl_fuzz_conf_opts(&co);
    ngxl_fuzz_check_opts(&ko);

    if (ngxl_fix_run(&fx, ngxl_fuzz_path, &co, ngxl_fuzz_use, ngxl_fuzz_nuse,
                     &ko)
        != NGXL_OK)
    {
        ngxl_fuzz_fail("the second run refused: %s", fx.err);
    }

    if (fx.files.n != 0) {
        ngxl_fuzz_fail("the second run fixed %s again", ngxl_fuzz_path);
    }

    ngxl_fix_free(&fx);
}


static void
ngxl_fuzz_fix(size_t errors0, size_t dirs0, int must)
{
    size_t              i;
    ngxl_fix_t          fx;
    ngxl_conf_opts_t    co;
    ngxl_check_opts_t   ko;
    ngxl_fix_file_t    *f;

    ngxl_fuzz_conf_opts(&co);
    ngxl_fuzz_check_opts(&ko);

    if (ngxl_fix_run(&fx, ngxl_fuzz_path, &co, ngxl_fuzz_use, ngxl_fuzz_nuse,
                     &ko)
        != NGXL_OK)
    {
        if (must) {
            ngxl_fuzz_fail("a configuration that parses was not fixed: %s",
                           fx.err);
        }

        ngxl_fix_free(&fx);
        return;
    }

    for (i = 0; i < fx.files.n; i++) {
        f = fx.files.elts[i];

        if (strcmp(f->path, ngxl_fuzz_path) != 0) {
            ngxl_fuzz_fail("a file that was not given was fixed: %s",
                           f->path);
        }

        ngxl_fuzz_reparse(f, errors0, dirs0);

        if (must) {
            ngxl_fuzz_meaning(f);
        }

        ngxl_fuzz_again(f);
    }

    ngxl_fix_free(&fx);
}


/* a configuration that does not parse is refused */

static void
ngxl_fuzz_refused(void)
{
    ngxl_fix_t          fx;
    ngxl_conf_opts_t    co;
    ngxl_check_opts_t   ko;

    ngxl_fuzz_conf_opts(&co);
    ngxl_fuzz_check_opts(&ko);

    if (ngxl_fix_run(&fx, ngxl_fuzz_path, &co, ngxl_fuzz_use, ngxl_fuzz_nuse,
                     &ko)
        == NGXL_OK)
    {
        ngxl_fuzz_fail("a configuration with a syntax error was fixed (%s)",
                       ngxl_fuzz_path);
    }

    ngxl_fix_free(&fx);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 syntax;
    size_t              errors0, dirs0;
    ngxl_conf_t         conf;
    ngxl_conf_opts_t    co;

    if (!ngxl_fuzz_ready && ngxl_fuzz_setup() != NGXL_OK) {
        abort();
    }

    if (ngxl_fuzz_write(data, size) != NGXL_OK) {
        ngxl_fuzz_fail("writing %s", ngxl_fuzz_path);
    }

    /* the input as it parses */

    ngxl_fuzz_conf_opts(&co);

    if (ngxl_conf_parse(&conf, ngxl_fuzz_path, &co) != NGXL_OK) {
        ngxl_fuzz_fail("%s was not read", ngxl_fuzz_path);
    }

    syntax = ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX) != NULL;
    errors0 = ngxl_fuzz_errors(&conf);
    dirs0 = ngxl_fuzz_directives(&conf);

    ngxl_conf_free(&conf);

    for (ngxl_fuzz_lua = 0; ngxl_fuzz_lua < 2; ngxl_fuzz_lua++) {

        /* the input again: the first pass left its fixed text there */

        if (ngxl_fuzz_lua && ngxl_fuzz_write(data, size) != NGXL_OK) {
            ngxl_fuzz_fail("writing %s", ngxl_fuzz_path);
        }

        if (syntax) {
            ngxl_fuzz_refused();

        } else {
            ngxl_fuzz_fix(errors0, dirs0,
                          errors0 == 0 && memchr(data, '\0', size) == NULL);
        }
    }

    return 0;
}
