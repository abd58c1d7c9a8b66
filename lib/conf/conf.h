/*
 * ngxlint: the nginx configuration front end.
 *
 * A configuration is read the way nginx reads it (ngx_conf_read_token and
 * ngx_conf_parse in src/core/ngx_conf_file.c, and lua-nginx-module's reader
 * for *_by_lua_block bodies), includes followed, into a tree that keeps the
 * byte offset, line and column of everything, comments included, so that the
 * original bytes can be emitted again exactly and patched in place.
 */

#ifndef NGXL_CONF_H
#define NGXL_CONF_H

#include "../base/base.h"
#include "directives.h"


/*
 * one source file, read once and shared by every place that includes it,
 * under whatever spelling ("conf.d/./a.conf", "..", a symlink): a file on
 * disk is one ngxl_cfile_t, named by the path it was first read by
 */

typedef struct {
    char         *path;          /* as nginx names it (prefix applied)   */
    char         *data;          /* the bytes, NUL-terminated            */
    size_t        len;
    int           err;           /* errno when it could not be read      */
    unsigned      dumped:1;      /* came from an `nginx -T` dump         */
    uint32_t     *lines;         /* where each line starts, made on demand
                                    by ngxl_conf_line_col()               */
    uint32_t      nlines;
} ngxl_cfile_t;


typedef struct {
    uint32_t      off;           /* raw span, quotes included            */
    uint32_t      len;
    uint32_t      line;          /* 1-based                              */
    uint32_t      col;           /* 1-based byte column                  */
    const char   *value;         /* unescaped, as nginx stores it        */
    uint32_t      vlen;
    char          quote;         /* 0, '"' or '\''                       */
} ngxl_tok_t;


typedef struct ngxl_dir_s   ngxl_dir_t;
typedef struct ngxl_inst_s  ngxl_inst_t;

#define NGXL_NODE_DIRECTIVE  0
#define NGXL_NODE_COMMENT    1

struct ngxl_dir_s {
    uint8_t              kind;       /* NGXL_NODE_*                         */
    uint8_t              body;       /* NGXL_BODY_* when block              */
    unsigned             block:1;    /* has { }                             */
    unsigned             closed:1;   /* its "}" was seen                    */

    ngxl_inst_t         *inst;       /* the file instance it belongs to     */
    ngxl_tok_t          *args;       /* args[0] is the name; a comment has
                                        one token: its text after "#"       */
    uint32_t             nargs;

    uint32_t             start;      /* offset of the name (or "#")         */
    uint32_t             end;        /* past ";" or "}" (or the comment)    */
    uint32_t             line;
    uint32_t             col;
    uint32_t             term;       /* offset of ";" or "{"                */
    uint32_t             close;      /* offset of "}" of a block            */
    uint32_t             close_line;

    uint32_t             ctx;        /* context it stands in, NGXL_* bit;
                                        0 inside a block nginx does not know */
    const ngxl_dirdef_t *def;        /* the table row that matched, or NULL */

    /* *_by_lua_block: the Lua code between "{" and "}" */
    uint32_t             lua_off;
    uint32_t             lua_len;
    uint32_t             lua_line;
    uint32_t             lua_col;

    ngxl_dir_t          *parent;     /* enclosing block directive or NULL   */
    ngxl_dir_t          *next;
    ngxl_dir_t          *child;      /* first child of a block              */
    ngxl_dir_t          *last;

    ngxl_inst_t         *incl;       /* include: the files it brought in    */
    ngxl_inst_t         *incl_last;
};


/* one parse of a file at one place (the main file, or one include) */

struct ngxl_inst_s {
    ngxl_cfile_t        *file;
    ngxl_dir_t          *child;      /* top-level nodes                     */
    ngxl_dir_t          *last;
    ngxl_dir_t          *included_by; /* NULL for the main file           */
    ngxl_inst_t         *next;       /* sibling instance of the same include */
    uint32_t             ctx;        /* context it was parsed in            */
    unsigned             failed:1;   /* stopped at a syntax error           */
};


/* what nginx would have said */

#define NGXL_CERR_SYNTAX    0   /* tokenizer or block structure            */
#define NGXL_CERR_INCLUDE   1   /* missing, unreadable, cycle, too deep    */
#define NGXL_CERR_CONTEXT   2   /* "is not allowed here"                   */
#define NGXL_CERR_ARGS      3   /* "invalid number of arguments"           */
#define NGXL_CERR_UNKNOWN   4   /* "unknown directive" (a note)            */

typedef struct {
    int                  kind;       /* NGXL_CERR_*                         */
    ngxl_cfile_t        *file;
    uint32_t             line;
    uint32_t             col;
    uint32_t             end_col;    /* exclusive; == col when unknown      */
    char                *msg;        /* nginx's wording                     */
    ngxl_dir_t          *dir;        /* the directive concerned, if any     */
} ngxl_cerr_t;


typedef struct ngxl_dump_file_s  ngxl_dump_file_t;

typedef struct {
    const char          *prefix;      /* conf prefix for relative includes;
                                         NULL: the main file's directory    */
    uint32_t             start_ctx;   /* NGXL_MAIN, or a fragment's context */
    const char          *dump;        /* `nginx -T` output, or NULL         */
    size_t               dump_len;
    size_t               max_file;    /* bytes; 0: the default (2 GiB)      */
    const ngxl_dump_file_t *overrides; /* files read from memory instead  */
    size_t               noverrides;  /* (the patcher's new versions)       */
    unsigned             single_file:1;
} ngxl_conf_opts_t;


typedef struct {
    ngxl_pool_t          pool;
    ngxl_vec_t           files;       /* ngxl_cfile_t *, in order first read */
    ngxl_hmap_t          file_index;  /* path: ngxl_cfile_t *                */
    ngxl_hmap_t          inode_index; /* "dev:ino": ngxl_cfile_t *           */
    ngxl_vec_t           insts;       /* ngxl_inst_t *, in parse order       */
    ngxl_vec_t           errors;      /* ngxl_cerr_t *                       */
    ngxl_inst_t         *main;
    char                *prefix;      /* as used, with a trailing "/"       */
    size_t               ninstances;
} ngxl_conf_t;


/*
 * Parses PATH and everything it includes.  Returns NGXL_ERROR only when the
 * main file cannot be read at all (conf->errors then says why); a syntax
 * error is an entry in conf->errors and the tree up to it is kept.
 */
int ngxl_conf_parse(ngxl_conf_t *conf, const char *path,
    const ngxl_conf_opts_t *opts);
void ngxl_conf_free(ngxl_conf_t *conf);

/* the first error of KIND, or NULL */
const ngxl_cerr_t *ngxl_conf_first_error(const ngxl_conf_t *conf, int kind);

/* emits the instance's bytes again from its tree (the round trip) */
void ngxl_conf_emit(const ngxl_inst_t *inst, ngxl_buf_t *out);

/* the 1-based line and byte column of offset OFF in FILE */
void ngxl_conf_line_col(const ngxl_cfile_t *file, uint32_t off,
    uint32_t *line, uint32_t *col);

/* the context inside block directive D (0: not one nginx knows) */
uint32_t ngxl_conf_inner_ctx(const ngxl_dir_t *d);

/* the path of a context bit, e.g. "http", "server", "location" */
const char *ngxl_conf_ctx_name(uint32_t ctx);

/* parses a context name ("main", "events", "http", ...); 0 if unknown */
uint32_t ngxl_conf_ctx_parse(const char *name);

/*
 * Splits `nginx -T` output into its files.  Each file is returned as a
 * (path, data) pair pointing into DUMP's copy in the pool.
 */
struct ngxl_dump_file_s {
    const char          *path;
    const char          *data;
    size_t               len;
};

int ngxl_conf_dump_split(ngxl_pool_t *pool, const char *dump, size_t len,
    ngxl_dump_file_t **files, size_t *nfiles);

#endif /* NGXL_CONF_H */
