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
    "conf-syntax",
    NGXL_SEV_ERROR,
    "nginx would reject the configuration's syntax",
    NGXL_INPUT_CONF,
    ngxl_conf_syntax_check
};
