/*
 * lua-dynamic-var: ngx.var[expr] in per-request code: a name only known at
 * run time, which no index can serve.
 */

#include <string.h>

#include "../lib/check.h"


static void
ngxl_ldv_check(ngxl_check_t *chk, const ngxl_lua_project_t *p)
{
    size_t              i;
    uint32_t            phases;
    ngxl_finding_t     *f;
    ngxl_lua_access_t  *a;

    for (i = 0; i < p->scan.accesses.n; i++) {
        a = p->scan.accesses.elts[i];

        if (a->kind != NGXL_VAR_DYNAMIC) {
            continue;
        }

        phases = ngxl_lua_access_phases(p, a);

        if (!(phases & NGXL_PHASE_PER_REQUEST)) {
            continue;
        }

        f = ngxl_check_report(chk, a->file, a->line, a->col, a->line,
                              a->end_col, "ngx.var[...] with a name computed "
                              "at run time (%s phase%s): no index can serve "
                              "it", ngxl_lua_phase_name(phases),
                              a->loops ? ", in a loop" : "");

        ngxl_diag_hint(chk->diags, f, "read the few names it can take "
                       "explicitly, so that they can be indexed");
    }
}


const ngxl_rule_t  ngxl_rule_lua_dynamic_var = {
    .id = "lua-dynamic-var",
    .severity = NGXL_SEV_NOTE,
    .summary = "ngx.var[expr] per request: a name no index can serve",
    .inputs = NGXL_INPUT_LUA,
    .lua = ngxl_ldv_check,
};
