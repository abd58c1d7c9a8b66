/*
 * src-unindexed-var: a C module looks a variable up by name per request:
 * ngx_http_get_variable() (or ngx_stream_get_variable()) in a function that
 * has the request.  Each call hashes the name (when the caller hashes it
 * there) and searches the hash of every variable, then the prefix
 * variables' list.  With a constant name, or one fixed at configuration
 * time, the fix is the index: ngx_http_get_variable_index() once, then
 * ngx_http_get_indexed_variable() per request; the finding shows both
 * halves as notes.  A name built per request is a note.
 */

#include <string.h>

#include "../lib/check.h"


static void
ngxl_suv_call(ngxl_check_t *chk, const ngxl_src_call_t *c)
{
    int               warn;
    const char       *http, *where, *name, *req, *per;
    ngxl_buf_t        ctx;
    ngxl_severity_t   sev;
    ngxl_finding_t   *f;

    warn = c->name_kind == NGXL_SRC_NAME_CONST
           || c->name_kind == NGXL_SRC_NAME_CONF;

    sev = warn ? chk->severity
               : (chk->severity < NGXL_SEV_NOTE ? chk->severity
                                                : NGXL_SEV_NOTE);

    http = c->stream ? "stream" : "http";
    per = c->stream ? "session" : "request";
    req = c->request ? c->request : (c->stream ? "s" : "r");
    name = c->name_expr ? c->name_expr : "&name";

    ngxl_buf_init(&ctx);

    if (c->loops) {
        ngxl_buf_printf(&ctx, ", in a loop");
    }

    if (c->macro) {
        ngxl_buf_printf(&ctx, " (through the macro %s)", c->macro);
    }

    if (c->name_kind == NGXL_SRC_NAME_CONST) {
        f = ngxl_check_report_sev(chk, sev, c->file, c->line, c->col,
                                  c->end_line, c->end_col,
                                  "%s() looks up $%s by name per %s in "
                                  "%s()%s: the name is a constant, so the "
                                  "variable can be indexed once",
                                  c->callee, c->name ? c->name : "?", per,
                                  c->function, ctx.data ? ctx.data : "");

    } else if (c->name_kind == NGXL_SRC_NAME_CONF) {
        f = ngxl_check_report_sev(chk, sev, c->file, c->line, c->col,
                                  c->end_line, c->end_col,
                                  "%s() looks up a variable by name per %s "
                                  "in %s()%s, with a name fixed at "
                                  "configuration time: it can be indexed "
                                  "then", c->callee, per, c->function,
                                  ctx.data ? ctx.data : "");

    } else {
        f = ngxl_check_report_sev(chk, sev, c->file, c->line, c->col,
                                  c->end_line, c->end_col,
                                  "%s() looks up a variable by name per %s "
                                  "in %s()%s; its name is made per %s",
                                  c->callee, per, c->function,
                                  ctx.data ? ctx.data : "", per);
    }

    ngxl_buf_free(&ctx);

    f->extra = json_object();
    json_object_set_new(f->extra, "function", json_string(c->function));
    json_object_set_new(f->extra, "callee", json_string(c->callee));
    json_object_set_new(f->extra, "variable",
                        c->name ? json_string(c->name) : json_null());
    json_object_set_new(f->extra, "name_kind",
                        json_string(ngxl_src_name_kind(c->name_kind)));
    json_object_set_new(f->extra, "request_type",
                        json_string(c->request_type ? c->request_type : ""));
    json_object_set_new(f->extra, "loops", json_integer(c->loops));

    /* where the name comes from */

    if (c->why) {
        ngxl_diag_note(chk->diags, f, c->why_file ? c->why_file : c->file,
                       c->why_file ? c->why_line : c->line,
                       c->why_file ? c->why_col : c->col,
                       "the name (%s) is %s%s", name, c->why,
                       c->hashes ? "; and the key is hashed here, per call"
                                 : "");
    }

    /* the configuration-time half */

    where = warn ? "" : "if the names are known at configuration time "
                        "(the directive's arguments): ";

    if (c->conf_func) {
        ngxl_diag_note(chk->diags, f, c->conf_file, c->conf_line,
                       c->conf_col, "%sat configuration time, in %s(): "
                       "index = ngx_%s_get_variable_index(%s, %s); kept in "
                       "the module's configuration", where, c->conf_func,
                       http, c->conf_param ? c->conf_param : "cf", name);

    } else {
        ngxl_diag_note(chk->diags, f, c->file, c->line, c->col,
                       "%sat configuration time (a postconfiguration or "
                       "directive handler: this file has none): index = "
                       "ngx_%s_get_variable_index(cf, %s)", where, http,
                       name);
    }

    /* the per-request half */

    ngxl_diag_note(chk->diags, f, c->file, c->line, c->col, "per %s: "
                   "vv = ngx_%s_get_indexed_variable(%s, index); instead of "
                   "%s(%s, %s, %s)", per, http, req, c->callee, req, name,
                   c->key_expr ? c->key_expr : "key");

    ngxl_diag_hint(chk->diags, f, "ngx_%s_get_variable_index() once, "
                   "ngx_%s_get_indexed_variable() (or _flushed_) per %s",
                   http, http, per);
}


static void
ngxl_suv_check(ngxl_check_t *chk, const ngxl_src_project_t *p)
{
    size_t           i, k;
    ngxl_src_tu_t   *tu;

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        for (k = 0; k < tu->calls.n; k++) {
            ngxl_suv_call(chk, tu->calls.elts[k]);
        }
    }
}


const ngxl_rule_t  ngxl_rule_src_unindexed_var = {
    .id = "src-unindexed-var",
    .severity = NGXL_SEV_WARNING,
    .summary = "a C module looks a variable up by name per request",
    .inputs = NGXL_INPUT_SRC | NGXL_INPUT_AST,
    .src = ngxl_suv_check,
};
