/*
 * ngxlint: C sources of nginx modules, and how they are built.
 *
 *   ngxl_src_project()   the translation units (TUs): from a compilation
 *                        database (compile_commands.json, CMake's and
 *                        bear's), from nginx's own objs/Makefile, or, for
 *                        sources without a configured build, with stand-in
 *                        nginx configuration headers; each TU's effective
 *                        build flags; then every C TU parsed with libclang,
 *                        in parallel, and the calls that look variables up
 *                        by name per request collected
 *
 * Every libclang call is in lib/csrc.  Nothing here prints: what cannot be
 * read goes to p->problems, a TU that does not parse keeps its diagnostics.
 */

#ifndef NGXL_CSRC_H
#define NGXL_CSRC_H

#include "../base/base.h"
#include "../diag/diag.h"
#include "../elf/elf.h"


/* where a TU's command line comes from */
typedef enum {
    NGXL_SRC_FROM_DB = 0,       /* compile_commands.json                 */
    NGXL_SRC_FROM_MAKEFILE,     /* nginx's objs/Makefile                 */
    NGXL_SRC_FROM_STANDIN       /* no build: ngxlint's stand-in flags     */
} ngxl_src_origin_t;

#define NGXL_SRC_BUILD_NONE      0
#define NGXL_SRC_BUILD_DB        1
#define NGXL_SRC_BUILD_MAKEFILE  2


/* the flags in force for a TU: for each pair, the last one wins */
typedef struct {
    ngxl_opt_t          opt;          /* the -O in force; UNKNOWN: no -O  */
    const char         *opt_arg;      /* the -O option that wins, or NULL */
    const char         *opt_first;    /* the first -O, if another wins    */
    unsigned            nopts;        /* -O options on the command line   */
    unsigned            no_inline:1;  /* -fno-inline                      */
    unsigned            no_sibling:1; /* -fno-optimize-sibling-calls      */
    unsigned            pg:1;         /* -pg                              */
    unsigned            coverage:1;   /* --coverage, -fprofile-arcs,
                                         -ftest-coverage                  */
    unsigned            profile_gen:1; /* -fprofile-generate,
                                          -fprofile-instr-generate        */
    unsigned            instrument:1; /* -finstrument-functions           */
    unsigned            frame_pointer:1; /* -fno-omit-frame-pointer       */
    unsigned            ndebug:1;     /* -DNDEBUG                         */
    unsigned            fortify:1;    /* -D_FORTIFY_SOURCE=N              */
    unsigned            debug:1;      /* -g (any level but -g0)           */
    const char         *sanitize;     /* "address,undefined", or NULL     */
} ngxl_src_flags_t;


/* how the variable name of a lookup is made, least costly first */
typedef enum {
    NGXL_SRC_NAME_NONE = 0,
    NGXL_SRC_NAME_CONST,        /* a string literal                       */
    NGXL_SRC_NAME_CONF,         /* a configuration field, a static        */
    NGXL_SRC_NAME_UNKNOWN,      /* no store to it found                   */
    NGXL_SRC_NAME_PARAM,        /* a parameter no call in the file sets   */
    NGXL_SRC_NAME_REQUEST       /* built from the request, per request    */
} ngxl_src_name_t;


/* a call to ngx_http_get_variable() or ngx_stream_get_variable() */
typedef struct {
    const char         *file;         /* where the call is written        */
    uint32_t            line;
    uint32_t            col;
    uint32_t            end_line;
    uint32_t            end_col;
    const char         *callee;       /* "ngx_http_get_variable"          */
    const char         *function;     /* the function it is in            */
    const char         *request;      /* "r"                              */
    const char         *request_type; /* as declared: "my_req_t *"        */
    const char         *name_expr;    /* the name argument, as written    */
    const char         *key_expr;     /* the key argument, as written     */
    ngxl_src_name_t     name_kind;
    const char         *name;         /* the literal, for CONST           */
    const char         *why;          /* where the name comes from        */
    const char         *why_file;     /* ... and the place, or NULL       */
    uint32_t            why_line;
    uint32_t            why_col;
    const char         *macro;        /* the call is in this macro        */
    unsigned            loops;        /* loops around the call            */
    unsigned            hashes:1;     /* the key is hashed in the function */
    unsigned            stream:1;     /* ngx_stream_get_variable()        */
    const char         *conf_func;    /* where the index belongs, or NULL */
    const char         *conf_file;
    uint32_t            conf_line;
    uint32_t            conf_col;
    const char         *conf_param;   /* its ngx_conf_t * parameter: "cf" */
} ngxl_src_call_t;


typedef struct {
    const char         *file;         /* as shown                         */
    const char         *name;         /* short: from the build's top      */
    const char         *abs;          /* as given to clang                */
    const char         *dir;          /* where it is compiled, or NULL    */
    char              **cmd;          /* the command, as the build has it */
    size_t              ncmd;
    char              **args;         /* what clang is given              */
    size_t              nargs;
    ngxl_src_origin_t   origin;
    ngxl_src_flags_t    flags;
    const char         *build_file;   /* the database or Makefile, or NULL */
    uint32_t            build_line;   /* the TU's entry there, or 0       */
    uint32_t            build_col;
    uint32_t            build_end_col;

    unsigned            parse:1;      /* the C rules look into it         */
    unsigned            parsed:1;     /* libclang built an AST            */
    unsigned            pch:1;        /* with the precompiled header      */
    unsigned            errors;       /* error and fatal diagnostics      */
    ngxl_vec_t          diags;        /* char *: those, formatted         */
    ngxl_vec_t          calls;        /* ngxl_src_call_t *                */
    double              ms;           /* wall time of its parse and scan  */
    ngxl_pool_t         pool;         /* its results                      */
} ngxl_src_tu_t;


typedef struct {
    const char         *build_dir;    /* -p: a build directory, or NULL   */
    char *const        *paths;        /* .c files and directories         */
    size_t              npaths;
    unsigned            jobs;         /* parallel parses; 0: the cores    */
    unsigned            no_pch:1;     /* no precompiled header            */
    unsigned            parse:1;      /* parse the C (the AST rules)      */

    /* called after each TU is parsed (from the worker threads, one at a
       time); DATA is progress_data */
    void              (*progress)(void *data, size_t done, size_t total,
                                  const char *file);
    void               *progress_data;
} ngxl_src_opts_t;


typedef struct {
    ngxl_pool_t         pool;
    int                 build;        /* NGXL_SRC_BUILD_*                 */
    const char         *build_dir;
    const char         *build_file;   /* compile_commands.json, Makefile  */
    const char         *build_type;   /* CMake's CMAKE_BUILD_TYPE, or NULL */
    unsigned            cmake:1;      /* a CMake build directory          */
    uint32_t            cflags_line;  /* objs/Makefile: the CFLAGS line   */
    const char         *configure;    /* objs: NGX_CONFIGURE, or NULL     */
    const char         *nginx_root;   /* the nginx tree of the stand-ins  */
    const char         *standin_dir;  /* ngxlint's: stand-ins, PCHs       */
    ngxl_vec_t          tus;          /* ngxl_src_tu_t *                  */
    ngxl_vec_t          problems;     /* char *: inputs not read          */
    ngxl_vec_t          texts;        /* ngxl_buf_t *: sources read       */
    ngxl_vec_t          text_paths;   /* char *: their paths              */
    unsigned            jobs;         /* threads used                     */
    unsigned            npch;         /* precompiled headers used         */
    const char         *pch_error;    /* one that could not be made       */
    size_t              nparsed;
    size_t              nfailed;
    double              parse_ms;     /* the wall time of all the parses  */
} ngxl_src_project_t;


/*
 * Gathers the TUs of OPTS->build_dir and OPTS->paths, works out their
 * flags and, with OPTS->parse, parses the C ones.  NGXL_ERROR when there
 * is nothing to analyse (see p->problems); TUs that do not parse are not
 * an error (see tu->errors).
 */
int ngxl_src_project(ngxl_src_project_t *p, const ngxl_src_opts_t *opts);
void ngxl_src_project_free(ngxl_src_project_t *p);

/* gives DS the text of the files that calls are in, for quoting lines */
void ngxl_src_sources(ngxl_src_project_t *p, ngxl_diags_t *ds);

/* the effective flags of a command line (ARGV: the compiler's arguments) */
void ngxl_src_flags(ngxl_src_flags_t *fl, char *const *argv, size_t argc,
    ngxl_pool_t *pool);

/* "-O2", "-O0", or "no -O" */
const char *ngxl_src_opt_text(const ngxl_src_flags_t *fl);

/* the TU looks like a release build's: -O2 and up, -Os, NDEBUG, ... */
int ngxl_src_release_like(const ngxl_src_project_t *p,
    const ngxl_src_tu_t *tu);

const char *ngxl_src_name_kind(ngxl_src_name_t kind);

/* where a TU's flags are written: its entry in the database or Makefile
 * (LINE 0: the TU's own file); END_COL exclusive */
void ngxl_src_tu_where(const ngxl_src_tu_t *tu, const char **file,
    uint32_t *line, uint32_t *col, uint32_t *end_col);


/* internal: build.c, standin.c, scan.c */

int ngxl_src_read_db(ngxl_src_project_t *p, const char *dir);
int ngxl_src_read_makefile(ngxl_src_project_t *p, const char *objs);
int ngxl_src_standin(ngxl_src_project_t *p, const ngxl_src_opts_t *opts,
    ngxl_vec_t *files);
void ngxl_src_pch(ngxl_src_project_t *p, void *index, ngxl_vec_t *work);
void ngxl_src_standin_free(ngxl_src_project_t *p);
char *ngxl_src_tmpdir(ngxl_src_project_t *p);
int ngxl_src_write(const char *path, const char *data);
void ngxl_src_scan(ngxl_src_project_t *p, ngxl_src_tu_t *tu, void *index);

/* PATH made absolute (against DIR, or the current directory), in POOL */
char *ngxl_src_abspath(ngxl_pool_t *pool, const char *dir, const char *path);

#endif /* NGXL_CSRC_H */
