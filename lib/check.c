/*
 * ngxlint: running rules.
 */

#include <stdio.h>
#include <string.h>

#include "check.h"


static ngxl_finding_t *
ngxl_check_vreport(ngxl_check_t *chk, ngxl_severity_t sev, const char *file,
    uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col,
    const char *fmt, va_list ap)
{
    char    *msg;
    va_list  cp;
    int      n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);

    msg = ngxl_palloc(&chk->diags->pool, (size_t) (n > 0 ? n : 0) + 1);
    vsnprintf(msg, (size_t) (n > 0 ? n : 0) + 1, fmt, ap);

    return ngxl_diag_add(chk->diags, chk->rule->id, sev, file, line, col,
                         end_line, end_col, "%s", msg);
}


ngxl_finding_t *
ngxl_check_report(ngxl_check_t *chk, const char *file, uint32_t line,
    uint32_t col, uint32_t end_line, uint32_t end_col, const char *fmt, ...)
{
    va_list          ap;
    ngxl_finding_t  *f;

    va_start(ap, fmt);
    f = ngxl_check_vreport(chk, chk->severity, file, line, col, end_line,
                           end_col, fmt, ap);
    va_end(ap);

    return f;
}


ngxl_finding_t *
ngxl_check_report_sev(ngxl_check_t *chk, ngxl_severity_t sev,
    const char *file, uint32_t line, uint32_t col, uint32_t end_line,
    uint32_t end_col, const char *fmt, ...)
{
    va_list          ap;
    ngxl_finding_t  *f;

    va_start(ap, fmt);
    f = ngxl_check_vreport(chk, sev, file, line, col, end_line, end_col,
                           fmt, ap);
    va_end(ap);

    return f;
}


ngxl_model_t *
ngxl_check_model(ngxl_check_t *chk)
{
    if (!*chk->built) {
        ngxl_model_build(chk->model, chk->conf);
        *chk->built = 1;
    }

    return chk->model;
}


void
ngxl_check_fix(ngxl_check_t *chk, ngxl_finding_t *f, ngxl_edit_t *e)
{
    ngxl_diag_edit(chk->diags, f, e);
}


int
ngxl_check_version_ge(const ngxl_check_t *chk, unsigned num)
{
    return ngxl_version_num(&chk->opts->version) >= num;
}


void
ngxl_check_conf(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    ngxl_diags_t *diags)
{
    size_t         i;
    ngxl_cfile_t  *f;
    ngxl_check_t   chk;
    int            built;
    ngxl_model_t   model;
    ngxl_pool_t    pool;

    for (i = 0; i < conf->files.n; i++) {
        f = conf->files.elts[i];

        if (!f->err) {
            ngxl_diag_source(diags, f->path, f->data, f->len);
        }
    }

    built = 0;
    ngxl_pool_init(&pool);

    for (i = 0; i < n; i++) {
        if (use[i].rule->conf == NULL) {
            continue;
        }

        chk.diags = diags;
        chk.rule = use[i].rule;
        chk.severity = use[i].severity;
        chk.opts = opts;
        chk.conf = conf;
        chk.model = &model;
        chk.built = &built;
        chk.pool = &pool;

        use[i].rule->conf(&chk, conf);
    }

    ngxl_pool_free(&pool);

    if (built) {
        ngxl_model_free(&model);
    }
}


/* the rules of USE that have HOOK, each with a check context */

typedef void (*ngxl_check_each_pt)(const ngxl_rule_t *rule, ngxl_check_t *chk,
    const void *input);


static void
ngxl_check_each(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    const ngxl_lua_project_t *lua, ngxl_diags_t *diags,
    ngxl_check_each_pt call, const void *input)
{
    size_t        i;
    ngxl_check_t  chk;
    ngxl_pool_t   pool;

    ngxl_pool_init(&pool);

    for (i = 0; i < n; i++) {
        memset(&chk, 0, sizeof(ngxl_check_t));
        chk.diags = diags;
        chk.rule = use[i].rule;
        chk.severity = use[i].severity;
        chk.opts = opts;
        chk.conf = conf;
        chk.pool = &pool;
        chk.lua = lua;

        call(use[i].rule, &chk, input);
    }

    ngxl_pool_free(&pool);
}


static void
ngxl_check_bin_one(const ngxl_rule_t *rule, ngxl_check_t *chk,
    const void *input)
{
    if (rule->bin) {
        rule->bin(chk, input);
    }
}


static void
ngxl_check_lua_one(const ngxl_rule_t *rule, ngxl_check_t *chk,
    const void *input)
{
    if (rule->lua) {
        rule->lua(chk, input);
    }
}


static void
ngxl_check_src_one(const ngxl_rule_t *rule, ngxl_check_t *chk,
    const void *input)
{
    if (rule->src) {
        rule->src(chk, input);
    }
}


void
ngxl_check_bin(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_binary_t *b,
    ngxl_diags_t *diags)
{
    ngxl_check_each(use, n, opts, NULL, NULL, diags, ngxl_check_bin_one, b);
}


void
ngxl_check_lua(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    const ngxl_lua_project_t *p, ngxl_diags_t *diags)
{
    ngxl_check_each(use, n, opts, conf, p, diags, ngxl_check_lua_one, p);
}


void
ngxl_check_live(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    const ngxl_audit_t *a, ngxl_diags_t *diags)
{
    size_t        i;
    ngxl_check_t  chk;
    int           built;
    ngxl_model_t  model;
    ngxl_pool_t   pool;

    built = 0;
    ngxl_pool_init(&pool);

    for (i = 0; i < n; i++) {
        if (use[i].rule->live == NULL) {
            continue;
        }

        memset(&chk, 0, sizeof(ngxl_check_t));
        chk.diags = diags;
        chk.rule = use[i].rule;
        chk.severity = use[i].severity;
        chk.opts = opts;
        chk.conf = conf;
        chk.model = &model;
        chk.built = &built;
        chk.pool = &pool;

        use[i].rule->live(&chk, a);
    }

    ngxl_pool_free(&pool);

    if (built) {
        ngxl_model_free(&model);
    }
}


void
ngxl_check_src(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_src_project_t *p,
    ngxl_diags_t *diags)
{
    ngxl_check_each(use, n, opts, NULL, NULL, diags, ngxl_check_src_one, p);
}
