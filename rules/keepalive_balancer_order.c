/*
 * keepalive-balancer-order: "keepalive" before hash, ip_hash, least_conn or
 * random in an upstream.  Before nginx 1.29.7 the balancer replaces the
 * peer functions keepalive wrapped, so the keepalive silently does nothing
 * (nginx only warns "load balancing method redefined" at start-up).
 */

#include "../lib/check.h"


static void
ngxl_kbo_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t             i, k;
    int                seen;
    char              *text;
    ngxl_edit_t        e;
    ngxl_finding_t    *f;
    ngxl_upstream_t   *u;
    const ngxl_dir_t  *d, *b;

    (void) conf;

    if (ngxl_check_version_ge(chk, NGXL_V_1_29_7)) {
        return;
    }

    for (i = 0; i < ngxl_check_model(chk)->upstreams.n; i++) {
        u = ngxl_check_model(chk)->upstreams.elts[i];

        if (u->keepalive == NULL || u->balancer == NULL) {
            continue;
        }

        /* is the last balancer directive after the keepalive? */

        seen = 0;

        for (k = 0; k < u->block->dirs.n; k++) {
            d = u->block->dirs.elts[k];

            if (d == u->keepalive) {
                seen = 1;
            }

            if (d == u->balancer) {
                break;
            }
        }

        if (!seen) {
            continue;
        }

        b = u->balancer;
        d = u->keepalive;

        f = ngxl_check_report(chk, b->inst->file->path, b->line, b->col,
                              b->line, b->args[0].col + b->args[0].len,
                              "\"%.*s\" after \"keepalive\" in upstream "
                              "\"%.*s\" undoes the keepalive: no connection "
                              "is kept", (int) b->args[0].vlen,
                              b->args[0].value, (int) u->len, u->name);

        ngxl_diag_note(chk->diags, f, d->inst->file->path, d->line, d->col,
                       "the keepalive that has no effect");

        if (d->inst != b->inst) {
            continue;           /* in two files: moved by hand */
        }

        text = ngxl_psprintf(chk->pool, "%s%s", ngxl_edit_text(chk->pool, d),
                             ngxl_edit_trailing_comment(chk->pool, d));

        ngxl_edit_delete(d, &e);
        ngxl_check_fix(chk, f, &e);

        ngxl_edit_after(chk->pool, b, text, &e);
        ngxl_check_fix(chk, f, &e);

        ngxl_diag_hint(chk->diags, f, "move \"%s\" after \"%.*s\"",
                       ngxl_edit_text(chk->pool, d),
                       (int) b->args[0].vlen, b->args[0].value);
    }
}


const ngxl_rule_t  ngxl_rule_keepalive_balancer_order = {
    .id = "keepalive-balancer-order",
    .severity = NGXL_SEV_WARNING,
    .summary = "keepalive before the balancer directive: nginx drops the keepalive",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_kbo_check,
};
