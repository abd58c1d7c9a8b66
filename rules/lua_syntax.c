/*
 * lua-syntax: Lua that does not parse (a missing "end", an unterminated
 * string, garbage).  What can still be read around the error is read: the
 * other Lua rules still see the accesses there.
 */

#include "../lib/check.h"


static void
ngxl_ls_check(ngxl_check_t *chk, const ngxl_lua_project_t *p)
{
    size_t             i;
    ngxl_lua_error_t  *e;

    for (i = 0; i < p->scan.errors.n; i++) {
        e = p->scan.errors.elts[i];

        ngxl_check_report(chk, e->file, e->line, e->col, e->line, e->col + 1,
                          e->rest_unread ? "%s: the Lua before it is still read"
                                         : "%s: the Lua around it is still read",
                          e->msg);
    }
}


const ngxl_rule_t  ngxl_rule_lua_syntax = {
    .id = "lua-syntax",
    .severity = NGXL_SEV_ERROR,
    .summary = "Lua code that does not parse",
    .inputs = NGXL_INPUT_LUA,
    .lua = ngxl_ls_check,
};
