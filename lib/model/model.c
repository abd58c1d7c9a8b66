/*
 * ngxlint: building the semantic model.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"


static void ngxl_model_walk(ngxl_model_t *m, ngxl_mblock_t *b,
    const ngxl_dir_t *first);
static void ngxl_model_pass(ngxl_model_t *m, ngxl_mblock_t *b,
    const ngxl_dir_t *d, ngxl_pass_kind_t kind);
static void ngxl_model_index(ngxl_model_t *m, ngxl_mblock_t *b);


int
ngxl_dir_is(const ngxl_dir_t *d, const char *name)
{
    size_t  n;

    if (d->kind != NGXL_NODE_DIRECTIVE) {
        return 0;
    }

    n = strlen(name);

    return d->args[0].vlen == n && memcmp(d->args[0].value, name, n) == 0;
}


int
ngxl_dir_arg_is(const ngxl_dir_t *d, uint32_t i, const char *s)
{
    size_t  n;

    n = strlen(s);

    return i < d->nargs && d->args[i].vlen == n
           && memcmp(d->args[i].value, s, n) == 0;
}


static ngxl_mblock_t *
ngxl_model_block(ngxl_model_t *m, ngxl_mblock_t *parent, const ngxl_dir_t *d,
    uint32_t ctx)
{
    ngxl_mblock_t  *b;

    b = ngxl_palloc(&m->pool, sizeof(ngxl_mblock_t));
    b->dir = d;
    b->ctx = ctx;
    b->parent = parent;

    if (parent) {
        ngxl_vec_push(&parent->blocks, b);
    }

    ngxl_vec_push(&m->blocks, b);

    return b;
}


void
ngxl_model_build(ngxl_model_t *m, const ngxl_conf_t *conf)
{
    size_t            i, k;
    ngxl_mblock_t    *b;
    ngxl_upstream_t  *u;
    ngxl_pass_t      *p;

    memset(m, 0, sizeof(ngxl_model_t));
    ngxl_pool_init(&m->pool);
    ngxl_hmap_init(&m->upstream_index, 1);
    ngxl_hmap_init(&m->map_index, 1);
    m->conf = conf;

    m->root = ngxl_model_block(m, NULL, NULL,
                               conf->main ? conf->main->ctx : NGXL_MAIN);

    if (conf->main) {
        ngxl_model_walk(m, m->root, conf->main->child);
    }

    /* upstreams first, then what the pass directives name */

    for (i = 0; i < m->blocks.n; i++) {
        b = m->blocks.elts[i];

        if (b->dir && ngxl_dir_is(b->dir, "upstream")
            && b->ctx == NGXL_HTTP_UPS && b->dir->nargs >= 2)
        {
            u = ngxl_palloc(&m->pool, sizeof(ngxl_upstream_t));
            u->dir = b->dir;
            u->block = b;
            u->name = b->dir->args[1].value;
            u->len = b->dir->args[1].vlen;

            for (k = 0; k < b->dirs.n; k++) {
                const ngxl_dir_t  *d = b->dirs.elts[k];

                if (ngxl_dir_is(d, "keepalive") && u->keepalive == NULL) {
                    u->keepalive = d;

                } else if (ngxl_dir_is(d, "hash")
                           || ngxl_dir_is(d, "ip_hash")
                           || ngxl_dir_is(d, "least_conn")
                           || ngxl_dir_is(d, "random")
                           || ngxl_dir_is(d, "least_time"))
                {
                    u->balancer = d;

                } else if (ngxl_dir_is(d, "server")) {
                    u->last_server = d;
                }
            }

            ngxl_vec_push(&m->upstreams, u);

            /* the first of a name wins, as nginx's duplicate check does */
            if (ngxl_hmap_get(&m->upstream_index, u->name, u->len) == NULL) {
                ngxl_hmap_put(&m->upstream_index, u->name, u->len, u);
            }
        }

        if (b->dir && ngxl_dir_is(b->dir, "map") && b->dir->nargs == 3
            && b->dir->ctx == NGXL_HTTP_MAIN)
        {
            ngxl_vec_push(&m->maps, b);

            if (b->dir->args[2].vlen > 1 && b->dir->args[2].value[0] == '$') {
                ngxl_hmap_put(&m->map_index, b->dir->args[2].value + 1,
                              b->dir->args[2].vlen - 1, b);
            }
        }

        ngxl_model_index(m, b);
    }

    for (i = 0; i < m->blocks.n; i++) {
        b = m->blocks.elts[i];

        if (b->ctx != NGXL_HTTP_LOC && b->ctx != NGXL_HTTP_LIF
            && b->ctx != NGXL_HTTP_LMT)
        {
            continue;
        }

        for (k = 0; k < b->dirs.n; k++) {
            const ngxl_dir_t  *d = b->dirs.elts[k];

            if (ngxl_dir_is(d, "proxy_pass")) {
                ngxl_model_pass(m, b, d, NGXL_PASS_PROXY);
            } else if (ngxl_dir_is(d, "fastcgi_pass")) {
                ngxl_model_pass(m, b, d, NGXL_PASS_FASTCGI);
            } else if (ngxl_dir_is(d, "grpc_pass")) {
                ngxl_model_pass(m, b, d, NGXL_PASS_GRPC);
            } else if (ngxl_dir_is(d, "uwsgi_pass")) {
                ngxl_model_pass(m, b, d, NGXL_PASS_UWSGI);
            } else if (ngxl_dir_is(d, "scgi_pass")) {
                ngxl_model_pass(m, b, d, NGXL_PASS_SCGI);
            } else if (ngxl_dir_is(d, "memcached_pass")) {
                ngxl_model_pass(m, b, d, NGXL_PASS_MEMCACHED);
            }
        }
    }

    for (i = 0; i < m->passes.n; i++) {
        p = m->passes.elts[i];

        for (k = 0; k < p->targets.n; k++) {
            u = p->targets.elts[k];
            u->used = 1;
            ngxl_vec_push(&u->users, p);
        }
    }
}


/* levels with many directives get an index by name */

#define NGXL_MODEL_INDEX_FROM  16

static void
ngxl_model_index(ngxl_model_t *m, ngxl_mblock_t *b)
{
    size_t             i;
    ngxl_vec_t        *v;
    const ngxl_dir_t  *d;

    ngxl_hmap_init(&b->index, 0);

    if (b->dirs.n < NGXL_MODEL_INDEX_FROM) {
        return;
    }

    for (i = 0; i < b->dirs.n; i++) {
        d = b->dirs.elts[i];

        v = ngxl_hmap_get(&b->index, d->args[0].value, d->args[0].vlen);

        if (v == NULL) {
            v = ngxl_palloc(&m->pool, sizeof(ngxl_vec_t));
            ngxl_hmap_put(&b->index, d->args[0].value, d->args[0].vlen, v);
        }

        ngxl_vec_push(v, (void *) d);
    }
}


void
ngxl_model_free(ngxl_model_t *m)
{
    size_t            i, k;
    ngxl_mblock_t    *b;
    ngxl_pass_t      *p;
    ngxl_upstream_t  *u;

    for (i = 0; i < m->blocks.n; i++) {
        b = m->blocks.elts[i];
        ngxl_vec_free(&b->dirs);
        ngxl_vec_free(&b->blocks);

        for (k = 0; k < b->index.cap; k++) {
            if (b->index.slots[k].key) {
                ngxl_vec_free(b->index.slots[k].value);
            }
        }

        ngxl_hmap_free(&b->index);
    }

    for (i = 0; i < m->passes.n; i++) {
        p = m->passes.elts[i];
        ngxl_vec_free(&p->targets);
    }

    for (i = 0; i < m->upstreams.n; i++) {
        u = m->upstreams.elts[i];
        ngxl_vec_free(&u->users);
    }

    ngxl_hmap_free(&m->upstream_index);
    ngxl_hmap_free(&m->map_index);

    ngxl_vec_free(&m->blocks);
    ngxl_vec_free(&m->upstreams);
    ngxl_vec_free(&m->passes);
    ngxl_vec_free(&m->maps);
    ngxl_pool_free(&m->pool);
}


/* the directives of one level, includes expanded in place */

static void
ngxl_model_walk(ngxl_model_t *m, ngxl_mblock_t *b, const ngxl_dir_t *first)
{
    uint32_t            ctx;
    ngxl_mblock_t      *child;
    const ngxl_dir_t   *d;
    const ngxl_inst_t  *in;

    for (d = first; d; d = d->next) {

        if (d->kind != NGXL_NODE_DIRECTIVE) {
            continue;
        }

        if (d->incl) {
            for (in = d->incl; in; in = in->next) {
                ngxl_model_walk(m, b, in->child);
            }
            continue;
        }

        ngxl_vec_push(&b->dirs, (void *) d);

        if (!d->block || d->body == NGXL_BODY_LUA) {
            continue;
        }

        ctx = ngxl_conf_inner_ctx(d);
        child = ngxl_model_block(m, b, d, ctx);

        ngxl_model_walk(m, child, d->child);
    }
}


ngxl_mblock_t *
ngxl_model_effective(const ngxl_mblock_t *b, const char *name,
    ngxl_vec_t *out)
{
    size_t             i;
    int                found;
    const ngxl_dir_t  *d;

    for ( /* void */ ; b; b = b->parent) {
        found = 0;

        if (b->index.cap) {
            ngxl_vec_t  *v = ngxl_hmap_get(&b->index, name, strlen(name));

            if (v == NULL) {
                continue;
            }

            for (i = 0; out && i < v->n; i++) {
                ngxl_vec_push(out, v->elts[i]);
            }

            return (ngxl_mblock_t *) b;
        }

        for (i = 0; i < b->dirs.n; i++) {
            d = b->dirs.elts[i];

            if (ngxl_dir_is(d, name)) {
                found = 1;

                if (out) {
                    ngxl_vec_push(out, (void *) d);
                }
            }
        }

        if (found) {
            return (ngxl_mblock_t *) b;
        }
    }

    return NULL;
}


const ngxl_dir_t *
ngxl_model_value(const ngxl_mblock_t *b, const char *name)
{
    ngxl_vec_t         v;
    const ngxl_dir_t  *d;

    memset(&v, 0, sizeof(ngxl_vec_t));

    if (ngxl_model_effective(b, name, &v) == NULL) {
        return NULL;
    }

    d = v.elts[v.n - 1];
    ngxl_vec_free(&v);

    return d;
}


ngxl_pass_t *
ngxl_model_block_pass(const ngxl_model_t *m, const ngxl_mblock_t *b,
    int kind)
{
    size_t        i;
    ngxl_pass_t  *p, *last;

    last = NULL;

    for (i = 0; i < m->passes.n; i++) {
        p = m->passes.elts[i];

        if (p->block == b && (kind < 0 || p->kind == (ngxl_pass_kind_t) kind))
        {
            last = p;
        }
    }

    return last;
}


ngxl_mblock_t *
ngxl_model_redirect(const ngxl_model_t *m, const ngxl_mblock_t *b,
    ngxl_vec_t *out, const ngxl_pass_t **dflt)
{
    ngxl_pass_t          *p;
    ngxl_mblock_t        *level;
    const ngxl_mblock_t  *up;

    *dflt = NULL;

    level = ngxl_model_effective(b, "proxy_redirect", out);

    if (level) {
        p = ngxl_model_block_pass(m, level, NGXL_PASS_PROXY);
        *dflt = (p && !p->variables) ? p : NULL;
        return level;
    }

    /* nginx merges outside in: the outermost pass with a URL computes it */

    for (up = b; up; up = up->parent) {
        p = ngxl_model_block_pass(m, up, NGXL_PASS_PROXY);

        if (p && !p->variables) {
            *dflt = p;
        }
    }

    return NULL;
}


const char *
ngxl_model_location_name(const ngxl_dir_t *l, size_t *len)
{
    const char  *s;
    size_t       n;

    s = l->args[l->nargs - 1].value;
    n = l->args[l->nargs - 1].vlen;

    if (l->nargs == 2 && n > 1) {
        if (s[0] == '=') {
            s++;
            n--;

        } else if (n > 2 && s[0] == '^' && s[1] == '~') {
            s += 2;
            n -= 2;
        }
    }

    *len = n;

    return s;
}


ngxl_upstream_t *
ngxl_model_upstream(const ngxl_model_t *m, const char *name, size_t len)
{
    return ngxl_hmap_get(&m->upstream_index, name, len);
}


ngxl_mblock_t *
ngxl_model_map(const ngxl_model_t *m, const char *var, size_t len)
{
    return ngxl_hmap_get(&m->map_index, var, len);
}


/* IPv4 dotted quad, or an IPv6 address in brackets */

static int
ngxl_model_is_ip(const char *h)
{
    int       dots, digits;

    if (h[0] == '[') {
        return 1;
    }

    dots = 0;
    digits = 0;

    for ( /* void */ ; *h; h++) {
        if (*h == '.') {
            if (digits == 0) {
                return 0;
            }
            dots++;
            digits = 0;

        } else if (isdigit((unsigned char) *h) && digits < 3) {
            digits++;

        } else {
            return 0;
        }
    }

    return dots == 3 && digits > 0;
}


/* a map whose values are all upstream names: the pass goes to each */

static void
ngxl_model_resolve_map(ngxl_model_t *m, ngxl_pass_t *p, const char *var,
    size_t len)
{
    int                has_default;
    size_t             i;
    ngxl_mblock_t     *map;
    ngxl_upstream_t   *u;
    const ngxl_dir_t  *e;

    map = ngxl_model_map(m, var, len);

    if (map == NULL) {
        p->why = "a variable that no map sets";
        return;
    }

    has_default = 0;

    for (i = 0; i < map->dirs.n; i++) {
        e = map->dirs.elts[i];

        if (e->nargs != 2) {
            continue;           /* hostnames; volatile; */
        }

        if (ngxl_dir_is(e, "default")) {
            has_default = 1;
        }

        if (ngxl_dir_is(e, "include")) {
            p->why = "a map with included entries";
            goto unresolved;
        }

        if (memchr(e->args[1].value, '$', e->args[1].vlen) != NULL) {
            p->why = "a map value with variables";
            goto unresolved;
        }

        u = ngxl_model_upstream(m, e->args[1].value, e->args[1].vlen);

        if (u == NULL) {
            p->why = "a map value that is not an upstream name";
            goto unresolved;
        }

        for (len = 0; len < p->targets.n; len++) {
            if (p->targets.elts[len] == u) {
                break;
            }
        }

        if (len == p->targets.n) {
            ngxl_vec_push(&p->targets, u);
        }
    }

    if (!has_default || p->targets.n == 0) {
        p->why = "a map without a default upstream";
        goto unresolved;
    }

    p->resolution = NGXL_TARGET_UPSTREAM;
    return;

unresolved:

    p->targets.n = 0;
}


static void
ngxl_model_pass(ngxl_model_t *m, ngxl_mblock_t *b, const ngxl_dir_t *d,
    ngxl_pass_kind_t kind)
{
    char             *url, *s, *host, *colon, *slash;
    size_t            n, skip;
    ngxl_pass_t      *p;
    ngxl_mblock_t    *loc;
    ngxl_upstream_t  *u;

    if (d->nargs < 2) {
        return;
    }

    p = ngxl_palloc(&m->pool, sizeof(ngxl_pass_t));
    p->dir = d;
    p->kind = kind;
    p->block = b;

    for (loc = b; loc && loc->ctx != NGXL_HTTP_LOC; loc = loc->parent) {
        /* void */
    }

    p->location = loc ? loc : b;

    url = ngxl_pstrndup(&m->pool, d->args[1].value, d->args[1].vlen);
    p->variables = strchr(url, '$') != NULL;
    p->scheme = "";
    p->uri = "";

    /* the scheme */

    s = strstr(url, "://");
    skip = 0;

    if (s) {
        *s = '\0';
        p->scheme = url;
        skip = (size_t) (s - url) + 3;
        url = s + 3;
    }

    /*
     * nginx takes a proxy_pass without variables only after "http://" or
     * "https://" ("invalid URL prefix"): nothing to judge in another
     */

    if (kind == NGXL_PASS_PROXY && !p->variables
        && strcasecmp(p->scheme, "http") != 0
        && strcasecmp(p->scheme, "https") != 0)
    {
        p->host = url;
        p->host_off = skip;
        p->host_len = strlen(url);
        p->resolution = NGXL_TARGET_UNRESOLVED;
        p->why = "not a URL nginx takes (\"http://\" or \"https://\")";
        ngxl_vec_push(&m->passes, p);
        return;
    }

    /* unix:/path[:uri] */

    if (strncasecmp(url, "unix:", 5) == 0) {
        p->unix_sock = 1;
        p->host = url;
        p->host_off = skip;
        p->host_len = strlen(url);
        p->resolution = NGXL_TARGET_IMPLICIT;
        ngxl_vec_push(&m->passes, p);
        return;
    }

    slash = strchr(url, '/');
    if (slash && kind == NGXL_PASS_PROXY) {
        p->uri = ngxl_pstrndup(&m->pool, slash, strlen(slash));
        *slash = '\0';
    }

    host = url;
    p->host_off = skip;
    p->host_len = strlen(url);

    if (host[0] == '[') {
        colon = strchr(host, ']');
        colon = colon ? strchr(colon, ':') : NULL;
    } else {
        colon = strrchr(host, ':');
    }

    if (colon && !p->variables) {
        *colon = '\0';
        p->port = (unsigned) strtoul(colon + 1, NULL, 10);
    }

    p->host = host;
    p->literal = !p->variables && ngxl_model_is_ip(host);

    if (p->variables) {
        p->resolution = NGXL_TARGET_UNRESOLVED;

        n = strlen(host);

        if (n > 1 && host[0] == '$' && strcspn(host + 1, "$:/") == n - 1) {
            ngxl_model_resolve_map(m, p, host + 1, n - 1);

        } else if (n > 3 && host[0] == '$' && host[1] == '{'
                   && host[n - 1] == '}' && strcspn(host + 2, "$:/}") == n - 3)
        {
            ngxl_model_resolve_map(m, p, host + 2, n - 3);

        } else {
            p->why = "a target built from variables at run time";
        }

        ngxl_vec_push(&m->passes, p);
        return;
    }

    u = p->port == 0 ? ngxl_model_upstream(m, host, strlen(host)) : NULL;

    if (u) {
        p->resolution = NGXL_TARGET_UPSTREAM;
        ngxl_vec_push(&p->targets, u);

    } else {
        p->resolution = NGXL_TARGET_IMPLICIT;
    }

    ngxl_vec_push(&m->passes, p);
}


char *
ngxl_model_block_name(ngxl_pool_t *pool, const ngxl_mblock_t *b)
{
    uint32_t     i;
    ngxl_buf_t   buf;
    char        *s;

    if (b->dir == NULL) {
        return ngxl_pstrndup(pool, "main", 4);
    }

    ngxl_buf_init(&buf);

    for (i = 0; i < b->dir->nargs; i++) {
        if (i) {
            ngxl_buf_addc(&buf, ' ');
        }
        ngxl_buf_add(&buf, b->dir->args[i].value, b->dir->args[i].vlen);
    }

    s = ngxl_pstrndup(pool, buf.data ? buf.data : "", buf.len);
    ngxl_buf_free(&buf);

    return s;
}


int
ngxl_version_parse(const char *s, ngxl_version_t *v)
{
    char           *end;
    unsigned long   n[3];
    int             i;

    n[0] = n[1] = n[2] = 0;

    for (i = 0; i < 3; i++) {
        if (!isdigit((unsigned char) *s)) {
            return NGXL_ERROR;
        }

        errno = 0;
        n[i] = strtoul(s, &end, 10);

        if (errno || n[i] > 9999) {
            return NGXL_ERROR;
        }

        s = end;

        if (*s != '.') {
            break;
        }

        s++;
    }

    if (*s != '\0' || i == 0) {
        return NGXL_ERROR;
    }

    v->major = (unsigned) n[0];
    v->minor = (unsigned) n[1];
    v->patch = (unsigned) n[2];

    return NGXL_OK;
}


int
ngxl_upstream_keeps(const ngxl_upstream_t *u, unsigned vnum)
{
    if (u->keepalive) {
        return !ngxl_dir_arg_is(u->keepalive, 1, "0");
    }

    return vnum >= NGXL_V_1_29_7;
}


int
ngxl_pass_keeps(const ngxl_pass_t *p, unsigned vnum)
{
    size_t  i;

    if (p->resolution != NGXL_TARGET_UPSTREAM) {
        return 0;
    }

    for (i = 0; i < p->targets.n; i++) {
        if (ngxl_upstream_keeps(p->targets.elts[i], vnum)) {
            return 1;
        }
    }

    return 0;
}


const char *
ngxl_pass_name(ngxl_pass_kind_t kind)
{
    static const char  *names[] = { "proxy_pass", "fastcgi_pass",
                                    "grpc_pass", "uwsgi_pass", "scgi_pass",
                                    "memcached_pass" };

    return names[kind];
}
