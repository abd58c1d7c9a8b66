/*
 * keepalive-fastcgi-keep-conn: fastcgi_pass to an upstream that keeps
 * connections, without "fastcgi_keep_conn on": nginx asks the FastCGI
 * server to close each connection (still the default in nginx 1.29.7).
 */

#include "../lib/check.h"
#include "../lib/fix/place.h"


static void
ngxl_kfk_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t             i;
    unsigned           vnum;
    ngxl_edit_t        e;
    ngxl_pass_t       *p;
    ngxl_finding_t    *f;
    ngxl_upstream_t   *u;
    const ngxl_dir_t  *v, *d;

    (void) conf;

    vnum = ngxl_version_num(&chk->opts->version);

    for (i = 0; i < ngxl_check_model(chk)->passes.n; i++) {
        p = ngxl_check_model(chk)->passes.elts[i];
        d = p->dir;

        if (p->kind != NGXL_PASS_FASTCGI || !ngxl_pass_keeps(p, vnum)) {
            continue;
        }

        v = ngxl_model_value(p->block, "fastcgi_keep_conn");

        if (v && ngxl_dir_arg_is(v, 1, "on")) {
            continue;
        }

        u = p->targets.elts[0];

        f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                              d->line, d->args[1].col + d->args[1].len,
                              "fastcgi_pass to upstream \"%.*s\" without "
                              "\"fastcgi_keep_conn on\": the FastCGI server "
                              "closes every connection", (int) u->len,
                              u->name);

        if (v) {
            ngxl_diag_note(chk->diags, f, v->inst->file->path, v->line,
                           v->col, "turned off here");
        }

        if (ngxl_place_scalar(chk->pool, p, v, "fastcgi_keep_conn", "on", &e)
            != NGXL_OK)
        {
            continue;
        }

        ngxl_check_fix(chk, f, &e);
        ngxl_diag_hint(chk->diags, f, "fastcgi_keep_conn on; in %s",
                       ngxl_model_block_name(chk->pool, p->location));
    }
}


const ngxl_rule_t  ngxl_rule_keepalive_fastcgi_keep_conn = {
    .id = "keepalive-fastcgi-keep-conn",
    .severity = NGXL_SEV_WARNING,
    .summary = "fastcgi_pass to a keepalive upstream without fastcgi_keep_conn on",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_kfk_check,
};
