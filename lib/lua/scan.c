/*
 * ngxlint: reading Lua with tree-sitter.
 *
 * A scope-aware walk of the syntax tree.  Names are bound as they are in
 * Lua (a local is visible after its statement, in its block), and each
 * binding knows whether it holds the `ngx` table, `ngx.var`, a cosocket or
 * lua-resty-http's module or client.  Function parameters learn what the
 * calls that can be seen pass them: the walk runs twice, the first time
 * only to learn that.
 *
 * Every walk is bounded in depth: hostile Lua nests as deep as it likes.
 */

#define _GNU_SOURCE           /* memmem() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "lua.h"


const TSLanguage *tree_sitter_lua(void);


#define NGXL_LUA_MAX_DEPTH   3000
#define NGXL_LUA_MAX_CLASSIFY 200

/*
 * Brackets and blocks nested deeper than this are not given to tree-sitter:
 * its trees grow by hundreds of bytes a level (a million "{" take 440 MB),
 * and LuaJIT itself refuses more than 200 syntax levels.
 */
#define NGXL_LUA_MAX_NEST    1000

/* the walk recurses through ngxl_walk_expr() and ngxl_walk_stmt(): what
   they only branch to is kept out of their frames (~160 bytes a level
   instead of ~600), so that NGXL_LUA_MAX_DEPTH levels fit in a megabyte */
#define NGXL_COLD            __attribute__((noinline))

/* what a name (or an expression) holds */
#define NGXL_K_NONE      0
#define NGXL_K_NGX       1      /* the ngx table                  */
#define NGXL_K_VAR       2      /* ngx.var                        */
#define NGXL_K_SOCKET    3      /* ngx.socket.tcp()               */
#define NGXL_K_HTTPMOD   4      /* require "resty.http"           */
#define NGXL_K_HTTP      5      /* http.new()                     */
#define NGXL_K_SOCKETNS  6      /* ngx.socket                     */
#define NGXL_K_TCPFN     7      /* ngx.socket.tcp, not yet called */


typedef struct {
    const char  *name;
    uint32_t     len;
    int          kind;
    int          sock;          /* index into the function's sockets, or -1 */
    uint32_t     fn;            /* the function it holds: its offset + 1  */
} ngxl_bind_t;


/* a socket held in a local of the current function */
typedef struct {
    const char  *name;
    uint32_t     len;
    uint32_t     line;
    uint32_t     col;
    int          http;
    unsigned     connected:1;
    unsigned     pooled:1;
    unsigned     closed:1;
    uint32_t     conn_line;
} ngxl_sockvar_t;


/*
 * what the calls we can see pass to a function's parameters: keyed by the
 * function a local name holds (its offset + 1), so that two functions of
 * one name in different scopes do not mix, or by name (fn 0) for a global
 */
typedef struct {
    const char  *name;
    uint32_t     len;
    uint32_t     fn;
    int          kinds[8];
} ngxl_callfact_t;


typedef struct {
    ngxl_lua_scan_t        *scan;
    const ngxl_lua_src_t   *src;
    const char             *text;    /* what tree-sitter read          */
    size_t                  chunk;
    int                     learn;   /* the first walk: facts only     */
    int                     depth;
    int                     cdepth;  /* of ngxl_classify()         */
    unsigned                loops;
    unsigned                funcs;   /* function nesting               */
    unsigned                errpath; /* inside an error-path if        */

    ngxl_bind_t            *binds;
    size_t                  nbinds;
    size_t                  cbinds;

    ngxl_bind_t            *globals;
    size_t                  nglobals;
    size_t                  cglobals;

    ngxl_sockvar_t         *socks;
    size_t                  nsocks;
    size_t                  csocks;

    ngxl_callfact_t        *facts;
    size_t                  nfacts;
    size_t                  cfacts;
} ngxl_walk_t;


/* node and field ids, looked up once */

static struct {
    int             ready;
    TSSymbol        identifier, dot_index, bracket_index, method_index,
                    string, string_content, number, function_call,
                    function_decl, function_def, parameters, arguments,
                    variable_decl, assignment, variable_list, expression_list,
                    for_stmt, for_numeric, for_generic, while_stmt,
                    repeat_stmt, if_stmt, elseif_stmt, else_stmt, do_stmt,
                    block, chunk, paren, binary, unary, table_cons, field,
                    return_stmt, error;
    TSFieldId       f_table, f_field, f_name, f_value, f_body, f_parameters,
                    f_arguments, f_method, f_clause, f_condition,
                    f_consequence, f_alternative, f_left, f_right, f_operand,
                    f_content, f_start, f_end, f_step;
} ngxl_ts;


static void ngxl_walk_expr(ngxl_walk_t *w, TSNode n);
static void ngxl_walk_block(ngxl_walk_t *w, TSNode n);
static void ngxl_walk_stmt(ngxl_walk_t *w, TSNode n);
static int ngxl_classify(ngxl_walk_t *w, TSNode n);


static void
ngxl_ts_init(void)
{
    const TSLanguage  *l;

    if (ngxl_ts.ready) {
        return;
    }

    l = tree_sitter_lua();

#define SYM(v, s)  ngxl_ts.v = ts_language_symbol_for_name(l, s, sizeof(s) - 1, 1)
#define FLD(v, s)  ngxl_ts.v = ts_language_field_id_for_name(l, s, sizeof(s) - 1)

    SYM(identifier, "identifier");
    SYM(dot_index, "dot_index_expression");
    SYM(bracket_index, "bracket_index_expression");
    SYM(method_index, "method_index_expression");
    SYM(string, "string");
    SYM(string_content, "string_content");
    SYM(number, "number");
    SYM(function_call, "function_call");
    SYM(function_decl, "function_declaration");
    SYM(function_def, "function_definition");
    SYM(parameters, "parameters");
    SYM(arguments, "arguments");
    SYM(variable_decl, "variable_declaration");
    SYM(assignment, "assignment_statement");
    SYM(variable_list, "variable_list");
    SYM(expression_list, "expression_list");
    SYM(for_stmt, "for_statement");
    SYM(for_numeric, "for_numeric_clause");
    SYM(for_generic, "for_generic_clause");
    SYM(while_stmt, "while_statement");
    SYM(repeat_stmt, "repeat_statement");
    SYM(if_stmt, "if_statement");
    SYM(elseif_stmt, "elseif_statement");
    SYM(else_stmt, "else_statement");
    SYM(do_stmt, "do_statement");
    SYM(block, "block");
    SYM(chunk, "chunk");
    SYM(paren, "parenthesized_expression");
    SYM(binary, "binary_expression");
    SYM(unary, "unary_expression");
    SYM(table_cons, "table_constructor");
    SYM(field, "field");
    SYM(return_stmt, "return_statement");
    ngxl_ts.error = ts_language_symbol_for_name(l, "ERROR", 5, 1);

    FLD(f_table, "table");
    FLD(f_field, "field");
    FLD(f_name, "name");
    FLD(f_value, "value");
    FLD(f_body, "body");
    FLD(f_parameters, "parameters");
    FLD(f_arguments, "arguments");
    FLD(f_method, "method");
    FLD(f_clause, "clause");
    FLD(f_condition, "condition");
    FLD(f_consequence, "consequence");
    FLD(f_alternative, "alternative");
    FLD(f_left, "left");
    FLD(f_right, "right");
    FLD(f_operand, "operand");
    FLD(f_content, "content");
    FLD(f_start, "start");
    FLD(f_end, "end");
    FLD(f_step, "step");

#undef SYM
#undef FLD

    ngxl_ts.ready = 1;
}


/* helpers on nodes */

static int
ngxl_is(TSNode n, TSSymbol s)
{
    return !ts_node_is_null(n) && ts_node_symbol(n) == s;
}


static TSNode
ngxl_field(TSNode n, TSFieldId f)
{
    return ts_node_child_by_field_id(n, f);
}


static const char *
ngxl_text(ngxl_walk_t *w, TSNode n, uint32_t *len)
{
    uint32_t  s, e;

    s = ts_node_start_byte(n);
    e = ts_node_end_byte(n);

    *len = e - s;

    return w->text + s;
}


static int
ngxl_text_is(ngxl_walk_t *w, TSNode n, const char *s)
{
    uint32_t     len;
    const char  *p;

    if (ts_node_is_null(n)) {
        return 0;
    }

    p = ngxl_text(w, n, &len);

    return len == strlen(s) && memcmp(p, s, len) == 0;
}


/* the file line and column of a node's start */

static void
ngxl_pos(ngxl_walk_t *w, TSNode n, uint32_t *line, uint32_t *col,
    uint32_t *end_col)
{
    uint32_t   off, end;
    TSPoint    p, q;

    if (w->src->code) {
        off = ts_node_start_byte(n);
        end = ts_node_end_byte(n);

        off = off < w->src->code_len ? w->src->map[off] : w->src->off;
        end = end > 0 && end <= w->src->code_len ? w->src->map[end - 1] + 1
                                                 : off + 1;

        if (w->src->cfile) {
            ngxl_conf_line_col(w->src->cfile, off, line, col);
        } else {
            *line = 1;
            *col = off + 1;
        }

        *end_col = *col + (end > off ? end - off : 1);
        return;
    }

    p = ts_node_start_point(n);
    q = ts_node_end_point(n);

    *line = p.row + 1;
    *col = p.column + 1;
    *end_col = q.row == p.row ? q.column + 1 : *col + 1;
}


/* the value of a simple string literal node, NULL if it has escapes */

static char *
ngxl_lua_strlit(ngxl_walk_t *w, TSNode n, uint32_t *len)
{
    TSNode       c;
    const char  *p;

    if (!ngxl_is(n, ngxl_ts.string)) {
        return NULL;
    }

    c = ngxl_field(n, ngxl_ts.f_content);

    if (ts_node_is_null(c)) {
        *len = 0;
        return (char *) "";
    }

    p = ngxl_text(w, c, len);

    if (memchr(p, '\\', *len) != NULL) {
        return NULL;
    }

    return (char *) p;
}


/* bindings */

static void
ngxl_bind(ngxl_walk_t *w, const char *name, uint32_t len, int kind, int sock)
{
    ngxl_bind_t  *b;

    if (w->nbinds == w->cbinds) {
        w->cbinds = w->cbinds ? w->cbinds * 2 : 64;
        w->binds = realloc(w->binds, w->cbinds * sizeof(ngxl_bind_t));
        if (w->binds == NULL) {
            ngxl_oom();
        }
    }

    b = &w->binds[w->nbinds++];
    b->name = name;
    b->len = len;
    b->kind = kind;
    b->sock = sock;
    b->fn = 0;
}


static ngxl_bind_t *
ngxl_lookup(ngxl_walk_t *w, const char *name, uint32_t len)
{
    size_t  i;

    for (i = w->nbinds; i > 0; i--) {
        if (w->binds[i - 1].len == len
            && memcmp(w->binds[i - 1].name, name, len) == 0)
        {
            return &w->binds[i - 1];
        }
    }

    for (i = w->nglobals; i > 0; i--) {
        if (w->globals[i - 1].len == len
            && memcmp(w->globals[i - 1].name, name, len) == 0)
        {
            return &w->globals[i - 1];
        }
    }

    return NULL;
}


static void
ngxl_set_global(ngxl_walk_t *w, const char *name, uint32_t len, int kind)
{
    size_t  i;

    for (i = 0; i < w->nglobals; i++) {
        if (w->globals[i].len == len
            && memcmp(w->globals[i].name, name, len) == 0)
        {
            w->globals[i].kind = kind;
            return;
        }
    }

    if (w->nglobals == w->cglobals) {
        w->cglobals = w->cglobals ? w->cglobals * 2 : 16;
        w->globals = realloc(w->globals, w->cglobals * sizeof(ngxl_bind_t));
        if (w->globals == NULL) {
            ngxl_oom();
        }
    }

    w->globals[w->nglobals].name = name;
    w->globals[w->nglobals].len = len;
    w->globals[w->nglobals].kind = kind;
    w->globals[w->nglobals].sock = -1;
    w->nglobals++;
}


/* call facts: "f(ngx.var)" makes f's first parameter ngx.var */

static ngxl_callfact_t *
ngxl_fact(ngxl_walk_t *w, uint32_t fn, const char *name, uint32_t len,
    int create)
{
    size_t            i;
    ngxl_callfact_t  *f;

    for (i = 0; i < w->nfacts; i++) {
        f = &w->facts[i];

        if (fn ? f->fn == fn
               : f->fn == 0 && f->len == len && memcmp(f->name, name, len) == 0)
        {
            return f;
        }
    }

    if (!create) {
        return NULL;
    }

    if (w->nfacts == w->cfacts) {
        w->cfacts = w->cfacts ? w->cfacts * 2 : 16;
        w->facts = realloc(w->facts, w->cfacts * sizeof(ngxl_callfact_t));
        if (w->facts == NULL) {
            ngxl_oom();
        }
    }

    f = &w->facts[w->nfacts++];
    memset(f, 0, sizeof(ngxl_callfact_t));
    f->fn = fn;
    f->name = name;
    f->len = len;

    return f;
}


/* findings */

static void
ngxl_access(ngxl_walk_t *w, TSNode at, const char *name, uint32_t len,
    int kind)
{
    uint32_t            i;
    ngxl_lua_access_t  *a;

    if (w->learn) {
        return;
    }

    a = ngxl_palloc(w->scan->pool, sizeof(ngxl_lua_access_t));
    a->file = w->src->path;
    ngxl_pos(w, at, &a->line, &a->col, &a->end_col);
    a->kind = kind;
    a->loops = w->loops;
    a->in_function = w->funcs > 0;
    a->chunk = w->chunk;

    if (name) {
        /* nginx looks variable names up in lower case */
        a->name = ngxl_pstrndup(w->scan->pool, name, len);

        for (i = 0; i < len; i++) {
            if (a->name[i] >= 'A' && a->name[i] <= 'Z') {
                a->name[i] |= 0x20;
            }
        }
    }

    ngxl_vec_push(&w->scan->accesses, a);
}


static void
ngxl_sock_finding(ngxl_walk_t *w, TSNode at, int what, ngxl_sockvar_t *sv)
{
    ngxl_lua_sock_t  *s;
    uint32_t          end;

    if (w->learn) {
        return;
    }

    s = ngxl_palloc(w->scan->pool, sizeof(ngxl_lua_sock_t));
    s->file = w->src->path;
    ngxl_pos(w, at, &s->line, &s->col, &end);
    s->what = what;
    s->in_function = w->funcs > 0;
    s->chunk = w->chunk;

    if (sv) {
        s->var = ngxl_pstrndup(w->scan->pool, sv->name, sv->len);
        s->http = sv->http;
        s->conn_line = sv->conn_line;
    }

    ngxl_vec_push(&w->scan->sockets, s);
}


/* what an expression holds */

static int ngxl_classify_node(ngxl_walk_t *w, TSNode n);


static int
ngxl_classify(ngxl_walk_t *w, TSNode n)
{
    int  k;

    /*
     * "((((x))))" and "a or b or c ..." recurse: what holds the ngx table,
     * ngx.var or a socket is never that deep, and the walk it is called
     * from may already be deep
     */

    if (++w->cdepth > NGXL_LUA_MAX_CLASSIFY) {
        w->cdepth--;
        return NGXL_K_NONE;
    }

    k = ngxl_classify_node(w, n);
    w->cdepth--;

    return k;
}


static int
ngxl_classify_node(ngxl_walk_t *w, TSNode n)
{
    int           k;
    uint32_t      len;
    TSNode        t, f;
    ngxl_bind_t  *b;
    const char   *s;

    if (ts_node_is_null(n)) {
        return NGXL_K_NONE;
    }

    if (ngxl_is(n, ngxl_ts.identifier)) {
        s = ngxl_text(w, n, &len);
        b = ngxl_lookup(w, s, len);

        if (b) {
            return b->kind;
        }

        return len == 3 && memcmp(s, "ngx", 3) == 0 ? NGXL_K_NGX
                                                    : NGXL_K_NONE;
    }

    if (ngxl_is(n, ngxl_ts.dot_index)) {
        t = ngxl_field(n, ngxl_ts.f_table);
        f = ngxl_field(n, ngxl_ts.f_field);
        k = ngxl_classify(w, t);

        if (k == NGXL_K_NGX && ngxl_text_is(w, f, "var")) {
            return NGXL_K_VAR;
        }

        if (k == NGXL_K_NGX && ngxl_text_is(w, f, "socket")) {
            return NGXL_K_SOCKETNS;
        }

        if (k == NGXL_K_SOCKETNS && ngxl_text_is(w, f, "tcp")) {
            return NGXL_K_TCPFN;
        }

        return NGXL_K_NONE;
    }

    if (ngxl_is(n, ngxl_ts.bracket_index)) {
        t = ngxl_field(n, ngxl_ts.f_table);
        f = ngxl_field(n, ngxl_ts.f_field);

        s = ngxl_lua_strlit(w, f, &len);

        if (s && len == 3 && memcmp(s, "var", 3) == 0
            && ngxl_classify(w, t) == NGXL_K_NGX)
        {
            return NGXL_K_VAR;
        }

        return NGXL_K_NONE;
    }

    if (ngxl_is(n, ngxl_ts.paren)) {
        return ts_node_named_child_count(n)
               ? ngxl_classify(w, ts_node_named_child(n, 0)) : NGXL_K_NONE;
    }

    if (ngxl_is(n, ngxl_ts.binary)) {
        /* "a or b" is one or the other; "a and b" is b; "a + b" neither */
        t = ts_node_child(n, 1);

        if (ngxl_text_is(w, t, "and")) {
            return ngxl_classify(w, ngxl_field(n, ngxl_ts.f_right));
        }

        if (!ngxl_text_is(w, t, "or")) {
            return NGXL_K_NONE;
        }

        k = ngxl_classify(w, ngxl_field(n, ngxl_ts.f_left));

        if (k != NGXL_K_NONE) {
            return k;
        }

        return ngxl_classify(w, ngxl_field(n, ngxl_ts.f_right));
    }

    if (ngxl_is(n, ngxl_ts.function_call)) {
        t = ngxl_field(n, ngxl_ts.f_name);

        /* ngx.socket.tcp(), or tcp() after "local tcp = ngx.socket.tcp" */
        if (ngxl_classify(w, t) == NGXL_K_TCPFN) {
            return NGXL_K_SOCKET;
        }

        /* http.new() of lua-resty-http */
        if (ngxl_is(t, ngxl_ts.dot_index)
            && ngxl_classify(w, ngxl_field(t, ngxl_ts.f_table))
               == NGXL_K_HTTPMOD
            && ngxl_text_is(w, ngxl_field(t, ngxl_ts.f_field), "new"))
        {
            return NGXL_K_HTTP;
        }

        /* require "resty.http" */
        if (ngxl_is(t, ngxl_ts.identifier) && ngxl_text_is(w, t, "require")) {
            f = ngxl_field(n, ngxl_ts.f_arguments);

            if (!ts_node_is_null(f) && ts_node_named_child_count(f) > 0) {
                f = ts_node_named_child(f, 0);
            }

            if (ngxl_is(f, ngxl_ts.string)) {
                s = ngxl_lua_strlit(w, f, &len);

                if (s && len == 10 && memcmp(s, "resty.http", 10) == 0) {
                    return NGXL_K_HTTPMOD;
                }
            }
        }
    }

    return NGXL_K_NONE;
}


/* an index expression on ngx.var: an access, else walk its parts */

/*
 * how many of the LEN bytes at S a Lua name starts with: [A-Za-z0-9_] and,
 * as LuaJIT reads names, any byte from 0x80
 */

static uint32_t
ngxl_name_len(const char *s, uint32_t len)
{
    uint32_t  i;

    for (i = 0; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'
              || (unsigned char) s[i] >= 0x80))
        {
            break;
        }
    }

    return i;
}


static NGXL_COLD void
ngxl_walk_index(ngxl_walk_t *w, TSNode n, int write)
{
    uint32_t     len;
    TSNode       t, f;
    const char  *s;

    t = ngxl_field(n, ngxl_ts.f_table);
    f = ngxl_field(n, ngxl_ts.f_field);

    if (ngxl_classify(w, t) != NGXL_K_VAR) {
        ngxl_walk_expr(w, t);

        if (ngxl_is(n, ngxl_ts.bracket_index)) {
            ngxl_walk_expr(w, f);
        }

        return;
    }

    if (ngxl_is(n, ngxl_ts.dot_index)) {
        s = ngxl_text(w, f, &len);

        /*
         * a Lua name; in broken Lua tree-sitter's recovery can take more
         * into the field ("arg_b!"): the name is what a name can be
         */

        len = s ? ngxl_name_len(s, len) : 0;

        if (len) {
            ngxl_access(w, n, s, len, write ? NGXL_VAR_WRITE : NGXL_VAR_READ);
        }

        return;
    }

    s = ngxl_lua_strlit(w, f, &len);

    if (s) {
        ngxl_access(w, n, s, len, write ? NGXL_VAR_WRITE : NGXL_VAR_READ);

    } else if (ngxl_is(f, ngxl_ts.number)) {
        ngxl_access(w, n, NULL, 0, NGXL_VAR_CAPTURE);

    } else {
        ngxl_access(w, n, NULL, 0, NGXL_VAR_DYNAMIC);
        ngxl_walk_expr(w, f);
    }
}


static void
ngxl_walk_children(ngxl_walk_t *w, TSNode n)
{
    TSTreeCursor  c;

    c = ts_tree_cursor_new(n);

    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            ngxl_walk_expr(w, ts_tree_cursor_current_node(&c));
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }

    ts_tree_cursor_delete(&c);
}


/* sockets connected and neither pooled nor closed: dropped at FN's end */

static void
ngxl_sockets_left(ngxl_walk_t *w, TSNode fn, size_t from)
{
    size_t  k;

    for (k = from; k < w->nsocks; k++) {
        if (w->socks[k].connected && !w->socks[k].pooled
            && !w->socks[k].closed)
        {
            ngxl_sock_finding(w, fn, NGXL_SOCK_DROPPED, &w->socks[k]);
        }
    }

    w->nsocks = from;
}


/* a function body: its parameters bound, its sockets checked at its end */

static NGXL_COLD void
ngxl_walk_function(ngxl_walk_t *w, TSNode n, const char *name, uint32_t nlen)
{
    int               i, kind;
    size_t            mark, smark;
    uint32_t          len;
    TSNode            params, body;
    TSTreeCursor      c;
    const char       *s;
    ngxl_callfact_t  *fact;
    unsigned          loops;

    params = ngxl_field(n, ngxl_ts.f_parameters);
    body = ngxl_field(n, ngxl_ts.f_body);

    fact = ngxl_fact(w, ts_node_start_byte(n) + 1, NULL, 0, 0);

    if (fact == NULL && name) {
        fact = ngxl_fact(w, 0, name, nlen, 0);
    }

    mark = w->nbinds;
    smark = w->nsocks;
    loops = w->loops;
    w->loops = 0;
    w->funcs++;

    if (!ts_node_is_null(params)) {
        c = ts_tree_cursor_new(params);
        i = 0;

        if (ts_tree_cursor_goto_first_child(&c)) {
            do {
                TSNode  p = ts_tree_cursor_current_node(&c);

                if (!ngxl_is(p, ngxl_ts.identifier)) {
                    continue;
                }

                s = ngxl_text(w, p, &len);
                kind = fact && i < 8 ? fact->kinds[i] : NGXL_K_NONE;
                ngxl_bind(w, s, len, kind, -1);
                i++;
            } while (ts_tree_cursor_goto_next_sibling(&c));
        }

        ts_tree_cursor_delete(&c);
    }

    if (!ts_node_is_null(body)) {
        ngxl_walk_block(w, body);
    }

    ngxl_sockets_left(w, n, smark);

    w->nbinds = mark;
    w->loops = loops;
    w->funcs--;
}


/* a method call on a socket or an http client */

static NGXL_COLD void
ngxl_walk_method(ngxl_walk_t *w, TSNode call, TSNode mi)
{
    uint32_t         len, line, col, end;
    TSNode           t, m, args, a;
    ngxl_bind_t     *b;
    const char      *s;
    ngxl_sockvar_t  *sv;

    t = ngxl_field(mi, ngxl_ts.f_table);
    m = ngxl_field(mi, ngxl_ts.f_method);

    if (!ngxl_is(t, ngxl_ts.identifier) || ts_node_is_null(m)) {
        return;
    }

    s = ngxl_text(w, t, &len);
    b = ngxl_lookup(w, s, len);

    if (b == NULL || b->sock < 0 || (size_t) b->sock >= w->nsocks) {
        return;
    }

    sv = &w->socks[b->sock];

    if (ngxl_text_is(w, m, "connect")) {
        sv->connected = 1;
        ngxl_pos(w, call, &line, &col, &end);
        sv->conn_line = line;

    } else if (ngxl_text_is(w, m, "setkeepalive")
               || ngxl_text_is(w, m, "set_keepalive"))
    {
        sv->pooled = 1;

    } else if (ngxl_text_is(w, m, "close")) {
        sv->closed = 1;

        if (!w->errpath) {
            ngxl_sock_finding(w, call, NGXL_SOCK_CLOSED, sv);
        }

    } else if (ngxl_text_is(w, m, "request_uri") && sv->http) {
        /* the one-shot API pools unless told keepalive = false */
        sv->pooled = 1;

        args = ngxl_field(call, ngxl_ts.f_arguments);

        if (!ts_node_is_null(args) && ts_node_named_child_count(args) >= 2) {
            a = ts_node_named_child(args, 1);

            if (ngxl_is(a, ngxl_ts.table_cons)) {
                uint32_t  i, n;

                n = ts_node_named_child_count(a);

                for (i = 0; i < n; i++) {
                    TSNode  fld = ts_node_named_child(a, i);

                    if (ngxl_text_is(w, ngxl_field(fld, ngxl_ts.f_name),
                                     "keepalive")
                        && ngxl_text_is(w, ngxl_field(fld, ngxl_ts.f_value),
                                        "false"))
                    {
                        ngxl_sock_finding(w, call, NGXL_SOCK_NO_KEEPALIVE,
                                          sv);
                    }
                }
            }
        }
    }
}


static NGXL_COLD void
ngxl_walk_call(ngxl_walk_t *w, TSNode n)
{
    int               i, k;
    uint32_t          len, line, col, end;
    TSNode            callee, args;
    TSTreeCursor      c;
    const char       *s;
    uint32_t          fn;
    ngxl_bind_t      *b;
    ngxl_callfact_t  *fact;
    ngxl_lua_require_t *r;

    callee = ngxl_field(n, ngxl_ts.f_name);
    args = ngxl_field(n, ngxl_ts.f_arguments);

    /* require "mod" */

    if (ngxl_is(callee, ngxl_ts.identifier)
        && ngxl_text_is(w, callee, "require") && !ts_node_is_null(args))
    {
        TSNode  a = args;

        if (!ngxl_is(a, ngxl_ts.string) && ts_node_named_child_count(a) > 0) {
            a = ts_node_named_child(a, 0);
        }

        s = ngxl_lua_strlit(w, a, &len);

        if (s && len > 0 && !w->learn) {
            r = ngxl_palloc(w->scan->pool, sizeof(ngxl_lua_require_t));
            r->module = ngxl_pstrndup(w->scan->pool, s, len);
            r->file = w->src->path;
            ngxl_pos(w, n, &line, &col, &end);
            r->line = line;
            r->col = col;
            r->in_function = w->funcs > 0;
            r->chunk = w->chunk;
            ngxl_vec_push(&w->scan->requires, r);
        }
    }

    /* f(ngx.var): a fact about f's parameters */

    if (ngxl_is(callee, ngxl_ts.identifier) && !ts_node_is_null(args)
        && w->learn)
    {
        s = ngxl_text(w, callee, &len);
        b = ngxl_lookup(w, s, len);
        fn = b ? b->fn : 0;
        c = ts_tree_cursor_new(args);
        i = 0;
        fact = NULL;

        if (ts_tree_cursor_goto_first_child(&c)) {
            do {
                TSNode  a = ts_tree_cursor_current_node(&c);

                if (!ts_node_is_named(a)) {
                    continue;
                }

                k = ngxl_classify(w, a);

                if ((k == NGXL_K_VAR || k == NGXL_K_NGX) && i < 8) {
                    if (fact == NULL) {
                        fact = ngxl_fact(w, fn, s, len, 1);
                    }
                    fact->kinds[i] = k;
                }

                i++;
            } while (ts_tree_cursor_goto_next_sibling(&c));
        }

        ts_tree_cursor_delete(&c);
    }

    if (ngxl_is(callee, ngxl_ts.method_index)) {
        ngxl_walk_method(w, n, callee);
    }

    ngxl_walk_children(w, n);
}


/*
 * "a + b + c + ...": tree-sitter nests left operands, as deep as the chain
 * is long, and LuaJIT takes such chains at any length (it loops over
 * left-associative operators).  The left spine is followed with a cursor,
 * not by recursion: only the right operands are walked, in source order.
 */

static NGXL_COLD void
ngxl_walk_binary(ngxl_walk_t *w, TSNode n)
{
    size_t        k;
    uint32_t      i, nc;
    TSNode        node;
    TSTreeCursor  c;

    c = ts_tree_cursor_new(n);
    k = 0;

    while (ts_tree_cursor_goto_first_child(&c)) {
        node = ts_tree_cursor_current_node(&c);

        if (!ngxl_is(node, ngxl_ts.binary)) {
            ngxl_walk_expr(w, node);
            ts_tree_cursor_goto_parent(&c);
            break;
        }

        k++;
    }

    for ( ;; ) {
        node = ts_tree_cursor_current_node(&c);
        nc = ts_node_named_child_count(node);

        for (i = 1; i < nc; i++) {
            ngxl_walk_expr(w, ts_node_named_child(node, i));
        }

        if (k-- == 0 || !ts_tree_cursor_goto_parent(&c)) {
            break;
        }
    }

    ts_tree_cursor_delete(&c);
}


static void
ngxl_walk_expr(ngxl_walk_t *w, TSNode n)
{
    TSSymbol  s;

    if (ts_node_is_null(n) || !ts_node_is_named(n)) {
        return;
    }

    if (++w->depth > NGXL_LUA_MAX_DEPTH) {
        w->depth--;
        return;
    }

    s = ts_node_symbol(n);

    if (s == ngxl_ts.binary) {
        ngxl_walk_binary(w, n);

    } else if (s == ngxl_ts.dot_index || s == ngxl_ts.bracket_index) {
        ngxl_walk_index(w, n, 0);

    } else if (s == ngxl_ts.function_call) {
        ngxl_walk_call(w, n);

    } else if (s == ngxl_ts.function_def) {
        ngxl_walk_function(w, n, NULL, 0);

    } else if (s == ngxl_ts.block || s == ngxl_ts.variable_decl
               || s == ngxl_ts.assignment || s == ngxl_ts.for_stmt
               || s == ngxl_ts.while_stmt || s == ngxl_ts.repeat_stmt
               || s == ngxl_ts.if_stmt || s == ngxl_ts.do_stmt
               || s == ngxl_ts.function_decl)
    {
        /* statements inside an ERROR node */
        ngxl_walk_stmt(w, n);

    } else if (s != ngxl_ts.identifier && s != ngxl_ts.string
               && s != ngxl_ts.number)
    {
        ngxl_walk_children(w, n);
    }

    w->depth--;
}


/* local a, b = e1, e2  /  a, b = e1, e2 */

static NGXL_COLD void
ngxl_walk_assign(ngxl_walk_t *w, TSNode n, int local)
{
    int           kind, sock;
    uint32_t      i, nv, ne, len, line, col, end;
    TSNode        vars, exprs, v, e;
    ngxl_bind_t  *b;
    const char   *s;
    ngxl_sockvar_t *sv;

    vars = ts_node_child_count(n) ? ts_node_named_child(n, 0)
                                  : ts_node_child(n, 0);
    exprs = ngxl_is(n, ngxl_ts.assignment) && ts_node_named_child_count(n) > 1
            ? ts_node_named_child(n, 1) : (TSNode) { 0 };

    if (!ngxl_is(vars, ngxl_ts.variable_list)) {
        vars = n;           /* "local x" alone */
    }

    /* the values first: "local ngx = ngx" reads the outer ngx */

    ne = 0;

    if (!ts_node_is_null(exprs)) {
        ne = ts_node_named_child_count(exprs);
        ngxl_walk_children(w, exprs);
    }

    nv = ts_node_named_child_count(vars);

    for (i = 0; i < nv; i++) {
        v = ts_node_named_child(vars, i);

        kind = NGXL_K_NONE;
        e = i < ne ? ts_node_named_child(exprs, i) : (TSNode) { 0 };

        if (!ts_node_is_null(e)) {
            kind = ngxl_classify(w, e);
        }

        if (ngxl_is(v, ngxl_ts.identifier)) {
            s = ngxl_text(w, v, &len);
            sock = -1;

            if (kind == NGXL_K_SOCKET || kind == NGXL_K_HTTP) {
                if (w->nsocks == w->csocks) {
                    w->csocks = w->csocks ? w->csocks * 2 : 8;
                    w->socks = realloc(w->socks,
                                       w->csocks * sizeof(ngxl_sockvar_t));
                    if (w->socks == NULL) {
                        ngxl_oom();
                    }
                }

                sv = &w->socks[w->nsocks];
                memset(sv, 0, sizeof(ngxl_sockvar_t));
                sv->name = s;
                sv->len = len;
                sv->http = kind == NGXL_K_HTTP;
                ngxl_pos(w, v, &line, &col, &end);
                sv->line = line;
                sv->col = col;

                /* lua-resty-http's client connects inside request_uri */
                sock = (int) w->nsocks++;
            }

            if (local) {
                ngxl_bind(w, s, len, kind, sock);

                if (ngxl_is(e, ngxl_ts.function_def)) {
                    w->binds[w->nbinds - 1].fn = ts_node_start_byte(e) + 1;
                }

            } else {
                b = ngxl_lookup(w, s, len);

                /* w->binds is NULL before the first local */
                if (b && w->nbinds && b >= w->binds
                    && b < w->binds + w->nbinds)
                {
                    b->kind = kind;
                    b->sock = sock;
                } else {
                    ngxl_set_global(w, s, len, kind);
                }
            }

            continue;
        }

        if (ngxl_is(v, ngxl_ts.dot_index) || ngxl_is(v, ngxl_ts.bracket_index))
        {
            ngxl_walk_index(w, v, 1);

        } else {
            ngxl_walk_expr(w, v);
        }
    }
}


/* is this condition one that guards an error path? */

static int
ngxl_error_cond(ngxl_walk_t *w, TSNode cond)
{
    uint32_t     len;
    const char  *s;

    if (ts_node_is_null(cond)) {
        return 0;
    }

    s = ngxl_text(w, cond, &len);

    return (len >= 4 && memcmp(s, "not ", 4) == 0)
           || memmem(s, len, "err", 3) != NULL
           || memmem(s, len, "== nil", 6) != NULL
           || memmem(s, len, "~= 200", 6) != NULL
           || memmem(s, len, ">= 400", 6) != NULL;
}


/* is this condition one that holds when all went well ("if ok then")? */

static int
ngxl_success_cond(ngxl_walk_t *w, TSNode cond)
{
    uint32_t     len;
    const char  *s;

    if (ngxl_is(cond, ngxl_ts.identifier)) {
        return 1;
    }

    s = ngxl_text(w, cond, &len);

    return (len > 6 && memcmp(s + len - 6, "~= nil", 6) == 0)
           || (len > 6 && memcmp(s + len - 6, "== 200", 6) == 0);
}


static NGXL_COLD void
ngxl_walk_if(ngxl_walk_t *w, TSNode n)
{
    int           errcond;
    unsigned      err;
    TSNode        c;
    TSTreeCursor  cur;
    TSFieldId     f;

    c = ngxl_field(n, ngxl_ts.f_condition);
    ngxl_walk_expr(w, c);

    err = w->errpath;
    errcond = ngxl_error_cond(w, c);

    if (errcond) {
        w->errpath++;
    }

    ngxl_walk_block(w, ngxl_field(n, ngxl_ts.f_consequence));
    w->errpath = err;

    cur = ts_tree_cursor_new(n);

    if (ts_tree_cursor_goto_first_child(&cur)) {
        do {
            f = ts_tree_cursor_current_field_id(&cur);

            if (f == ngxl_ts.f_alternative) {
                TSNode  a = ts_tree_cursor_current_node(&cur);

                if (ngxl_is(a, ngxl_ts.elseif_stmt)) {
                    ngxl_walk_if(w, a);
                    continue;
                }

                /* "if ok then ... else <the error path> end" */
                if (!errcond && ngxl_success_cond(w, c)) {
                    w->errpath++;
                }

                ngxl_walk_block(w, ngxl_field(a, ngxl_ts.f_body));
                w->errpath = err;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cur));
    }

    ts_tree_cursor_delete(&cur);
}


static NGXL_COLD void
ngxl_walk_for(ngxl_walk_t *w, TSNode n)
{
    size_t        mark;
    uint32_t      i, nn, len;
    TSNode        clause, vars, v;
    const char   *s;

    mark = w->nbinds;
    clause = ngxl_field(n, ngxl_ts.f_clause);

    if (ngxl_is(clause, ngxl_ts.for_numeric)) {
        ngxl_walk_expr(w, ngxl_field(clause, ngxl_ts.f_start));
        ngxl_walk_expr(w, ngxl_field(clause, ngxl_ts.f_end));
        ngxl_walk_expr(w, ngxl_field(clause, ngxl_ts.f_step));

        v = ngxl_field(clause, ngxl_ts.f_name);
        if (!ts_node_is_null(v)) {
            s = ngxl_text(w, v, &len);
            ngxl_bind(w, s, len, NGXL_K_NONE, -1);
        }

    } else if (ngxl_is(clause, ngxl_ts.for_generic)) {
        nn = ts_node_named_child_count(clause);

        for (i = 0; i < nn; i++) {
            v = ts_node_named_child(clause, i);

            if (ngxl_is(v, ngxl_ts.expression_list)) {
                ngxl_walk_children(w, v);
            }
        }

        for (i = 0; i < nn; i++) {
            vars = ts_node_named_child(clause, i);

            if (ngxl_is(vars, ngxl_ts.variable_list)) {
                uint32_t  k, nk = ts_node_named_child_count(vars);

                for (k = 0; k < nk; k++) {
                    v = ts_node_named_child(vars, k);
                    s = ngxl_text(w, v, &len);
                    ngxl_bind(w, s, len, NGXL_K_NONE, -1);
                }
            }
        }
    }

    w->loops++;
    ngxl_walk_block(w, ngxl_field(n, ngxl_ts.f_body));
    w->loops--;

    w->nbinds = mark;
}


/* [local] function NAME (...) ... end */

static NGXL_COLD void
ngxl_walk_fdecl(ngxl_walk_t *w, TSNode n)
{
    int          local;
    uint32_t     len;
    TSNode       name;
    const char  *t;

    name = ngxl_field(n, ngxl_ts.f_name);
    local = ts_node_child_count(n) > 0
            && !ts_node_is_named(ts_node_child(n, 0))
            && ngxl_text_is(w, ts_node_child(n, 0), "local");

    t = NULL;
    len = 0;

    if (ngxl_is(name, ngxl_ts.identifier)) {
        t = ngxl_text(w, name, &len);

        if (local) {
            ngxl_bind(w, t, len, NGXL_K_NONE, -1);
            w->binds[w->nbinds - 1].fn = ts_node_start_byte(n) + 1;
        }
    }

    ngxl_walk_function(w, n, t, len);
}


/* repeat ... until COND: the body's locals are visible in COND */

static NGXL_COLD void
ngxl_walk_repeat(ngxl_walk_t *w, TSNode n)
{
    size_t        mark;
    TSNode        body, st;
    TSTreeCursor  c;

    mark = w->nbinds;
    body = ngxl_field(n, ngxl_ts.f_body);

    w->loops++;

    if (!ts_node_is_null(body)) {
        c = ts_tree_cursor_new(body);

        if (ts_tree_cursor_goto_first_child(&c)) {
            do {
                st = ts_tree_cursor_current_node(&c);

                if (ts_node_is_named(st)) {
                    ngxl_walk_stmt(w, st);
                }

            } while (ts_tree_cursor_goto_next_sibling(&c));
        }

        ts_tree_cursor_delete(&c);
    }

    ngxl_walk_expr(w, ngxl_field(n, ngxl_ts.f_condition));

    w->nbinds = mark;
    w->loops--;
}


static void
ngxl_walk_stmt(ngxl_walk_t *w, TSNode n)
{
    uint32_t      i, nc;
    TSNode        c;
    TSSymbol      s;

    if (ts_node_is_null(n)) {
        return;
    }

    if (++w->depth > NGXL_LUA_MAX_DEPTH) {
        w->depth--;
        return;
    }

    s = ts_node_symbol(n);

    if (s == ngxl_ts.variable_decl) {
        nc = ts_node_named_child_count(n);

        for (i = 0; i < nc; i++) {
            c = ts_node_named_child(n, i);

            if (ngxl_is(c, ngxl_ts.assignment)) {
                ngxl_walk_assign(w, c, 1);

            } else if (ngxl_is(c, ngxl_ts.variable_list)) {
                ngxl_walk_assign(w, c, 1);
            }
        }

    } else if (s == ngxl_ts.assignment) {
        ngxl_walk_assign(w, n, 0);

    } else if (s == ngxl_ts.function_decl) {
        ngxl_walk_fdecl(w, n);

    } else if (s == ngxl_ts.for_stmt) {
        ngxl_walk_for(w, n);

    } else if (s == ngxl_ts.while_stmt) {
        w->loops++;
        ngxl_walk_expr(w, ngxl_field(n, ngxl_ts.f_condition));
        ngxl_walk_block(w, ngxl_field(n, ngxl_ts.f_body));
        w->loops--;

    } else if (s == ngxl_ts.repeat_stmt) {
        ngxl_walk_repeat(w, n);

    } else if (s == ngxl_ts.if_stmt) {
        ngxl_walk_if(w, n);

    } else if (s == ngxl_ts.do_stmt) {
        ngxl_walk_block(w, ngxl_field(n, ngxl_ts.f_body));

    } else if (s == ngxl_ts.block) {
        ngxl_walk_block(w, n);

    } else {
        ngxl_walk_expr(w, n);
    }

    w->depth--;
}


static void
ngxl_walk_block(ngxl_walk_t *w, TSNode n)
{
    size_t        mark;
    TSTreeCursor  c;

    if (ts_node_is_null(n)) {
        return;
    }

    mark = w->nbinds;
    c = ts_tree_cursor_new(n);

    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode  s = ts_tree_cursor_current_node(&c);

            if (ts_node_is_named(s)) {
                ngxl_walk_stmt(w, s);
            }
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }

    ts_tree_cursor_delete(&c);

    w->nbinds = mark;
}


/* syntax errors: the first few ERROR and MISSING nodes */

static void
ngxl_lua_errors(ngxl_walk_t *w, TSNode root)
{
    int                n;
    uint32_t           end;
    TSNode             node;
    TSTreeCursor       c;
    ngxl_lua_error_t  *e;

    if (!ts_node_has_error(root)) {
        return;
    }

    n = 0;
    c = ts_tree_cursor_new(root);
    node = root;

    for ( ;; ) {
        node = ts_tree_cursor_current_node(&c);

        if (ngxl_is(node, ngxl_ts.string) && ts_node_has_error(node)
            && ts_node_child_count(node) > 0
            && ts_node_is_missing(ts_node_child(node, ts_node_child_count(node) - 1)))
        {
            e = ngxl_palloc(w->scan->pool, sizeof(ngxl_lua_error_t));
            e->file = w->src->path;
            ngxl_pos(w, node, &e->line, &e->col, &end);
            e->msg = ngxl_psprintf(w->scan->pool, "unterminated string");
            ngxl_vec_push(&w->scan->errors, e);
            if (++n >= 5) break;

        } else if ((ts_node_symbol(node) == ngxl_ts.error) || ts_node_is_missing(node)) {
            e = ngxl_palloc(w->scan->pool, sizeof(ngxl_lua_error_t));
            e->file = w->src->path;
            {
                TSNode  at = node, up = ts_node_parent(node);
                if (ts_node_is_missing(node) && ngxl_is(up, ngxl_ts.string)) at = up;
                ngxl_pos(w, at, &e->line, &e->col, &end);
            }
            e->msg = ts_node_is_missing(node)
                     ? ngxl_psprintf(w->scan->pool, "missing \"%s\"",
                                     ts_node_type(node))
                     : ngxl_psprintf(w->scan->pool, "syntax error");
            ngxl_vec_push(&w->scan->errors, e);

            if (++n >= 5) {
                break;
            }

            /* one error node is enough: do not descend into it */

        } else if (ts_node_has_error(node)
                   && ts_tree_cursor_goto_first_child(&c))
        {
            continue;
        }

        while (!ts_tree_cursor_goto_next_sibling(&c)) {
            if (!ts_tree_cursor_goto_parent(&c)) {
                goto done;
            }
        }
    }

done:

    ts_tree_cursor_delete(&c);
}


void
ngxl_lua_scan_init(ngxl_lua_scan_t *s, ngxl_pool_t *pool)
{
    memset(s, 0, sizeof(ngxl_lua_scan_t));
    s->pool = pool;
}


void
ngxl_lua_scan_free(ngxl_lua_scan_t *s)
{
    if (s->parser) {
        ts_parser_delete(s->parser);
    }

    ngxl_vec_free(&s->accesses);
    ngxl_vec_free(&s->requires);
    ngxl_vec_free(&s->sockets);
    ngxl_vec_free(&s->errors);
}


/* the end of a long bracket "[==[" at P (LEVEL "="s), or NULL */

static const char *
ngxl_lua_long_end(const char *p, const char *end, size_t level)
{
    size_t  k;

    for ( ; p < end; p++) {
        if (*p != ']') {
            continue;
        }

        for (k = 0; p + 1 + k < end && p[1 + k] == '='; k++) { /* void */ }

        if (k == level && p + 1 + k < end && p[1 + k] == ']') {
            return p + k + 2;
        }
    }

    return NULL;
}


/* the "=" count of a long bracket opening at P ("[" then "="s then "["), or -1 */

static int
ngxl_lua_long_open(const char *p, const char *end)
{
    const char  *q;

    for (q = p + 1; q < end && *q == '='; q++) { /* void */ }

    if (q < end && *q == '[' && q - p - 1 < 0x7fffffff) {
        return (int) (q - p - 1);
    }

    return -1;
}


/*
 * How deep brackets and blocks nest, read as Lua's lexer reads (strings,
 * long strings and comments skipped): the offset of the first bracket or
 * block keyword nested deeper than NGXL_LUA_MAX_NEST, or -1.  Blocks are
 * counted from "function", "if", "do", "repeat" to "end" and "until",
 * which balance in any valid Lua ("while ... do" and "for ... do" count
 * their "do").
 */

static long
ngxl_lua_too_deep(const char *text, size_t len)
{
    int          level;
    size_t       depth, n;
    const char  *p, *end, *q;

    p = text;
    end = text + len;
    depth = 0;

    while (p < end) {
        switch (*p) {

        case '(': case '{':
            if (++depth > NGXL_LUA_MAX_NEST) {
                return (long) (p - text);
            }
            p++;
            break;

        case '[':
            level = ngxl_lua_long_open(p, end);

            if (level < 0) {
                if (++depth > NGXL_LUA_MAX_NEST) {
                    return (long) (p - text);
                }
                p++;
                break;
            }

            q = ngxl_lua_long_end(p + level + 2, end, (size_t) level);
            p = q ? q : end;
            break;

        case ')': case ']': case '}':
            depth -= depth > 0;
            p++;
            break;

        case '-':
            if (p + 1 >= end || p[1] != '-') {
                p++;
                break;
            }

            p += 2;

            if (p < end && *p == '[' && (level = ngxl_lua_long_open(p, end)) >= 0) {
                q = ngxl_lua_long_end(p + level + 2, end, (size_t) level);
                p = q ? q : end;
                break;
            }

            q = memchr(p, '\n', (size_t) (end - p));
            p = q ? q + 1 : end;
            break;

        case '"': case '\'':
            for (q = p + 1; q < end && *q != *p && *q != '\n'; q++) {
                if (*q == '\\' && q + 1 < end) {
                    q++;
                }
            }

            p = q < end ? q + 1 : end;
            break;

        default:
            if (!(*p == '_' || (unsigned) ((*p | 0x20) - 'a') < 26u
                  || (*p >= '0' && *p <= '9') || (unsigned char) *p >= 0x80))
            {
                p++;
                break;
            }

            /* a name, a keyword or a number: one token */

            for (q = p + 1;
                 q < end && (*q == '_' || (unsigned) ((*q | 0x20) - 'a') < 26u
                             || (*q >= '0' && *q <= '9')
                             || (unsigned char) *q >= 0x80);
                 q++)
            { /* void */ }

            n = (size_t) (q - p);

            if ((n == 2 && (memcmp(p, "do", 2) == 0 || memcmp(p, "if", 2) == 0))
                || (n == 6 && memcmp(p, "repeat", 6) == 0)
                || (n == 8 && memcmp(p, "function", 8) == 0))
            {
                if (++depth > NGXL_LUA_MAX_NEST) {
                    return (long) (p - text);
                }

            } else if ((n == 3 && memcmp(p, "end", 3) == 0)
                       || (n == 5 && memcmp(p, "until", 5) == 0))
            {
                depth -= depth > 0;
            }

            p = q;
            break;
        }
    }

    return -1;
}


void *
ngxl_lua_parse(void **parser, ngxl_lua_src_t *src)
{
    long       deep;
    TSRange    range;
    TSParser  *p;
    uint32_t   line, col, len;

    src->tree = NULL;

    if (*parser == NULL) {
        *parser = ts_parser_new();

        if (*parser == NULL) {
            return NULL;
        }

        if (!ts_parser_set_language(*parser, tree_sitter_lua())) {
            ts_parser_delete(*parser);
            *parser = NULL;
            return NULL;
        }
    }

    p = *parser;

    /* what nests too deep is cut off: the Lua before it is still read */

    if (src->code) {
        deep = ngxl_lua_too_deep(src->code, src->code_len);

    } else if (src->off == 0 && src->code_len == src->len) {
        deep = ngxl_lua_too_deep(src->data, src->len);

    } else {
        deep = ngxl_lua_too_deep(src->data + src->off, src->code_len);
    }

    src->deep = deep < 0 ? 0 : (uint32_t) deep + 1;
    len = deep < 0 ? src->code_len : (uint32_t) deep;

    if (src->code) {
        /* the string form, unescaped: parsed on its own */
        ts_parser_set_included_ranges(p, NULL, 0);
        src->tree = ts_parser_parse_string(p, NULL, src->code, len);
        return src->tree;
    }

    if (src->off == 0 && src->code_len == src->len) {
        /* a file */
        ts_parser_set_included_ranges(p, NULL, 0);
        src->tree = ts_parser_parse_string(p, NULL, src->data,
                                           deep < 0 ? (uint32_t) src->len
                                                    : len);
        return src->tree;
    }

    /* a *_by_lua_block body: parsed in place, for config positions */

    range.start_byte = src->off;
    range.end_byte = src->off + len;

    if (src->cfile) {
        ngxl_conf_line_col(src->cfile, src->off, &line, &col);
    } else {
        line = 1;
        col = src->off + 1;
    }

    range.start_point.row = line - 1;
    range.start_point.column = col - 1;

    if (src->cfile) {
        ngxl_conf_line_col(src->cfile, src->off + len, &line, &col);
    } else {
        col = src->off + len + 1;
    }

    range.end_point.row = line - 1;
    range.end_point.column = col - 1;

    ts_parser_set_included_ranges(p, &range, 1);

    src->tree = ts_parser_parse_string(p, NULL, src->data,
                                       (uint32_t) src->len);
    return src->tree;
}


/* where the Lua nested too deep: a syntax error, the rest unread */

static void
ngxl_lua_too_deep_error(ngxl_walk_t *w)
{
    uint32_t           off, i;
    const char        *d;
    ngxl_lua_error_t  *e;

    off = w->src->deep - 1;

    e = ngxl_palloc(w->scan->pool, sizeof(ngxl_lua_error_t));
    e->file = w->src->path;
    e->rest_unread = 1;
    e->msg = ngxl_psprintf(w->scan->pool,
                           "brackets and blocks nested more than %d deep "
                           "(LuaJIT stops at 200)", NGXL_LUA_MAX_NEST);

    if (w->src->code) {
        off = off < w->src->code_len ? w->src->map[off] : w->src->off;

    } else {
        off += w->src->off;
    }

    if (w->src->cfile) {
        ngxl_conf_line_col(w->src->cfile, off, &e->line, &e->col);

    } else {
        /* a file: count its lines (once, and only for this error) */
        e->line = 1;
        e->col = 1;
        d = w->src->data;

        for (i = 0; i < off && i < w->src->len; i++) {
            if (d[i] == '\n') {
                e->line++;
                e->col = 1;
            } else {
                e->col++;
            }
        }
    }

    ngxl_vec_push(&w->scan->errors, e);
}


void
ngxl_lua_tree_free(void *tree)
{
    if (tree) {
        ts_tree_delete(tree);
    }
}


void
ngxl_lua_parser_free(void *parser)
{
    if (parser) {
        ts_parser_delete(parser);
    }
}


int
ngxl_lua_scan(ngxl_lua_scan_t *s, ngxl_lua_src_t *src, size_t chunk)
{
    TSTree       *tree;
    TSNode        root;
    ngxl_walk_t   w;

    ngxl_ts_init();

    memset(&w, 0, sizeof(ngxl_walk_t));
    w.scan = s;
    w.src = src;
    w.chunk = chunk;
    w.text = src->code ? src->code : src->data;

    tree = src->tree ? src->tree : ngxl_lua_parse(&s->parser, src);

    if (tree == NULL) {
        return NGXL_ERROR;
    }

    s->bytes += src->code ? src->code_len : src->code_len ? src->code_len
                                                          : src->len;

    root = ts_tree_root_node(tree);

    /* first: what the visible calls pass to functions; then: the walk */

    w.learn = 1;
    ngxl_walk_block(&w, root);

    w.learn = 0;
    w.nbinds = 0;
    w.nglobals = 0;
    w.nsocks = 0;
    ngxl_walk_block(&w, root);

    /* the chunk is a function too: what it connected and left is dropped */
    ngxl_sockets_left(&w, root, 0);

    if (src->deep) {
        /* tree-sitter's errors at the cut say nothing */
        ngxl_lua_too_deep_error(&w);

    } else {
        ngxl_lua_errors(&w, root);
    }

    ts_tree_delete(tree);
    src->tree = NULL;

    free(w.binds);
    free(w.globals);
    free(w.socks);
    free(w.facts);

    return NGXL_OK;
}
