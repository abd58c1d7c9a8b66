/*
 * ngxlint: precompiled headers of nginx's core headers.
 *
 * The translation units to parse are grouped by their arguments: the
 * stand-in TUs share theirs, and a build's TUs share them per kind of
 * module (objs/Makefile gives core, http, stream and mail files their own
 * include paths).  Each group of two or more whose include path has
 * nginx's ngx_config.h gets a precompiled header of ngx_config.h,
 * ngx_core.h and, when its include path has it, ngx_http.h, made with the
 * group's own arguments; its TUs then get -include-pch.  Their own #include
 * lines of those headers are skipped by the include guards.  The TUs' own
 * declarations stay apart (the workers' indexes exclude the PCH's), so the
 * walk of each TU does not load the headers' declarations back.
 *
 * A group whose header does not build parses without one.
 */

#include <string.h>
#include <sys/stat.h>

#include <clang-c/Index.h>

#include "csrc.h"


static int
ngxl_pch_same(const ngxl_src_tu_t *a, const ngxl_src_tu_t *b)
{
    size_t  i;

    if (a->args == b->args && a->nargs == b->nargs) {
        return 1;
    }

    if (a->nargs != b->nargs) {
        return 0;
    }

    for (i = 0; i < a->nargs; i++) {
        if (strcmp(a->args[i], b->args[i]) != 0) {
            return 0;
        }
    }

    return 1;
}


/* whether one of TU's -I directories has NAME */

static int
ngxl_pch_has(ngxl_src_project_t *p, const ngxl_src_tu_t *tu, const char *name)
{
    size_t        i;
    const char   *dir;
    struct stat   st;

    for (i = 0; i < tu->nargs; i++) {
        if (strcmp(tu->args[i], "-I") == 0 && i + 1 < tu->nargs) {
            dir = tu->args[++i];

        } else if (strncmp(tu->args[i], "-I", 2) == 0) {
            dir = tu->args[i] + 2;

        } else {
            continue;
        }

        if (stat(ngxl_psprintf(&p->pool, "%s/%s",
                               ngxl_src_abspath(&p->pool, tu->dir, dir), name),
                 &st) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static const char *
ngxl_pch_make(ngxl_src_project_t *p, void *index, const ngxl_src_tu_t *tu,
    int http)
{
    char               *dir, *h, *pch, **args;
    size_t              n;
    unsigned            k, nd;
    CXString            s;
    CXDiagnostic        d;
    CXTranslationUnit   ctu;
    enum CXErrorCode    rc;

    dir = ngxl_src_tmpdir(p);

    if (dir == NULL) {
        return NULL;
    }

    h = ngxl_psprintf(&p->pool, "%s/ngxl-%u.h", dir, p->npch);
    pch = ngxl_psprintf(&p->pool, "%s/ngxl-%u.pch", dir, p->npch);

    if (ngxl_src_write(h, http ? "#include <ngx_config.h>\n"
                                 "#include <ngx_core.h>\n"
                                 "#include <ngx_http.h>\n"
                               : "#include <ngx_config.h>\n"
                                 "#include <ngx_core.h>\n")
        != NGXL_OK)
    {
        p->pch_error = ngxl_psprintf(&p->pool, "%s: cannot write it", h);
        return NULL;
    }

    n = tu->nargs;
    args = ngxl_palloc(&p->pool, (n + 2) * sizeof(char *));
    memcpy(args, tu->args, n * sizeof(char *));
    args[n++] = "-x";
    args[n++] = "c-header";

    rc = clang_parseTranslationUnit2((CXIndex) index, h,
                                     (const char *const *) args, (int) n,
                                     NULL, 0,
                                     CXTranslationUnit_ForSerialization
                                     | CXTranslationUnit_Incomplete, &ctu);

    if (rc != CXError_Success) {
        p->pch_error = ngxl_psprintf(&p->pool, "libclang error %d", (int) rc);
        return NULL;
    }

    nd = clang_getNumDiagnostics(ctu);

    for (k = 0; k < nd; k++) {
        d = clang_getDiagnostic(ctu, k);

        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            s = clang_formatDiagnostic(d,
                                       CXDiagnostic_DisplaySourceLocation
                                       | CXDiagnostic_DisplayColumn);
            p->pch_error = ngxl_psprintf(&p->pool, "%s", clang_getCString(s));
            clang_disposeString(s);
            clang_disposeDiagnostic(d);
            clang_disposeTranslationUnit(ctu);
            return NULL;
        }

        clang_disposeDiagnostic(d);
    }

    if (clang_saveTranslationUnit(ctu, pch, clang_defaultSaveOptions(ctu))
        != CXSaveError_None)
    {
        p->pch_error = ngxl_psprintf(&p->pool, "%s: cannot save it", pch);
        clang_disposeTranslationUnit(ctu);
        return NULL;
    }

    clang_disposeTranslationUnit(ctu);

    return pch;
}


void
ngxl_src_pch(ngxl_src_project_t *p, void *index, ngxl_vec_t *work)
{
    char            *done, **args;
    size_t           i, k, n;
    ngxl_vec_t       group;
    const char      *pch;
    ngxl_src_tu_t   *tu, *other;

    if (work->n < 2) {
        return;
    }

    done = ngxl_palloc(&p->pool, work->n);
    memset(&group, 0, sizeof(ngxl_vec_t));

    for (i = 0; i < work->n; i++) {
        if (done[i]) {
            continue;
        }

        tu = work->elts[i];
        group.n = 0;

        for (k = i; k < work->n; k++) {
            other = work->elts[k];

            if (!done[k] && ngxl_pch_same(tu, other)) {
                done[k] = 1;
                ngxl_vec_push(&group, other);
            }
        }

        if (group.n < 2 || !ngxl_pch_has(p, tu, "ngx_config.h")) {
            continue;
        }

        pch = ngxl_pch_make(p, index, tu, ngxl_pch_has(p, tu, "ngx_http.h"));

        if (pch == NULL) {
            continue;
        }

        p->npch++;

        for (k = 0; k < group.n; k++) {
            other = group.elts[k];
            n = other->nargs;

            args = ngxl_palloc(&p->pool, (n + 2) * sizeof(char *));
            memcpy(args, other->args, n * sizeof(char *));
            args[n++] = "-include-pch";
            args[n++] = (char *) pch;

            other->args = args;
            other->nargs = n;
            other->pch = 1;
        }
    }

    ngxl_vec_free(&group);
}
