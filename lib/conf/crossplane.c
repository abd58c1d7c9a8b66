/*
 * ngxlint: crossplane's JSON payload, for `ngxlint parse`.
 *
 *   {"status", "errors":[{"file","line","error"}],
 *    "config":[{"file","status","errors":[{"line","error"}],
 *               "parsed":[{"directive","line","args","includes","block",
 *                          "comment"}]}]}
 *
 * Files are listed in crossplane's order (the main file, then each file in
 * the order its first include is met, breadth first).  Arguments are given
 * as crossplane gives them: quotes removed, a quote escaped by the same
 * quote unescaped, every other backslash kept.  Invalid UTF-8 becomes
 * U+FFFD.  Error messages are nginx's.
 */

#include <stdlib.h>
#include <string.h>

#include "crossplane.h"


typedef struct {
    const ngxl_conf_t         *conf;
    const ngxl_xp_opts_t      *opts;
    ngxl_vec_t                 files;   /* ngxl_cfile_t *, payload order */
    ngxl_vec_t                 insts;   /* the instance shown for each   */
    ngxl_buf_t                 tmp;     /* unescaping, messages       */
    ngxl_buf_t                 utf;     /* repairing UTF-8            */
} ngxl_xp_t;


static json_t *ngxl_xp_block(ngxl_xp_t *xp, const ngxl_dir_t *first,
    int depth);


/* a JSON string from any bytes: invalid UTF-8 becomes U+FFFD */

static json_t *
ngxl_xp_string(ngxl_xp_t *xp, const char *p, size_t n)
{
    size_t          i, k, len;
    json_t         *s;
    unsigned char   c;
    uint32_t        cp;

    /* the common case is valid UTF-8, and jansson checks it */

    s = json_stringn(p, n);
    if (s != NULL) {
        return s;
    }

    xp->utf.len = 0;

    for (i = 0; i < n; /* void */) {
        c = (unsigned char) p[i];

        if (c < 0x80) {
            if (c == 0) {
                ngxl_buf_add(&xp->utf, "\xef\xbf\xbd", 3);
            } else {
                ngxl_buf_addc(&xp->utf, (char) c);
            }
            i++;
            continue;
        }

        len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;

        if (c >= 0xf5) {
            len = 0;
        }

        cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0f : c & 0x1f;

        for (k = 1; len && k < len; k++) {
            if (i + k >= n || ((unsigned char) p[i + k] & 0xc0) != 0x80) {
                len = 0;
                break;
            }
            cp = (cp << 6) | ((unsigned char) p[i + k] & 0x3f);
        }

        if (len == 0
            || (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)))
            || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        {
            ngxl_buf_add(&xp->utf, "\xef\xbf\xbd", 3);
            i++;
            continue;
        }

        ngxl_buf_add(&xp->utf, p + i, len);
        i += len;
    }

    return json_stringn(xp->utf.data ? xp->utf.data : "", xp->utf.len);
}


/* an argument as crossplane's lexer gives it */

static json_t *
ngxl_xp_arg(ngxl_xp_t *xp, const ngxl_cfile_t *file, const ngxl_tok_t *t)
{
    size_t       i, n;
    const char  *p;

    p = file->data + t->off;
    n = t->len;

    if (t->quote == 0) {
        return ngxl_xp_string(xp, p, n);
    }

    p++;
    n -= 2;

    if (memchr(p, '\\', n) == NULL) {
        return ngxl_xp_string(xp, p, n);
    }

    xp->tmp.len = 0;

    for (i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n) {
            if (p[i + 1] != t->quote) {
                ngxl_buf_addc(&xp->tmp, '\\');
            }
            ngxl_buf_addc(&xp->tmp, p[i + 1]);
            i++;
            continue;
        }

        ngxl_buf_addc(&xp->tmp, p[i]);
    }

    return ngxl_xp_string(xp, xp->tmp.data ? xp->tmp.data : "", xp->tmp.len);
}


static long
ngxl_xp_file_index(ngxl_xp_t *xp, const ngxl_cfile_t *file)
{
    size_t  i;

    for (i = 0; i < xp->files.n; i++) {
        if (xp->files.elts[i] == file) {
            return (long) i;
        }
    }

    return -1;
}


/* the error that dropped directive D from crossplane's output, if any */

static int
ngxl_xp_dropped(ngxl_xp_t *xp, const ngxl_dir_t *d)
{
    size_t              i;
    const ngxl_cerr_t  *e;

    for (i = 0; i < xp->conf->errors.n; i++) {
        e = xp->conf->errors.elts[i];

        if (e->dir != d) {
            continue;
        }

        if (e->kind == NGXL_CERR_CONTEXT || e->kind == NGXL_CERR_ARGS
            || (e->kind == NGXL_CERR_UNKNOWN && xp->opts->strict))
        {
            return 1;
        }
    }

    return 0;
}


static int
ngxl_xp_ignored(ngxl_xp_t *xp, const ngxl_dir_t *d)
{
    size_t  i, n;

    for (i = 0; i < xp->opts->nignore; i++) {
        n = strlen(xp->opts->ignore[i]);

        if (d->args[0].vlen == n
            && memcmp(d->args[0].value, xp->opts->ignore[i], n) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * PREV: the directive before D among its siblings; a comment that stood
 * between its arguments is given its line, as crossplane gives it
 */

static json_t *
ngxl_xp_directive(ngxl_xp_t *xp, const ngxl_dir_t *d, const ngxl_dir_t *prev,
    int depth)
{
    uint32_t             i;
    json_t              *o, *args, *incl;
    const ngxl_inst_t   *in;
    const ngxl_cfile_t  *file;

    file = d->inst->file;
    o = json_object();

    if (xp->opts->combine) {
        json_object_set_new(o, "file", json_string(file->path));
    }

    if (d->kind == NGXL_NODE_COMMENT) {
        json_object_set_new(o, "directive", json_string("#"));
        json_object_set_new(o, "line", json_integer(
            prev && d->start < prev->term ? prev->line : d->line));
        json_object_set_new(o, "args", json_array());
        json_object_set_new(o, "comment",
                            ngxl_xp_string(xp, d->args[0].value,
                                           d->args[0].vlen));
        return o;
    }

    json_object_set_new(o, "directive",
                        ngxl_xp_arg(xp, file, &d->args[0]));
    json_object_set_new(o, "line", json_integer(d->line));

    args = json_array();

    for (i = 1; i < d->nargs; i++) {
        json_array_append_new(args, ngxl_xp_arg(xp, file, &d->args[i]));
    }

    if (d->body == NGXL_BODY_LUA && d->closed) {
        json_array_append_new(args, ngxl_xp_string(xp,
                              file->data + d->lua_off, d->lua_len));
    }

    json_object_set_new(o, "args", args);

    if (d->nargs == 2 && d->args[0].vlen == 7
        && memcmp(d->args[0].value, "include", 7) == 0 && !xp->opts->single)
    {
        incl = json_array();

        for (in = d->incl; in; in = in->next) {
            json_array_append_new(incl,
                json_integer(ngxl_xp_file_index(xp, in->file)));
        }

        json_object_set_new(o, "includes", incl);
    }

    if (d->block && d->body != NGXL_BODY_LUA) {
        json_object_set_new(o, "block", ngxl_xp_block(xp, d->child,
                                                       depth + 1));
    }

    return o;
}


static void
ngxl_xp_append(ngxl_xp_t *xp, json_t *list, const ngxl_dir_t *first,
    int depth)
{
    const ngxl_dir_t   *d, *prev;
    const ngxl_inst_t  *in;

    prev = NULL;

    for (d = first; d; d = d->next) {

        if (d->kind == NGXL_NODE_COMMENT) {
            if (xp->opts->comments) {
                json_array_append_new(list, ngxl_xp_directive(xp, d, prev,
                                                              depth));
            }
            continue;
        }

        prev = d;

        if (ngxl_xp_dropped(xp, d) || ngxl_xp_ignored(xp, d)) {
            continue;
        }

        if (xp->opts->combine && d->nargs == 2 && d->args[0].vlen == 7
            && memcmp(d->args[0].value, "include", 7) == 0)
        {
            for (in = d->incl; in; in = in->next) {
                ngxl_xp_append(xp, list, in->child, depth);
            }
            continue;
        }

        json_array_append_new(list, ngxl_xp_directive(xp, d, NULL, depth));
    }
}


static json_t *
ngxl_xp_block(ngxl_xp_t *xp, const ngxl_dir_t *first, int depth)
{
    json_t  *list;

    list = json_array();
    ngxl_xp_append(xp, list, first, depth);

    return list;
}


/* breadth first over files, as crossplane queues them */

static void
ngxl_xp_collect_dir(ngxl_xp_t *xp, const ngxl_dir_t *first)
{
    const ngxl_dir_t   *d;
    const ngxl_inst_t  *in;

    /* iterative pre-order walk of one file's tree */

    d = first;

    while (d) {
        for (in = d->incl; in; in = in->next) {
            if (ngxl_xp_file_index(xp, in->file) < 0) {
                ngxl_vec_push(&xp->files, in->file);
                ngxl_vec_push(&xp->insts, (void *) in);
            }
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
}


static json_t *
ngxl_xp_errors(ngxl_xp_t *xp, const ngxl_cfile_t *file, int with_file)
{
    size_t              i;
    json_t             *list, *o;
    const ngxl_cerr_t  *e;

    list = json_array();

    for (i = 0; i < xp->conf->errors.n; i++) {
        e = xp->conf->errors.elts[i];

        if (e->kind == NGXL_CERR_UNKNOWN && !xp->opts->strict) {
            continue;
        }

        if (file && e->file != file) {
            continue;
        }

        o = json_object();

        if (with_file) {
            json_object_set_new(o, "file", e->file
                                ? json_string(e->file->path) : json_null());
        }

        xp->tmp.len = 0;

        if (e->file && e->line) {
            ngxl_buf_printf(&xp->tmp, "%s in %s:%u", e->msg, e->file->path,
                            e->line);
        } else {
            ngxl_buf_adds(&xp->tmp, e->msg);
        }

        json_object_set_new(o, "error",
                            ngxl_xp_string(xp, xp->tmp.data, xp->tmp.len));

        json_object_set_new(o, "line", e->line ? json_integer(e->line)
                                               : json_null());
        json_array_append_new(list, o);
    }

    return list;
}


json_t *
ngxl_conf_crossplane(const ngxl_conf_t *conf, const ngxl_xp_opts_t *opts)
{
    size_t               i;
    json_t              *root, *configs, *c, *errs, *all;
    ngxl_xp_t            xp;
    const ngxl_inst_t   *in;
    const ngxl_cfile_t  *file;

    memset(&xp, 0, sizeof(ngxl_xp_t));
    xp.conf = conf;
    xp.opts = opts;
    ngxl_buf_init(&xp.tmp);
    ngxl_buf_init(&xp.utf);

    root = json_object();
    configs = json_array();

    if (conf->main) {
        ngxl_vec_push(&xp.files, conf->main->file);
        ngxl_vec_push(&xp.insts, conf->main);

        for (i = 0; i < xp.insts.n; i++) {
            in = xp.insts.elts[i];
            ngxl_xp_collect_dir(&xp, in->child);
        }
    }

    for (i = 0; i < xp.insts.n; i++) {
        in = xp.insts.elts[i];
        file = in->file;

        c = json_object();
        json_object_set_new(c, "file", json_string(file->path));

        errs = ngxl_xp_errors(&xp, file, 0);

        json_object_set_new(c, "status", json_string(
                            json_array_size(errs) ? "failed" : "ok"));
        json_object_set_new(c, "errors", errs);
        json_object_set_new(c, "parsed", ngxl_xp_block(&xp, in->child, 0));

        json_array_append_new(configs, c);

        if (opts->combine) {
            break;
        }
    }

    all = ngxl_xp_errors(&xp, NULL, 1);

    json_object_set_new(root, "status", json_string(
                        json_array_size(all) ? "failed" : "ok"));
    json_object_set_new(root, "errors", all);
    json_object_set_new(root, "config", configs);

    ngxl_buf_free(&xp.tmp);
    ngxl_buf_free(&xp.utf);
    ngxl_vec_free(&xp.files);
    ngxl_vec_free(&xp.insts);

    return root;
}
