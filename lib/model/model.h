/*
 * ngxlint: the semantic model of a parsed configuration.
 *
 * Blocks with their directives (includes expanded, comments left out),
 * effective values with nginx's inheritance, upstream blocks, and every
 * *_pass directive with the upstream(s) it resolves to.
 */

#ifndef NGXL_MODEL_H
#define NGXL_MODEL_H

#include "../conf/conf.h"


typedef struct {
    unsigned             major;
    unsigned             minor;
    unsigned             patch;
    const char          *source;     /* where it came from, for the output */
} ngxl_version_t;

#define ngxl_version_num(v)  ((v)->major * 1000000u + (v)->minor * 1000u    \
                              + (v)->patch)
#define NGXL_V_1_29_7        1029007u

/* "1.22.1" (or "1.22"); NGXL_ERROR if it is not a version */
int ngxl_version_parse(const char *s, ngxl_version_t *v);

/*
 * The version of the nginx binary BIN (`BIN -v`).  Returns NGXL_ERROR if it
 * cannot be run or does not say.
 */
int ngxl_version_of_binary(const char *bin, ngxl_version_t *v);


typedef struct ngxl_mblock_s  ngxl_mblock_t;

struct ngxl_mblock_s {
    const ngxl_dir_t    *dir;        /* NULL for the main level            */
    uint32_t             ctx;        /* the context of its body            */
    ngxl_mblock_t       *parent;
    ngxl_vec_t           dirs;       /* const ngxl_dir_t *, in order       */
    ngxl_vec_t           blocks;     /* ngxl_mblock_t *                    */
    ngxl_hmap_t          index;      /* name: ngxl_vec_t * of its dirs, for
                                        levels with many directives        */
};


typedef struct {
    const ngxl_dir_t    *dir;        /* upstream NAME { }                  */
    ngxl_mblock_t       *block;
    const char          *name;
    size_t               len;
    const ngxl_dir_t    *keepalive;  /* the first keepalive line, or NULL  */
    const ngxl_dir_t    *balancer;   /* the last balancer directive        */
    const ngxl_dir_t    *last_server;
    ngxl_vec_t           users;      /* ngxl_pass_t * that resolve to it   */
    unsigned             used:1;     /* a pass directive resolves to it    */
} ngxl_upstream_t;


typedef enum {
    NGXL_PASS_PROXY = 0,
    NGXL_PASS_FASTCGI,
    NGXL_PASS_GRPC,
    NGXL_PASS_UWSGI,
    NGXL_PASS_SCGI,
    NGXL_PASS_MEMCACHED
} ngxl_pass_kind_t;

#define NGXL_TARGET_UPSTREAM    0   /* resolves to upstream block(s)       */
#define NGXL_TARGET_IMPLICIT    1   /* a host or address, no upstream block */
#define NGXL_TARGET_UNRESOLVED  2   /* variables nginx resolves at run time */

typedef struct {
    const ngxl_dir_t    *dir;        /* proxy_pass, fastcgi_pass, ...      */
    ngxl_pass_kind_t     kind;
    ngxl_mblock_t       *block;      /* where it stands: location, if, ... */
    ngxl_mblock_t       *location;   /* its location (for if: the one around) */

    /* the target as nginx parses it */
    char                *scheme;     /* "http", "https", "grpc", ... or ""  */
    char                *host;
    unsigned             port;       /* 0: none given                       */
    char                *uri;        /* "" when none                        */
    size_t               host_off;   /* where host[:port] starts in the arg */
    size_t               host_len;   /* and its length                       */
    unsigned             literal:1;  /* an IP address                        */
    unsigned             unix_sock:1;
    unsigned             variables:1;

    int                  resolution; /* NGXL_TARGET_*                        */
    const char          *why;        /* for NGXL_TARGET_UNRESOLVED           */
    ngxl_vec_t           targets;    /* ngxl_upstream_t *                    */
} ngxl_pass_t;


typedef struct {
    ngxl_pool_t          pool;
    const ngxl_conf_t   *conf;
    ngxl_mblock_t       *root;
    ngxl_vec_t           blocks;      /* every ngxl_mblock_t *, pre-order  */
    ngxl_vec_t           upstreams;   /* ngxl_upstream_t * (http ones)     */
    ngxl_vec_t           passes;      /* ngxl_pass_t *                     */
    ngxl_vec_t           maps;        /* ngxl_mblock_t * of http map blocks */
    ngxl_hmap_t          upstream_index;  /* name: ngxl_upstream_t *      */
    ngxl_hmap_t          map_index;       /* variable: ngxl_mblock_t *    */
} ngxl_model_t;


void ngxl_model_build(ngxl_model_t *m, const ngxl_conf_t *conf);
void ngxl_model_free(ngxl_model_t *m);

/* whether directive D is called NAME */
int ngxl_dir_is(const ngxl_dir_t *d, const char *name);

/* argument I of D (0 is the name) equals S */
int ngxl_dir_arg_is(const ngxl_dir_t *d, uint32_t i, const char *s);

/*
 * The level NAME takes effect from at block B: B itself or the nearest
 * enclosing block that has NAME (nginx's merge: an inner level with any
 * NAME replaces all of an outer level's).  Fills OUT (may be NULL) with
 * that level's NAME directives, in order.  Returns the level or NULL when
 * no level sets NAME (nginx's default applies).
 */
ngxl_mblock_t *ngxl_model_effective(const ngxl_mblock_t *b, const char *name,
    ngxl_vec_t *out);

/* the last NAME of the effective level, or NULL */
const ngxl_dir_t *ngxl_model_value(const ngxl_mblock_t *b, const char *name);

/*
 * The last pass of KIND (-1: of any kind) standing in B itself, or NULL.
 * Of two kinds in one location (proxy_pass and fastcgi_pass are both
 * accepted), the last one's handler takes the requests.
 */
ngxl_pass_t *ngxl_model_block_pass(const ngxl_model_t *m,
    const ngxl_mblock_t *b, int kind);

/*
 * proxy_redirect at block B, as nginx merges it.  A level with any
 * proxy_redirect replaces what it inherits: the nearest such level is
 * returned, its directives in OUT ("default" among them: the default of
 * the proxy_pass at that level, *DFLT).  With none on the way up, the
 * default applies, of the outermost proxy_pass without variables on the way
 * up (a location's pass computes its own default only when it inherits
 * none): NULL is returned, and that pass in *DFLT (NULL: no redirect at
 * all).
 */
ngxl_mblock_t *ngxl_model_redirect(const ngxl_model_t *m,
    const ngxl_mblock_t *b, ngxl_vec_t *out, const ngxl_pass_t **dflt);

/*
 * The name of location L as nginx keeps it (the modifier left out:
 * "= /x", "=/x" and "/x" are all "/x"), its length in *LEN.
 */
const char *ngxl_model_location_name(const ngxl_dir_t *l, size_t *len);

/* the http upstream NAME (case-insensitive), or NULL */
ngxl_upstream_t *ngxl_model_upstream(const ngxl_model_t *m, const char *name,
    size_t len);

/* the http map block that sets $VAR (VAR without "$"), or NULL */
ngxl_mblock_t *ngxl_model_map(const ngxl_model_t *m, const char *var,
    size_t len);

/*
 * Whether upstream U keeps idle connections for nginx version VNUM: a
 * keepalive line other than "keepalive 0", or nginx 1.29.7's default.
 * A misplaced keepalive line still counts (the location rules see it).
 */
int ngxl_upstream_keeps(const ngxl_upstream_t *u, unsigned vnum);

/* whether pass P goes to an upstream that keeps connections */
int ngxl_pass_keeps(const ngxl_pass_t *p, unsigned vnum);

/* "proxy_pass", "fastcgi_pass", ... */
const char *ngxl_pass_name(ngxl_pass_kind_t kind);

/* a block's readable name: `location /api/`, `server app.example`, ... */
char *ngxl_model_block_name(ngxl_pool_t *pool, const ngxl_mblock_t *b);

#endif /* NGXL_MODEL_H */
