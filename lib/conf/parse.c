/*
 * ngxlint: the configuration parser (ngx_conf_parse and ngx_conf_handler).
 *
 * Blocks are tracked with an explicit stack, so deep nesting costs memory,
 * not C stack; includes recurse, bounded by NGXL_INCLUDE_DEPTH.
 */

#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf.h"
#include "lex.h"


#define NGXL_INCLUDE_DEPTH      200
#define NGXL_MAX_INSTANCES      100000
#define NGXL_DEFAULT_MAX_FILE   ((size_t) 2 << 30)

/*
 * nginx recurses once per block and runs out of stack between 10,000 and
 * 100,000 nested blocks; so would anything that prints the tree as JSON
 */
#define NGXL_MAX_DEPTH          12000


typedef struct {
    ngxl_dir_t  *dir;        /* the block directive, NULL at file level */
    uint32_t     ctx;
    int          body;       /* NGXL_BODY_DIRECTIVES or NGXL_BODY_HANDLER */
} ngxl_frame_t;


typedef struct {
    ngxl_conf_t             *conf;
    const ngxl_conf_opts_t  *opts;
    ngxl_dump_file_t        *dump;
    size_t                   ndump;
    ngxl_vec_t               active;     /* files being parsed, for cycles */
    size_t                   depth;      /* blocks open in including files */
} ngxl_parser_t;


static int ngxl_conf_parse_inst(ngxl_parser_t *ps, ngxl_inst_t *inst,
    int body);
static ngxl_dir_t *ngxl_conf_node(ngxl_parser_t *ps, ngxl_inst_t *inst,
    ngxl_frame_t *fr, ngxl_lex_t *lx);
static void ngxl_conf_comments(ngxl_parser_t *ps, ngxl_inst_t *inst,
    ngxl_frame_t *fr, ngxl_lex_t *lx, int before);
static void ngxl_conf_append(ngxl_inst_t *inst, ngxl_frame_t *fr,
    ngxl_dir_t *d);
static int ngxl_conf_check(ngxl_parser_t *ps, ngxl_dir_t *d, int rc,
    ngxl_lex_t *lx);
static uint32_t ngxl_conf_child_ctx(uint32_t ctx, ngxl_dir_t *d);
static int ngxl_conf_name_is(const ngxl_dir_t *d, const char *name);
static void ngxl_conf_include(ngxl_parser_t *ps, ngxl_dir_t *d, int body);
static ngxl_cfile_t *ngxl_conf_file(ngxl_parser_t *ps, const char *path);
static void ngxl_conf_file_error(ngxl_parser_t *ps, ngxl_cfile_t *file,
    ngxl_dir_t *d);
static ngxl_cerr_t *ngxl_conf_error(ngxl_conf_t *conf, int kind,
    ngxl_cfile_t *file, uint32_t line, uint32_t col, uint32_t end_col,
    ngxl_dir_t *dir, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));


static const struct {
    uint32_t     ctx;
    const char  *name;
} ngxl_conf_ctx_names[] = {
    { NGXL_MAIN, "main" },
    { NGXL_EVENT, "events" },
    { NGXL_HTTP_MAIN, "http" },
    { NGXL_HTTP_SRV, "server" },
    { NGXL_HTTP_LOC, "location" },
    { NGXL_HTTP_UPS, "upstream" },
    { NGXL_HTTP_SIF, "server-if" },
    { NGXL_HTTP_LIF, "if" },
    { NGXL_HTTP_LMT, "limit_except" },
    { NGXL_STREAM_MAIN, "stream" },
    { NGXL_STREAM_SRV, "stream-server" },
    { NGXL_STREAM_UPS, "stream-upstream" },
    { NGXL_MAIL_MAIN, "mail" },
    { NGXL_MAIL_SRV, "mail-server" },
    { 0, NULL }
};


const char *
ngxl_conf_ctx_name(uint32_t ctx)
{
    size_t  i;

    for (i = 0; ngxl_conf_ctx_names[i].name; i++) {
        if (ngxl_conf_ctx_names[i].ctx == ctx) {
            return ngxl_conf_ctx_names[i].name;
        }
    }

    return "unknown";
}


uint32_t
ngxl_conf_ctx_parse(const char *name)
{
    size_t  i;

    for (i = 0; ngxl_conf_ctx_names[i].name; i++) {
        if (strcmp(ngxl_conf_ctx_names[i].name, name) == 0) {
            return ngxl_conf_ctx_names[i].ctx;
        }
    }

    return 0;
}


static char *
ngxl_conf_dirname(ngxl_pool_t *pool, const char *path)
{
    const char  *slash;

    slash = strrchr(path, '/');

    if (slash == NULL) {
        return ngxl_pstrndup(pool, "", 0);
    }

    return ngxl_pstrndup(pool, path, (size_t) (slash - path) + 1);
}


int
ngxl_conf_parse(ngxl_conf_t *conf, const char *path,
    const ngxl_conf_opts_t *opts)
{
    size_t           n;
    ngxl_inst_t     *inst;
    ngxl_cfile_t    *file;
    ngxl_parser_t    ps;

    memset(conf, 0, sizeof(ngxl_conf_t));
    ngxl_pool_init(&conf->pool);
    ngxl_hmap_init(&conf->file_index, 0);
    ngxl_hmap_init(&conf->inode_index, 0);

    memset(&ps, 0, sizeof(ngxl_parser_t));
    ps.conf = conf;
    ps.opts = opts;

    if (opts->dump) {
        if (ngxl_conf_dump_split(&conf->pool, opts->dump, opts->dump_len,
                                 &ps.dump, &ps.ndump)
            != NGXL_OK)
        {
            ngxl_conf_error(conf, NGXL_CERR_INCLUDE, NULL, 0, 0, 0, NULL,
                            "no \"# configuration file PATH:\" line: "
                            "not the output of \"nginx -T\"");
            return NGXL_ERROR;
        }

        if (path == NULL) {
            path = ps.dump[0].path;
        }
    }

    if (opts->prefix) {
        n = strlen(opts->prefix);
        conf->prefix = ngxl_psprintf(&conf->pool, "%s%s", opts->prefix,
                                     n && opts->prefix[n - 1] == '/'
                                     ? "" : "/");

    } else {
        conf->prefix = ngxl_conf_dirname(&conf->pool, path);
    }

    file = ngxl_conf_file(&ps, path);

    if (file->err) {
        ngxl_conf_file_error(&ps, file, NULL);
        ngxl_vec_free(&ps.active);
        return NGXL_ERROR;
    }

    inst = ngxl_palloc(&conf->pool, sizeof(ngxl_inst_t));
    inst->file = file;
    inst->ctx = opts->start_ctx ? opts->start_ctx : NGXL_MAIN;

    conf->main = inst;
    ngxl_vec_push(&conf->insts, inst);
    conf->ninstances = 1;

    ngxl_conf_parse_inst(&ps, inst, NGXL_BODY_DIRECTIVES);

    ngxl_vec_free(&ps.active);

    return NGXL_OK;
}


void
ngxl_conf_free(ngxl_conf_t *conf)
{
    size_t         i;
    ngxl_cfile_t  *f;

    for (i = 0; i < conf->files.n; i++) {
        f = conf->files.elts[i];

        if (!f->dumped) {
            free(f->data);
        }

        free(f->lines);
    }

    ngxl_vec_free(&conf->files);
    ngxl_hmap_free(&conf->file_index);
    ngxl_hmap_free(&conf->inode_index);
    ngxl_vec_free(&conf->insts);
    ngxl_vec_free(&conf->errors);
    ngxl_pool_free(&conf->pool);
}


const ngxl_cerr_t *
ngxl_conf_first_error(const ngxl_conf_t *conf, int kind)
{
    size_t        i;
    ngxl_cerr_t  *e;

    for (i = 0; i < conf->errors.n; i++) {
        e = conf->errors.elts[i];

        if (e->kind == kind) {
            return e;
        }
    }

    return NULL;
}


static ngxl_cerr_t *
ngxl_conf_error(ngxl_conf_t *conf, int kind, ngxl_cfile_t *file,
    uint32_t line, uint32_t col, uint32_t end_col, ngxl_dir_t *dir,
    const char *fmt, ...)
{
    int           n;
    va_list       ap;
    ngxl_cerr_t  *e;

    e = ngxl_palloc(&conf->pool, sizeof(ngxl_cerr_t));
    e->kind = kind;
    e->file = file;
    e->line = line;
    e->col = col;
    e->end_col = end_col > col ? end_col : col;
    e->dir = dir;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);

    e->msg = ngxl_palloc(&conf->pool, (size_t) (n > 0 ? n : 0) + 1);

    va_start(ap, fmt);
    vsnprintf(e->msg, (size_t) (n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);

    ngxl_vec_push(&conf->errors, e);

    return e;
}


/* the column of OFF: bytes since the line feed before it, plus one */

static uint32_t
ngxl_conf_col(const ngxl_cfile_t *file, uint32_t off)
{
    uint32_t  i;

    for (i = off; i > 0 && file->data[i - 1] != '\n'; i--) { /* void */ }

    return off - i + 1;
}


static void
ngxl_conf_syntax(ngxl_parser_t *ps, ngxl_inst_t *inst, ngxl_lex_t *lx)
{
    uint32_t  col;

    col = ngxl_conf_col(inst->file, lx->err_off);

    ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file, lx->err_line,
                    col, col + 1, NULL, "%s", lx->err);

    inst->failed = 1;
}


static int
ngxl_conf_parse_inst(ngxl_parser_t *ps, ngxl_inst_t *inst, int body)
{
    int            rc;
    size_t         nframes, cframes;
    uint32_t       col;
    ngxl_lex_t     lx;
    ngxl_dir_t    *d;
    ngxl_frame_t  *frames, *fr;

    ngxl_lex_init(&lx, &ps->conf->pool, inst->file->data, inst->file->len);

    cframes = 16;
    frames = malloc(cframes * sizeof(ngxl_frame_t));
    if (frames == NULL) {
        ngxl_oom();
    }

    nframes = 1;
    frames[0].dir = NULL;
    frames[0].ctx = inst->ctx;
    frames[0].body = body;

    for ( ;; ) {
        fr = &frames[nframes - 1];

        rc = ngxl_lex_next(&lx);

        if (rc == NGXL_LEX_ERROR) {
            ngxl_conf_comments(ps, inst, fr, &lx, 1);
            ngxl_conf_syntax(ps, inst, &lx);
            break;
        }

        if (rc == NGXL_LEX_BLOCK_DONE) {
            ngxl_conf_comments(ps, inst, fr, &lx, 1);

            if (fr->dir == NULL) {
                col = lx.term_col;
                ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file,
                                lx.nline, col, col + 1, NULL,
                                "unexpected \"}\"");
                inst->failed = 1;
                break;
            }

            fr->dir->closed = 1;
            fr->dir->close = lx.term;
            fr->dir->close_line = lx.term_line;
            fr->dir->end = lx.term + 1;
            nframes--;
            continue;
        }

        if (rc == NGXL_LEX_FILE_DONE) {
            ngxl_conf_comments(ps, inst, fr, &lx, 1);

            if (fr->dir != NULL) {
                ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file,
                                lx.nline,
                                ngxl_conf_col(inst->file,
                                              (uint32_t) lx.len),
                                0, NULL,
                                "unexpected end of file, expecting \"}\"");
                inst->failed = 1;
            }

            break;
        }

        /* NGXL_LEX_OK or NGXL_LEX_BLOCK_START: a statement */

        ngxl_conf_comments(ps, inst, fr, &lx, 1);
        d = ngxl_conf_node(ps, inst, fr, &lx);
        ngxl_conf_comments(ps, inst, fr, &lx, 0);

        if (fr->body == NGXL_BODY_HANDLER && rc == NGXL_LEX_BLOCK_START) {
            col = lx.term_col;
            ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file, lx.nline,
                            col, col + 1, d, "unexpected \"{\"");
            inst->failed = 1;
            break;
        }

        if (ngxl_conf_check(ps, d, rc, &lx) != NGXL_OK) {
            inst->failed = 1;
            break;
        }

        if (rc == NGXL_LEX_OK) {
            d->end = lx.term + 1;

            if (d->nargs == 2 && ngxl_conf_name_is(d, "include")) {
                if (!ps->opts->single_file) {
                    ps->depth += nframes - 1;
                    ngxl_conf_include(ps, d, fr->body);
                    ps->depth -= nframes - 1;
                }
            }

            continue;
        }

        /* a block */

        d->block = 1;

        if (d->body == NGXL_BODY_LUA) {
            if (ngxl_lex_lua_block(&lx) != NGXL_LEX_OK) {
                ngxl_conf_syntax(ps, inst, &lx);
                break;
            }

            d->lua_off = lx.lua_off;
            d->lua_len = lx.lua_len;
            d->closed = 1;
            d->close = lx.term;
            d->close_line = lx.term_line;
            d->end = lx.term + 1;
            continue;
        }

        if (ps->depth + nframes > NGXL_MAX_DEPTH) {
            ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file, lx.nline,
                            lx.term_col, lx.term_col + 1, d,
                            "blocks nested more than %d deep (ngxlint's "
                            "limit: nginx itself runs out of stack soon "
                            "after)", NGXL_MAX_DEPTH);
            inst->failed = 1;
            break;
        }

        if (nframes == cframes) {
            cframes *= 2;
            fr = realloc(frames, cframes * sizeof(ngxl_frame_t));
            if (fr == NULL) {
                ngxl_oom();
            }
            frames = fr;
        }

        fr = &frames[nframes++];
        fr->dir = d;
        fr->body = d->body;
        fr->ctx = frames[nframes - 2].body == NGXL_BODY_HANDLER
                  ? 0 : ngxl_conf_child_ctx(frames[nframes - 2].ctx, d);
    }

    /* blocks left open by an error end where the parse stopped */

    while (nframes > 1) {
        d = frames[--nframes].dir;
        d->end = (uint32_t) lx.pos;
    }

    free(frames);
    ngxl_lex_free(&lx);

    return inst->failed ? NGXL_ERROR : NGXL_OK;
}


static ngxl_dir_t *
ngxl_conf_node(ngxl_parser_t *ps, ngxl_inst_t *inst, ngxl_frame_t *fr,
    ngxl_lex_t *lx)
{
    ngxl_dir_t  *d;

    d = ngxl_palloc(&ps->conf->pool, sizeof(ngxl_dir_t));

    d->kind = NGXL_NODE_DIRECTIVE;
    d->inst = inst;
    d->nargs = (uint32_t) lx->ntoks;
    d->args = ngxl_palloc(&ps->conf->pool, lx->ntoks * sizeof(ngxl_tok_t));
    memcpy(d->args, lx->toks, lx->ntoks * sizeof(ngxl_tok_t));

    d->start = d->args[0].off;
    d->line = d->args[0].line;
    d->col = d->args[0].col;
    d->term = lx->term;
    d->end = lx->term + 1;
    d->ctx = fr->ctx;
    d->body = NGXL_BODY_DIRECTIVES;

    ngxl_conf_append(inst, fr, d);

    return d;
}


/*
 * Comments read with the last statement become nodes of their own: those
 * before its first token (BEFORE set) precede it, those between its
 * arguments follow it (as crossplane places them).
 */

static void
ngxl_conf_comments(ngxl_parser_t *ps, ngxl_inst_t *inst, ngxl_frame_t *fr,
    ngxl_lex_t *lx, int before)
{
    size_t           i;
    uint32_t         first;
    ngxl_dir_t      *c;
    ngxl_comment_t  *cm;

    first = lx->ntoks ? lx->toks[0].off : UINT32_MAX;

    for (i = 0; i < lx->ncomments; i++) {
        cm = &lx->comments[i];

        if ((cm->off < first) != before) {
            continue;
        }

        c = ngxl_palloc(&ps->conf->pool, sizeof(ngxl_dir_t));
        c->kind = NGXL_NODE_COMMENT;
        c->inst = inst;
        c->nargs = 1;
        c->args = ngxl_palloc(&ps->conf->pool, sizeof(ngxl_tok_t));
        c->args[0].off = cm->off + 1;
        c->args[0].len = cm->end - cm->off - 1;
        c->args[0].line = cm->line;
        c->args[0].col = cm->col + 1;
        c->args[0].value = inst->file->data + cm->off + 1;
        c->args[0].vlen = c->args[0].len;
        c->start = cm->off;
        c->end = cm->end;
        c->line = cm->line;
        c->col = cm->col;
        c->term = cm->end;
        c->ctx = fr->ctx;

        ngxl_conf_append(inst, fr, c);
    }
}


static void
ngxl_conf_append(ngxl_inst_t *inst, ngxl_frame_t *fr, ngxl_dir_t *d)
{
    ngxl_dir_t  **first, **last;

    if (fr->dir) {
        first = &fr->dir->child;
        last = &fr->dir->last;

    } else {
        first = &inst->child;
        last = &inst->last;
    }

    d->parent = fr->dir;

    if (*last) {
        (*last)->next = d;

    } else {
        *first = d;
    }

    *last = d;
}


static int
ngxl_conf_name_is(const ngxl_dir_t *d, const char *name)
{
    size_t  n;

    n = strlen(name);

    return d->args[0].vlen == n && memcmp(d->args[0].value, name, n) == 0;
}


/* ngx_conf_handler(): the table's verdict on a statement */


/* "=", "~", "~*" or "^~": what may stand before a location's name */

static int
ngxl_conf_location_modifier(const ngxl_tok_t *t)
{
    return (t->vlen == 1 && (t->value[0] == '=' || t->value[0] == '~'))
           || (t->vlen == 2 && (memcmp(t->value, "~*", 2) == 0
                                || memcmp(t->value, "^~", 2) == 0));
}


/*
 * D is the second in its block of a directive nginx takes once there ("is
 * duplicate"): those set by nginx's slot functions (lib/conf/once.def), and
 * these, whose handlers of their own refuse a second one.  Only the block's
 * own lines of one file are looked at.
 */

static int
ngxl_conf_duplicate(const ngxl_dir_t *d)
{
    size_t             k, n;
    const ngxl_dir_t  *s;

    static const char  *once[] = {
        "keepalive", "proxy_pass", "fastcgi_pass", "grpc_pass", "uwsgi_pass",
        "scgi_pass", "memcached_pass", "proxy_ssl_name", "grpc_ssl_name",
        NULL
    };

    if (d->parent == NULL) {
        return 0;
    }

    n = d->args[0].vlen;

    for (k = 0; once[k]; k++) {
        if (strlen(once[k]) == n && memcmp(once[k], d->args[0].value, n) == 0) {
            break;
        }
    }

    if (once[k] == NULL && !ngxl_dirdef_once(d->args[0].value, n)) {
        return 0;
    }

    for (s = d->parent->child; s && s != d; s = s->next) {
        if (s->kind == NGXL_NODE_DIRECTIVE && s->args[0].vlen == n
            && memcmp(s->args[0].value, d->args[0].value, n) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static int
ngxl_conf_check(ngxl_parser_t *ps, ngxl_dir_t *d, int rc, ngxl_lex_t *lx)
{
    int                   found;
    size_t                len;
    uint32_t              col, end;
    const char           *name;
    ngxl_inst_t          *inst;
    const ngxl_dirdef_t  *def, *first;

    inst = d->inst;
    name = d->args[0].value;
    len = d->args[0].vlen;
    col = d->args[0].col;
    end = col + d->args[0].len;

    /* *_by_lua_block bodies are Lua wherever they stand */

    if (rc == NGXL_LEX_BLOCK_START && len > 13
        && memcmp(name + len - 13, "_by_lua_block", 13) == 0)
    {
        d->body = NGXL_BODY_LUA;
    }

    if (d->ctx == 0) {
        /* inside a block nginx does not know or a handler's data */
        return NGXL_OK;
    }

    first = ngxl_dirdef_first(name, len);

    if (first == NULL) {
        ngxl_conf_error(ps->conf, NGXL_CERR_UNKNOWN, inst->file, d->line,
                        col, end, d, "unknown directive \"%.*s\"",
                        (int) len, name);
        return NGXL_OK;
    }

    found = 0;

    for (def = first;
         def < ngxl_dirdefs + ngxl_ndirdefs
         && strncmp(def->name, name, len) == 0 && def->name[len] == '\0';
         def++)
    {
        found = 1;

        if (!(def->contexts & d->ctx)) {
            continue;
        }

        d->def = def;

        if (!(def->args & NGXL_BLOCK) && rc != NGXL_LEX_OK) {
            ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file, lx->nline,
                            lx->term_col, lx->term_col + 1, d,
                            "directive \"%.*s\" is not terminated by \";\"",
                            (int) len, name);
            return NGXL_ERROR;
        }

        if ((def->args & NGXL_BLOCK) && rc != NGXL_LEX_BLOCK_START) {
            ngxl_conf_error(ps->conf, NGXL_CERR_SYNTAX, inst->file, lx->nline,
                            lx->term_col, lx->term_col + 1, d,
                            "directive \"%.*s\" has no opening \"{\"",
                            (int) len, name);
            return NGXL_ERROR;
        }

        if (!ngxl_dirdef_args_ok(def, d->nargs - 1)) {
            ngxl_conf_error(ps->conf, NGXL_CERR_ARGS, inst->file, lx->nline,
                            col, end, d,
                            "invalid number of arguments in \"%.*s\" "
                            "directive", (int) len, name);

        } else if (d->nargs == 3 && len == 8
                   && memcmp(name, "location", 8) == 0
                   && !ngxl_conf_location_modifier(&d->args[1]))
        {
            /* ngx_http_core_location()'s own check */
            ngxl_conf_error(ps->conf, NGXL_CERR_ARGS, inst->file, lx->nline,
                            col, end, d, "invalid location modifier \"%.*s\"",
                            (int) d->args[1].vlen, d->args[1].value);

        } else if (ngxl_conf_duplicate(d)) {
            ngxl_conf_error(ps->conf, NGXL_CERR_ARGS, inst->file, lx->nline,
                            col, end, d, "\"%.*s\" directive is duplicate",
                            (int) len, name);
        }

        if (def->body != NGXL_BODY_DIRECTIVES) {
            d->body = def->body;
        }

        return NGXL_OK;
    }

    if (found) {
        ngxl_conf_error(ps->conf, NGXL_CERR_CONTEXT, inst->file, lx->nline,
                        col, end, d, "\"%.*s\" directive is not allowed here",
                        (int) len, name);
    }

    return NGXL_OK;
}


/* the context inside block D, which stands in context CTX */

static uint32_t
ngxl_conf_child_ctx(uint32_t ctx, ngxl_dir_t *d)
{
    if (d->body != NGXL_BODY_DIRECTIVES || d->def == NULL) {
        return 0;
    }

    switch (ctx) {

    case NGXL_MAIN:
        if (ngxl_conf_name_is(d, "events")) {
            return NGXL_EVENT;
        }
        if (ngxl_conf_name_is(d, "http")) {
            return NGXL_HTTP_MAIN;
        }
        if (ngxl_conf_name_is(d, "stream")) {
            return NGXL_STREAM_MAIN;
        }
        if (ngxl_conf_name_is(d, "mail")) {
            return NGXL_MAIL_MAIN;
        }
        break;

    case NGXL_HTTP_MAIN:
        if (ngxl_conf_name_is(d, "server")) {
            return NGXL_HTTP_SRV;
        }
        if (ngxl_conf_name_is(d, "upstream")) {
            return NGXL_HTTP_UPS;
        }
        break;

    case NGXL_HTTP_SRV:
        if (ngxl_conf_name_is(d, "location")) {
            return NGXL_HTTP_LOC;
        }
        if (ngxl_conf_name_is(d, "if")) {
            return NGXL_HTTP_SIF;
        }
        break;

    case NGXL_HTTP_LOC:
        if (ngxl_conf_name_is(d, "location")) {
            return NGXL_HTTP_LOC;
        }
        if (ngxl_conf_name_is(d, "if")) {
            return NGXL_HTTP_LIF;
        }
        if (ngxl_conf_name_is(d, "limit_except")) {
            return NGXL_HTTP_LMT;
        }
        break;

    case NGXL_STREAM_MAIN:
        if (ngxl_conf_name_is(d, "server")) {
            return NGXL_STREAM_SRV;
        }
        if (ngxl_conf_name_is(d, "upstream")) {
            return NGXL_STREAM_UPS;
        }
        break;

    case NGXL_MAIL_MAIN:
        if (ngxl_conf_name_is(d, "server")) {
            return NGXL_MAIL_SRV;
        }
        break;

    default:
        break;
    }

    return 0;
}


void
ngxl_conf_line_col(const ngxl_cfile_t *file, uint32_t off, uint32_t *line,
    uint32_t *col)
{
    size_t         n, lo, hi, mid;
    ngxl_cfile_t  *f;
    const char    *p, *last;

    f = (ngxl_cfile_t *) file;

    if (f->lines == NULL) {
        /* made once, on the first question: most files are never asked */

        n = 1;
        last = f->data + f->len;

        for (p = f->data; (p = memchr(p, '\n', (size_t) (last - p))); p++) {
            n++;
        }

        f->lines = malloc(n * sizeof(uint32_t));
        if (f->lines == NULL) {
            ngxl_oom();
        }

        f->lines[0] = 0;
        f->nlines = 1;

        for (p = f->data; (p = memchr(p, '\n', (size_t) (last - p))); p++) {
            f->lines[f->nlines++] = (uint32_t) (p + 1 - f->data);
        }
    }

    /* the last line that starts at or before OFF */

    lo = 0;
    hi = f->nlines;

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (f->lines[mid] <= off) {
            lo = mid;
        } else {
            hi = mid;
        }
    }

    *line = (uint32_t) lo + 1;
    *col = off - f->lines[lo] + 1;
}


uint32_t
ngxl_conf_inner_ctx(const ngxl_dir_t *d)
{
    if (!d->block || d->body != NGXL_BODY_DIRECTIVES) {
        return 0;
    }

    return ngxl_conf_child_ctx(d->ctx, (ngxl_dir_t *) d);
}


/* includes */

static int
ngxl_conf_active(ngxl_parser_t *ps, ngxl_cfile_t *file)
{
    size_t  i;

    for (i = 0; i < ps->active.n; i++) {
        if (ps->active.elts[i] == file) {
            return 1;
        }
    }

    return 0;
}


static void
ngxl_conf_include_one(ngxl_parser_t *ps, ngxl_dir_t *d, const char *path,
    int body)
{
    ngxl_tok_t    *arg;
    ngxl_inst_t   *inst;
    ngxl_cfile_t  *file;
    ngxl_conf_t   *conf;

    conf = ps->conf;
    arg = &d->args[1];

    file = ngxl_conf_file(ps, path);

    if (file->err) {
        ngxl_conf_file_error(ps, file, d);
        return;
    }

    if (file == d->inst->file || ngxl_conf_active(ps, file)) {
        ngxl_conf_error(conf, NGXL_CERR_INCLUDE, d->inst->file, d->line,
                        arg->col, arg->col + arg->len, d,
                        "include cycle: \"%s\" is already being included",
                        file->path);
        return;
    }

    if (ps->active.n >= NGXL_INCLUDE_DEPTH) {
        ngxl_conf_error(conf, NGXL_CERR_INCLUDE, d->inst->file, d->line,
                        arg->col, arg->col + arg->len, d,
                        "includes nested more than %d deep",
                        NGXL_INCLUDE_DEPTH);
        return;
    }

    if (conf->ninstances >= NGXL_MAX_INSTANCES) {
        ngxl_conf_error(conf, NGXL_CERR_INCLUDE, d->inst->file, d->line,
                        arg->col, arg->col + arg->len, d,
                        "more than %d included files", NGXL_MAX_INSTANCES);
        return;
    }

    inst = ngxl_palloc(&conf->pool, sizeof(ngxl_inst_t));
    inst->file = file;
    inst->included_by = d;
    inst->ctx = d->ctx;

    if (d->incl_last) {
        d->incl_last->next = inst;

    } else {
        d->incl = inst;
    }

    d->incl_last = inst;

    ngxl_vec_push(&conf->insts, inst);
    conf->ninstances++;

    ngxl_vec_push(&ps->active, d->inst->file);
    ngxl_conf_parse_inst(ps, inst, body);
    ps->active.n--;
}


static int
ngxl_conf_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char * const *) a, *(char * const *) b);
}


static void
ngxl_conf_include(ngxl_parser_t *ps, ngxl_dir_t *d, int body)
{
    int           rc;
    char         *path, **names;
    size_t        i, n;
    glob_t        gl;
    ngxl_tok_t   *arg;
    ngxl_conf_t  *conf;

    conf = ps->conf;
    arg = &d->args[1];

    if (memchr(arg->value, '\0', arg->vlen) != NULL) {
        ngxl_conf_error(conf, NGXL_CERR_INCLUDE, d->inst->file, d->line,
                        arg->col, arg->col + arg->len, d,
                        "include path has a NUL byte");
        return;
    }

    if (arg->vlen && arg->value[0] == '/') {
        path = ngxl_pstrndup(&conf->pool, arg->value, arg->vlen);

    } else {
        path = ngxl_psprintf(&conf->pool, "%s%.*s", conf->prefix,
                             (int) arg->vlen, arg->value);
    }

    if (strpbrk(path, "*?[") == NULL) {
        ngxl_conf_include_one(ps, d, path, body);
        return;
    }

    if (ps->dump) {
        names = malloc(ps->ndump * sizeof(char *));
        if (names == NULL) {
            ngxl_oom();
        }

        for (n = 0, i = 0; i < ps->ndump; i++) {
            if (fnmatch(path, ps->dump[i].path, FNM_PATHNAME | FNM_PERIOD)
                == 0)
            {
                names[n++] = (char *) ps->dump[i].path;
            }
        }

        qsort(names, n, sizeof(char *), ngxl_conf_cmp_str);

        for (i = 0; i < n; i++) {
            ngxl_conf_include_one(ps, d, names[i], body);
        }

        free(names);
        return;
    }

    rc = glob(path, 0, NULL, &gl);

    if (rc == GLOB_NOMATCH) {
        return;
    }

    if (rc != 0) {
        ngxl_conf_error(conf, NGXL_CERR_INCLUDE, d->inst->file, d->line,
                        arg->col, arg->col + arg->len, d,
                        "glob() \"%s\" failed", path);
        return;
    }

    for (i = 0; i < gl.gl_pathc; i++) {
        ngxl_conf_include_one(ps, d, gl.gl_pathv[i], body);
    }

    globfree(&gl);
}


/* FILE could not be read: at the include D, or (D NULL) the main file */

static void
ngxl_conf_file_error(ngxl_parser_t *ps, ngxl_cfile_t *file, ngxl_dir_t *d)
{
    uint32_t       line, col, end_col;
    ngxl_cfile_t  *in;

    in = file;
    line = 0;
    col = 0;
    end_col = 0;

    if (d) {
        in = d->inst->file;
        line = d->line;
        col = d->args[1].col;
        end_col = d->args[1].col + d->args[1].len;
    }

    if (file->err == NGXL_ENOTREG) {
        /* nginx would block on a FIFO, or read a device as empty */
        ngxl_conf_error(ps->conf, NGXL_CERR_INCLUDE, in, line, col, end_col,
                        d, "\"%s\" is not a regular file: not read",
                        file->path);
        return;
    }

    ngxl_conf_error(ps->conf, NGXL_CERR_INCLUDE, in, line, col, end_col, d,
                    "open() \"%s\" failed (%d: %s)", file->path, file->err,
                    strerror(file->err));
}


/* files: each read once */

static ngxl_cfile_t *
ngxl_conf_file(ngxl_parser_t *ps, const char *path)
{
    char          *key;
    size_t         i, max;
    ngxl_buf_t     buf;
    struct stat    st;
    ngxl_conf_t   *conf;
    ngxl_cfile_t  *f;

    conf = ps->conf;

    f = ngxl_hmap_get(&conf->file_index, path, strlen(path));
    if (f) {
        return f;
    }

    /*
     * another spelling of a file already read is that file: a cycle through
     * "./a.conf" is seen at once (nginx, which has no cycle check, recurses
     * until it runs out of file descriptors or stack), and the fixes edit
     * one text, written once
     */

    key = NULL;

    if (!ps->dump && stat(path, &st) == 0) {
        key = ngxl_psprintf(&conf->pool, "%ju:%ju", (uintmax_t) st.st_dev,
                            (uintmax_t) st.st_ino);

        f = ngxl_hmap_get(&conf->inode_index, key, strlen(key));
        if (f) {
            ngxl_hmap_put(&conf->file_index,
                          ngxl_pstrndup(&conf->pool, path, strlen(path)),
                          strlen(path), f);
            return f;
        }
    }

    f = ngxl_palloc(&conf->pool, sizeof(ngxl_cfile_t));
    f->path = ngxl_pstrndup(&conf->pool, path, strlen(path));

    ngxl_vec_push(&conf->files, f);
    ngxl_hmap_put(&conf->file_index, f->path, strlen(f->path), f);

    if (key) {
        ngxl_hmap_put(&conf->inode_index, key, strlen(key), f);
    }

    for (i = 0; i < ps->opts->noverrides; i++) {
        if (strcmp(ps->opts->overrides[i].path, path) == 0) {
            f->dumped = 1;
            f->data = (char *) ps->opts->overrides[i].data;
            f->len = ps->opts->overrides[i].len;
            return f;
        }
    }

    if (ps->dump) {
        f->dumped = 1;

        for (i = 0; i < ps->ndump; i++) {
            if (strcmp(ps->dump[i].path, path) == 0) {
                f->data = (char *) ps->dump[i].data;
                f->len = ps->dump[i].len;
                return f;
            }
        }

        f->err = ENOENT;
        f->data = (char *) "";
        return f;
    }

    max = ps->opts->max_file ? ps->opts->max_file : NGXL_DEFAULT_MAX_FILE;

    if (max > UINT32_MAX - 1) {
        max = UINT32_MAX - 1;
    }

    if (ngxl_read_file(path, max, &buf) != NGXL_OK) {
        f->err = errno ? errno : EIO;
        f->dumped = 1;
        f->data = (char *) "";
        return f;
    }

    f->data = buf.data ? buf.data : strdup("");
    f->len = buf.len;

    if (f->data == NULL) {
        ngxl_oom();
    }

    return f;
}
