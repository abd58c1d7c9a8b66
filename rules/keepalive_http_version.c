/*
 * keepalive-http-version: a location proxies to an upstream that keeps
 * connections, but speaks HTTP/1.0 to it, so nginx cannot reuse them.
 */

#include "../lib/check.h"
#include "../lib/fix/place.h"


static void
ngxl_khv_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t              i;
    unsigned            vnum;
    ngxl_edit_t         e;
    ngxl_pass_t        *p;
    ngxl_finding_t     *f;
    const ngxl_dir_t   *v, *d;

    (void) conf;

    vnum = ngxl_version_num(&chk->opts->version);

    for (i = 0; i < ngxl_check_model(chk)->passes.n; i++) {
        p = ngxl_check_model(chk)->passes.elts[i];
        d = p->dir;

        if (p->kind != NGXL_PASS_PROXY || !ngxl_pass_keeps(p, vnum)) {
            continue;
        }

        v = ngxl_model_value(p->block, "proxy_http_version");

        if (v ? !ngxl_dir_arg_is(v, 1, "1.0") : vnum >= NGXL_V_1_29_7) {
            continue;
        }

        f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                              d->line, d->args[1].col + d->args[1].len,
                              "proxy_pass to upstream \"%.*s\" over HTTP/1.0"
                              "%s: its idle connections are never reused",
                              (int) ((ngxl_upstream_t *) p->targets.elts[0])->len,
                              ((ngxl_upstream_t *) p->targets.elts[0])->name,
                              v ? "" : " (the default before nginx 1.29.7)");

        if (v) {
            ngxl_diag_note(chk->diags, f, v->inst->file->path, v->line,
                           v->col, "HTTP/1.0 is set here");
        }

        if (ngxl_place_scalar(chk->pool, p, v, "proxy_http_version", "1.1",
                              &e)
            != NGXL_OK)
        {
            continue;
        }

        ngxl_check_fix(chk, f, &e);
        ngxl_diag_hint(chk->diags, f, "proxy_http_version 1.1; in %s",
                       ngxl_model_block_name(chk->pool, p->location));
    }
}


const ngxl_rule_t  ngxl_rule_keepalive_http_version = {
    .id = "keepalive-http-version",
    .severity = NGXL_SEV_WARNING,
    .summary = "proxying to a keepalive upstream over HTTP/1.0 (connections not reused)",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_khv_check,
};
