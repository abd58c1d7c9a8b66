/*
 * keepalive-unresolved-target: a pass target that cannot be judged without
 * running nginx (variables, a map whose values are not all upstreams), so
 * that users see where ngxlint is blind.
 */

#include "../lib/check.h"


static void
ngxl_kut_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t             i;
    ngxl_pass_t       *p;
    ngxl_finding_t    *f;
    const ngxl_dir_t  *d, *r;

    (void) conf;

    for (i = 0; i < ngxl_check_model(chk)->passes.n; i++) {
        p = ngxl_check_model(chk)->passes.elts[i];
        d = p->dir;

        if (p->resolution != NGXL_TARGET_UNRESOLVED
            || (p->kind != NGXL_PASS_PROXY && p->kind != NGXL_PASS_FASTCGI
                && p->kind != NGXL_PASS_GRPC))
        {
            continue;
        }

        f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                              d->line, d->args[1].col + d->args[1].len,
                              "%s target \"%.*s\" is %s: whether its "
                              "connections are kept alive cannot be told "
                              "statically", ngxl_pass_name(p->kind),
                              (int) d->args[1].vlen, d->args[1].value,
                              p->why ? p->why : "resolved at run time");

        r = ngxl_model_value(p->block, "resolver");

        if (r) {
            ngxl_diag_note(chk->diags, f, r->inst->file->path, r->line,
                           r->col, "names are resolved at run time with this "
                           "resolver, into implicit upstreams that keep no "
                           "connections");
        }
    }
}


const ngxl_rule_t  ngxl_rule_keepalive_unresolved_target = {
    .id = "keepalive-unresolved-target",
    .severity = NGXL_SEV_NOTE,
    .summary = "a pass target only known at run time: keepalive cannot be judged",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_kut_check,
};
