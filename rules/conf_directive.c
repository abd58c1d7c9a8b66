/*
 * conf-directive: directives nginx's table rejects where they stand (not
 * allowed in the context, a wrong number of arguments) and, with --strict,
 * directives no known module declares.
 */

#include "../lib/check.h"


static void
ngxl_conf_directive_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t              i;
    const ngxl_cerr_t  *e;

    for (i = 0; i < conf->errors.n; i++) {
        e = conf->errors.elts[i];

        switch (e->kind) {

        case NGXL_CERR_CONTEXT:
        case NGXL_CERR_ARGS:
            ngxl_check_report(chk, e->file->path, e->line, e->col, e->line,
                              e->end_col, "%s", e->msg);
            break;

        case NGXL_CERR_UNKNOWN:
            if (chk->opts->strict) {
                ngxl_check_report_sev(chk, NGXL_SEV_NOTE, e->file->path,
                                      e->line, e->col, e->line, e->end_col,
                                      "%s (no known module declares it)",
                                      e->msg);
            }
            break;

        default:
            break;
        }
    }
}


const ngxl_rule_t  ngxl_rule_conf_directive = {
    .id = "conf-directive",
    .severity = NGXL_SEV_ERROR,
    .summary = "a directive not allowed where it stands, or with a wrong argument count",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_conf_directive_check,
};
