/*
 * upstream-keepalive: an upstream that HTTP, FastCGI or gRPC proxying uses
 * keeps no idle connections, so every request pays a connect and a close.
 */

#include <string.h>

#include "../lib/check.h"


#define NGXL_UK_NOTES  3


static int
ngxl_uk_proxied(const ngxl_upstream_t *u)
{
    size_t        i;
    ngxl_pass_t  *p;

    for (i = 0; i < u->users.n; i++) {
        p = u->users.elts[i];

        if (p->kind == NGXL_PASS_PROXY || p->kind == NGXL_PASS_FASTCGI
            || p->kind == NGXL_PASS_GRPC)
        {
            return 1;
        }
    }

    return 0;
}


static void
ngxl_uk_notes(ngxl_check_t *chk, ngxl_finding_t *f, const ngxl_upstream_t *u)
{
    size_t        i, n;
    ngxl_pass_t  *p;

    n = u->users.n;

    for (i = 0; i < n && i < NGXL_UK_NOTES; i++) {
        p = u->users.elts[i];
        ngxl_diag_note(chk->diags, f, p->dir->inst->file->path, p->dir->line,
                       p->dir->col, "used by %s here",
                       ngxl_pass_name(p->kind));
    }

    if (n > NGXL_UK_NOTES) {
        ngxl_diag_note(chk->diags, f, NULL, 0, 0, "and by %zu more pass "
                       "directives", n - NGXL_UK_NOTES);
    }
}


static void
ngxl_uk_check(ngxl_check_t *chk, const ngxl_conf_t *conf)
{
    size_t            i;
    char             *text;
    ngxl_edit_t       e;
    ngxl_finding_t   *f;
    ngxl_upstream_t  *u;
    const ngxl_dir_t *d;

    (void) conf;

    for (i = 0; i < ngxl_check_model(chk)->upstreams.n; i++) {
        u = ngxl_check_model(chk)->upstreams.elts[i];
        d = u->dir;

        if (!u->used || !ngxl_uk_proxied(u)) {
            continue;
        }

        if (u->keepalive == NULL
            && !ngxl_check_version_ge(chk, NGXL_V_1_29_7))
        {
            f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                                  d->line, d->args[1].col + d->args[1].len,
                                  "upstream \"%.*s\" has no keepalive: every "
                                  "request opens and closes a connection "
                                  "to it", (int) u->len, u->name);

            text = ngxl_psprintf(chk->pool, "keepalive %u;",
                                 chk->opts->keepalive);

            if (d->closed) {
                ngxl_edit_block_end(chk->pool, d, text, &e);
                ngxl_check_fix(chk, f, &e);
                ngxl_diag_hint(chk->diags, f, "add \"%s\" to the upstream "
                               "block", text);
            }

            ngxl_uk_notes(chk, f, u);
            continue;
        }

        if (u->keepalive && ngxl_dir_arg_is(u->keepalive, 1, "0")) {
            f = ngxl_check_report(chk, d->inst->file->path, d->line, d->col,
                                  d->line, d->args[1].col + d->args[1].len,
                                  "upstream \"%.*s\" has \"keepalive 0\": "
                                  "every request opens and closes a "
                                  "connection to it", (int) u->len, u->name);

            d = u->keepalive;
            ngxl_diag_note(chk->diags, f, d->inst->file->path, d->line,
                           d->col, "keepalive turned off here");

            text = ngxl_psprintf(chk->pool, "%u", chk->opts->keepalive);
            ngxl_edit_token(d->inst->file, &d->args[1], text, &e);
            ngxl_check_fix(chk, f, &e);
            ngxl_diag_hint(chk->diags, f, "keepalive %u;",
                           chk->opts->keepalive);

            ngxl_uk_notes(chk, f, u);
        }
    }
}


const ngxl_rule_t  ngxl_rule_upstream_keepalive = {
    .id = "upstream-keepalive",
    .severity = NGXL_SEV_WARNING,
    .summary = "a proxied upstream keeps no idle connections (a connect per request)",
    .inputs = NGXL_INPUT_CONF,
    .conf = ngxl_uk_check,
};
