/*
 * sameconf BEFORE AFTER NGINX-VERSION
 *
 * Compares the effective configuration of every location of two versions
 * of a configuration, and prints each difference that a keepalive fix is
 * not meant to make.  Exit 0: only intended differences; 1: others; 2: an
 * input does not parse.
 *
 * Effective means with nginx's inheritance and defaults applied:
 *   - every directive a location inherits or sets (array-like ones as the
 *     whole level that takes effect);
 *   - proxy_pass as the servers it reaches (an upstream's server lines, or
 *     the literal address), not as the name it uses;
 *   - the Host header as sent ($proxy_host when not set), the default
 *     proxy_redirect spelled out, proxy_ssl_name's default.
 * Intended: proxy_http_version to 1.1, Connection to "", fastcgi_keep_conn
 * to on, an upstream's keepalive, and the new upstream of a literal address.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/model.h"


typedef struct {
    ngxl_conf_t    conf;
    ngxl_model_t   model;
    ngxl_vec_t     lines;       /* "KEY\tNAME\tVALUE" strings */
} side_t;


static char *
dir_args(const ngxl_dir_t *d, uint32_t from)
{
    uint32_t    i;
    ngxl_buf_t  b;

    ngxl_buf_init(&b);

    for (i = from; i < d->nargs; i++) {
        if (i > from) {
            ngxl_buf_addc(&b, ' ');
        }
        ngxl_buf_add(&b, d->args[i].value, d->args[i].vlen);
    }

    if (b.data == NULL) {
        ngxl_buf_adds(&b, "");
    }

    return b.data;
}


static void
add(side_t *s, const char *key, const char *name, const char *value)
{
    size_t  n;
    char   *line;

    n = strlen(key) + strlen(name) + strlen(value) + 3;
    line = malloc(n);
    if (line == NULL) {
        abort();
    }

    snprintf(line, n, "%s\t%s\t%s", key, name, value);
    ngxl_vec_push(&s->lines, line);
}


/* "server#1 > location /api/ > if ($x)" */

static char *
block_key(const ngxl_model_t *m, const ngxl_mblock_t *b)
{
    char                 *outer, *name, *key;
    size_t                i, n;
    const ngxl_mblock_t  *p;

    if (b->parent == NULL) {
        return strdup("main");
    }

    outer = block_key(m, b->parent);

    if (b->ctx == NGXL_HTTP_SRV) {
        /* servers by their position among the http servers */
        n = 0;
        for (i = 0; i < b->parent->blocks.n; i++) {
            p = b->parent->blocks.elts[i];
            if (p == b) {
                break;
            }
            if (p->ctx == NGXL_HTTP_SRV) {
                n++;
            }
        }
        name = malloc(32);
        snprintf(name, 32, "server#%zu", n);

    } else {
        name = ngxl_model_block_name((ngxl_pool_t *) &m->pool, b);
        name = strdup(name);
    }

    n = strlen(outer) + strlen(name) + 4;
    key = malloc(n);
    snprintf(key, n, "%s > %s", outer, name);

    free(outer);
    free(name);

    return key;
}


static int
is_name(const ngxl_dir_t *d, const char *n)
{
    return ngxl_dir_is(d, n);
}


/* where a pass goes: the servers of its upstream(s), or its address */

static char *
pass_servers(const ngxl_pass_t *p)
{
    size_t             i, k;
    ngxl_buf_t         b;
    ngxl_upstream_t   *u;
    const ngxl_dir_t  *d;

    ngxl_buf_init(&b);
    ngxl_buf_printf(&b, "%s ", ngxl_pass_name(p->kind));

    if (p->resolution == NGXL_TARGET_UPSTREAM) {
        for (i = 0; i < p->targets.n; i++) {
            u = p->targets.elts[i];

            for (k = 0; k < u->block->dirs.n; k++) {
                d = u->block->dirs.elts[k];

                if (is_name(d, "server")) {
                    char  *a = dir_args(d, 1);
                    int    port = strncmp(d->args[1].value, "unix:", 5) == 0
                                  || memchr(d->args[1].value, ':',
                                            d->args[1].vlen) != NULL;
                    /* the address with nginx's default port */
                    ngxl_buf_printf(&b, "[%.*s%s%s]", (int) d->args[1].vlen,
                                    d->args[1].value, port ? "" : ":80",
                                    a + d->args[1].vlen);
                    free(a);
                }
            }
        }

    } else if (p->unix_sock) {
        ngxl_buf_printf(&b, "[%s]", p->host);

    } else {
        ngxl_buf_printf(&b, "[%s:%u]", p->host, p->port ? p->port
                        : strcasecmp(p->scheme, "https") == 0 ? 443u : 80u);
    }

    ngxl_buf_printf(&b, " uri=%s", p->uri);

    return b.data;
}


/* $proxy_host: the target as written, the default port left out */

static char *
proxy_host(const ngxl_pass_t *p)
{
    char      *s;
    unsigned   dflt;

    dflt = strcasecmp(p->scheme, "https") == 0 ? 443 : 80;
    s = malloc(strlen(p->host) + 16);

    if (p->port && p->port != dflt) {
        sprintf(s, "%s:%u", p->host, p->port);
    } else {
        strcpy(s, p->host);
    }

    return s;
}


static const ngxl_pass_t *
block_pass(const ngxl_model_t *m, const ngxl_mblock_t *b)
{
    size_t        i;
    ngxl_pass_t  *p;

    for (i = 0; i < m->passes.n; i++) {
        p = m->passes.elts[i];

        if (p->block == b) {
            return p;
        }
    }

    return NULL;
}


static void
effective(side_t *s, const ngxl_mblock_t *b, const char *key)
{
    size_t                i, k;
    char                 *v, *host;
    ngxl_vec_t            names, vals;
    const ngxl_pass_t    *p;
    const ngxl_dir_t     *d;
    const ngxl_mblock_t  *up;
    int                   seen, has_host, redirect_default;

    /* every directive name any enclosing level uses */

    memset(&names, 0, sizeof(ngxl_vec_t));

    for (up = b; up; up = up->parent) {
        for (i = 0; i < up->dirs.n; i++) {
            d = up->dirs.elts[i];

            if (d->block) {
                continue;
            }

            seen = 0;
            for (k = 0; k < names.n; k++) {
                if (ngxl_dir_is(d, names.elts[k])) {
                    seen = 1;
                    break;
                }
            }

            if (!seen) {
                ngxl_vec_push(&names, ngxl_pstrndup(&s->model.pool,
                              d->args[0].value, d->args[0].vlen));
            }
        }
    }

    p = block_pass(&s->model, b);
    has_host = 0;
    redirect_default = 1;

    for (k = 0; k < names.n; k++) {
        const char  *name = names.elts[k];

        memset(&vals, 0, sizeof(ngxl_vec_t));
        ngxl_model_effective(b, name, &vals);

        for (i = 0; i < vals.n; i++) {
            d = vals.elts[i];
            v = dir_args(d, 1);

            if (strcmp(name, "proxy_pass") == 0 || strcmp(name, "fastcgi_pass")
                == 0 || strcmp(name, "grpc_pass") == 0)
            {
                free(v);
                continue;       /* compared as the servers it reaches */
            }

            if (strcmp(name, "proxy_set_header") == 0 && d->nargs == 3) {
                if (strncasecmp(d->args[1].value, "connection", 10) == 0
                    && d->args[1].vlen == 10)
                {
                    add(s, key, "intended:connection", v);
                    free(v);
                    continue;
                }

                if (strncasecmp(d->args[1].value, "host", 4) == 0
                    && d->args[1].vlen == 4)
                {
                    has_host = 1;
                }
            }

            if (strcmp(name, "proxy_redirect") == 0
                && !ngxl_dir_arg_is(d, 1, "default"))
            {
                redirect_default = 0;
            }

            if (strcmp(name, "proxy_http_version") == 0
                || strcmp(name, "fastcgi_keep_conn") == 0)
            {
                add(s, key, "intended:", name);
                free(v);
                continue;
            }

            if (strcmp(name, "proxy_redirect") == 0
                || strcmp(name, "proxy_ssl_name") == 0)
            {
                add(s, key, name, v);
                free(v);
                continue;
            }

            add(s, key, name, v);
            free(v);
        }

        ngxl_vec_free(&vals);
    }

    if (p && p->kind == NGXL_PASS_PROXY) {
        v = pass_servers(p);
        add(s, key, "pass", v);
        free(v);

        host = proxy_host(p);

        if (!has_host && p->resolution != NGXL_TARGET_UNRESOLVED) {
            /* the Host nginx sends by default: the target as written */
            v = malloc(strlen(host) + 8);
            sprintf(v, "Host %s", host);
            add(s, key, "proxy_set_header", v);
            free(v);
        }

        if (redirect_default && p->resolution != NGXL_TARGET_UNRESOLVED
            && p->location->dir)
        {
            /* the default, spelled out as nginx computes it */
            const ngxl_dir_t  *l = p->location->dir;
            const ngxl_tok_t  *t = &l->args[l->nargs - 1];

            v = malloc(strlen(host) + strlen(p->uri) + t->vlen + 64);
            sprintf(v, "%s://%s%s %.*s", p->scheme, host,
                    p->uri[0] ? p->uri : "/",
                    p->uri[0] ? (int) t->vlen : 1,
                    p->uri[0] ? t->value : "/");
            add(s, key, "proxy_redirect", v);
            free(v);
        }

        free(host);

    } else if (p) {
        v = pass_servers(p);
        add(s, key, "pass", v);
        free(v);
    }

    ngxl_vec_free(&names);
}


static int
load(side_t *s, const char *path)
{
    size_t              i;
    char               *key;
    ngxl_mblock_t      *b;
    ngxl_conf_opts_t    opts;

    memset(&opts, 0, sizeof(opts));
    memset(s, 0, sizeof(side_t));

    if (ngxl_conf_parse(&s->conf, path, &opts) != NGXL_OK
        || ngxl_conf_first_error(&s->conf, NGXL_CERR_SYNTAX) != NULL)
    {
        fprintf(stderr, "sameconf: %s does not parse\n", path);
        return -1;
    }

    ngxl_model_build(&s->model, &s->conf);

    for (i = 0; i < s->model.blocks.n; i++) {
        b = s->model.blocks.elts[i];

        if (b->ctx != NGXL_HTTP_LOC && b->ctx != NGXL_HTTP_LIF
            && b->ctx != NGXL_HTTP_LMT && b->ctx != NGXL_HTTP_SRV)
        {
            continue;
        }

        key = block_key(&s->model, b);
        effective(s, b, key);
        free(key);
    }

    return 0;
}


static int
has_line(const side_t *s, const char *line)
{
    size_t  i;

    for (i = 0; i < s->lines.n; i++) {
        if (strcmp(s->lines.elts[i], line) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
drop(side_t *s)
{
    size_t  i;

    for (i = 0; i < s->lines.n; i++) {
        free(s->lines.elts[i]);
    }

    ngxl_vec_free(&s->lines);
    ngxl_model_free(&s->model);
    ngxl_conf_free(&s->conf);
}


int
main(int argc, char **argv)
{
    int     bad;
    size_t  i;
    side_t  before, after;

    if (argc != 3) {
        fprintf(stderr, "usage: sameconf BEFORE AFTER\n");
        return 2;
    }

    if (load(&before, argv[1]) != 0 || load(&after, argv[2]) != 0) {
        /* a tool of the tests: what it read goes with the process */
        return 2;
    }

    bad = 0;

    for (i = 0; i < before.lines.n; i++) {
        const char  *l = before.lines.elts[i];

        if (strstr(l, "\tintended:") == NULL && !has_line(&after, l)) {
            printf("lost:  %s\n", l);
            bad = 1;
        }
    }

    for (i = 0; i < after.lines.n; i++) {
        const char  *l = after.lines.elts[i];

        if (strstr(l, "\tintended:") == NULL && !has_line(&before, l)) {
            /* an explicit redirect or Host that spells out a default */
            printf("added: %s\n", l);
            bad = 1;
        }
    }

    drop(&before);
    drop(&after);

    return bad;
}
