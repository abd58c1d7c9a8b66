/*
 * src-optimization-mixed: one build compiles some translation units with
 * optimisation and others without: the file "temporarily" set to -O0 for
 * a debugging session (a per-file -O0 after the project's -O2, a
 * set_source_files_properties(), a Makefile rule) that shipped.  One
 * finding per build, at the first unoptimised unit's entry.
 */

#include <string.h>

#include "../lib/check.h"


#define NGXL_SOM_NOTES  10


static void
ngxl_som_check(ngxl_check_t *chk, const ngxl_src_project_t *p)
{
    int              appended;
    size_t           i, n, count[NGXL_OPT_UNOPTIMIZED + 1];
    uint32_t         line, col, end;
    ngxl_opt_t       top;
    ngxl_vec_t       unopt;
    const char      *file, *top_arg;
    ngxl_src_tu_t   *tu;
    ngxl_finding_t  *f;

    memset(count, 0, sizeof(count));
    memset(&unopt, 0, sizeof(ngxl_vec_t));
    top_arg = NULL;

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->origin == NGXL_SRC_FROM_STANDIN) {
            continue;
        }

        if (ngxl_opt_optimized(tu->flags.opt)) {
            count[tu->flags.opt]++;
            continue;
        }

        ngxl_vec_push(&unopt, tu);
    }

    top = NGXL_OPT_UNKNOWN;
    n = 0;

    for (i = NGXL_OPT_O1; i <= NGXL_OPT_OFAST; i++) {
        n += count[i];

        if (count[i] > count[top]) {
            top = (ngxl_opt_t) i;
        }
    }

    if (n == 0 || unopt.n == 0) {
        ngxl_vec_free(&unopt);
        return;
    }

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->origin != NGXL_SRC_FROM_STANDIN && tu->flags.opt == top) {
            top_arg = ngxl_src_opt_text(&tu->flags);
            break;
        }
    }

    tu = unopt.elts[0];
    ngxl_src_tu_where(tu, &file, &line, &col, &end);

    f = ngxl_check_report(chk, file, line, col, line, end, "%zu of %zu "
                          "translation units are built without optimisation "
                          "while %zu are optimised (most at %s): %s (%s)%s",
                          unopt.n, unopt.n + n, n, top_arg,
                          tu->name,
                          ngxl_src_opt_text(&tu->flags),
                          unopt.n > 1 ? ngxl_psprintf(chk->pool, " and %zu "
                                                      "more", unopt.n - 1)
                                      : "");

    f->extra = json_object();
    json_object_set_new(f->extra, "unoptimized", json_array());
    json_object_set_new(f->extra, "optimized", json_integer((json_int_t) n));

    appended = 0;

    for (i = 0; i < unopt.n; i++) {
        tu = unopt.elts[i];
        json_array_append_new(json_object_get(f->extra, "unoptimized"),
                              json_string(tu->file));

        if (i >= NGXL_SOM_NOTES) {
            continue;
        }

        ngxl_src_tu_where(tu, &file, &line, &col, &end);

        if (tu->flags.nopts > 1
            && ngxl_opt_optimized(ngxl_opt_from_flags(tu->flags.opt_first)))
        {
            appended = 1;
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: %s, then %s "
                           "added after it (the last -O wins)", tu->name,
                           tu->flags.opt_first, tu->flags.opt_arg);

        } else {
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: %s", tu->name,
                           ngxl_src_opt_text(&tu->flags));
        }
    }

    ngxl_diag_hint(chk->diags, f, "%s", appended
                   ? "remove the per-file -O0 left from debugging"
                   : "build these files with the project's -O level");

    ngxl_vec_free(&unopt);
}


const ngxl_rule_t  ngxl_rule_src_optimization_mixed = {
    .id = "src-optimization-mixed",
    .severity = NGXL_SEV_WARNING,
    .summary = "a build optimises some translation units and not others",
    .inputs = NGXL_INPUT_SRC,
    .src = ngxl_som_check,
};
