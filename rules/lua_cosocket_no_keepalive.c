/*
 * lua-cosocket-no-keepalive: the Lua twin of the connection storm.  In
 * per-request code, a cosocket (pooled with setkeepalive) or a
 * lua-resty-http client (pooled with set_keepalive) that on its success
 * path is closed, or left to go out of scope, or request_uri told
 * keepalive = false.  Closing after an error is right, and not reported.
 */

#include <string.h>

#include "../lib/check.h"


static void
ngxl_lck_check(ngxl_check_t *chk, const ngxl_lua_project_t *p)
{
    size_t              i;
    uint32_t            phases;
    ngxl_finding_t     *f;
    ngxl_lua_sock_t    *s;
    ngxl_lua_access_t   a;
    const char         *what, *pool;

    for (i = 0; i < p->scan.sockets.n; i++) {
        s = p->scan.sockets.elts[i];

        memset(&a, 0, sizeof(ngxl_lua_access_t));
        a.chunk = s->chunk;
        a.in_function = s->in_function;
        phases = ngxl_lua_access_phases(p, &a);

        if (!(phases & NGXL_PHASE_PER_REQUEST)) {
            continue;
        }

        what = s->http ? "lua-resty-http client" : "cosocket";
        pool = s->http ? "set_keepalive()" : "setkeepalive()";

        switch (s->what) {

        case NGXL_SOCK_CLOSED:
            f = ngxl_check_report(chk, s->file, s->line, s->col, 0, 0,
                                  "%s \"%s\" is closed on its success path "
                                  "(%s phase): the next request connects "
                                  "again", what, s->var ? s->var : "",
                                  ngxl_lua_phase_name(phases));
            break;

        case NGXL_SOCK_DROPPED:
            f = ngxl_check_report(chk, s->file, s->line, s->col, 0, 0,
                                  "%s \"%s\" connects and is left to go "
                                  "out of scope (%s phase): its connection "
                                  "is never reused", what,
                                  s->var ? s->var : "",
                                  ngxl_lua_phase_name(phases));
            if (s->conn_line) {
                ngxl_diag_note(chk->diags, f, s->file, s->conn_line, 0,
                               "connected here");
            }
            break;

        default:
            f = ngxl_check_report(chk, s->file, s->line, s->col, 0, 0,
                                  "request_uri() with keepalive = false "
                                  "(%s phase): a new connection for every "
                                  "request", ngxl_lua_phase_name(phases));
            pool = "keepalive = true (the default)";
            break;
        }

        ngxl_diag_hint(chk->diags, f, "pool it with %s once the response "
                       "is read; close only after an error", pool);
    }
}


const ngxl_rule_t  ngxl_rule_lua_cosocket_no_keepalive = {
    .id = "lua-cosocket-no-keepalive",
    .severity = NGXL_SEV_WARNING,
    .summary = "a per-request cosocket or HTTP client closed instead of pooled",
    .inputs = NGXL_INPUT_LUA,
    .lua = ngxl_lck_check,
};
