/*
 * src-instrumented: profiling (-pg), coverage (--coverage, -fprofile-arcs,
 * -fprofile-instr-generate), function instrumentation or sanitizers in a
 * build that otherwise looks like a release: CMAKE_BUILD_TYPE=Release,
 * RelWithDebInfo or MinSizeRel, or -O2 and up, or NDEBUG, or nginx's own
 * build.  A sanitizer build at -O1 with frame pointers is a test build,
 * and is left alone.  One finding per build.
 */

#include <string.h>

#include "../lib/check.h"


#define NGXL_SI_NOTES  10


static const char *
ngxl_si_what(const ngxl_src_flags_t *fl, ngxl_pool_t *pool)
{
    ngxl_buf_t   b;
    const char  *r;

    ngxl_buf_init(&b);

    if (fl->sanitize) {
        ngxl_buf_printf(&b, "-fsanitize=%s", fl->sanitize);
    }

    if (fl->coverage) {
        ngxl_buf_printf(&b, "%scoverage (--coverage)", b.len ? ", " : "");
    }

    if (fl->profile_gen) {
        ngxl_buf_printf(&b, "%sprofile generation", b.len ? ", " : "");
    }

    if (fl->pg) {
        ngxl_buf_printf(&b, "%s-pg", b.len ? ", " : "");
    }

    if (fl->instrument) {
        ngxl_buf_printf(&b, "%s-finstrument-functions", b.len ? ", " : "");
    }

    r = ngxl_pstrndup(pool, b.data ? b.data : "", b.len);
    ngxl_buf_free(&b);

    return r;
}


static const char *
ngxl_si_release(const ngxl_src_project_t *p, const ngxl_src_tu_t *tu,
    ngxl_pool_t *pool)
{
    if (p->build_type && *p->build_type) {
        return ngxl_psprintf(pool, "CMAKE_BUILD_TYPE=%s", p->build_type);
    }

    if (tu->origin == NGXL_SRC_FROM_MAKEFILE) {
        return "nginx's own build";
    }

    if (tu->flags.opt_arg && tu->flags.opt != NGXL_OPT_O1
        && tu->flags.opt != NGXL_OPT_OG)
    {
        return tu->flags.opt_arg;
    }

    return tu->flags.ndebug ? "-DNDEBUG" : "-D_FORTIFY_SOURCE";
}


static void
ngxl_si_check(ngxl_check_t *chk, const ngxl_src_project_t *p)
{
    size_t           i, built, fp;
    uint32_t         line, col, end;
    ngxl_vec_t       hit;
    const char      *file, *what;
    ngxl_src_tu_t   *tu;
    ngxl_finding_t  *f;
    json_t          *list;

    memset(&hit, 0, sizeof(ngxl_vec_t));
    built = 0;
    fp = 0;

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->origin == NGXL_SRC_FROM_STANDIN) {
            continue;
        }

        built++;

        if (!(tu->flags.pg || tu->flags.coverage || tu->flags.profile_gen
              || tu->flags.instrument || tu->flags.sanitize))
        {
            continue;
        }

        if (!ngxl_src_release_like(p, tu)) {
            continue;
        }

        fp += tu->flags.frame_pointer;
        ngxl_vec_push(&hit, tu);
    }

    if (hit.n == 0) {
        return;
    }

    tu = hit.elts[0];
    what = ngxl_si_what(&tu->flags, chk->pool);
    ngxl_src_tu_where(tu, &file, &line, &col, &end);

    f = ngxl_check_report(chk, file, line, col, line, end, "%zu of %zu "
                          "translation units of what looks like a release "
                          "build (%s) are instrumented: %s (%s)%s", hit.n,
                          built,
                          ngxl_si_release(p, tu, chk->pool),
                          tu->name, what,
                          hit.n > 1 ? ngxl_psprintf(chk->pool, " and %zu "
                                                    "more", hit.n - 1)
                                    : "");

    f->extra = json_object();
    list = json_array();

    for (i = 0; i < hit.n; i++) {
        tu = hit.elts[i];
        json_array_append_new(list, json_string(tu->file));

        if (i < NGXL_SI_NOTES) {
            ngxl_src_tu_where(tu, &file, &line, &col, &end);
            ngxl_diag_note(chk->diags, f, file, line, col, "%s: %s", tu->name,
                           ngxl_si_what(&tu->flags, chk->pool));
        }
    }

    json_object_set_new(f->extra, "tus", list);

    if (fp) {
        ngxl_diag_note(chk->diags, f, p->build_file ? p->build_file
                                                    : tu->file, 0, 0,
                       "%zu of them also keep frame pointers "
                       "(-fno-omit-frame-pointer): cheap on its own, about "
                       "1%%, and often wanted for profiling", fp);
    }

    ngxl_diag_hint(chk->diags, f, "sanitizers cost 2x (ASan) and more, "
                   "coverage and -pg a counter or a call in every function: "
                   "keep them to test builds");

    ngxl_vec_free(&hit);
}


const ngxl_rule_t  ngxl_rule_src_instrumented = {
    .id = "src-instrumented",
    .severity = NGXL_SEV_WARNING,
    .summary = "profiling, coverage or sanitizers in a release-like build",
    .inputs = NGXL_INPUT_SRC,
    .src = ngxl_si_check,
};
