/*
 * ngxlint: Lua code, read with tree-sitter: every ngx.var access (through
 * aliases, with scoping), every require, and the cosockets that are closed
 * where they could be pooled.
 */

#ifndef NGXL_LUA_H
#define NGXL_LUA_H

#include "../base/base.h"
#include "../conf/conf.h"


/* the phases code runs in (lua-nginx-module's *_by_lua* directives) */

#define NGXL_PHASE_INIT               0x00001u
#define NGXL_PHASE_INIT_WORKER        0x00002u
#define NGXL_PHASE_EXIT_WORKER        0x00004u
#define NGXL_PHASE_SET                0x00008u
#define NGXL_PHASE_REWRITE            0x00010u
#define NGXL_PHASE_SERVER_REWRITE     0x00020u
#define NGXL_PHASE_ACCESS             0x00040u
#define NGXL_PHASE_CONTENT            0x00080u
#define NGXL_PHASE_HEADER_FILTER      0x00100u
#define NGXL_PHASE_BODY_FILTER        0x00200u
#define NGXL_PHASE_LOG                0x00400u
#define NGXL_PHASE_BALANCER           0x00800u
#define NGXL_PHASE_SSL_CERT           0x01000u
#define NGXL_PHASE_SSL_CLIENT_HELLO   0x02000u
#define NGXL_PHASE_SSL_SESSION_FETCH  0x04000u
#define NGXL_PHASE_SSL_SESSION_STORE  0x08000u
#define NGXL_PHASE_UNKNOWN            0x10000u

#define NGXL_PHASE_PER_REQUEST        0x0fff8u

/* the phase of a *_by_lua* directive name, 0 if it is not one */
uint32_t ngxl_lua_directive_phase(const char *name, size_t len);

/* the first phase named in MASK ("access", "content", ...) */
const char *ngxl_lua_phase_name(uint32_t mask);


#define NGXL_VAR_READ      0
#define NGXL_VAR_WRITE     1
#define NGXL_VAR_DYNAMIC   2     /* ngx.var[expr]                        */
#define NGXL_VAR_CAPTURE   3     /* ngx.var[1]: a regex capture          */

typedef struct {
    const char  *file;
    uint32_t     line;           /* 1-based                              */
    uint32_t     col;
    uint32_t     end_col;
    char        *name;           /* lower case; NULL: dynamic or capture */
    int          kind;           /* NGXL_VAR_*                           */
    unsigned     loops;          /* how many loops it sits in            */
    unsigned     in_function:1;  /* not at the chunk's top level         */
    uint32_t     phases;         /* NGXL_PHASE_*, set by the project     */
    size_t       chunk;          /* the project's chunk it came from     */
} ngxl_lua_access_t;


typedef struct {
    char        *module;         /* "gateway.auth"                       */
    const char  *file;
    uint32_t     line;
    uint32_t     col;
    unsigned     in_function:1;
    size_t       chunk;          /* the project's chunk it is in         */
} ngxl_lua_require_t;


#define NGXL_SOCK_CLOSED      0  /* close() on the success path          */
#define NGXL_SOCK_DROPPED     1  /* connected, then left to go out of scope */
#define NGXL_SOCK_NO_KEEPALIVE 2 /* request_uri with keepalive = false   */

typedef struct {
    const char  *file;
    uint32_t     line;
    uint32_t     col;
    int          what;           /* NGXL_SOCK_*                          */
    char        *var;            /* the variable holding the socket      */
    int          http;           /* a lua-resty-http client, not a socket */
    uint32_t     conn_line;      /* where it connected                   */
    unsigned     in_function:1;
    uint32_t     phases;
    size_t       chunk;
} ngxl_lua_sock_t;


typedef struct {
    const char  *file;
    uint32_t     line;
    uint32_t     col;
    char        *msg;
    unsigned     rest_unread:1;  /* what follows was not read at all     */
} ngxl_lua_error_t;


/* what to read: a file, a range of a file, or unescaped code with a map */

typedef struct {
    const char      *path;       /* for positions                        */
    const char      *data;       /* the whole file                       */
    size_t           len;
    uint32_t         off;        /* the Lua code: [off, off + code_len)  */
    uint32_t         code_len;
    const char      *code;       /* unescaped code (string form), or NULL */
    const uint32_t  *map;        /* ...its byte i is at file offset map[i] */
    const ngxl_cfile_t *cfile;   /* for line and column of offsets       */
    void            *tree;       /* parsed beforehand, or NULL; taken    */
    uint32_t         deep;       /* 1 + where in the code it nests too
                                    deep to be read further, or 0        */
} ngxl_lua_src_t;


typedef struct {
    ngxl_pool_t     *pool;
    ngxl_vec_t       accesses;   /* ngxl_lua_access_t *                  */
    ngxl_vec_t       requires;   /* ngxl_lua_require_t *                 */
    ngxl_vec_t       sockets;    /* ngxl_lua_sock_t *                    */
    ngxl_vec_t       errors;     /* ngxl_lua_error_t *                   */
    size_t           bytes;      /* Lua read, for the benchmark          */
    void            *parser;     /* tree-sitter's, kept between files    */
} ngxl_lua_scan_t;

void ngxl_lua_scan_init(ngxl_lua_scan_t *s, ngxl_pool_t *pool);
void ngxl_lua_scan_free(ngxl_lua_scan_t *s);

/*
 * Reads SRC, appending what it finds (accesses, requires, sockets, syntax
 * errors) to S, each tagged with CHUNK.  Broken Lua still gives what can be
 * seen; NGXL_ERROR only when tree-sitter cannot run.
 */
int ngxl_lua_scan(ngxl_lua_scan_t *s, ngxl_lua_src_t *src,
    size_t chunk);

/*
 * Parses SRC with *PARSER (made on first use): what ngxl_lua_scan() does
 * first, apart so that threads, each with its own parser, can parse ahead
 * of the walk.  The tree goes into src->tree (and is returned), NULL if
 * tree-sitter cannot run; brackets and blocks nested too deep for any Lua
 * are cut off there (src->deep says where).
 */
void *ngxl_lua_parse(void **parser, ngxl_lua_src_t *src);
void ngxl_lua_tree_free(void *tree);
void ngxl_lua_parser_free(void *parser);

#endif /* NGXL_LUA_H */
