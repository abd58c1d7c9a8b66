/*
 * src-unoptimized: translation units a build compiles at -O0, or with no
 * -O at all (which is -O0): one finding per build, at the first one's
 * entry.  Also, at lower severities: optimised units with inlining or
 * sibling calls switched off (-fno-inline, -fno-optimize-sibling-calls),
 * and nginx's own default, a bare -O (-O1), from objs/Makefile.
 */

#include <string.h>

#include "../lib/check.h"


#define NGXL_SU_NAMES  3        /* TUs named in the message             */
#define NGXL_SU_NOTES  10       /* TUs with their flags as notes        */


static void
ngxl_su_names(ngxl_buf_t *msg, ngxl_vec_t *tus)
{
    size_t          i;
    ngxl_src_tu_t  *tu;

    for (i = 0; i < tus->n && i < NGXL_SU_NAMES; i++) {
        tu = tus->elts[i];
        ngxl_buf_printf(msg, "%s%s (%s)", i ? ", " : "", tu->name,
                        ngxl_src_opt_text(&tu->flags));
    }

    if (tus->n > NGXL_SU_NAMES) {
        ngxl_buf_printf(msg, " and %zu more", tus->n - NGXL_SU_NAMES);
    }
}


static void
ngxl_su_hint(ngxl_check_t *chk, const ngxl_src_project_t *p,
    ngxl_finding_t *f, int none)
{
    if (p->build == NGXL_SRC_BUILD_MAKEFILE) {
        ngxl_diag_hint(chk->diags, f, "configure nginx with "
                       "--with-cc-opt='-O2' (it comes after nginx's own -O, "
                       "and the last -O wins)");

    } else if (p->cmake && (p->build_type == NULL || *p->build_type == '\0')
               && none)
    {
        ngxl_diag_hint(chk->diags, f, "CMAKE_BUILD_TYPE is empty, so CMake "
                       "passes no -O at all: configure with "
                       "-DCMAKE_BUILD_TYPE=Release (or RelWithDebInfo)");

    } else if (p->cmake && p->build_type
               && strcmp(p->build_type, "Debug") == 0)
    {
        ngxl_diag_hint(chk->diags, f, "this is a CMAKE_BUILD_TYPE=Debug "
                       "build: ship a Release or RelWithDebInfo one");

    } else {
        ngxl_diag_hint(chk->diags, f, "build every file with -O2 (the last "
                       "-O on a command line wins: look for a late -O0)");
    }
}


static void
ngxl_su_notes(ngxl_check_t *chk, ngxl_finding_t *f, ngxl_vec_t *tus,
    int partial)
{
    size_t          i;
    uint32_t        line, col, end;
    const char     *file;
    ngxl_src_tu_t  *tu;

    for (i = 0; i < tus->n && i < NGXL_SU_NOTES; i++) {
        tu = tus->elts[i];
        ngxl_src_tu_where(tu, &file, &line, &col, &end);

        if (partial) {
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: %s with%s%s",
                           tu->name, ngxl_src_opt_text(&tu->flags),
                           tu->flags.no_inline ? " -fno-inline" : "",
                           tu->flags.no_sibling
                           ? " -fno-optimize-sibling-calls" : "");

        } else if (tu->flags.opt_arg == NULL) {
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: no -O on its "
                           "command line: the compiler's default is -O0",
                           tu->name);

        } else if (tu->flags.nopts > 1
                   && strcmp(tu->flags.opt_first, tu->flags.opt_arg) != 0)
        {
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: %s, then %s: "
                           "the last -O wins", tu->name, tu->flags.opt_first,
                           tu->flags.opt_arg);

        } else {
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: %s", tu->name,
                           tu->flags.opt_arg);
        }
    }
}


static json_t *
ngxl_su_list(ngxl_vec_t *tus)
{
    size_t          i;
    json_t         *a;
    ngxl_src_tu_t  *tu;

    a = json_array();

    for (i = 0; i < tus->n; i++) {
        tu = tus->elts[i];
        json_array_append_new(a, json_string(tu->file));
    }

    return a;
}


static void
ngxl_su_check(ngxl_check_t *chk, const ngxl_src_project_t *p)
{
    int              none;
    size_t           i, built;
    uint32_t         line, col, end;
    ngxl_buf_t       msg;
    ngxl_vec_t       unopt, partial, bare;
    const char      *file;
    ngxl_src_tu_t   *tu;
    ngxl_finding_t  *f;

    memset(&unopt, 0, sizeof(ngxl_vec_t));
    memset(&partial, 0, sizeof(ngxl_vec_t));
    memset(&bare, 0, sizeof(ngxl_vec_t));
    built = 0;
    none = 0;

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->origin == NGXL_SRC_FROM_STANDIN) {
            continue;           /* no build: no flags to judge */
        }

        built++;

        if (tu->flags.opt == NGXL_OPT_UNKNOWN || tu->flags.opt == NGXL_OPT_O0)
        {
            none |= tu->flags.opt == NGXL_OPT_UNKNOWN;
            ngxl_vec_push(&unopt, tu);

        } else if (tu->flags.no_inline || tu->flags.no_sibling) {
            ngxl_vec_push(&partial, tu);

        } else if (tu->origin == NGXL_SRC_FROM_MAKEFILE
                   && strcmp(tu->flags.opt_arg, "-O") == 0)
        {
            ngxl_vec_push(&bare, tu);
        }
    }

    ngxl_buf_init(&msg);

    if (unopt.n) {
        ngxl_su_names(&msg, &unopt);
        ngxl_src_tu_where(unopt.elts[0], &file, &line, &col, &end);

        f = ngxl_check_report(chk, file, line, col, line, end, "%zu of %zu "
                              "translation units built without optimisation "
                              "(-O0, or no -O): %s", unopt.n, built,
                              msg.data);
        f->extra = json_object();
        json_object_set_new(f->extra, "tus", ngxl_su_list(&unopt));

        if (p->build_type) {
            json_object_set_new(f->extra, "build_type",
                                json_string(p->build_type));
        }

        ngxl_su_notes(chk, f, &unopt, 0);

        if (p->configure) {
            ngxl_diag_note(chk->diags, f, p->build_file, p->cflags_line, 0,
                           "configure ran with: %s",
                           *p->configure ? p->configure : "(no arguments)");
        }

        ngxl_su_hint(chk, p, f, none);
    }

    if (partial.n) {
        msg.len = 0;
        ngxl_su_names(&msg, &partial);
        ngxl_src_tu_where(partial.elts[0], &file, &line, &col, &end);

        f = ngxl_check_report_sev(chk, chk->severity < NGXL_SEV_WARNING
                                  ? chk->severity : NGXL_SEV_WARNING,
                                  file, line, col, line, end,
                                  "%zu of %zu translation units are "
                                  "optimised with inlining or sibling calls "
                                  "off (-fno-inline, "
                                  "-fno-optimize-sibling-calls): %s",
                                  partial.n, built, msg.data);
        f->extra = json_object();
        json_object_set_new(f->extra, "tus", ngxl_su_list(&partial));
        ngxl_su_notes(chk, f, &partial, 1);
        ngxl_diag_hint(chk->diags, f, "drop the debugging flags: nginx's "
                       "small helpers (ngx_cpymem, ngx_hash, the list and "
                       "queue macros' functions) are meant to be inlined");
    }

    if (bare.n && p->build == NGXL_SRC_BUILD_MAKEFILE) {
        f = ngxl_check_report_sev(chk, NGXL_SEV_NOTE, p->build_file,
                                  p->cflags_line, 0, 0, 0,
                                  "%zu of %zu translation units are built at "
                                  "nginx's default -O, which is -O1",
                                  bare.n, built);
        f->extra = json_object();
        json_object_set_new(f->extra, "tus", ngxl_su_list(&bare));

        if (p->configure) {
            ngxl_diag_note(chk->diags, f, p->build_file, p->cflags_line, 0,
                           "configure ran with: %s",
                           *p->configure ? p->configure : "(no arguments)");
        }

        ngxl_diag_hint(chk->diags, f, "-O2 is usually a few per cent faster: "
                       "configure --with-cc-opt='-O2' (distributions do)");
    }

    ngxl_buf_free(&msg);
    ngxl_vec_free(&unopt);
    ngxl_vec_free(&partial);
    ngxl_vec_free(&bare);
}


const ngxl_rule_t  ngxl_rule_src_unoptimized = {
    .id = "src-unoptimized",
    .severity = NGXL_SEV_ERROR,
    .summary = "a build compiles translation units at -O0, or with no -O",
    .inputs = NGXL_INPUT_SRC,
    .src = ngxl_su_check,
};
