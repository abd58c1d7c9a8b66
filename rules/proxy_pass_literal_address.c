/*
 * proxy-pass-literal-address: proxy_pass to a literal IP address with no
 * upstream block.  nginx makes an implicit upstream for it that keeps no
 * connections, so every request opens a new one.  The fix names an upstream
 * with keepalive, and keeps everything the address used to mean: the Host
 * header ($proxy_host), the default proxy_redirect, the TLS server name.
 */

#include <string.h>
#include <strings.h>

#include "../lib/check.h"
#include "../lib/fix/place.h"


/*
 * The upstream this fix makes for an address: "literal_127_0_0_1_8080",
 * then "literal_127_0_0_1_8080_2" and on while the name is taken.  A name is
 * taken by an upstream (nginx matches names without regard to case) unless
 * the upstream is one this fix made for the address, which is then reused;
 * and by any pass that names it as a host (nginx would resolve it as one
 * now, and as the upstream once it exists).  *make: whether to write it.
 */

typedef struct {
    const char  *name;
    const char  *server;
} ngxl_ppl_made_t;


/* whether U is "upstream NAME { server SERVER; keepalive N; }" */

static int
ngxl_ppl_ours(const ngxl_upstream_t *u, const char *server)
{
    size_t             i, servers;
    const ngxl_dir_t  *d;

    if (u->block == NULL) {
        return 0;
    }

    servers = 0;

    for (i = 0; i < u->block->dirs.n; i++) {
        d = u->block->dirs.elts[i];

        if (ngxl_dir_is(d, "keepalive") && d->nargs == 2) {
            continue;
        }

        if (ngxl_dir_is(d, "server") && d->nargs == 2
            && d->args[1].vlen == strlen(server)
            && memcmp(d->args[1].value, server, d->args[1].vlen) == 0)
        {
            servers++;
            continue;
        }

        return 0;
    }

    return servers == 1;
}


/* 1: free, 0: taken, -1: an upstream of ours for SERVER */

static int
ngxl_ppl_free(ngxl_check_t *chk, const char *name, const char *server,
    const ngxl_vec_t *made, const ngxl_hmap_t *hosts)
{
    size_t                  i;
    ngxl_model_t           *m;
    ngxl_upstream_t        *u;
    const ngxl_ppl_made_t  *mk;

    for (i = 0; i < made->n; i++) {
        mk = made->elts[i];

        if (strcasecmp(mk->name, name) == 0) {
            return strcmp(mk->server, server) == 0 ? -1 : 0;
        }
    }

    m = ngxl_check_model(chk);
    u = ngxl_model_upstream(m, name, strlen(name));

    if (u) {
        return ngxl_ppl_ours(u, server) ? -1 : 0;
    }

    return ngxl_hmap_get(hosts, name, strlen(name)) ? 0 : 1;
}


static char *
ngxl_ppl_name(ngxl_check_t *chk, const ngxl_pass_t *p, unsigned port,
    ngxl_vec_t *made, const ngxl_hmap_t *hosts, int *make)
{
    int               rc;
    char             *base, *name, *server, *s;
    unsigned          n;
    ngxl_ppl_made_t  *mk;

    base = ngxl_psprintf(chk->pool, "literal_%s_%u", p->host, port);

    for (s = base; *s; s++) {
        if (*s == '.' || *s == ':' || *s == '[' || *s == ']') {
            *s = '_';
        }
    }

    server = ngxl_psprintf(chk->pool, "%s:%u", p->host, port);

    for (n = 1; /* void */; n++) {
        name = (n == 1) ? base : ngxl_psprintf(chk->pool, "%s_%u", base, n);
        rc = ngxl_ppl_free(chk, name, server, made, hosts);

        if (rc != 0) {
            break;
        }
    }

    *make = (rc == 1);

    if (*make) {
        mk = ngxl_palloc(chk->pool, sizeof(ngxl_ppl_made_t));
        mk->name = name;
        mk->server = server;
        ngxl_vec_push(made, mk);
    }

    return name;
}


static const ngxl_mblock_t *
ngxl_ppl_server(const ngxl_pass_t *p)
{
    const ngxl_mblock_t  *b;

    for (b = p->location; b && b->ctx != NGXL_HTTP_SRV; b = b->parent) {
        /* void */
    }

    return b;
}


static int
ngxl_ppl_has_header(const ngxl_vec_t *hdrs, const char *name)
{
    size_t             i, n;
    const ngxl_dir_t  *d;

    n = strlen(name);

    for (i = 0; i < hdrs->n; i++) {
        d = hdrs->elts[i];

        if (d->nargs > 1 && d->args[1].vlen == n
            && strncasecmp(d->args[1].value, name, n) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* whether an argument of D names $proxy_host (or ${proxy_host}) */

static int
ngxl_ppl_names_proxy_host(const ngxl_dir_t *d)
{
    size_t       i, k, n;
    const char  *v;

    for (i = 1; i < d->nargs; i++) {
        v = d->args[i].value;
        n = d->args[i].vlen;

        for (k = 0; k + 11 <= n; k++) {
            if (v[k] == '$'
                && (strncmp(v + k + 1, "proxy_host", 10) == 0
                    || (k + 12 <= n && strncmp(v + k + 1, "{proxy_host", 11)
                                       == 0)))
            {
                return 1;
            }
        }
    }

    return 0;
}


/*
 * what else takes P's $proxy_host, which the fix would turn into the
 * upstream's name: a directive that names it, in P's block, the blocks
 * around it, or an "if" in its location (conservatively: any of them, used
 * or not), or proxy_cache with its default key ($scheme$proxy_host
 * $request_uri: every entry would miss once).  NULL if nothing.
 */

static const ngxl_dir_t *
ngxl_ppl_host_use(const ngxl_pass_t *p)
{
    size_t                i, k;
    const ngxl_dir_t     *d;
    const ngxl_mblock_t  *b, *c;

    d = ngxl_model_value(p->block, "proxy_cache");

    if (d && !ngxl_dir_arg_is(d, 1, "off")
        && ngxl_model_value(p->block, "proxy_cache_key") == NULL)
    {
        return d;
    }

    for (b = p->block; b; b = b->parent) {
        for (i = 0; i < b->dirs.n; i++) {
            d = b->dirs.elts[i];

            if (ngxl_ppl_names_proxy_host(d)) {
                return d;
            }
        }
    }

    for (i = 0; i < p->location->blocks.n; i++) {
        c = p->location->blocks.elts[i];

        if (c->ctx == NGXL_HTTP_LOC) {
            continue;
        }

        for (k = 0; k < c->dirs.n; k++) {
            d = c->dirs.elts[k];

            if (ngxl_ppl_names_proxy_host(d)) {
                return d;
            }
        }
    }

    return NULL;
}


/*
 * whether P's location passes elsewhere too from an "if" or "limit_except"
 * in it, or P stands in one: what the fix spells out (Host, proxy_redirect,
 * the TLS name) can only go in the location (nginx takes none of them in
 * those blocks), and would reach the other passes there
 */

static int
ngxl_ppl_shared(ngxl_check_t *chk, const ngxl_pass_t *p)
{
    size_t              i;
    const ngxl_pass_t  *q;
    ngxl_model_t       *m;

    if (p->block != p->location) {
        return 1;
    }

    m = ngxl_check_model(chk);

    for (i = 0; i < m->passes.n; i++) {
        q = m->passes.elts[i];

        if (q != p && q->kind == NGXL_PASS_PROXY && q->location == p->location
            && q->block != q->location)
        {
            return 1;
        }
    }

    return 0;
}


/* the directives that keep the address's meaning, as one text */

static char *
ngxl_ppl_keep(ngxl_check_t *chk, ngxl_finding_t *f, const ngxl_pass_t *p,
    const char *hostport, ngxl_mblock_t **level, ngxl_vec_t *hdrs)
{
    int                 https;
    size_t              i, n;
    char               *indent, *url, *pair;
    const char         *loc;
    ngxl_buf_t          b;
    ngxl_vec_t          redirects;
    ngxl_edit_t         e;
    ngxl_mblock_t      *rlevel;
    const ngxl_dir_t   *d;
    const ngxl_pass_t  *dflt;
    char               *s;

    https = strcasecmp(p->scheme, "https") == 0;
    indent = ngxl_edit_child_indent(chk->pool, p->location->dir);

    ngxl_buf_init(&b);

    /* Host: $proxy_host was the address as written */

    if (!ngxl_ppl_has_header(hdrs, "host")) {
        s = ngxl_psprintf(chk->pool, "proxy_set_header Host %s;",
                          ngxl_edit_quote(chk->pool, hostport,
                                          strlen(hostport)));

        if (*level && *level != p->location) {
            s = ngxl_place_carry(chk->pool, p, hdrs, NULL, s);
        }

        ngxl_buf_adds(&b, s);
    }

    /*
     * the default proxy_redirect rewrote the address's own URLs, as written:
     * "URL/" to "/" when proxy_pass has no URI, else "URL" to the location's
     * name.  nginx computes it for this pass where no level sets
     * proxy_redirect and no outer pass computed it first (lib/model): it is
     * spelled out by the pass, and the locations inside inherit it as they
     * did.  A "proxy_redirect default" by the pass is spelled out where it
     * stands.  Any other (set or computed further out) does not change.
     */

    memset(&redirects, 0, sizeof(ngxl_vec_t));
    rlevel = ngxl_model_redirect(ngxl_check_model(chk), p->block, &redirects,
                                 &dflt);

    if (dflt == p && p->location->dir) {
        url = ngxl_psprintf(chk->pool, "%.*s%s", (int) p->dir->args[1].vlen,
                            p->dir->args[1].value, p->uri[0] ? "" : "/");

        if (p->uri[0]) {
            loc = ngxl_model_location_name(p->location->dir, &n);
        } else {
            loc = "/";
            n = 1;
        }

        pair = ngxl_psprintf(chk->pool, "%s %s",
                             ngxl_edit_quote(chk->pool, url, strlen(url)),
                             ngxl_edit_quote(chk->pool, loc, n));

        if (rlevel == NULL) {
            if (b.len) {
                ngxl_buf_printf(&b, "\n%s", indent);
            }

            ngxl_buf_printf(&b, "proxy_redirect %s;", pair);

        } else if (rlevel == p->block) {
            for (i = 0; i < redirects.n; i++) {
                d = redirects.elts[i];

                if (d->nargs == 2 && ngxl_dir_arg_is(d, 1, "default")) {
                    ngxl_edit_token(d->inst->file, &d->args[1], pair, &e);
                    ngxl_check_fix(chk, f, &e);
                }
            }
        }
    }

    ngxl_vec_free(&redirects);

    /* TLS: the server name checked and sent was the address too */

    if (https && ngxl_model_value(p->block, "proxy_ssl_name") == NULL) {
        if (b.len) {
            ngxl_buf_printf(&b, "\n%s", indent);
        }

        ngxl_buf_printf(&b, "proxy_ssl_name %s;", p->host);
    }

    s = b.len ? ngxl_pstrndup(chk->pool, b.data, b.len) : NULL;
    ngxl_buf_free(&b);

    return s;
}


/*
 * whether a setting found at LEVEL (NULL: nowhere, the default) reaches a
 * nested location through L: set at L or above it, or not at all
 */

static int
ngxl_ppl_through(const ngxl_mblock_t *level, const ngxl_mblock_t *l)
{
    const ngxl_mblock_t  *b;

    if (level == NULL) {
        return 1;
    }

    for (b = l; b; b = b->parent) {
        if (b == level) {
            return 1;
        }
    }

    return 0;
}


/* what $proxy_host is for P: the address, with the port unless the scheme's */

static char *
ngxl_ppl_proxy_host(ngxl_check_t *chk, const ngxl_pass_t *p)
{
    unsigned  dflt;

    dflt = strcasecmp(p->scheme, "https") == 0 ? 443 : 80;

    if (p->port && p->port != dflt) {
        return ngxl_psprintf(chk->pool, "%s:%u", p->host, p->port);
    }

    return p->host;
}


/*
 * Whether this rule fixes P (the conditions of ngxl_ppl_check(), in one
 * place for the pins): a literal address, in a location of its own (no
 * "if" or "limit_except" shares it), whose $proxy_host nothing takes, in a
 * server block, in a location that is closed.  Others are reported with a
 * hint, or left.
 */

static int
ngxl_ppl_fixes(ngxl_check_t *chk, const ngxl_pass_t *p)
{
    const ngxl_mblock_t  *srv;

    if (p->kind != NGXL_PASS_PROXY || p->resolution != NGXL_TARGET_IMPLICIT
        || !p->literal || ngxl_ppl_shared(chk, p) || ngxl_ppl_host_use(p))
    {
        return 0;
    }

    srv = ngxl_ppl_server(p);

    return srv && srv->dir && p->location->dir && p->location->dir->closed;
}


/*
 * What the fixes pinned in a location so far: a location below two fixed
 * passes (one nested in the other) is reached by both, and each setting
 * goes in once
 */

typedef struct {
    const ngxl_mblock_t  *location;
    unsigned              host:1;
    unsigned              ssl_name:1;
} ngxl_ppl_pinned_t;


static ngxl_ppl_pinned_t *
ngxl_ppl_pinned(ngxl_check_t *chk, ngxl_vec_t *pinned,
    const ngxl_mblock_t *c)
{
    size_t              i;
    ngxl_ppl_pinned_t  *pin;

    for (i = 0; i < pinned->n; i++) {
        pin = pinned->elts[i];

        if (pin->location == c) {
            return pin;
        }
    }

    pin = ngxl_palloc(chk->pool, sizeof(ngxl_ppl_pinned_t));
    pin->location = c;
    ngxl_vec_push(pinned, pin);

    return pin;
}


/*
 * What KEEP makes explicit in P's location, the locations nested in it
 * inherit: each nested pass this rule does not fix itself (an upstream, a
 * host name, variables, an address reported but not fixed) keeps its own
 * defaults, spelled out: the Host
 * header ($proxy_host; a location's own proxy_set_header carries the ones
 * it inherited), the TLS name.  Not proxy_redirect: nginx's merge already
 * gives them the outer pass's default, which KEEP spells out unchanged.
 */

static void
ngxl_ppl_pin(ngxl_check_t *chk, ngxl_finding_t *f, const ngxl_pass_t *p,
    const ngxl_mblock_t *b, const char *keep, ngxl_vec_t *pinned)
{
    size_t                i, k;
    char                 *text, *s, *indent;
    const char           *host;
    ngxl_buf_t            t;
    ngxl_vec_t            hdrs;
    ngxl_edit_t           e;
    ngxl_pass_t          *q;
    ngxl_model_t         *m;
    ngxl_mblock_t        *level;
    ngxl_ppl_pinned_t    *pin;
    const ngxl_mblock_t  *c;

    m = ngxl_check_model(chk);

    for (i = 0; i < b->blocks.n; i++) {
        c = b->blocks.elts[i];

        if (c->ctx != NGXL_HTTP_LOC) {
            continue;
        }

        for (k = 0; k < m->passes.n; k++) {
            q = m->passes.elts[k];

            /* a pass of C's, or of an "if" or "limit_except" in it */

            if (q->location != c || q->kind != NGXL_PASS_PROXY
                || ngxl_ppl_fixes(chk, q))
            {
                continue;
            }

            ngxl_buf_init(&t);
            indent = ngxl_edit_child_indent(chk->pool, c->dir);
            pin = ngxl_ppl_pinned(chk, pinned, c);

            if (!pin->ssl_name && strstr(keep, "proxy_ssl_name ")
                && strcasecmp(q->scheme, "https") == 0
                && ngxl_model_value(c, "proxy_ssl_name") == NULL)
            {
                pin->ssl_name = 1;
                ngxl_buf_printf(&t, "%s%s%s", t.len ? "\n" : "",
                                t.len ? indent : "",
                                "proxy_ssl_name $proxy_host;");
            }

            memset(&hdrs, 0, sizeof(ngxl_vec_t));
            level = ngxl_model_effective(c, "proxy_set_header", &hdrs);

            if (!pin->host && strstr(keep, "proxy_set_header Host ")
                && ngxl_ppl_through(level, p->location))
            {
                pin->host = 1;

                /*
                 * an address reported here, the location's one pass, is
                 * spelled out as such: its own fix, once it applies, then
                 * keeps this Host as it is.  Passes of "if" or
                 * "limit_except" share the location's: $proxy_host is
                 * each one's own
                 */

                host = "$proxy_host";

                if (q->resolution == NGXL_TARGET_IMPLICIT && q->literal
                    && !ngxl_ppl_shared(chk, q))
                {
                    host = ngxl_ppl_proxy_host(chk, q);
                    host = ngxl_edit_quote(chk->pool, host, strlen(host));
                }

                s = ngxl_place_carry(chk->pool, q, &hdrs, NULL,
                                     ngxl_psprintf(chk->pool,
                                                   "proxy_set_header Host %s;",
                                                   host));
                ngxl_buf_printf(&t, "%s%s%s", t.len ? "\n" : "",
                                t.len ? indent : "", s);
            }

            ngxl_vec_free(&hdrs);

            if (t.len) {
                text = ngxl_pstrndup(chk->pool, t.data, t.len);

                if (ngxl_place_in_location(chk->pool, q, NULL, text, &e)
                    == NGXL_OK)
                {
                    ngxl_check_fix(chk, f, &e);
                }
            }

            ngxl_buf_free(&t);
            break;
        }

        /* deeper: what they do not set, they inherit from here too */
        ngxl_ppl_pin(chk, f, p, c, keep, pinned);
    }
}


static void
ngxl_ppl_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    int                   https, make;
    size_t                i;
    unsigned              port;
    char                 *name, *hostport, *url, *text, *indent, *keep;
    ngxl_vec_t            created, hdrs, pinned;
    ngxl_hmap_t           hosts;
    ngxl_edit_t           e;
    ngxl_pass_t          *p;
    ngxl_mblock_t        *level;
    ngxl_finding_t       *f;
    const ngxl_dir_t     *d, *use;
    const ngxl_mblock_t  *srv;

    (void) conf;

    memset(&created, 0, sizeof(ngxl_vec_t));
    memset(&pinned, 0, sizeof(ngxl_vec_t));

    /* every host a pass names, which a new upstream must not take */

    ngxl_hmap_init(&hosts, 1);

    for (i = 0; i < ngxl_check_model(chk)->passes.n; i++) {
        p = ngxl_check_model(chk)->passes.elts[i];

        if (p->host) {
            (void) ngxl_hmap_put(&hosts, p->host, strlen(p->host), p);
        }
    }

    for (i = 0; i < ngxl_check_model(chk)->passes.n; i++) {
        p = ngxl_check_model(chk)->passes.elts[i];
        d = p->dir;

        if (p->kind != NGXL_PASS_PROXY || p->resolution != NGXL_TARGET_IMPLICIT
            || !p->literal)
        {
            continue;
        }

        https = strcasecmp(p->scheme, "https") == 0;
        port = p->port ? p->port : (https ? 443 : 80);

        hostport = ngxl_ppl_proxy_host(chk, p);

        f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                              d->line, d->args[1].col + d->args[1].len,
                              "proxy_pass to the address %s:%u has no "
                              "upstream block: no connection to it is ever "
                              "reused", p->host, port);

        if (ngxl_ppl_shared(chk, p)) {
            ngxl_diag_hint(chk->diags, f, "give the pass in \"if\" or "
                           "\"limit_except\" a location of its own: the Host "
                           "header and proxy_redirect it relies on cannot be "
                           "set there, and an upstream for %s:%u then keeps "
                           "them", p->host, port);
            continue;
        }

        use = ngxl_ppl_host_use(p);

        if (use && ngxl_dir_is(use, "proxy_cache")) {
            ngxl_diag_hint(chk->diags, f, "proxy_cache's default key "
                           "(%s:%u) takes $proxy_host, which an upstream "
                           "renames: set proxy_cache_key (e.g. ${scheme}%s"
                           "$request_uri), then an upstream for %s:%u keeps "
                           "the cache", use->inst->file->path, use->line,
                           hostport, p->host, port);
            continue;
        }

        if (use) {
            ngxl_diag_hint(chk->diags, f, "\"%.*s\" (%s:%u) takes "
                           "$proxy_host, which an upstream renames: write %s "
                           "there, then the fix applies",
                           (int) use->args[0].vlen, use->args[0].value,
                           use->inst->file->path, use->line, hostport);
            continue;
        }

        /* what is left is what ngxl_ppl_fixes() tells the pins */

        srv = ngxl_ppl_server(p);

        if (srv == NULL || srv->dir == NULL || p->location->dir == NULL
            || !p->location->dir->closed)
        {
            continue;
        }

        /*
         * one new upstream per address: the other passes to it are fixed in
         * this round too (a pass left for the next round would see what
         * this round makes explicit around it as its own settings)
         */

        name = ngxl_ppl_name(chk, p, port, &created, &hosts, &make);

        if (make) {
            indent = ngxl_edit_indent(chk->pool, srv->dir->inst->file,
                                      srv->dir->start);

            text = ngxl_psprintf(chk->pool,
                                 "upstream %s {\n%s    server %s:%u;\n"
                                 "%s    keepalive %u;\n%s}\n",
                                 name, indent, p->host, port, indent,
                                 chk->opts->keepalive, indent);

            ngxl_edit_before(chk->pool, srv->dir, text, &e);
            ngxl_check_fix(chk, f, &e);
        }

        /* proxy_pass http://NAME/uri */

        url = ngxl_psprintf(chk->pool, "%s://%s%s", p->scheme, name, p->uri);
        ngxl_edit_token(d->inst->file, &d->args[1],
                        ngxl_edit_quote(chk->pool, url, strlen(url)), &e);
        ngxl_check_fix(chk, f, &e);

        memset(&hdrs, 0, sizeof(ngxl_vec_t));
        level = ngxl_model_effective(p->block, "proxy_set_header", &hdrs);

        keep = ngxl_ppl_keep(chk, f, p, hostport, &level, &hdrs);

        if (keep
            && ngxl_place_in_location(chk->pool, p,
                                      level == p->location && hdrs.n
                                      ? hdrs.elts[hdrs.n - 1] : NULL,
                                      keep, &e)
               == NGXL_OK)
        {
            ngxl_check_fix(chk, f, &e);
            ngxl_ppl_pin(chk, f, p, p->location, keep, &pinned);
        }

        ngxl_vec_free(&hdrs);

        ngxl_diag_hint(chk->diags, f, "upstream %s { server %s:%u; "
                       "keepalive %u; } and proxy_pass %s", name, p->host,
                       port, chk->opts->keepalive, url);
    }

    ngxl_vec_free(&created);
    ngxl_vec_free(&pinned);
    ngxl_hmap_free(&hosts);
}


const ngxl_rule_t  ngxl_rule_proxy_pass_literal_address = {
    .id = "proxy-pass-literal-address",
    .severity = NGXL_SEV_WARNING,
    .summary = "proxy_pass to a literal address: an implicit upstream without keepalive",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_ppl_check,
};
