/*
 * ngxlint: what a fix may change, and what it must keep (see same.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "same.h"


static char *
ngxl_same_dir_args(const ngxl_dir_t *d, uint32_t from)
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
ngxl_same_add(ngxl_same_t *s, const char *key, const char *name, const char *value)
{
    size_t  n;
    char   *line;

    n = strlen(key) + strlen(name) + strlen(value) + 3;
    line = malloc(n);
    if (line == NULL) {
        ngxl_oom();
    }

    snprintf(line, n, "%s\t%s\t%s", key, name, value);
    ngxl_vec_push(&s->lines, line);
}


/* "server#1 > location /api/ > if ($x)" */

static char *
ngxl_same_block_key(const ngxl_model_t *m, const ngxl_mblock_t *b)
{
    char                 *outer, *name, *key;
    size_t                i, n;
    const ngxl_mblock_t  *p;

    if (b->parent == NULL) {
        return strdup("main");
    }

    outer = ngxl_same_block_key(m, b->parent);

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
ngxl_same_is_name(const ngxl_dir_t *d, const char *n)
{
    return ngxl_dir_is(d, n);
}


/* where a pass goes: the servers of its upstream(s), or its address */

static char *
ngxl_same_pass_servers(const ngxl_pass_t *p)
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

                if (ngxl_same_is_name(d, "server")) {
                    char  *a = ngxl_same_dir_args(d, 1);
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
ngxl_same_proxy_host(const ngxl_pass_t *p)
{
    char      *s;
    unsigned   dflt;

    dflt = strcasecmp(p->scheme, "https") == 0 ? 443 : 80;
    s = malloc(strlen(p->host) + 16);
    if (s == NULL) {
        ngxl_oom();
    }

    if (p->port && p->port != dflt) {
        snprintf(s, strlen(p->host) + 16, "%s:%u", p->host, p->port);
    } else {
        strcpy(s, p->host);
    }

    return s;
}


/* V with each $proxy_host and ${proxy_host} replaced by HOST (malloc'd) */

static char *
ngxl_same_subst_proxy_host(const char *v, const char *host)
{
    ngxl_buf_t  b;

    ngxl_buf_init(&b);

    while (*v) {
        if (strncmp(v, "${proxy_host}", 13) == 0) {
            ngxl_buf_adds(&b, host);
            v += 13;

        } else if (strncmp(v, "$proxy_host", 11) == 0) {
            ngxl_buf_adds(&b, host);
            v += 11;

        } else {
            ngxl_buf_addc(&b, *v++);
        }
    }

    ngxl_buf_addc(&b, '\0');

    return b.data;
}


/*
 * a setting of a module that passes requests on (proxy_*, fastcgi_* ...)
 * other than the one P's requests take (P NULL: none): it does nothing there
 */

static int
ngxl_same_idle_setting(const char *name, const ngxl_pass_t *p)
{
    size_t             i, n;
    static const char *mods[] = { "proxy_", "fastcgi_", "grpc_", "uwsgi_",
                                  "scgi_", "memcached_", NULL };

    for (i = 0; mods[i]; i++) {
        n = strlen(mods[i]);

        if (strncmp(name, mods[i], n) == 0) {
            return p == NULL || strncmp(ngxl_pass_name(p->kind), mods[i], n)
                                != 0;
        }
    }

    return 0;
}


/*
 * the proxy_redirect "default" of P, as nginx computes it from the URL as
 * written: "URL/ /" when proxy_pass has no URI, else "URL LOCATION"
 */

static char *
ngxl_same_redirect_default(const ngxl_pass_t *p)
{
    size_t              n;
    const char         *name;
    ngxl_buf_t          line;
    const ngxl_tok_t   *url;

    if (p == NULL || p->kind != NGXL_PASS_PROXY || p->variables
        || p->resolution == NGXL_TARGET_UNRESOLVED || p->location->dir == NULL)
    {
        return NULL;
    }

    url = &p->dir->args[1];

    ngxl_buf_init(&line);
    ngxl_buf_add(&line, url->value, url->vlen);

    if (p->uri[0]) {
        name = ngxl_model_location_name(p->location->dir, &n);
        ngxl_buf_adds(&line, " ");
        ngxl_buf_add(&line, name, n);

    } else {
        ngxl_buf_adds(&line, "/ /");
    }

    ngxl_buf_addc(&line, '\0');

    return line.data;
}


/*
 * the redirects of B's proxy_pass: the directives of the level nginx's
 * merge takes them from ("default": computed from the pass at that level,
 * "off": none), or the default of the pass it inherits (lib/model)
 */

static void
ngxl_same_redirects(ngxl_same_t *s, const ngxl_mblock_t *b, const char *key)
{
    size_t              i;
    char               *v;
    ngxl_vec_t          vals;
    ngxl_mblock_t      *level;
    const ngxl_dir_t   *d;
    const ngxl_pass_t  *dflt;

    memset(&vals, 0, sizeof(ngxl_vec_t));
    level = ngxl_model_redirect(&s->model, b, &vals, &dflt);

    if (level == NULL) {
        v = ngxl_same_redirect_default(dflt);
        if (v) {
            ngxl_same_add(s, key, "proxy_redirect", v);
            free(v);
        }
        return;
    }

    for (i = 0; i < vals.n; i++) {
        d = vals.elts[i];

        if (ngxl_dir_arg_is(d, 1, "off")) {
            break;
        }

        v = (d->nargs == 2 && ngxl_dir_arg_is(d, 1, "default"))
            ? ngxl_same_redirect_default(dflt) : ngxl_same_dir_args(d, 1);
        if (v) {
            ngxl_same_add(s, key, "proxy_redirect", v);
            free(v);
        }
    }

    ngxl_vec_free(&vals);
}


static void
ngxl_same_effective(ngxl_same_t *s, const ngxl_mblock_t *b, const char *key)
{
    size_t                i, k;
    char                 *v, *t, *host;
    ngxl_vec_t            names, vals;
    const ngxl_pass_t    *p;
    const ngxl_dir_t     *d;
    const ngxl_mblock_t  *up;
    int                   seen, has_host, has_ssl_name;
    ngxl_buf_t            line;

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

    p = ngxl_model_block_pass(&s->model, b, -1);
    has_host = 0;
    has_ssl_name = 0;

    for (k = 0; k < names.n; k++) {
        const char  *name = names.elts[k];

        if (ngxl_same_idle_setting(name, p)) {
            /*
             * a block that passes nowhere, or elsewhere: its proxy_*
             * settings do nothing
             */
            continue;
        }

        memset(&vals, 0, sizeof(ngxl_vec_t));
        ngxl_model_effective(b, name, &vals);

        for (i = 0; i < vals.n; i++) {
            d = vals.elts[i];
            v = ngxl_same_dir_args(d, 1);

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
                    ngxl_same_add(s, key, "intended:connection", v);
                    free(v);
                    continue;
                }

                if (strncasecmp(d->args[1].value, "host", 4) == 0
                    && d->args[1].vlen == 4)
                {
                    if (ngxl_dir_arg_is(d, 2, "$proxy_host")) {
                        /* the default, spelled out: compared as it */
                        free(v);
                        continue;
                    }

                    has_host = 1;
                }
            }

            if (strcmp(name, "proxy_redirect") == 0) {
                free(v);
                break;          /* below, as nginx merges it */
            }

            if (strcmp(name, "proxy_ssl_name") == 0) {
                if (p == NULL || strcasecmp(p->scheme, "https") != 0) {
                    free(v);
                    continue;       /* no TLS to name */
                }

                if (ngxl_dir_arg_is(d, 1, "$proxy_host")) {
                    free(v);
                    continue;       /* the default, spelled out */
                }
            }

            if (strcmp(name, "proxy_http_version") == 0
                || strcmp(name, "fastcgi_keep_conn") == 0
                || strcmp(name, "var_index") == 0
                || strcmp(name, "lua_kong_load_var_index") == 0)
            {
                ngxl_same_add(s, key, "intended:", name);
                free(v);
                continue;
            }

            if (strcmp(name, "proxy_ssl_name") == 0) {
                has_ssl_name = 1;
            }

            if (p && p->kind == NGXL_PASS_PROXY && !p->variables
                && p->resolution != NGXL_TARGET_UNRESOLVED
                && strstr(v, "proxy_host") != NULL)
            {
                /* $proxy_host is the target as written */
                host = ngxl_same_proxy_host(p);
                t = ngxl_same_subst_proxy_host(v, host);
                free(host);
                free(v);
                v = t;
            }

            ngxl_same_add(s, key, name, v);
            free(v);
        }

        ngxl_vec_free(&vals);
    }

    if (p && p->kind == NGXL_PASS_PROXY) {
        v = ngxl_same_pass_servers(p);
        ngxl_same_add(s, key, "pass", v);
        free(v);

        host = ngxl_same_proxy_host(p);

        if (!has_host && p->resolution != NGXL_TARGET_UNRESOLVED) {
            /* the Host nginx sends by default: the target as written */
            ngxl_buf_init(&line);
            ngxl_buf_printf(&line, "Host %s", host);
            ngxl_same_add(s, key, "proxy_set_header", line.data);
            ngxl_buf_free(&line);
        }

        ngxl_same_redirects(s, b, key);

        d = ngxl_model_value(b, "proxy_cache");

        if (d && !ngxl_dir_arg_is(d, 1, "off")
            && ngxl_model_value(b, "proxy_cache_key") == NULL
            && p->resolution != NGXL_TARGET_UNRESOLVED)
        {
            /* the default key: $scheme$proxy_host$request_uri */
            ngxl_buf_init(&line);
            ngxl_buf_printf(&line, "$scheme%s$request_uri", host);
            ngxl_same_add(s, key, "proxy_cache_key", line.data);
            ngxl_buf_free(&line);
        }

        if (!has_ssl_name && p->resolution != NGXL_TARGET_UNRESOLVED
            && strcasecmp(p->scheme, "https") == 0)
        {
            /* the TLS name by default: $proxy_host, its port stripped */
            ngxl_same_add(s, key, "proxy_ssl_name", p->host);
        }

        free(host);

    } else if (p) {
        v = ngxl_same_pass_servers(p);
        ngxl_same_add(s, key, "pass", v);
        free(v);
    }

    ngxl_vec_free(&names);
}


int
ngxl_same_load(ngxl_same_t *s, const char *path, const ngxl_conf_opts_t *opts)
{
    size_t              i;
    char               *key;
    ngxl_mblock_t      *b;

    memset(s, 0, sizeof(ngxl_same_t));

    if (ngxl_conf_parse(&s->conf, path, opts) != NGXL_OK
        || ngxl_conf_first_error(&s->conf, NGXL_CERR_SYNTAX) != NULL)
    {
        return NGXL_ERROR;
    }

    ngxl_model_build(&s->model, &s->conf);

    for (i = 0; i < s->model.blocks.n; i++) {
        b = s->model.blocks.elts[i];

        if (b->ctx != NGXL_HTTP_LOC && b->ctx != NGXL_HTTP_LIF
            && b->ctx != NGXL_HTTP_LMT && b->ctx != NGXL_HTTP_SRV)
        {
            continue;
        }

        key = ngxl_same_block_key(&s->model, b);
        ngxl_same_effective(s, b, key);
        free(key);
    }

    return NGXL_OK;
}


/* the lines of A not in B, each into REPORT after WHAT */

static size_t
ngxl_same_missing(const ngxl_same_t *a, const ngxl_same_t *b,
    const char *what, ngxl_vec_t *report)
{
    char        *r;
    size_t       i, n, len;
    ngxl_hmap_t  in_b;
    const char  *l;

    /* B's lines by their text: large configurations have millions */

    ngxl_hmap_init(&in_b, 0);

    for (i = 0; i < b->lines.n; i++) {
        l = b->lines.elts[i];
        ngxl_hmap_put(&in_b, l, strlen(l), (void *) l);
    }

    n = 0;

    for (i = 0; i < a->lines.n; i++) {
        l = a->lines.elts[i];

        if (strstr(l, "\tintended:") != NULL
            || ngxl_hmap_get(&in_b, l, strlen(l)) != NULL)
        {
            continue;
        }

        len = strlen(what) + strlen(l) + 1;
        r = malloc(len);
        if (r == NULL) {
            ngxl_oom();
        }

        snprintf(r, len, "%s%s", what, l);
        ngxl_vec_push(report, r);
        n++;
    }

    ngxl_hmap_free(&in_b);

    return n;
}


size_t
ngxl_same_diff(const ngxl_same_t *before, const ngxl_same_t *after,
    ngxl_vec_t *report)
{
    /* an explicit redirect or Host that spells out a default is "added" */

    return ngxl_same_missing(before, after, "lost:  ", report)
           + ngxl_same_missing(after, before, "added: ", report);
}


void
ngxl_same_free(ngxl_same_t *s)
{
    size_t  i;

    for (i = 0; i < s->lines.n; i++) {
        free(s->lines.elts[i]);
    }

    ngxl_vec_free(&s->lines);
    ngxl_model_free(&s->model);
    ngxl_conf_free(&s->conf);
}
