/*
 * ngxlint: fixes to a fixed point.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"


#define NGXL_FIX_ROUNDS  8


static ngxl_fix_file_t *
ngxl_fix_file(ngxl_fix_t *fx, const char *path)
{
    size_t            i;
    ngxl_fix_file_t  *f;

    for (i = 0; i < fx->files.n; i++) {
        f = fx->files.elts[i];

        if (strcmp(f->path, path) == 0) {
            return f;
        }
    }

    return NULL;
}


/* an edit taken, and when: the order of the findings */

typedef struct {
    ngxl_edit_t  *edit;
    size_t        seq;
} ngxl_fix_taken_t;


static int
ngxl_fix_cmp(const void *one, const void *two)
{
    const ngxl_edit_t       *a, *b;
    const ngxl_fix_taken_t  *x, *y;

    x = one;
    y = two;
    a = x->edit;
    b = y->edit;

    if (a->off != b->off) {
        return a->off < b->off ? -1 : 1;
    }

    /* insertions before replacements at the same place */
    if (a->len != b->len) {
        return a->len < b->len ? -1 : 1;
    }

    /* insertions at one place: in the order of their findings */
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}


static int
ngxl_fix_same(const ngxl_edit_t *a, const ngxl_edit_t *b)
{
    return a->off == b->off && a->len == b->len
           && strcmp(a->file, b->file) == 0 && strcmp(a->text, b->text) == 0;
}


/* two edits of one file that cannot both be applied */

static int
ngxl_fix_conflict(const ngxl_edit_t *a, const ngxl_edit_t *b, int one_rule)
{
    if (strcmp(a->file, b->file) != 0) {
        return 0;
    }

    if (a->off == b->off && (a->len == 0 || b->len == 0)) {
        /*
         * which text goes first is not known; but two insertions of one
         * rule (the new upstream blocks before one server) go in the
         * order of their findings (ngxl_fix_cmp()): any order will do,
         * and one a round would not settle with more than NGXL_FIX_ROUNDS
         */
        return !(one_rule && a->len == 0 && b->len == 0);
    }

    return a->off < b->off + b->len && b->off < a->off + a->len;
}


/*
 * The edits of this round: a finding's edits are taken all or none (a
 * renamed target without its new upstream would break nginx); one that
 * conflicts with an edit already taken waits for the next round.
 */

static void
ngxl_fix_select(ngxl_diags_t *ds, ngxl_vec_t *taken)
{
    int              ok;
    size_t           i, j, k;
    ngxl_vec_t       rules;     /* the rule of each taken edit */
    ngxl_edit_t     *e, *t;
    ngxl_finding_t  *f;

    memset(&rules, 0, sizeof(ngxl_vec_t));

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];
        ok = f->nedits > 0;

        for (j = 0; ok && j < f->nedits; j++) {
            e = &f->edits[j];

            for (k = 0; k < taken->n; k++) {
                t = taken->elts[k];

                if (!ngxl_fix_same(t, e)
                    && ngxl_fix_conflict(t, e,
                                         strcmp(rules.elts[k], f->rule) == 0))
                {
                    ok = 0;
                    break;
                }
            }
        }

        for (j = 0; ok && j < f->nedits; j++) {
            e = &f->edits[j];

            for (k = 0; k < taken->n; k++) {
                if (ngxl_fix_same(taken->elts[k], e)) {
                    break;
                }
            }

            if (k == taken->n) {
                ngxl_vec_push(taken, e);
                ngxl_vec_push(&rules, (void *) f->rule);
            }
        }
    }

    ngxl_vec_free(&rules);
}


/* applies the taken edits of FILE; returns how many */

static size_t
ngxl_fix_apply(ngxl_fix_t *fx, const ngxl_cfile_t *file, ngxl_vec_t *taken)
{
    size_t             i, n, pos, applied;
    ngxl_buf_t         out;
    ngxl_edit_t       *e;
    ngxl_fix_file_t   *f;
    ngxl_fix_taken_t  *edits;

    edits = malloc((taken->n ? taken->n : 1) * sizeof(ngxl_fix_taken_t));
    if (edits == NULL) {
        ngxl_oom();
    }

    n = 0;

    for (i = 0; i < taken->n; i++) {
        e = taken->elts[i];

        if (strcmp(e->file, file->path) == 0 && e->off + e->len <= file->len) {
            edits[n].edit = e;
            edits[n].seq = i;
            n++;
        }
    }

    if (n == 0) {
        free(edits);
        return 0;
    }

    if (n > 1) {
        qsort(edits, n, sizeof(ngxl_fix_taken_t), ngxl_fix_cmp);
    }

    ngxl_buf_init(&out);
    pos = 0;
    applied = 0;

    for (i = 0; i < n; i++) {
        e = edits[i].edit;

        ngxl_buf_add(&out, file->data + pos, e->off - pos);
        ngxl_buf_adds(&out, e->text);
        pos = e->off + e->len;
        applied++;
    }

    ngxl_buf_add(&out, file->data + pos, file->len - pos);
    free(edits);

    f = ngxl_fix_file(fx, file->path);

    if (f == NULL) {
        f = calloc(1, sizeof(ngxl_fix_file_t));
        if (f == NULL) {
            ngxl_oom();
        }

        f->path = strdup(file->path);
        f->orig = malloc(file->len + 1);
        if (f->path == NULL || f->orig == NULL) {
            ngxl_oom();
        }

        memcpy(f->orig, file->data, file->len);
        f->orig[file->len] = '\0';
        f->orig_len = file->len;

        ngxl_vec_push(&fx->files, f);

    } else {
        free(f->data);
    }

    f->data = out.data ? out.data : strdup("");
    f->len = out.len;

    return applied;
}


static size_t
ngxl_fix_errors(const ngxl_conf_t *conf, const ngxl_cerr_t **first)
{
    size_t              i, n;
    const ngxl_cerr_t  *e;

    n = 0;
    *first = NULL;

    for (i = 0; i < conf->errors.n; i++) {
        e = conf->errors.elts[i];

        if (e->kind == NGXL_CERR_UNKNOWN) {
            continue;
        }

        if (n++ == 0) {
            *first = e;
        }
    }

    return n;
}


/*
 * A file with a NUL byte: the edits are C strings made from the file's own
 * bytes (a moved directive, carried headers), which would end at it.
 */

static const ngxl_cfile_t *
ngxl_fix_nul(const ngxl_conf_t *conf)
{
    size_t               i;
    const ngxl_cfile_t  *f;

    for (i = 0; i < conf->files.n; i++) {
        f = conf->files.elts[i];

        if (f->len && memchr(f->data, '\0', f->len) != NULL) {
            return f;
        }
    }

    return NULL;
}


/* the directory of every file read (not dumps), once each */

static void
ngxl_fix_dirs(ngxl_fix_t *fx, const ngxl_conf_t *conf)
{
    char                *d, *slash;
    size_t               i, j;
    const ngxl_cfile_t  *f;

    for (i = 0; i < conf->files.n; i++) {
        f = conf->files.elts[i];

        if (f->dumped || f->err) {
            continue;
        }

        slash = strrchr(f->path, '/');

        if (slash == NULL) {
            d = strdup(".");

        } else {
            /* "/nginx.conf": "/" */
            d = strndup(f->path, (size_t) (slash - f->path)
                                 + (slash == f->path));
        }

        if (d == NULL) {
            ngxl_oom();
        }

        for (j = 0; j < fx->dirs.n; j++) {
            if (strcmp(fx->dirs.elts[j], d) == 0) {
                break;
            }
        }

        if (j < fx->dirs.n) {
            free(d);
            continue;
        }

        ngxl_vec_push(&fx->dirs, d);
    }
}


int
ngxl_fix_run(ngxl_fix_t *fx, const char *path, const ngxl_conf_opts_t *co,
    const ngxl_rule_use_t *use, size_t nuse, const ngxl_check_opts_t *ko)
{
    int                 rc;
    size_t              i, k, round, applied, errors0, errors;
    ngxl_vec_t          edits;
    ngxl_conf_t         conf;
    ngxl_diags_t        ds;
    ngxl_fix_file_t    *ff;
    ngxl_conf_opts_t    opts;
    ngxl_dump_file_t   *over;
    const ngxl_cerr_t  *e;

    memset(fx, 0, sizeof(ngxl_fix_t));
    errors0 = 0;
    over = NULL;
    rc = NGXL_ERROR;

    for (round = 0; round <= NGXL_FIX_ROUNDS; round++) {

        /* the configuration as patched so far */

        free(over);
        over = calloc(fx->files.n + 1, sizeof(ngxl_dump_file_t));
        if (over == NULL) {
            ngxl_oom();
        }

        for (i = 0; i < fx->files.n; i++) {
            ff = fx->files.elts[i];
            over[i].path = ff->path;
            over[i].data = ff->data;
            over[i].len = ff->len;
        }

        opts = *co;
        opts.overrides = over;
        opts.noverrides = fx->files.n;

        if (ngxl_conf_parse(&conf, path, &opts) != NGXL_OK) {
            e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);
            snprintf(fx->err, sizeof(fx->err), "%s", e ? e->msg
                     : "cannot read the configuration");
            ngxl_conf_free(&conf);
            break;
        }

        errors = ngxl_fix_errors(&conf, &e);

        if (round == 0) {
            ngxl_fix_dirs(fx, &conf);

            if (ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX) != NULL) {
                e = ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX);
                snprintf(fx->err, sizeof(fx->err), "%s:%u: %s: no fix is "
                         "applied to a configuration that does not parse",
                         e->file->path, e->line, e->msg);
                ngxl_conf_free(&conf);
                break;
            }

            /*
             * an include that could not be read (missing, a cycle, not a
             * regular file) hides settings that the fixes must keep
             */
            e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);

            if (e != NULL) {
                snprintf(fx->err, sizeof(fx->err), "%s:%u: %s: no fix is "
                         "applied to a configuration not read whole",
                         e->file ? e->file->path : path, e->line, e->msg);
                ngxl_conf_free(&conf);
                break;
            }

            if (ngxl_fix_nul(&conf) != NULL) {
                snprintf(fx->err, sizeof(fx->err), "%s: a NUL byte in the "
                         "file: no fix is applied to a file that is not "
                         "text", ngxl_fix_nul(&conf)->path);
                ngxl_conf_free(&conf);
                break;
            }

            errors0 = errors;

        } else if (errors > errors0
                   || ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX) != NULL)
        {
            /*
             * the count alone is not enough: a syntax error ends the parse,
             * and with it the errors that came after it
             */
            if (ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX) != NULL) {
                e = ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX);
            }

            snprintf(fx->err, sizeof(fx->err), "the fixes would break the "
                     "configuration (%s:%u: %s): nothing is changed",
                     e && e->file ? e->file->path : path, e ? e->line : 0,
                     e ? e->msg : "");
            ngxl_conf_free(&conf);
            break;
        }

        ngxl_diags_init(&ds);

        if (ko->conf_rules) {
            ngxl_check_conf(use, nuse, ko, &conf, &ds);
        }

        if (ko->lua_rules) {
            ngxl_lua_project_t  lp;

            ngxl_lua_project(&lp, &conf, ko->lua_paths, ko->nlua_paths,
                             ko->lua_prefix);
            ngxl_check_lua(use, nuse, ko, &conf, &lp, &ds);

            /* the edits point into the diagnostics' own copies */
            ngxl_lua_project_free(&lp);
        }

        /* the edits this round can take, applied file by file */

        ngxl_diags_sort(&ds);
        memset(&edits, 0, sizeof(ngxl_vec_t));
        ngxl_fix_select(&ds, &edits);

        applied = 0;

        for (k = 0; k < conf.files.n; k++) {
            applied += ngxl_fix_apply(fx, conf.files.elts[k], &edits);
        }

        ngxl_vec_free(&edits);

        ngxl_diags_free(&ds);
        ngxl_conf_free(&conf);

        fx->applied += applied;

        if (applied == 0) {
            fx->rounds = round;
            rc = NGXL_OK;
            break;
        }
    }

    if (round > NGXL_FIX_ROUNDS && rc != NGXL_OK) {
        snprintf(fx->err, sizeof(fx->err), "the fixes did not settle after "
                 "%d rounds: nothing is changed", NGXL_FIX_ROUNDS);
    }

    free(over);

    return rc;
}


void
ngxl_fix_free(ngxl_fix_t *fx)
{
    size_t            i;
    ngxl_fix_file_t  *f;

    for (i = 0; i < fx->files.n; i++) {
        f = fx->files.elts[i];
        free(f->path);
        free(f->orig);
        free(f->data);
        free(f);
    }

    ngxl_vec_free(&fx->files);

    for (i = 0; i < fx->dirs.n; i++) {
        free(fx->dirs.elts[i]);
    }

    ngxl_vec_free(&fx->dirs);
}
