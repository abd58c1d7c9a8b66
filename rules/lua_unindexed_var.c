/*
 * lua-unindexed-var: a variable Lua reads or writes per request that nginx
 * has no index for: every access lowercases and hashes its name and
 * searches for it.  One finding per variable, at its hottest access.
 */

#include <string.h>

#include "../lib/check.h"
#include "../lib/lua/index.h"


#define NGXL_LUV_NOTES  8


static void
ngxl_luv_check(ngxl_check_t *chk, const ngxl_lua_project_t *p)
{
    int                 kong;
    size_t              i, k;
    ngxl_vec_t          hot;
    ngxl_edit_t         e;
    ngxl_lua_hot_t     *h;
    ngxl_finding_t     *f;
    ngxl_lua_access_t  *a;
    int                 fixable;

    memset(&hot, 0, sizeof(ngxl_vec_t));
    ngxl_lua_hot_vars(p, &hot);

    if (hot.n == 0) {
        ngxl_vec_free(&hot);
        return;
    }

    kong = ngxl_lua_kong_dialect(p, chk->opts->dialect);

    /* one edit indexes them all: every finding carries it, applied once */
    fixable = ngxl_lua_index_edit(p, chk->pool, &hot, kong, &e) == NGXL_OK;

    for (i = 0; i < hot.n; i++) {
        h = hot.elts[i];
        a = h->hottest;

        f = ngxl_check_report_sev(chk,
                                  h->score >= chk->opts->hot_threshold
                                  ? chk->severity : NGXL_SEV_NOTE,
                                  a->file, a->line, a->col, a->line,
                                  a->end_col,
                                  "$%s is %s per request by name, unindexed "
                                  "(%u access%s, score %u%s): each hashes "
                                  "the name and searches for it",
                                  h->name,
                                  h->writes && h->reads ? "read and written"
                                  : h->writes ? "written" : "read",
                                  h->reads + h->writes,
                                  h->reads + h->writes == 1 ? "" : "es",
                                  h->score,
                                  a->loops ? ", in a loop" : "");

        f->extra = json_object();
        json_object_set_new(f->extra, "variable", ngxl_json_text(h->name));
        json_object_set_new(f->extra, "score", json_integer(h->score));
        json_object_set_new(f->extra, "phase",
                            json_string(ngxl_lua_phase_name(h->phases)));

        for (k = 0; k < h->places.n && k < NGXL_LUV_NOTES; k++) {
            a = h->places.elts[k];

            if (a == h->hottest) {
                continue;
            }

            ngxl_diag_note(chk->diags, f, a->file, a->line, a->col,
                           "also %s here (%s phase)",
                           a->kind == NGXL_VAR_WRITE ? "written" : "read",
                           ngxl_lua_phase_name(ngxl_lua_access_phases(p, a)));
        }

        if (!h->known) {
            /* an index of an unknown name stops nginx from starting */
            ngxl_diag_hint(chk->diags, f, "no module nginx loads defines "
                           "$%s: define it (set $%s \"\";) in http {} and "
                           "it is indexed", h->name, h->name);
            continue;
        }

        if (fixable) {
            ngxl_check_fix(chk, f, &e);
        }

        ngxl_diag_hint(chk->diags, f, "%s $%s; in http {} (ngxlint lua "
                       "--emit-index prints them all)",
                       kong ? "lua_kong_load_var_index" : "var_index",
                       h->name);
    }

    ngxl_lua_hot_free(&hot);
}


const ngxl_rule_t  ngxl_rule_lua_unindexed_var = {
    .id = "lua-unindexed-var",
    .severity = NGXL_SEV_WARNING,
    .summary = "a variable Lua reads or writes per request by name, unindexed",
    .inputs = NGXL_INPUT_LUA,
    .lua = ngxl_luv_check,
};
