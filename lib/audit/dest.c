/*
 * ngxlint: where a running configuration sends its connections, and where
 * it serves var_index_status.
 *
 * The destinations are the http upstream blocks (their servers' addresses)
 * and the pass directives with an address of their own (an implicit
 * upstream); stream proxying is kept apart: it opens a connection per
 * client connection by design.  Host names are looked up in the hosts
 * file of the process's root only (no DNS query leaves this host); a name
 * not there is listed as unresolved, and connections to it count as
 * going to an address the configuration does not name.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"


#define NGXL_DEST_MAX_SERVERS  4096


static void
ngxl_dest_add_ep(ngxl_audit_t *a, ngxl_audit_dest_t *d, const ngxl_ep_t *ep)
{
    size_t      i;
    ngxl_ep_t  *copy;

    for (i = 0; i < d->servers.n; i++) {
        if (ngxl_ep_eq(d->servers.elts[i], ep)) {
            return;
        }
    }

    if (d->servers.n >= NGXL_DEST_MAX_SERVERS) {
        return;
    }

    copy = ngxl_palloc(a->pool, sizeof(ngxl_ep_t));
    *copy = *ep;
    ngxl_vec_push(&d->servers, copy);
}


/* NAME in the hosts text (case-insensitive): each address, with PORT */

static int
ngxl_dest_hosts(ngxl_audit_t *a, ngxl_audit_dest_t *d, const char *hosts,
    size_t hosts_len, const char *name, size_t len, unsigned port)
{
    int          found;
    size_t       n;
    ngxl_ep_t    ep;
    const char  *p, *last, *eol, *w, *addr;
    size_t       alen;

    found = 0;

    if (len == 9 && strncasecmp(name, "localhost", 9) == 0) {
        memset(&ep, 0, sizeof(ngxl_ep_t));
        ep.addr[0] = 127;
        ep.addr[3] = 1;
        ep.port = (uint16_t) port;
        ngxl_dest_add_ep(a, d, &ep);

        memset(&ep, 0, sizeof(ngxl_ep_t));
        ep.v6 = 1;
        ep.addr[15] = 1;
        ep.port = (uint16_t) port;
        ngxl_dest_add_ep(a, d, &ep);
        found = 1;
    }

    p = hosts;
    last = hosts ? hosts + hosts_len : NULL;

    while (p && p < last) {
        eol = memchr(p, '\n', (size_t) (last - p));
        if (eol == NULL) {
            eol = last;
        }

        /* "ADDR NAME NAME ... # comment" */
        w = p;
        addr = NULL;
        alen = 0;

        while (w < eol && *w != '#') {
            while (w < eol && (*w == ' ' || *w == '\t')) {
                w++;
            }

            if (w == eol || *w == '#') {
                break;
            }

            n = 0;
            while (w + n < eol && w[n] != ' ' && w[n] != '\t' && w[n] != '#')
            {
                n++;
            }

            if (addr == NULL) {
                addr = w;
                alen = n;

            } else if (n == len && strncasecmp(w, name, len) == 0
                       && ngxl_ep_parse_addr(addr, alen, &ep) == NGXL_OK)
            {
                ep.port = (uint16_t) port;
                ngxl_dest_add_ep(a, d, &ep);
                found = 1;
            }

            w += n;
        }

        p = eol + 1;
    }

    return found;
}


/* "10.0.0.1:8080", "[::1]", "backend.local:81", "unix:/x" (skipped) */

static void
ngxl_dest_address(ngxl_audit_t *a, ngxl_audit_dest_t *d, const char *s,
    size_t len, unsigned defport, const char *hosts, size_t hosts_len)
{
    size_t        hlen;
    unsigned      port;
    ngxl_ep_t     ep;
    const char   *colon, *close;

    if (len >= 5 && strncasecmp(s, "unix:", 5) == 0) {
        return;
    }

    port = defport;
    hlen = len;

    if (len && s[0] == '[') {
        close = memchr(s, ']', len);
        if (close == NULL) {
            return;
        }

        hlen = (size_t) (close - s) + 1;

        if (hlen < len && s[hlen] == ':') {
            port = (unsigned) strtoul(s + hlen + 1, NULL, 10);
        }

    } else {
        colon = memchr(s, ':', len);

        if (colon) {
            hlen = (size_t) (colon - s);
            port = (unsigned) strtoul(colon + 1, NULL, 10);
        }
    }

    if (port == 0 || port > 65535 || hlen == 0) {
        return;
    }

    if (ngxl_ep_parse_addr(s, hlen, &ep) == NGXL_OK) {
        ep.port = (uint16_t) port;
        ngxl_dest_add_ep(a, d, &ep);
        return;
    }

    if (!ngxl_dest_hosts(a, d, hosts, hosts_len, s, hlen, port)) {
        ngxl_vec_push(&d->unresolved,
                      ngxl_psprintf(a->pool, "%.*s:%u", (int) hlen, s, port));
    }
}


static ngxl_audit_dest_t *
ngxl_dest_new(ngxl_audit_t *a, int kind, const ngxl_dir_t *dir,
    const char *name)
{
    ngxl_audit_dest_t  *d;

    d = ngxl_palloc(a->pool, sizeof(ngxl_audit_dest_t));
    d->kind = kind;
    d->dir = dir;
    d->name = name;
    d->flow.estimate = -1;

    ngxl_vec_push(&a->dests, d);

    return d;
}


static unsigned
ngxl_dest_default_port(const char *scheme)
{
    return strcasecmp(scheme, "https") == 0 || strcasecmp(scheme, "grpcs") == 0
           ? 443 : 80;
}


void
ngxl_audit_dests(ngxl_audit_t *a, const char *hosts, size_t hosts_len)
{
    size_t              i, k;
    unsigned            vnum;
    char               *name;
    ngxl_pass_t        *p;
    ngxl_mblock_t      *b;
    ngxl_upstream_t    *u;
    ngxl_audit_dest_t  *d;
    const ngxl_dir_t   *sd;

    vnum = ngxl_version_num(&a->version);

    for (i = 0; i < a->model.upstreams.n; i++) {
        u = a->model.upstreams.elts[i];

        d = ngxl_dest_new(a, NGXL_DEST_UPSTREAM, u->dir,
                          ngxl_pstrndup(a->pool, u->name, u->len));
        d->keepalive = ngxl_upstream_keeps(u, vnum) != 0;

        for (k = 0; k < u->block->dirs.n; k++) {
            sd = u->block->dirs.elts[k];

            if (ngxl_dir_is(sd, "server") && sd->nargs >= 2) {
                ngxl_dest_address(a, d, sd->args[1].value, sd->args[1].vlen,
                                  80, hosts, hosts_len);
            }
        }
    }

    for (i = 0; i < a->model.passes.n; i++) {
        p = a->model.passes.elts[i];

        if (p->resolution != NGXL_TARGET_IMPLICIT || p->unix_sock
            || p->host == NULL || p->host[0] == '\0')
        {
            continue;
        }

        name = ngxl_psprintf(a->pool, "%s:%u", p->host,
                             p->port ? p->port
                                     : ngxl_dest_default_port(p->scheme));

        /* one destination per address: the first directive names it */
        for (k = 0; k < a->dests.n; k++) {
            d = a->dests.elts[k];

            if (d->kind == NGXL_DEST_PASS && strcmp(d->name, name) == 0) {
                break;
            }
        }

        if (k < a->dests.n) {
            continue;
        }

        d = ngxl_dest_new(a, NGXL_DEST_PASS, p->dir, name);
        ngxl_dest_address(a, d, name, strlen(name), 80, hosts, hosts_len);
    }

    /* stream: upstream servers and proxy_pass addresses */

    for (i = 0; i < a->model.blocks.n; i++) {
        b = a->model.blocks.elts[i];

        if (b->ctx != NGXL_STREAM_UPS && b->ctx != NGXL_STREAM_SRV) {
            continue;
        }

        d = NULL;

        for (k = 0; k < b->dirs.n; k++) {
            sd = b->dirs.elts[k];

            if (sd->nargs < 2
                || !ngxl_dir_is(sd, b->ctx == NGXL_STREAM_UPS ? "server"
                                                              : "proxy_pass"))
            {
                continue;
            }

            if (d == NULL) {
                d = ngxl_dest_new(a, NGXL_DEST_STREAM, b->dir,
                                  b->dir && b->dir->nargs >= 2
                                  ? ngxl_pstrndup(a->pool,
                                                  b->dir->args[1].value,
                                                  b->dir->args[1].vlen)
                                  : "stream");
            }

            ngxl_dest_address(a, d, sd->args[1].value, sd->args[1].vlen, 0,
                              hosts, hosts_len);
        }
    }
}


/*
 * var_index_status: a location holding it, in a server that listens on
 * loopback (or on every address, which loopback reaches), without ssl.
 */

static int
ngxl_status_listen(const ngxl_dir_t *l, ngxl_ep_t *ep)
{
    size_t       len;
    uint32_t     i;
    const char  *s, *colon, *host;
    size_t       hlen;
    unsigned     port;

    for (i = 2; i < l->nargs; i++) {
        if (ngxl_dir_arg_is(l, i, "ssl") || ngxl_dir_arg_is(l, i, "quic")
            || ngxl_dir_arg_is(l, i, "http2")
            || ngxl_dir_arg_is(l, i, "proxy_protocol"))
        {
            return NGXL_ERROR;
        }
    }

    s = l->args[1].value;
    len = l->args[1].vlen;

    if (len >= 5 && strncasecmp(s, "unix:", 5) == 0) {
        return NGXL_ERROR;
    }

    memset(ep, 0, sizeof(ngxl_ep_t));
    port = 80;

    if (s[0] == '[') {
        colon = memchr(s, ']', len);
        if (colon == NULL) {
            return NGXL_ERROR;
        }
        host = s;
        hlen = (size_t) (colon - s) + 1;
        if (hlen < len && s[hlen] == ':') {
            port = (unsigned) strtoul(s + hlen + 1, NULL, 10);
        }

    } else if ((colon = memchr(s, ':', len)) != NULL) {
        host = s;
        hlen = (size_t) (colon - s);
        port = (unsigned) strtoul(colon + 1, NULL, 10);

    } else if (isdigit((unsigned char) s[0])
               && strspn(s, "0123456789") == len)
    {
        host = "*";
        hlen = 1;
        port = (unsigned) strtoul(s, NULL, 10);

    } else {
        host = s;
        hlen = len;
    }

    if (port == 0 || port > 65535) {
        return NGXL_ERROR;
    }

    ep->port = (uint16_t) port;

    if ((hlen == 1 && host[0] == '*') || (hlen == 7
                                          && memcmp(host, "0.0.0.0", 7) == 0)
        || (hlen == 9 && strncasecmp(host, "localhost", 9) == 0))
    {
        ep->addr[0] = 127;
        ep->addr[3] = 1;
        return NGXL_OK;
    }

    if (hlen == 4 && memcmp(host, "[::]", 4) == 0) {
        ep->v6 = 1;
        ep->addr[15] = 1;
        return NGXL_OK;
    }

    if (ngxl_ep_parse_addr(host, hlen, ep) != NGXL_OK) {
        return NGXL_ERROR;
    }

    ep->port = (uint16_t) port;

    return ngxl_ep_loopback(ep) ? NGXL_OK : NGXL_ERROR;
}


void
ngxl_audit_status_find(ngxl_audit_t *a)
{
    int                 listens;
    char                text[64];
    size_t              i, k;
    uint32_t            n, j;
    ngxl_ep_t           ep;
    const char         *host;
    ngxl_mblock_t      *b, *loc, *srv;
    const ngxl_dir_t   *d, *l;

    for (i = 0; i < a->model.blocks.n; i++) {
        b = a->model.blocks.elts[i];

        if (b->ctx != NGXL_HTTP_LOC) {
            continue;
        }

        for (k = 0; k < b->dirs.n; k++) {
            if (ngxl_dir_is(b->dirs.elts[k], "var_index_status")) {
                break;
            }
        }

        if (k == b->dirs.n) {
            continue;
        }

        d = b->dirs.elts[k];

        /* the location's path: location [= | ^~] /path */
        loc = b;
        n = loc->dir->nargs;

        if (n < 2 || n > 3
            || (n == 3 && !ngxl_dir_arg_is(loc->dir, 1, "=")
                && !ngxl_dir_arg_is(loc->dir, 1, "^~"))
            || loc->dir->args[n - 1].value[0] != '/')
        {
            ngxl_audit_problem(a, "%s:%u: var_index_status is in a location "
                               "with no literal path: give its URL with "
                               "--status-url", d->inst->file->path, d->line);
            continue;
        }

        for (srv = b->parent; srv && srv->ctx != NGXL_HTTP_SRV;
             srv = srv->parent)
        {
            /* void */
        }

        if (srv == NULL) {
            continue;
        }

        listens = 0;
        memset(&ep, 0, sizeof(ngxl_ep_t));

        for (k = 0; k < srv->dirs.n; k++) {
            l = srv->dirs.elts[k];

            if (!ngxl_dir_is(l, "listen") || l->nargs < 2) {
                continue;
            }

            listens++;

            if (ngxl_status_listen(l, &ep) == NGXL_OK) {
                break;
            }
        }

        if (listens && k == srv->dirs.n) {
            ngxl_audit_problem(a, "%s:%u: var_index_status is served on no "
                               "plain-HTTP loopback address: give its URL "
                               "with --status-url", d->inst->file->path,
                               d->line);
            continue;
        }

        if (listens == 0) {
            ep.addr[0] = 127;
            ep.addr[3] = 1;
            ep.port = 80;
        }

        /* the Host header: the server's first plain name */
        host = NULL;

        for (k = 0; k < srv->dirs.n && host == NULL; k++) {
            l = srv->dirs.elts[k];

            if (!ngxl_dir_is(l, "server_name")) {
                continue;
            }

            for (j = 1; j < l->nargs; j++) {
                if (l->args[j].vlen && l->args[j].value[0] != '~'
                    && l->args[j].value[0] != '.'
                    && memchr(l->args[j].value, '*', l->args[j].vlen) == NULL
                    && !ngxl_dir_arg_is(l, j, "_"))
                {
                    host = ngxl_pstrndup(a->pool, l->args[j].value,
                                         l->args[j].vlen);
                    break;
                }
            }
        }

        a->status_dir = d;
        a->status_host = (char *) (host ? host : "localhost");
        a->status_url = ngxl_psprintf(a->pool, "http://%s%.*s",
                                      ngxl_ep_text(&ep, text, sizeof(text)),
                                      (int) loc->dir->args[n - 1].vlen,
                                      loc->dir->args[n - 1].value);
        return;
    }
}
