/*
 * conf-syntax: what nginx's tokenizer and block structure reject.
 */

#include "../lib/check.h"


static void
ngxl_conf_syntax_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t              i;
    const ngxl_cerr_t  *e;

    for (i = 0; i < conf->errors.n; i++) {
        e = conf->errors.elts[i];

        if (e->kind == NGXL_CERR_SYNTAX) {
            ngxl_check_report(chk, e->file ? e->file->path : NULL, e->line,
                              e->col, e->line, e->end_col, "%s", e->msg);
        }
    }
}


const ngxl_rule_t  ngxl_rule_conf_syntax = {
    .id = "conf-syntax",
    .severity = NGXL_SEV_ERROR,
    .summary = "nginx would reject the configuration's syntax",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_conf_syntax_check,
};
