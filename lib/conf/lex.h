/*
 * ngxlint: the configuration tokenizer, nginx's rules to the byte.
 *
 * ngxl_lex_next() returns one statement's tokens at a time, exactly as
 * ngx_conf_read_token() does, including nginx's 4 KiB read buffer: a token
 * (or a comment) that does not fit in it is an error in nginx and here.
 * ngxl_lex_lua_block() reads the body of a *_by_lua_block the way
 * lua-nginx-module's ngx_http_lua_conf_lua_block_parse() does.
 *
 * Two line counters are kept: the true one for positions, and nginx's own,
 * which is what nginx prints in its messages (they differ only after a Lua
 * block that lua-nginx-module's reader miscounts).
 */

#ifndef NGXL_CONF_LEX_H
#define NGXL_CONF_LEX_H

#include "conf.h"

#define NGXL_CONF_BUFFER  4096

#define NGXL_LEX_OK           0   /* ";" ended the statement              */
#define NGXL_LEX_BLOCK_START  1   /* "{"                                  */
#define NGXL_LEX_BLOCK_DONE   2   /* "}"                                  */
#define NGXL_LEX_FILE_DONE    3
#define NGXL_LEX_ERROR       -1

typedef struct {
    uint32_t       off;            /* offset of the "#"                    */
    uint32_t       end;            /* before the line feed                 */
    uint32_t       line;
    uint32_t       col;
} ngxl_comment_t;

typedef struct {
    const char    *data;
    size_t         len;
    size_t         pos;
    size_t         win_end;        /* end of nginx's simulated buffer      */

    uint32_t       line;           /* true line of pos                     */
    size_t         line_start;     /* offset where that line starts        */
    uint32_t       nline;          /* nginx's line counter                 */

    ngxl_pool_t   *pool;           /* for unescaped token values           */

    /* the statement just read */
    ngxl_tok_t    *toks;
    size_t         ntoks;
    size_t         ctoks;
    uint32_t       term;           /* offset of ";", "{" or "}"            */
    uint32_t       term_line;      /* its true line and column             */
    uint32_t       term_col;

    /* comments seen while reading it, in order */
    ngxl_comment_t *comments;
    size_t         ncomments;
    size_t         ccomments;

    /* the error, when NGXL_LEX_ERROR was returned */
    char           err[320];
    uint32_t       err_line;       /* nginx's line                         */
    uint32_t       err_off;        /* offset it points at                  */

    /* a Lua block just read */
    uint32_t       lua_off;
    uint32_t       lua_len;
} ngxl_lex_t;

void ngxl_lex_init(ngxl_lex_t *lx, ngxl_pool_t *pool, const char *data,
    size_t len);
void ngxl_lex_free(ngxl_lex_t *lx);
int  ngxl_lex_next(ngxl_lex_t *lx);

/*
 * Called right after NGXL_LEX_BLOCK_START of a *_by_lua_block directive:
 * reads up to and including the closing "}".  Returns NGXL_LEX_OK (lua_off
 * and lua_len then hold the code) or NGXL_LEX_ERROR.
 */
int  ngxl_lex_lua_block(ngxl_lex_t *lx);

#endif /* NGXL_CONF_LEX_H */
