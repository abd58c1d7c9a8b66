/*
 * keepalive-connection-header: a location proxies to an upstream that keeps
 * connections while nginx still sends "Connection: close" (its default
 * before 1.29.7, a literal "close", or the websocket map's "close" for
 * ordinary requests), so the upstream closes every connection.
 */

#include <string.h>
#include <strings.h>

#include "../lib/check.h"
#include "../lib/fix/place.h"


#define NGXL_KCH_OK       0
#define NGXL_KCH_DEFAULT  1   /* no Connection header: nginx's "close"     */
#define NGXL_KCH_CLOSE    2   /* proxy_set_header Connection close          */
#define NGXL_KCH_MAP      3   /* ... $var, and the map gives "close"        */


static int
ngxl_kch_is_connection(const ngxl_dir_t *d)
{
    return d->nargs == 3 && d->args[1].vlen == 10
           && strncasecmp(d->args[1].value, "connection", 10) == 0;
}


static int
ngxl_kch_is_close(const ngxl_tok_t *t)
{
    return t->vlen == 5 && strncasecmp(t->value, "close", 5) == 0;
}


/* the map entry that ordinary (non-upgrade) requests get: '' or default */

static const ngxl_dir_t *
ngxl_kch_map_entry(const ngxl_mblock_t *map)
{
    size_t             i;
    const ngxl_dir_t  *e, *dflt;

    dflt = NULL;

    for (i = 0; i < map->dirs.n; i++) {
        e = map->dirs.elts[i];

        if (e->nargs != 2) {
            continue;
        }

        if (e->args[0].vlen == 0) {
            return e;
        }

        if (ngxl_dir_is(e, "default")) {
            dflt = e;
        }
    }

    return dflt;
}


static int
ngxl_kch_state(ngxl_check_t *chk, const ngxl_dir_t *conn, unsigned vnum,
    const ngxl_dir_t **entry)
{
    size_t               n;
    const char          *v;
    const ngxl_tok_t    *t;
    const ngxl_mblock_t *map;

    if (conn == NULL) {
        return vnum >= NGXL_V_1_29_7 ? NGXL_KCH_OK : NGXL_KCH_DEFAULT;
    }

    t = &conn->args[2];

    if (t->vlen == 0) {
        return NGXL_KCH_OK;
    }

    if (ngxl_kch_is_close(t)) {
        return NGXL_KCH_CLOSE;
    }

    /* $var or ${var}, set by a map */

    v = t->value;
    n = t->vlen;

    if (n > 1 && v[0] == '$') {
        v++;
        n--;

        if (n > 2 && v[0] == '{' && v[n - 1] == '}') {
            v++;
            n -= 2;
        }

        if (memchr(v, '$', n) == NULL) {
            map = ngxl_model_map(ngxl_check_model(chk), v, n);

            if (map) {
                *entry = ngxl_kch_map_entry(map);

                if (*entry && ngxl_kch_is_close(&(*entry)->args[1])) {
                    return NGXL_KCH_MAP;
                }
            }
        }
    }

    return NGXL_KCH_OK;
}


static void
ngxl_kch_fix(ngxl_check_t *chk, ngxl_finding_t *f, const ngxl_pass_t *p,
    int state, ngxl_mblock_t *level, ngxl_vec_t *hdrs, const ngxl_dir_t *conn,
    const ngxl_dir_t *entry)
{
    const char         *text;
    ngxl_edit_t         e;
    const ngxl_dir_t   *last;

    text = "proxy_set_header Connection \"\";";

    if (state == NGXL_KCH_MAP) {
        ngxl_edit_token(entry->inst->file, &entry->args[1], "\"\"", &e);
        ngxl_check_fix(chk, f, &e);
        ngxl_diag_hint(chk->diags, f, "make the map give \"\" instead of "
                       "\"close\" to requests that do not upgrade");
        return;
    }

    last = hdrs->n ? hdrs->elts[hdrs->n - 1] : NULL;

    if (level == NULL || level == p->location) {

        if (state == NGXL_KCH_CLOSE) {
            if (!ngxl_place_own(p->location, conn)) {
                /* set by an include the location shares: no safe edit */
                return;
            }

            ngxl_edit_token(conn->inst->file, &conn->args[2], "\"\"", &e);

        } else if (ngxl_place_in_location(chk->pool, p, last, text, &e)
                   != NGXL_OK)
        {
            return;
        }

        ngxl_check_fix(chk, f, &e);
        ngxl_diag_hint(chk->diags, f, "proxy_set_header Connection \"\"; in "
                       "%s", ngxl_model_block_name(chk->pool, p->location));
        return;
    }

    /* inherited from an outer level: carry those headers over */

    if (level->ctx == NGXL_HTTP_LIF || level->ctx == NGXL_HTTP_SIF) {
        return;
    }

    if (ngxl_place_in_location(chk->pool, p, NULL,
                               ngxl_place_carry(chk->pool, p, hdrs,
                                                "connection", text), &e)
        != NGXL_OK)
    {
        return;
    }

    ngxl_check_fix(chk, f, &e);
    ngxl_diag_hint(chk->diags, f, "proxy_set_header Connection \"\"; in %s, "
                   "with the %zu header%s it inherits from %s (a location's "
                   "own proxy_set_header drops inherited ones)",
                   ngxl_model_block_name(chk->pool, p->location),
                   hdrs->n - (conn != NULL), hdrs->n - (conn != NULL) == 1
                   ? "" : "s", ngxl_model_block_name(chk->pool, level));
}


static void
ngxl_kch_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    int                 state;
    size_t              i, k;
    unsigned            vnum;
    ngxl_vec_t          hdrs;
    ngxl_pass_t        *p;
    ngxl_mblock_t      *level;
    ngxl_finding_t     *f;
    ngxl_upstream_t    *u;
    const ngxl_dir_t   *d, *conn, *entry;

    (void) conf;

    vnum = ngxl_version_num(&chk->opts->version);

    for (i = 0; i < ngxl_check_model(chk)->passes.n; i++) {
        p = ngxl_check_model(chk)->passes.elts[i];
        d = p->dir;

        if (p->kind != NGXL_PASS_PROXY || !ngxl_pass_keeps(p, vnum)) {
            continue;
        }

        memset(&hdrs, 0, sizeof(ngxl_vec_t));
        level = ngxl_model_effective(p->block, "proxy_set_header", &hdrs);

        conn = NULL;

        for (k = 0; k < hdrs.n; k++) {
            if (ngxl_kch_is_connection(hdrs.elts[k])) {
                conn = hdrs.elts[k];
            }
        }

        entry = NULL;
        state = ngxl_kch_state(chk, conn, vnum, &entry);

        if (state == NGXL_KCH_OK) {
            ngxl_vec_free(&hdrs);
            continue;
        }

        u = p->targets.elts[0];

        f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                              d->line, d->args[1].col + d->args[1].len,
                              "proxy_pass to upstream \"%.*s\" sends "
                              "\"Connection: close\"%s: the upstream closes "
                              "every connection",
                              (int) u->len, u->name,
                              state == NGXL_KCH_DEFAULT
                              ? " (nginx's default before 1.29.7)"
                              : state == NGXL_KCH_MAP
                              ? " for requests that do not upgrade" : "");

        if (conn) {
            ngxl_diag_note(chk->diags, f, conn->inst->file->path, conn->line,
                           conn->col, "the Connection header is set here");
        }

        if (entry) {
            ngxl_diag_note(chk->diags, f, entry->inst->file->path,
                           entry->line, entry->col, "the map gives "
                           "\"close\" here");
        }

        ngxl_kch_fix(chk, f, p, state, level, &hdrs, conn, entry);
        ngxl_vec_free(&hdrs);
    }
}


const ngxl_rule_t  ngxl_rule_keepalive_connection_header = {
    .id = "keepalive-connection-header",
    .severity = NGXL_SEV_WARNING,
    .summary = "proxying to a keepalive upstream with \"Connection: close\"",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_kch_check,
};
