/*
 * ngxlint: one translation unit through libclang: its diagnostics, and the
 * calls to ngx_http_get_variable() and ngx_stream_get_variable() in
 * functions that have a request (a parameter or a local whose canonical
 * type is a pointer to struct ngx_http_request_s, or to struct
 * ngx_stream_session_s: typedefs of any depth are seen through).
 *
 * For each call, where its name comes from: a string literal (directly, or
 * stored into the ngx_str_t, or a static initialised with one), a field of
 * a module configuration (set at configuration time), or something built
 * per request.  Stores are followed through locals, and parameters through
 * the calls of the same file that pass them.  This runs in a worker thread:
 * it allocates from a scratch pool of its own, and keeps its results in the
 * TU's pool.
 */

#include <string.h>
#include <time.h>

#include <clang-c/Index.h>

#include "csrc.h"


#define NGXL_SCAN_DEPTH    16       /* declarations followed, at most */
#define NGXL_SCAN_DIAGS    20       /* diagnostics kept per TU           */
#define NGXL_SCAN_TEXT     96       /* an expression's text, at most     */


typedef struct {
    CXCursor            var;        /* the declaration stored to         */
    CXCursor            value;      /* the value, or the call given &var */
    unsigned            outparam:1; /* the call                          */
} ngxl_scan_store_t;


typedef struct {
    CXCursor            cursor;
    const char         *name;
    unsigned            request:1;
    unsigned            stream:1;
    unsigned            conf:1;
    unsigned            directive:1; /* a directive's handler            */
    unsigned            hashes:1;
    const char         *request_name;
    const char         *request_type;
    const char         *conf_param;
    ngxl_vec_t          stores;     /* ngxl_scan_store_t *               */
    ngxl_vec_t          members;    /* char *: fields it assigns         */
} ngxl_scan_func_t;


typedef struct {
    size_t              func;       /* the caller                        */
    CXCursor            call;
    CXCursor            callee;     /* its definition                    */
} ngxl_scan_site_t;


typedef struct {
    size_t              func;
    CXCursor            call;
    unsigned            loops;
    unsigned            stream:1;
} ngxl_scan_lookup_t;


typedef struct {
    ngxl_src_tu_t      *tu;
    ngxl_pool_t        *pool;       /* scratch, freed with the scan      */
    CXTranslationUnit   ctu;
    CXFile              main;
    const char         *main_name;
    ngxl_vec_t          funcs;      /* ngxl_scan_func_t *                */
    ngxl_vec_t          sites;      /* ngxl_scan_site_t *                */
    ngxl_vec_t          lookups;    /* ngxl_scan_lookup_t *              */
    ngxl_scan_func_t   *cur;
    size_t              ncur;
    unsigned            loops;
    CXCursor           *seen;       /* declarations followed, per call   */
    size_t              nseen;
    size_t              cseen;
} ngxl_scan_t;


/* what decided the name */
typedef struct {
    ngxl_src_name_t     kind;
    CXCursor            at;
    const char         *what;
    const char         *lit;
} ngxl_scan_class_t;


static char *
ngxl_scan_str(ngxl_pool_t *pool, CXString s)
{
    char        *r;
    const char  *c;

    c = clang_getCString(s);
    r = ngxl_pstrndup(pool, c ? c : "", c ? strlen(c) : 0);
    clang_disposeString(s);

    return r;
}


/* the N-th child of C, or a null cursor */

typedef struct {
    unsigned            n;
    CXCursor            found;
} ngxl_scan_nth_t;


static enum CXChildVisitResult
ngxl_scan_nth_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    ngxl_scan_nth_t  *nth = data;

    (void) parent;

    if (nth->n-- == 0) {
        nth->found = c;
        return CXChildVisit_Break;
    }

    return CXChildVisit_Continue;
}


static CXCursor
ngxl_scan_child(CXCursor c, unsigned n)
{
    ngxl_scan_nth_t  nth;

    nth.n = n;
    nth.found = clang_getNullCursor();
    clang_visitChildren(c, ngxl_scan_nth_visit, &nth);

    return nth.found;
}


static unsigned
ngxl_scan_nchildren(CXCursor c)
{
    ngxl_scan_nth_t  nth;

    nth.n = (unsigned) -1;
    nth.found = clang_getNullCursor();
    clang_visitChildren(c, ngxl_scan_nth_visit, &nth);

    return (unsigned) -1 - nth.n;
}


/* through parentheses, casts and implicit conversions */

static CXCursor
ngxl_scan_strip(CXCursor c)
{
    enum CXCursorKind  k;

    for ( ;; ) {
        k = clang_getCursorKind(c);

        if ((k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr
             && k != CXCursor_CStyleCastExpr)
            || ngxl_scan_nchildren(c) != 1)
        {
            return c;
        }

        c = ngxl_scan_child(c, 0);
    }
}


/* the canonical spelling of what T points to, without qualifiers */

static int
ngxl_scan_points_to(ngxl_pool_t *pool, CXType t, const char **name)
{
    char        *s;
    CXType       c;

    c = clang_getCanonicalType(t);

    if (c.kind != CXType_Pointer) {
        return 0;
    }

    c = clang_getCanonicalType(clang_getPointeeType(c));
    s = ngxl_scan_str(pool, clang_getTypeSpelling(c));

    for ( ;; ) {
        if (strncmp(s, "const ", 6) == 0) {
            s += 6;

        } else if (strncmp(s, "volatile ", 9) == 0) {
            s += 9;

        } else {
            break;
        }
    }

    *name = s;

    return 1;
}


/* 1: an http request, 2: a stream session, 0: neither */

static int
ngxl_scan_request_type(ngxl_pool_t *pool, CXType t)
{
    const char  *s;

    if (!ngxl_scan_points_to(pool, t, &s)) {
        return 0;
    }

    return strcmp(s, "struct ngx_http_request_s") == 0 ? 1
           : strcmp(s, "struct ngx_stream_session_s") == 0 ? 2 : 0;
}


/* a pointer to a configuration: ngx_conf_t, or a module's *_conf_t */

static int
ngxl_scan_conf_type(ngxl_pool_t *pool, CXType t, int any)
{
    const char  *s;

    if (!ngxl_scan_points_to(pool, t, &s)) {
        return 0;
    }

    if (strcmp(s, "struct ngx_conf_s") == 0) {
        return 1;
    }

    return any && strstr(s, "conf") != NULL;
}


static int
ngxl_scan_in_main(ngxl_scan_t *s, CXCursor c)
{
    CXFile  f;

    clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL,
                               NULL);

    return f != NULL && clang_File_isEqual(f, s->main);
}


/* a location as shown: the TU's own name for the main file, #line's */

static void
ngxl_scan_where(ngxl_scan_t *s, CXSourceLocation loc, const char **file,
    uint32_t *line, uint32_t *col)
{
    char         *dir, *slash;
    CXFile        f;
    CXString      pf;
    unsigned      l, c, pl, pc;
    const char   *name;

    clang_getExpansionLocation(loc, &f, &l, &c, NULL);
    *line = l;
    *col = c;

    if (f == NULL) {
        *file = s->tu->file;
        return;
    }

    if (!clang_File_isEqual(f, s->main)) {
        *file = ngxl_scan_str(s->pool, clang_getFileName(f));
        return;
    }

    *file = s->tu->file;

    clang_getPresumedLocation(loc, &pf, &pl, &pc);
    name = clang_getCString(pf);

    if (name && *name && strcmp(name, s->main_name) != 0) {
        /* a #line to another file (xsubpp's nginx.xs): beside the TU */

        if (name[0] == '/') {
            *file = ngxl_pstrndup(s->pool, name, strlen(name));

        } else {
            dir = ngxl_pstrndup(s->pool, s->tu->file, strlen(s->tu->file));
            slash = strrchr(dir, '/');

            if (slash) {
                slash[1] = '\0';
                *file = ngxl_psprintf(s->pool, "%s%s", dir, name);

            } else {
                *file = ngxl_pstrndup(s->pool, name, strlen(name));
            }
        }

        *line = pl;
        *col = pc;
    }

    clang_disposeString(pf);
}


/* an expression's text, from its tokens */

static const char *
ngxl_scan_text(ngxl_scan_t *s, CXCursor c, const char **first)
{
    int          alnum, prev;
    unsigned     i, n;
    CXToken     *toks;
    ngxl_buf_t   b;
    const char  *t, *r;
    CXString     ts;

    toks = NULL;
    n = 0;
    clang_tokenize(s->ctu, clang_getCursorExtent(c), &toks, &n);

    ngxl_buf_init(&b);
    prev = 0;

    if (first) {
        *first = NULL;
    }

    for (i = 0; i < n && b.len < NGXL_SCAN_TEXT; i++) {
        ts = clang_getTokenSpelling(s->ctu, toks[i]);
        t = clang_getCString(ts);

        if (i == 0 && first) {
            *first = ngxl_pstrndup(s->pool, t, strlen(t));
        }

        alnum = (t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z')
                || (t[0] >= '0' && t[0] <= '9') || t[0] == '_'
                || t[0] == '"';

        if (prev && alnum) {
            ngxl_buf_addc(&b, ' ');
        }

        if (strcmp(t, ",") == 0) {
            ngxl_buf_adds(&b, ", ");
            prev = 0;

        } else {
            ngxl_buf_adds(&b, t);
            prev = alnum;
        }

        clang_disposeString(ts);
    }

    if (i < n) {
        ngxl_buf_adds(&b, " ...");
    }

    if (toks) {
        clang_disposeTokens(s->ctu, toks, n);
    }

    r = ngxl_pstrndup(s->pool, b.data ? b.data : "", b.len);
    ngxl_buf_free(&b);

    return r;
}


static void
ngxl_scan_store(ngxl_scan_t *s, CXCursor var, CXCursor value, int outparam)
{
    ngxl_scan_store_t  *st;

    st = ngxl_palloc(s->pool, sizeof(ngxl_scan_store_t));
    st->var = var;
    st->value = value;
    st->outparam = outparam;
    ngxl_vec_push(&s->cur->stores, st);
}


/* the declaration an lvalue (v, v.data, v->data, *v) stores to */

static int
ngxl_scan_target(CXCursor lhs, CXCursor *var)
{
    CXCursor            c;
    CXString            m;
    enum CXCursorKind   k;
    int                 data;

    c = ngxl_scan_strip(lhs);
    k = clang_getCursorKind(c);

    if (k == CXCursor_MemberRefExpr) {
        m = clang_getCursorSpelling(c);
        data = strcmp(clang_getCString(m), "data") == 0;
        clang_disposeString(m);

        if (!data) {
            return 0;           /* .len and the like: not the name */
        }

        c = ngxl_scan_child(c, 0);
    }

    for ( ;; ) {
        c = ngxl_scan_strip(c);
        k = clang_getCursorKind(c);

        if (k != CXCursor_UnaryOperator) {
            break;
        }

        c = ngxl_scan_child(c, 0);
    }

    if (k != CXCursor_DeclRefExpr) {
        return 0;
    }

    *var = clang_getCursorReferenced(c);

    return !clang_Cursor_isNull(*var);
}


static int
ngxl_scan_is_int(CXType t)
{
    return (t.kind >= CXType_Bool && t.kind <= CXType_Int128)
           || t.kind == CXType_Enum;
}


/* L = R: the type of the whole is L's, and no pointer plus an integer */

static void
ngxl_scan_binary(ngxl_scan_t *s, CXCursor c)
{
    CXType    tb, tl, tr;
    CXCursor  l, r, var;

    l = ngxl_scan_child(c, 0);
    r = ngxl_scan_child(c, 1);

    if (clang_Cursor_isNull(l) || clang_Cursor_isNull(r)) {
        return;
    }

    tb = clang_getCanonicalType(clang_getCursorType(c));
    tl = clang_getCanonicalType(clang_getCursorType(l));
    tr = clang_getCanonicalType(clang_getCursorType(r));

    if (!clang_equalTypes(tb, tl)) {
        return;
    }

    if (tl.kind == CXType_Pointer) {
        if (ngxl_scan_is_int(tr)) {
            return;             /* p + n */
        }

    } else if (tl.kind != CXType_Record) {
        return;
    }

    if (ngxl_scan_target(l, &var)) {
        ngxl_scan_store(s, var, r, 0);
    }

    /* a configuration function: the fields it sets (conf->name.data) */

    if (s->cur->conf) {
        for (l = ngxl_scan_strip(l);
             clang_getCursorKind(l) == CXCursor_MemberRefExpr;
             l = ngxl_scan_strip(ngxl_scan_child(l, 0)))
        {
            ngxl_vec_push(&s->cur->members,
                          ngxl_scan_str(s->pool, clang_getCursorSpelling(l)));
        }
    }
}


static int
ngxl_scan_is_lookup(const char *name, int *stream)
{
    if (strcmp(name, "ngx_http_get_variable") == 0) {
        *stream = 0;
        return 1;
    }

    if (strcmp(name, "ngx_stream_get_variable") == 0) {
        *stream = 1;
        return 1;
    }

    return 0;
}


static void
ngxl_scan_call(ngxl_scan_t *s, CXCursor c)
{
    int                  stream;
    char                *name;
    CXType               ft, pt;
    CXCursor             ref, def, arg, a, var;
    unsigned             i, n, np;
    ngxl_scan_site_t    *site;
    ngxl_scan_lookup_t  *lk;

    name = ngxl_scan_str(s->pool, clang_getCursorSpelling(c));

    if (ngxl_scan_is_lookup(name, &stream)) {
        lk = ngxl_palloc(s->pool, sizeof(ngxl_scan_lookup_t));
        lk->func = s->ncur;
        lk->call = c;
        lk->loops = s->loops;
        lk->stream = stream;
        ngxl_vec_push(&s->lookups, lk);
        return;
    }

    if (strncmp(name, "ngx_hash_key", 12) == 0
        || strcmp(name, "ngx_hash_strlow") == 0)
    {
        s->cur->hashes = 1;
    }

    ref = clang_getCursorReferenced(c);

    if (clang_Cursor_isNull(ref)
        || clang_getCursorKind(ref) != CXCursor_FunctionDecl)
    {
        return;
    }

    def = clang_getCursorDefinition(ref);

    if (!clang_Cursor_isNull(def) && ngxl_scan_in_main(s, def)) {
        site = ngxl_palloc(s->pool, sizeof(ngxl_scan_site_t));
        site->func = s->ncur;
        site->call = c;
        site->callee = def;
        ngxl_vec_push(&s->sites, site);
    }

    /* f(..., &v, ...) with a pointer to non-const: f may set v */

    ft = clang_getCursorType(ref);
    np = (unsigned) clang_getNumArgTypes(ft);
    n = (unsigned) clang_Cursor_getNumArguments(c);

    for (i = 0; i < n && i < np; i++) {
        pt = clang_getCanonicalType(clang_getArgType(ft, i));

        if (pt.kind != CXType_Pointer
            || clang_isConstQualifiedType(clang_getPointeeType(pt)))
        {
            continue;
        }

        arg = ngxl_scan_strip(clang_Cursor_getArgument(c, i));

        if (clang_getCursorKind(arg) != CXCursor_UnaryOperator) {
            continue;
        }

        a = ngxl_scan_strip(ngxl_scan_child(arg, 0));

        if (clang_getCursorKind(a) != CXCursor_DeclRefExpr) {
            continue;
        }

        /* &v, not *v: the operand's type is what the pointer points to */

        if (!clang_equalTypes(
                clang_getCanonicalType(clang_getPointeeType(
                    clang_getCanonicalType(clang_getCursorType(arg)))),
                clang_getCanonicalType(clang_getCursorType(a))))
        {
            continue;
        }

        var = clang_getCursorReferenced(a);

        if (!clang_Cursor_isNull(var)) {
            ngxl_scan_store(s, var, c, 1);
        }
    }
}


static enum CXChildVisitResult
ngxl_scan_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    ngxl_scan_t        *s = data;
    CXCursor            init;
    enum CXCursorKind   k;
    int                 rt;

    (void) parent;

    k = clang_getCursorKind(c);

    switch (k) {

    case CXCursor_VarDecl:
        rt = ngxl_scan_request_type(s->pool, clang_getCursorType(c));

        if (rt && !s->cur->request) {
            s->cur->request = 1;
            s->cur->stream = rt == 2;
            s->cur->request_name = ngxl_scan_str(s->pool,
                                                 clang_getCursorSpelling(c));
            s->cur->request_type = ngxl_scan_str(s->pool,
                                   clang_getTypeSpelling(
                                       clang_getCursorType(c)));
        }

        init = clang_Cursor_getVarDeclInitializer(c);

        if (!clang_Cursor_isNull(init)) {
            ngxl_scan_store(s, c, init, 0);
        }

        break;

    case CXCursor_BinaryOperator:
        ngxl_scan_binary(s, c);
        break;

    case CXCursor_CallExpr:
        ngxl_scan_call(s, c);
        break;

    case CXCursor_ForStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
        s->loops++;
        clang_visitChildren(c, ngxl_scan_visit, s);
        s->loops--;
        return CXChildVisit_Continue;

    default:
        break;
    }

    return CXChildVisit_Recurse;
}


static enum CXChildVisitResult
ngxl_scan_top(CXCursor c, CXCursor parent, CXClientData data)
{
    ngxl_scan_t       *s = data;
    int                n, i, rt;
    CXCursor           a;
    const char        *tn;
    ngxl_scan_func_t  *f;

    (void) parent;

    if (clang_getCursorKind(c) != CXCursor_FunctionDecl
        || !clang_isCursorDefinition(c) || !ngxl_scan_in_main(s, c))
    {
        return CXChildVisit_Continue;
    }

    f = ngxl_palloc(s->pool, sizeof(ngxl_scan_func_t));
    f->cursor = c;
    f->name = ngxl_scan_str(s->pool, clang_getCursorSpelling(c));

    n = clang_Cursor_getNumArguments(c);

    for (i = 0; i < n; i++) {
        a = clang_Cursor_getArgument(c, (unsigned) i);
        rt = ngxl_scan_request_type(s->pool, clang_getCursorType(a));

        if (rt && !f->request) {
            f->request = 1;
            f->stream = rt == 2;
            f->request_name = ngxl_scan_str(s->pool,
                                            clang_getCursorSpelling(a));
            f->request_type = ngxl_scan_str(s->pool, clang_getTypeSpelling(
                                                clang_getCursorType(a)));
        }

        if (ngxl_scan_points_to(s->pool, clang_getCursorType(a), &tn)
            && strcmp(tn, "struct ngx_command_s") == 0)
        {
            f->directive = 1;
        }

        if (!f->conf && ngxl_scan_conf_type(s->pool, clang_getCursorType(a),
                                            0))
        {
            f->conf = 1;
            f->conf_param = ngxl_scan_str(s->pool, clang_getCursorSpelling(a));
        }
    }

    ngxl_vec_push(&s->funcs, f);

    s->cur = f;
    s->ncur = s->funcs.n - 1;
    s->loops = 0;
    clang_visitChildren(c, ngxl_scan_visit, s);

    return CXChildVisit_Continue;
}


/* where a name comes from */

static void ngxl_scan_classify(ngxl_scan_t *s, size_t func, CXCursor e,
    int depth, ngxl_scan_class_t *out);


static void
ngxl_scan_merge(ngxl_scan_class_t *out, ngxl_src_name_t kind, CXCursor at,
    const char *what)
{
    if (kind > out->kind) {
        out->kind = kind;
        out->at = at;
        out->what = what;
    }
}


typedef struct {
    ngxl_scan_t        *s;
    size_t              func;
    int                 depth;
    ngxl_scan_class_t  *out;
    unsigned            skip;       /* children not to look at          */
} ngxl_scan_kids_t;


static enum CXChildVisitResult
ngxl_scan_kids_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    ngxl_scan_kids_t  *k = data;

    (void) parent;

    if (k->skip) {
        k->skip--;
        return CXChildVisit_Continue;
    }

    ngxl_scan_classify(k->s, k->func, c, k->depth, k->out);

    return CXChildVisit_Continue;
}


static void
ngxl_scan_kids(ngxl_scan_t *s, size_t func, CXCursor e, int depth,
    unsigned skip, ngxl_scan_class_t *out)
{
    ngxl_scan_kids_t  k;

    k.s = s;
    k.func = func;
    k.depth = depth;
    k.out = out;
    k.skip = skip;
    clang_visitChildren(e, ngxl_scan_kids_visit, &k);
}


/* a string literal anywhere under C (ngx_string("x") is an init list) */

typedef struct {
    CXCursor            found;
} ngxl_scan_lit_t;


static enum CXChildVisitResult
ngxl_scan_lit_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    ngxl_scan_lit_t  *l = data;

    (void) parent;

    if (clang_getCursorKind(c) == CXCursor_StringLiteral) {
        l->found = c;
        return CXChildVisit_Break;
    }

    return CXChildVisit_Recurse;
}


static int
ngxl_scan_literal(CXCursor c, CXCursor *lit)
{
    ngxl_scan_lit_t  l;

    if (clang_getCursorKind(c) == CXCursor_StringLiteral) {
        *lit = c;
        return 1;
    }

    l.found = clang_getNullCursor();
    clang_visitChildren(c, ngxl_scan_lit_visit, &l);
    *lit = l.found;

    return !clang_Cursor_isNull(l.found);
}


/* "x_tenant" (the literal's characters, its escapes left as written) */

static const char *
ngxl_scan_lit_text(ngxl_scan_t *s, CXCursor lit)
{
    char    *t;
    size_t   n;

    t = ngxl_scan_str(s->pool, clang_getCursorSpelling(lit));
    n = strlen(t);

    if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
        t[n - 1] = '\0';
        t++;
    }

    return t;
}


static void
ngxl_scan_param(ngxl_scan_t *s, size_t func, CXCursor parm, int depth,
    ngxl_scan_class_t *out)
{
    int                 i, n, k, sites;
    size_t              j;
    CXCursor            fc;
    ngxl_scan_site_t   *site;
    ngxl_scan_func_t   *f;

    f = s->funcs.elts[func];
    fc = f->cursor;
    n = clang_Cursor_getNumArguments(fc);
    k = -1;

    for (i = 0; i < n; i++) {
        if (clang_equalCursors(clang_Cursor_getArgument(fc, (unsigned) i),
                               parm))
        {
            k = i;
            break;
        }
    }

    sites = 0;

    if (k >= 0 && depth < NGXL_SCAN_DEPTH) {
        for (j = 0; j < s->sites.n; j++) {
            site = s->sites.elts[j];

            if (!clang_equalCursors(site->callee, fc)
                || clang_Cursor_getNumArguments(site->call) <= k)
            {
                continue;
            }

            sites++;
            ngxl_scan_classify(s, site->func,
                               clang_Cursor_getArgument(site->call,
                                                        (unsigned) k),
                               depth + 1, out);
        }
    }

    if (sites == 0) {
        ngxl_scan_merge(out, NGXL_SRC_NAME_PARAM, parm,
                        ngxl_psprintf(s->pool, "the parameter \"%s\" of "
                                      "%s(), which no call in this file "
                                      "sets",
                                      ngxl_scan_str(s->pool,
                                          clang_getCursorSpelling(parm)),
                                      f->name));
    }
}


static void
ngxl_scan_decl(ngxl_scan_t *s, size_t func, CXCursor d, CXCursor ref,
    int depth, ngxl_scan_class_t *out)
{
    int                  found, direct;
    size_t               i;
    char                *name;
    CXType               t;
    CXCursor             init, lit;
    ngxl_scan_func_t    *f;
    ngxl_scan_store_t   *st;
    enum CXCursorKind    k;

    k = clang_getCursorKind(d);

    if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl) {
        return;                 /* a function, an enum constant */
    }

    /* each declaration once per call: no cycles, no blow-up */

    for (i = 0; i < s->nseen; i++) {
        if (clang_equalCursors(s->seen[i], d)) {
            return;
        }
    }

    if (s->nseen == s->cseen) {
        CXCursor  *more;

        s->cseen = s->cseen ? 2 * s->cseen : 32;
        more = ngxl_palloc(s->pool, s->cseen * sizeof(CXCursor));

        if (s->nseen) {
            memcpy(more, s->seen, s->nseen * sizeof(CXCursor));
        }

        s->seen = more;
    }

    s->seen[s->nseen++] = d;

    t = clang_getCursorType(d);
    name = ngxl_scan_str(s->pool, clang_getCursorSpelling(d));

    if (ngxl_scan_request_type(s->pool, t)) {
        ngxl_scan_merge(out, NGXL_SRC_NAME_REQUEST, ref,
                        ngxl_psprintf(s->pool, "the request (%s)", name));
        return;
    }

    if (ngxl_scan_conf_type(s->pool, t, 1)) {
        ngxl_scan_merge(out, NGXL_SRC_NAME_CONF, ref,
                        ngxl_psprintf(s->pool, "the configuration (%s)",
                                      name));
        return;
    }

    if (k == CXCursor_VarDecl && clang_Cursor_hasVarDeclGlobalStorage(d)) {
        init = clang_Cursor_getVarDeclInitializer(d);

        if (!clang_Cursor_isNull(init) && ngxl_scan_literal(init, &lit)) {
            if (out->kind < NGXL_SRC_NAME_CONST) {
                out->lit = ngxl_scan_lit_text(s, lit);
                ngxl_scan_merge(out, NGXL_SRC_NAME_CONST, lit,
                                ngxl_psprintf(s->pool, "the static %s, "
                                              "\"%s\"", name, out->lit));
            }

            return;
        }

        ngxl_scan_merge(out, NGXL_SRC_NAME_CONF, d,
                        ngxl_psprintf(s->pool, "the static \"%s\", set once",
                                      name));
        return;
    }

    if (depth >= NGXL_SCAN_DEPTH) {
        ngxl_scan_merge(out, NGXL_SRC_NAME_UNKNOWN, ref,
                        ngxl_psprintf(s->pool, "\"%s\", through too many "
                                      "steps", name));
        return;
    }

    /* a local or a parameter: whatever is stored into it */

    /*
     * f(&v) may set v, or only read it (ngx_http_ssi_get_variable(r, &var,
     * key) reads): such calls count only when nothing else stores into v
     */

    f = s->funcs.elts[func];
    direct = 0;

    for (i = 0; i < f->stores.n; i++) {
        st = f->stores.elts[i];

        if (!st->outparam && clang_equalCursors(st->var, d)) {
            direct = 1;
            break;
        }
    }

    found = 0;

    for (i = 0; i < f->stores.n; i++) {
        st = f->stores.elts[i];

        if (!clang_equalCursors(st->var, d) || (st->outparam && direct)) {
            continue;
        }

        found = 1;

        if (st->outparam) {
            ngxl_scan_merge(out, NGXL_SRC_NAME_REQUEST, st->value,
                            ngxl_psprintf(s->pool, "\"%s\", set by %s() per "
                                          "request", name,
                                          ngxl_scan_str(s->pool,
                                              clang_getCursorSpelling(
                                                  st->value))));
            continue;
        }

        ngxl_scan_classify(s, func, st->value, depth + 1, out);
    }

    if (k == CXCursor_ParmDecl) {
        ngxl_scan_param(s, func, d, depth, out);
        return;
    }

    if (!found) {
        ngxl_scan_merge(out, NGXL_SRC_NAME_UNKNOWN, ref,
                        ngxl_psprintf(s->pool, "\"%s\", which nothing in "
                                      "%s() sets", name, f->name));
    }
}


static void
ngxl_scan_classify(ngxl_scan_t *s, size_t func, CXCursor e, int depth,
    ngxl_scan_class_t *out)
{
    char               *m;
    CXType              t;
    CXCursor            base, lit, ref;
    const char         *sp;
    enum CXCursorKind   k;

    if (depth > NGXL_SCAN_DEPTH * 4) {
        return;
    }

    e = ngxl_scan_strip(e);
    k = clang_getCursorKind(e);

    switch (k) {

    case CXCursor_StringLiteral:
        if (out->kind < NGXL_SRC_NAME_CONST) {
            out->lit = ngxl_scan_lit_text(s, e);
            ngxl_scan_merge(out, NGXL_SRC_NAME_CONST, e,
                            ngxl_psprintf(s->pool, "the string literal "
                                          "\"%s\"", out->lit));
        }
        return;

    case CXCursor_IntegerLiteral:
    case CXCursor_CharacterLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_UnaryExpr:            /* sizeof */
        return;

    case CXCursor_InitListExpr:
        if (ngxl_scan_literal(e, &lit)) {
            ngxl_scan_classify(s, func, lit, depth, out);
            return;
        }
        break;

    case CXCursor_DeclRefExpr:
        ref = clang_getCursorReferenced(e);

        if (!clang_Cursor_isNull(ref)) {
            ngxl_scan_decl(s, func, ref, e, depth, out);
        }
        return;

    case CXCursor_MemberRefExpr:
        m = ngxl_scan_str(s->pool, clang_getCursorSpelling(e));
        base = ngxl_scan_child(e, 0);

        if (strcmp(m, "loc_conf") == 0 || strcmp(m, "srv_conf") == 0
            || strcmp(m, "main_conf") == 0)
        {
            ngxl_scan_merge(out, NGXL_SRC_NAME_CONF, e,
                            ngxl_psprintf(s->pool, "the module configuration "
                                          "(%s)", ngxl_scan_text(s, e, NULL)));
            return;
        }

        if (!clang_Cursor_isNull(base)) {
            t = clang_getCanonicalType(clang_getCursorType(
                                           ngxl_scan_strip(base)));

            if (t.kind == CXType_Pointer) {
                t = clang_getCanonicalType(clang_getPointeeType(t));
            }

            sp = ngxl_scan_str(s->pool, clang_getTypeSpelling(t));

            if (strstr(sp, "conf") != NULL) {
                ngxl_scan_merge(out, NGXL_SRC_NAME_CONF, e,
                                ngxl_psprintf(s->pool, "the configuration "
                                              "field %s",
                                              ngxl_scan_text(s, e, NULL)));
                return;
            }

            ngxl_scan_classify(s, func, base, depth, out);
        }
        return;

    case CXCursor_ArraySubscriptExpr:
        base = ngxl_scan_child(e, 0);

        if (!clang_Cursor_isNull(base)) {
            ngxl_scan_classify(s, func, base, depth, out);
        }
        return;

    case CXCursor_CallExpr:
        ngxl_scan_merge(out, NGXL_SRC_NAME_REQUEST, e,
                        ngxl_psprintf(s->pool, "%s(), called per request",
                                      ngxl_scan_str(s->pool,
                                          clang_getCursorSpelling(e))));
        return;

    case CXCursor_ConditionalOperator:
        ngxl_scan_kids(s, func, e, depth, 1, out);
        return;

    default:
        break;
    }

    ngxl_scan_kids(s, func, e, depth, 0, out);
}


/*
 * The configuration-time function the index belongs in: the one that sets
 * the name's field (a directive's handler first), else the
 * postconfiguration handler, else a merge function.
 */

static ngxl_scan_func_t *
ngxl_scan_conf_func(ngxl_scan_t *s, const char *field)
{
    size_t             i, k, len;
    ngxl_scan_func_t  *f, *best;
    int                score, top;

    best = NULL;
    top = -1;

    for (i = 0; i < s->funcs.n; i++) {
        f = s->funcs.elts[i];

        if (!f->conf) {
            continue;
        }

        score = 0;

        if (field) {
            for (k = 0; k < f->members.n; k++) {
                if (strcmp(f->members.elts[k], field) == 0) {
                    score = 8 + (f->directive ? 3 : 0);
                    break;
                }
            }
        }

        len = strlen(f->name);

        if (strstr(f->name, "postconf") != NULL) {
            score += 4;

        } else if (len > 5 && strcmp(f->name + len - 5, "_init") == 0) {
            score += 4;

        } else if (strstr(f->name, "merge") != NULL) {
            score += 2;

        } else if (strstr(f->name, "create") == NULL) {
            score += 1;
        }

        if (score > top) {
            top = score;
            best = f;
        }
    }

    return best;
}


/* a call, copied from the scratch pool to the TU's */

static const char *
ngxl_scan_dup(ngxl_src_tu_t *tu, const char *str)
{
    return str ? ngxl_pstrndup(&tu->pool, str, strlen(str)) : NULL;
}


static ngxl_src_call_t *
ngxl_scan_keep(ngxl_scan_t *s, const ngxl_src_call_t *c)
{
    ngxl_src_call_t  *k;
    ngxl_src_tu_t    *tu;

    tu = s->tu;
    k = ngxl_palloc(&tu->pool, sizeof(ngxl_src_call_t));
    *k = *c;

    k->file = c->file == tu->file ? tu->file : ngxl_scan_dup(tu, c->file);
    k->callee = ngxl_scan_dup(tu, c->callee);
    k->function = ngxl_scan_dup(tu, c->function);
    k->request = ngxl_scan_dup(tu, c->request);
    k->request_type = ngxl_scan_dup(tu, c->request_type);
    k->name_expr = ngxl_scan_dup(tu, c->name_expr);
    k->key_expr = ngxl_scan_dup(tu, c->key_expr);
    k->name = ngxl_scan_dup(tu, c->name);
    k->why = ngxl_scan_dup(tu, c->why);
    k->why_file = c->why_file == tu->file ? tu->file
                                          : ngxl_scan_dup(tu, c->why_file);
    k->macro = ngxl_scan_dup(tu, c->macro);
    k->conf_func = ngxl_scan_dup(tu, c->conf_func);
    k->conf_file = c->conf_file == tu->file ? tu->file
                                            : ngxl_scan_dup(tu, c->conf_file);
    k->conf_param = ngxl_scan_dup(tu, c->conf_param);

    return k;
}


/*
 * The macro a call is written through: the token where the call expands,
 * when it is not the callee's name (libclang 14's spelling locations are
 * expansion locations: they cannot tell).
 */

static const char *
ngxl_scan_macro(ngxl_scan_t *s, CXCursor c, const char *callee)
{
    CXFile        f;
    CXToken      *tok;
    unsigned      line, col;
    const char   *name;

    clang_getExpansionLocation(clang_getCursorLocation(c), &f, &line, &col,
                               NULL);

    if (f == NULL) {
        return NULL;
    }

    tok = clang_getToken(s->ctu, clang_getLocation(s->ctu, f, line, col));

    if (tok == NULL) {
        return NULL;
    }

    name = ngxl_scan_str(s->pool, clang_getTokenSpelling(s->ctu, *tok));
    clang_disposeTokens(s->ctu, tok, 1);

    return strcmp(name, callee) == 0 ? NULL : name;
}


static void
ngxl_scan_lookups(ngxl_scan_t *s)
{
    size_t               i;
    CXCursor             name, key;
    CXSourceRange        ext;
    const char          *field, *dot;
    ngxl_src_call_t     *call;
    ngxl_scan_func_t    *f, *cf;
    ngxl_scan_class_t    cl;
    ngxl_scan_lookup_t  *lk;

    for (i = 0; i < s->lookups.n; i++) {
        lk = s->lookups.elts[i];
        f = s->funcs.elts[lk->func];

        if (!f->request) {
            continue;           /* no request in sight: not per request */
        }

        call = ngxl_palloc(s->pool, sizeof(ngxl_src_call_t));
        call->callee = ngxl_scan_str(s->pool,
                                     clang_getCursorSpelling(lk->call));
        call->function = f->name;
        call->request = f->request_name;
        call->request_type = f->request_type;
        call->loops = lk->loops;
        call->stream = lk->stream;
        call->hashes = f->hashes;

        ext = clang_getCursorExtent(lk->call);
        ngxl_scan_where(s, clang_getRangeStart(ext), &call->file, &call->line,
                        &call->col);
        ngxl_scan_where(s, clang_getRangeEnd(ext), &dot, &call->end_line,
                        &call->end_col);

        if (strcmp(dot, call->file) != 0 || call->end_line < call->line) {
            call->end_line = call->line;
            call->end_col = call->col;
        }

        call->macro = ngxl_scan_macro(s, lk->call, call->callee);

        memset(&cl, 0, sizeof(ngxl_scan_class_t));

        if (clang_Cursor_getNumArguments(lk->call) >= 3) {
            name = clang_Cursor_getArgument(lk->call, 1);
            key = clang_Cursor_getArgument(lk->call, 2);
            call->name_expr = ngxl_scan_text(s, name, NULL);
            call->key_expr = ngxl_scan_text(s, key, NULL);

            if (*call->key_expr == '\0') {
                call->key_expr = "key";     /* in a macro's body */
            }
            s->nseen = 0;
            ngxl_scan_classify(s, lk->func, name, 0, &cl);
        }

        if (cl.kind == NGXL_SRC_NAME_NONE) {
            cl.kind = NGXL_SRC_NAME_UNKNOWN;
            cl.what = "an expression ngxlint cannot follow";
            cl.at = lk->call;
        }

        call->name_kind = cl.kind;
        call->name = cl.kind == NGXL_SRC_NAME_CONST ? cl.lit : NULL;
        call->why = cl.what;

        if (!clang_Cursor_isNull(cl.at)) {
            ngxl_scan_where(s, clang_getCursorLocation(cl.at),
                            &call->why_file, &call->why_line,
                            &call->why_col);
        }

        /* where the index belongs: with a field, where it is set */

        field = NULL;

        if (cl.kind == NGXL_SRC_NAME_CONF
            && clang_getCursorKind(cl.at) == CXCursor_MemberRefExpr)
        {
            field = ngxl_scan_str(s->pool, clang_getCursorSpelling(cl.at));
        }

        cf = ngxl_scan_conf_func(s, field);

        if (cf) {
            call->conf_func = cf->name;
            call->conf_param = cf->conf_param;
            ngxl_scan_where(s, clang_getCursorLocation(cf->cursor),
                            &call->conf_file, &call->conf_line,
                            &call->conf_col);
        }

        ngxl_vec_push(&s->tu->calls, ngxl_scan_keep(s, call));
    }
}


/*
 * gcc's own options (-fconserve-stack, -mindirect-branch=...) are "unknown
 * arguments" to clang: about the command line, not the source, and the
 * file is parsed all the same
 */

static int
ngxl_scan_driver_only(CXDiagnostic d)
{
    int          rc;
    CXFile       f;
    CXString     s;

    clang_getExpansionLocation(clang_getDiagnosticLocation(d), &f, NULL, NULL,
                               NULL);

    if (f != NULL) {
        return 0;
    }

    s = clang_getDiagnosticSpelling(d);
    rc = strncmp(clang_getCString(s), "unknown argument", 16) == 0;
    clang_disposeString(s);

    return rc;
}


static void
ngxl_scan_diags(ngxl_scan_t *s)
{
    char                     *text;
    size_t                    len;
    unsigned                  i, n;
    CXString                  str;
    CXDiagnostic              d;
    enum CXDiagnosticSeverity sev;

    n = clang_getNumDiagnostics(s->ctu);

    for (i = 0; i < n; i++) {
        d = clang_getDiagnostic(s->ctu, i);
        sev = clang_getDiagnosticSeverity(d);

        if (sev >= CXDiagnostic_Error && ngxl_scan_driver_only(d)) {
            clang_disposeDiagnostic(d);
            continue;
        }

        if (sev >= CXDiagnostic_Error) {
            s->tu->errors++;

            if (s->tu->diags.n < NGXL_SCAN_DIAGS) {
                str = clang_formatDiagnostic(d,
                                             CXDiagnostic_DisplaySourceLocation
                                             | CXDiagnostic_DisplayColumn);
                text = ngxl_scan_str(s->pool, str);
                len = strlen(s->tu->abs);

                /* the TU's own name for its file, as the findings have */

                if (strncmp(text, s->tu->abs, len) == 0 && text[len] == ':') {
                    text = ngxl_psprintf(s->pool, "%s%s", s->tu->file,
                                         text + len);
                }

                ngxl_vec_push(&s->tu->diags,
                              (void *) ngxl_scan_dup(s->tu, text));
            }
        }

        clang_disposeDiagnostic(d);
    }
}


static void
ngxl_scan_free(ngxl_scan_t *s)
{
    size_t             i;
    ngxl_scan_func_t  *f;

    for (i = 0; i < s->funcs.n; i++) {
        f = s->funcs.elts[i];
        ngxl_vec_free(&f->stores);
        ngxl_vec_free(&f->members);
    }

    ngxl_vec_free(&s->funcs);
    ngxl_vec_free(&s->sites);
    ngxl_vec_free(&s->lookups);
}


void
ngxl_src_scan(ngxl_src_project_t *p, ngxl_src_tu_t *tu, void *index)
{
    struct timespec   t0, t1;
    ngxl_pool_t       scratch;
    ngxl_scan_t       s;
    enum CXErrorCode  rc;

    (void) p;

    clock_gettime(CLOCK_MONOTONIC, &t0);

    memset(&s, 0, sizeof(ngxl_scan_t));
    ngxl_pool_init(&scratch);
    s.tu = tu;
    s.pool = &scratch;

    rc = clang_parseTranslationUnit2((CXIndex) index, tu->abs,
                                     (const char *const *) tu->args,
                                     (int) tu->nargs, NULL, 0,
                                     CXTranslationUnit_KeepGoing, &s.ctu);

    if (rc != CXError_Success || s.ctu == NULL) {
        tu->errors++;
        ngxl_vec_push(&tu->diags, ngxl_psprintf(&tu->pool, "%s: libclang "
                      "could not parse it (error %d)", tu->file, (int) rc));
        goto done;
    }

    tu->parsed = 1;
    ngxl_scan_diags(&s);

    s.main = clang_getFile(s.ctu, tu->abs);

    if (s.main == NULL) {
        tu->errors++;
        ngxl_vec_push(&tu->diags, ngxl_psprintf(&tu->pool, "%s: not in its "
                      "own translation unit", tu->file));
        clang_disposeTranslationUnit(s.ctu);
        goto done;
    }

    s.main_name = ngxl_scan_str(s.pool, clang_getFileName(s.main));

    clang_visitChildren(clang_getTranslationUnitCursor(s.ctu), ngxl_scan_top,
                        &s);
    ngxl_scan_lookups(&s);
    ngxl_scan_free(&s);

    clang_disposeTranslationUnit(s.ctu);

done:

    ngxl_pool_free(&scratch);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    tu->ms = (double) (t1.tv_sec - t0.tv_sec) * 1e3
             + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6;
}
