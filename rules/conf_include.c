/*
 * conf-include: includes that nginx cannot follow (a missing or unreadable
 * file), and those it would follow forever (a cycle).
 */

#include "../lib/check.h"


static void
ngxl_conf_include_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t              i;
    const ngxl_cerr_t  *e;

    for (i = 0; i < conf->errors.n; i++) {
        e = conf->errors.elts[i];

        if (e->kind == NGXL_CERR_INCLUDE) {
            ngxl_check_report(chk, e->file ? e->file->path : NULL, e->line,
                              e->col, e->line, e->end_col, "%s", e->msg);
        }
    }
}


const ngxl_rule_t  ngxl_rule_conf_include = {
    .id = "conf-include",
    .severity = NGXL_SEV_ERROR,
    .summary = "an include that is missing, unreadable or cyclic",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_conf_include_check,
};
