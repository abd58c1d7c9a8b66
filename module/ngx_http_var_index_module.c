
/*
 * ngx_http_var_index_module: nginx variables by index, for LuaJIT's FFI.
 *
 * The "var_index" directive indexes variables at configuration time; the
 * exported ngx_http_var_index_*() functions let Lua code read and write
 * them by index, skipping the lowercasing and hashing of the name that
 * ngx.var does on every access.  A read takes the same path the stock
 * ngx.var takes for the same name (lua-nginx-module's
 * ngx_http_lua_ffi_var_get() calls ngx_http_get_variable()): a name of
 * variables_hash that is indexed is read as ngx_http_get_flushed_variable()
 * reads it (those whose handler copies a field of the request, $uri and
 * $args among them, from that field), a name outside the hash with the
 * handler of its prefix variable, called afresh.  Which applies to an index
 * is decided once, when the configuration is complete.  A write follows
 * ngx_http_lua_ffi_var_set(), error texts included; the bytes written live
 * as long as the request, as stock's do, in arenas of the request's pool.
 *
 * Names Lua code looks up but could not find indexed are counted in a small
 * shared memory zone; "var_index_status" serves the counts as JSON.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <dlfcn.h>


/*
 * a function kept out of line: the fast paths of its callers then save no
 * register (ngx_http_var_index_evaluate(), see the read handlers)
 */
#if (defined __GNUC__)
#define ngx_http_var_index_noinline  __attribute__((noinline))
#else
#define ngx_http_var_index_noinline
#endif


/* the miss counts: at most MISS_NAMES names, in MISS_SLOTS slots */
#define NGX_HTTP_VAR_INDEX_MISS_NAMES   256
#define NGX_HTTP_VAR_INDEX_MISS_SLOTS   512
#define NGX_HTTP_VAR_INDEX_MISS_LEN     48

#define NGX_HTTP_VAR_INDEX_OTHER        "other"

/* a read found the caller's last value */
#define NGX_HTTP_VAR_INDEX_SAME            1

/* why a read (EENTRY) or a write failed: ngx_http_var_index_strerror() */
#define NGX_HTTP_VAR_INDEX_EENTRY          -1
#define NGX_HTTP_VAR_INDEX_ENOTFOUND       -2
#define NGX_HTTP_VAR_INDEX_ENOTCHANGEABLE  -3
#define NGX_HTTP_VAR_INDEX_ENOTASSIGNABLE  -4
#define NGX_HTTP_VAR_INDEX_ENOMEM          -6

/* how a write of an index goes, or one of the errors above */
#define NGX_HTTP_VAR_INDEX_WHANDLER        0
#define NGX_HTTP_VAR_INDEX_WSLOT           1
#define NGX_HTTP_VAR_INDEX_WPARSE          2   /* a handler that keeps
                                                  nothing: $limit_rate's */

/* the bytes of written values: in arenas of the request's pool */
#define NGX_HTTP_VAR_INDEX_ARENA           256
#define NGX_HTTP_VAR_INDEX_DIRECT          64  /* longer: from the pool */

/* the flags of a value, in the last byte of its first word (see below) */
#define NGX_HTTP_VAR_INDEX_VALID        0x10
#define NGX_HTTP_VAR_INDEX_NO_CACHEABLE 0x20
#define NGX_HTTP_VAR_INDEX_NOT_FOUND    0x40
#define NGX_HTTP_VAR_INDEX_ESCAPE       0x80
#define NGX_HTTP_VAR_INDEX_LEN_MASK     0x0fffffff

/* the same, in the first word */
#define NGX_HTTP_VAR_INDEX_SET                                               \
    ((uint32_t) (NGX_HTTP_VAR_INDEX_VALID | NGX_HTTP_VAR_INDEX_NOT_FOUND) << 24)
#define NGX_HTTP_VAR_INDEX_STALE                                             \
    ((uint32_t) NGX_HTTP_VAR_INDEX_NO_CACHEABLE << 24)
#define NGX_HTTP_VAR_INDEX_MISSING                                           \
    ((uint32_t) NGX_HTTP_VAR_INDEX_NOT_FOUND << 24)
#define NGX_HTTP_VAR_INDEX_ESCAPED                                           \
    ((uint32_t) NGX_HTTP_VAR_INDEX_ESCAPE << 24)


typedef struct ngx_http_var_index_entry_s  ngx_http_var_index_entry_t;

/*
 * how a read of an index goes, what stock ngx.var does for its name:
 * ngx_http_var_index_get_flushed() (or _stock(), _field()), _prefix() or
 * _lookup(), decided once, at startup
 */
typedef int (*ngx_http_var_index_get_pt)(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len);


struct ngx_http_var_index_entry_s {
    ngx_http_var_index_get_pt    get;
    ngx_uint_t                   index;      /* flushed, field; WSLOT */
    ngx_uint_t                   field;      /* field: the ngx_str_t's
                                                offset in the request */
    uint32_t                     flags;      /* field: valid, and
                                                no_cacheable if it is */
    ngx_http_get_variable_pt     handler;    /* prefix */
    ngx_uint_t                   key;        /* lookup */
    ngx_str_t                   *name;

    /* what a write does: ngx_http_var_index_write() */
    ngx_int_t                    write;
    ngx_http_set_variable_pt     set_handler;    /* WHANDLER */
    uintptr_t                    data;
};


/*
 * the request's context: the arena in its pool that the next written value
 * goes to (see ngx_http_var_index_alloc())
 */

typedef struct {
    u_char                      *pos;
    u_char                      *end;
} ngx_http_var_index_ctx_t;


typedef struct {
    ngx_atomic_t                 count;
    ngx_atomic_t                 len;        /* 0: free; written last */
    u_char                       name[NGX_HTTP_VAR_INDEX_MISS_LEN];
} ngx_http_var_index_miss_t;


typedef struct {
    ngx_atomic_t                 other;
    ngx_uint_t                   used;       /* under the pool's mutex */
    ngx_http_var_index_miss_t    slots[NGX_HTTP_VAR_INDEX_MISS_SLOTS];
} ngx_http_var_index_shctx_t;


typedef struct {
    ngx_http_var_index_entry_t  *entries;
    ngx_uint_t                   nentries;
    ngx_shm_zone_t              *shm_zone;
} ngx_http_var_index_main_conf_t;


static void *ngx_http_var_index_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_var_index(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_var_index_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_var_index_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_var_index_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_var_index_init_module(ngx_cycle_t *cycle);
static ngx_http_variable_t *ngx_http_var_index_prefix(
    ngx_http_core_main_conf_t *cmcf, ngx_str_t *name);

static ngx_uint_t ngx_http_var_index_layout(void);
static ngx_inline int ngx_http_var_index_same(ngx_str_t *value, u_char *last,
    size_t last_len);
static ngx_inline int ngx_http_var_index_found(ngx_http_variable_value_t *vv,
    ngx_uint_t fresh, ngx_str_t *value, u_char *last, size_t last_len);
static int ngx_http_var_index_get_stock(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len);
static int ngx_http_var_index_get_flushed(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len);
static int ngx_http_var_index_get_field(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len);
static ngx_inline int ngx_http_var_index_cached(ngx_http_variable_value_t *vv,
    uint32_t word, ngx_str_t *value, u_char *last, size_t last_len);
static ngx_http_var_index_noinline int ngx_http_var_index_evaluate(
    ngx_http_request_t *r, ngx_http_var_index_entry_t *e, ngx_str_t *value,
    u_char *last, size_t last_len);
static int ngx_http_var_index_get_prefix(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len);
static int ngx_http_var_index_get_lookup(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len);
static ngx_int_t ngx_http_var_index_value(ngx_http_variable_value_t *vv,
    ngx_uint_t fresh, u_char **value, size_t *len);
static ngx_inline ngx_http_var_index_entry_t *ngx_http_var_index_entry(
    ngx_http_request_t *r, ngx_uint_t index);
static char *ngx_http_var_index_entry_error(ngx_http_request_t *r);
static ngx_inline ngx_int_t ngx_http_var_index_set_value(
    ngx_http_request_t *r, ngx_http_var_index_entry_t *e, u_char *value,
    size_t len, ngx_uint_t copy);
static ngx_int_t ngx_http_var_index_set_slot(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, u_char *value, size_t len);
static ngx_inline u_char *ngx_http_var_index_alloc(ngx_http_request_t *r,
    size_t len);
static u_char *ngx_http_var_index_alloc_arena(ngx_http_request_t *r,
    size_t len);
static ngx_int_t ngx_http_var_index_write(ngx_http_variable_t *v,
    ngx_http_set_variable_pt parse);
static ngx_http_get_variable_pt ngx_http_var_index_field_handler(
    ngx_http_core_main_conf_t *cmcf);
static ngx_uint_t ngx_http_var_index_in_nginx(void *addr);
static ngx_http_set_variable_pt ngx_http_var_index_parse_handler(
    ngx_http_core_main_conf_t *cmcf);

static size_t ngx_http_var_index_miss_name(u_char *dst, u_char *name,
    size_t len);
static ngx_http_var_index_miss_t *ngx_http_var_index_miss_find(
    ngx_http_var_index_shctx_t *sh, u_char *name, size_t len, ngx_uint_t key,
    ngx_http_var_index_miss_t **free);
static void ngx_http_var_index_miss_add(ngx_shm_zone_t *shm_zone,
    u_char *name, size_t len, ngx_uint_t key, ngx_uint_t count);

static ngx_int_t ngx_http_var_index_status_handler(ngx_http_request_t *r);
static size_t ngx_http_var_index_status_size(ngx_http_core_main_conf_t *cmcf);
static u_char *ngx_http_var_index_status_write(u_char *p,
    ngx_http_core_main_conf_t *cmcf, ngx_http_var_index_shctx_t *sh);


/* exported for LuaJIT's FFI (see lua/resty/var_index.lua) */
int ngx_http_var_index_count(ngx_http_request_t *r);
int ngx_http_var_index_name(ngx_http_request_t *r, ngx_uint_t index,
    u_char **name, size_t *len);
int ngx_http_var_index_get(ngx_http_request_t *r, ngx_uint_t index,
    ngx_str_t *value, u_char *last, size_t last_len);
int ngx_http_var_index_set(ngx_http_request_t *r, ngx_uint_t index,
    u_char *value, size_t len);
size_t ngx_http_var_index_strerror(ngx_http_request_t *r, ngx_uint_t index,
    int rc, u_char *errbuf, size_t size);
void ngx_http_var_index_miss(ngx_http_request_t *r, u_char *name,
    size_t len, ngx_uint_t count);


static ngx_str_t  ngx_http_var_index_zone_name =
    ngx_string("ngx_http_var_index");

/* a value's first word is laid out as ngx_http_var_index_layout() expects */
static ngx_uint_t  ngx_http_var_index_bytewise;

/*
 * the value a set handler is called with: it lives for the call only, as
 * the one nginx's "set" passes (a slot of the script engine's stack, which
 * the next code reuses); and the one a prefix variable's handler fills in
 * a read, copied out at once.  Not on the C stack, which would give
 * ngx_http_var_index_set() and ngx_http_var_index_get() a stack canary to
 * check on every access (Lua calls them from the worker's one thread; no
 * handler calls them)
 */
static ngx_http_variable_value_t  ngx_http_var_index_vv;


static ngx_command_t  ngx_http_var_index_commands[] = {

    { ngx_string("var_index"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_var_index,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("var_index_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_var_index_status,
      0,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_var_index_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_var_index_postconfiguration,  /* postconfiguration */

    ngx_http_var_index_create_main_conf,   /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_var_index_module = {
    NGX_MODULE_V1,
    &ngx_http_var_index_module_ctx,        /* module context */
    ngx_http_var_index_commands,           /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_var_index_init_module,        /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_var_index_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_var_index_main_conf_t  *vimcf;

    vimcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_var_index_main_conf_t));
    if (vimcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     vimcf->entries = NULL;
     *     vimcf->nentries = 0;
     *     vimcf->shm_zone = NULL;
     */

    return vimcf;
}


/*
 * var_index $name ...: only indexes; an unknown name is reported by nginx
 * itself ("unknown "name" variable") when it resolves the indexed
 * variables after every module's postconfiguration
 */

static char *
ngx_http_var_index(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char      ch;
    ngx_str_t  *value, name;
    ngx_uint_t  i, n;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].len < 2 || value[i].data[0] != '$') {
            goto invalid;
        }

        name.len = value[i].len - 1;
        name.data = value[i].data + 1;

        /* what ngx_http_script_compile() accepts in "$name" */

        for (n = 0; n < name.len; n++) {
            ch = name.data[n];

            if ((ch >= 'A' && ch <= 'Z')
                || (ch >= 'a' && ch <= 'z')
                || (ch >= '0' && ch <= '9')
                || ch == '_')
            {
                continue;
            }

            goto invalid;
        }

        if (ngx_http_get_variable_index(cf, &name) == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        continue;

    invalid:

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid variable name \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_var_index_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_var_index_status_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_var_index_postconfiguration(ngx_conf_t *cf)
{
    size_t                           size;
    ngx_http_var_index_main_conf_t  *vimcf;

    vimcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_var_index_module);

    /* the slab allocator's own pages come on top of the table */

    size = ngx_align(sizeof(ngx_http_var_index_shctx_t), ngx_pagesize)
           + 8 * ngx_pagesize;

    vimcf->shm_zone = ngx_shared_memory_add(cf, &ngx_http_var_index_zone_name,
                                            size, &ngx_http_var_index_module);
    if (vimcf->shm_zone == NULL) {
        return NGX_ERROR;
    }

    vimcf->shm_zone->init = ngx_http_var_index_init_zone;

    return NGX_OK;
}


static ngx_int_t
ngx_http_var_index_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_slab_pool_t             *shpool;
    ngx_http_var_index_shctx_t  *sh;

    if (data) {
        /* a reload: the counts go on */
        shm_zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        shm_zone->data = shpool->data;
        return NGX_OK;
    }

    sh = ngx_slab_calloc(shpool, sizeof(ngx_http_var_index_shctx_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    shpool->data = sh;
    shm_zone->data = sh;

    return NGX_OK;
}


/*
 * once a configuration is complete (variables_hash built, every index
 * resolved), decides for each index the path stock ngx.var takes for its
 * name; workers inherit the table
 */

static ngx_int_t
ngx_http_var_index_init_module(ngx_cycle_t *cycle)
{
    ngx_uint_t                       i;
    ngx_http_variable_t             *v, *hv, *pv;
    ngx_http_get_variable_pt         field;
    ngx_http_set_variable_pt         parse;
    ngx_http_var_index_entry_t      *e;
    ngx_http_core_main_conf_t       *cmcf;
    ngx_http_var_index_main_conf_t  *vimcf;

    ngx_http_var_index_bytewise = ngx_http_var_index_layout();

    vimcf = ngx_http_cycle_get_module_main_conf(cycle,
                                                ngx_http_var_index_module);
    if (vimcf == NULL) {
        /* no http block */
        return NGX_OK;
    }

    cmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_core_module);

    vimcf->nentries = cmcf->variables.nelts;

    if (vimcf->nentries == 0) {
        return NGX_OK;
    }

    vimcf->entries = ngx_pcalloc(cycle->pool,
                                 vimcf->nentries
                                 * sizeof(ngx_http_var_index_entry_t));
    if (vimcf->entries == NULL) {
        return NGX_ERROR;
    }

    parse = ngx_http_var_index_parse_handler(cmcf);
    field = ngx_http_var_index_bytewise
            ? ngx_http_var_index_field_handler(cmcf) : NULL;

    v = cmcf->variables.elts;

    for (i = 0; i < vimcf->nentries; i++) {
        e = &vimcf->entries[i];

        e->name = &v[i].name;
        e->key = ngx_hash_key(v[i].name.data, v[i].name.len);

        hv = ngx_hash_find(&cmcf->variables_hash, e->key, v[i].name.data,
                           v[i].name.len);

        e->write = ngx_http_var_index_write(hv, parse);

        if (e->write == NGX_HTTP_VAR_INDEX_WHANDLER
            || e->write == NGX_HTTP_VAR_INDEX_WPARSE)
        {
            e->set_handler = hv->set_handler;
            e->data = hv->data;
        }

        if (hv && (hv->flags & NGX_HTTP_VAR_INDEXED)) {
            e->get = ngx_http_var_index_bytewise
                     ? ngx_http_var_index_get_flushed
                     : ngx_http_var_index_get_stock;
            e->index = hv->index;

            if (field
                && v[e->index].get_handler == field
                && v[e->index].data
                   <= sizeof(ngx_http_request_t) - sizeof(ngx_str_t))
            {
                e->get = ngx_http_var_index_get_field;
                e->field = v[e->index].data;
                e->flags = (uint32_t) NGX_HTTP_VAR_INDEX_VALID << 24;

                if (v[e->index].flags & NGX_HTTP_VAR_NOCACHEABLE) {
                    e->flags |= (uint32_t) NGX_HTTP_VAR_INDEX_NO_CACHEABLE
                                << 24;
                }
            }

            continue;
        }

        pv = (hv == NULL) ? ngx_http_var_index_prefix(cmcf, &v[i].name) : NULL;

        if (pv) {
            e->get = ngx_http_var_index_get_prefix;
            e->handler = pv->get_handler;
            continue;
        }

        /* no such variable in this hash: ngx_http_get_variable() decides */

        e->get = ngx_http_var_index_get_lookup;
    }

    return NGX_OK;
}


/* what ngx_http_lua_ffi_var_set() does with the variable of the hash */

static ngx_int_t
ngx_http_var_index_write(ngx_http_variable_t *v,
    ngx_http_set_variable_pt parse)
{
    if (v == NULL) {
        return NGX_HTTP_VAR_INDEX_ENOTFOUND;
    }

    if (!(v->flags & NGX_HTTP_VAR_CHANGEABLE)) {
        return NGX_HTTP_VAR_INDEX_ENOTCHANGEABLE;
    }

    if (v->set_handler) {
        return (parse && v->set_handler == parse)
               ? NGX_HTTP_VAR_INDEX_WPARSE : NGX_HTTP_VAR_INDEX_WHANDLER;
    }

    if (v->flags & NGX_HTTP_VAR_INDEXED) {
        return NGX_HTTP_VAR_INDEX_WSLOT;
    }

    return NGX_HTTP_VAR_INDEX_ENOTASSIGNABLE;
}


/*
 * the set handler of nginx's own $limit_rate, which parses the value and
 * keeps none of its bytes (ngx_http_variable_set_limit_rate(), the same
 * from 1.19 to 1.31), or NULL: a module that made $limit_rate its own
 * (a handler outside the nginx binary) gets its value copied, as other
 * handlers do
 */

static ngx_http_set_variable_pt
ngx_http_var_index_parse_handler(ngx_http_core_main_conf_t *cmcf)
{
    ngx_str_t             name = ngx_string("limit_rate");
    ngx_http_variable_t  *v;

    v = ngx_hash_find(&cmcf->variables_hash,
                      ngx_hash_key(name.data, name.len), name.data, name.len);

    if (v == NULL || v->set_handler == NULL) {
        return NULL;
    }

    if (!ngx_http_var_index_in_nginx((void *) v->set_handler)) {
        return NULL;
    }

    return v->set_handler;
}


/*
 * the handler of nginx's own $uri, ngx_http_variable_request(), or NULL
 * (see ngx_http_var_index_get_field())
 */

static ngx_http_get_variable_pt
ngx_http_var_index_field_handler(ngx_http_core_main_conf_t *cmcf)
{
    ngx_str_t             name = ngx_string("uri");
    ngx_http_variable_t  *v;

    v = ngx_hash_find(&cmcf->variables_hash,
                      ngx_hash_key(name.data, name.len), name.data, name.len);

    if (v == NULL
        || v->get_handler == NULL
        || v->data != offsetof(ngx_http_request_t, uri)
        || !ngx_http_var_index_in_nginx((void *) v->get_handler))
    {
        return NULL;
    }

    return v->get_handler;
}


/* whether ADDR is in the nginx binary (not in a module's object) */

static ngx_uint_t
ngx_http_var_index_in_nginx(void *addr)
{
    Dl_info  own, core;

    return dladdr(addr, &own) != 0
           && dladdr((void *) &ngx_http_core_module, &core) != 0
           && own.dli_fbase == core.dli_fbase;
}


/* the prefix variable ngx_http_get_variable() picks for a name */

static ngx_http_variable_t *
ngx_http_var_index_prefix(ngx_http_core_main_conf_t *cmcf, ngx_str_t *name)
{
    size_t                len;
    ngx_uint_t            n;
    ngx_http_variable_t  *pv, *found;

    len = 0;
    found = NULL;

    pv = cmcf->prefix_variables.elts;

    for (n = 0; n < cmcf->prefix_variables.nelts; n++) {
        if (name->len >= pv[n].name.len && name->len > len
            && ngx_strncmp(name->data, pv[n].name.data, pv[n].name.len) == 0)
        {
            len = pv[n].name.len;
            found = &pv[n];
        }
    }

    if (found && found->get_handler == NULL) {
        return NULL;
    }

    return found;
}


int
ngx_http_var_index_count(ngx_http_request_t *r)
{
    ngx_http_core_main_conf_t  *cmcf;

    if (r == NULL) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    return (int) cmcf->variables.nelts;
}


int
ngx_http_var_index_name(ngx_http_request_t *r, ngx_uint_t index,
    u_char **name, size_t *len)
{
    ngx_http_variable_t        *v;
    ngx_http_core_main_conf_t  *cmcf;

    if (r == NULL) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    if (index >= cmcf->variables.nelts) {
        return NGX_ERROR;
    }

    v = cmcf->variables.elts;

    *name = v[index].name.data;
    *len = v[index].name.len;

    return NGX_OK;
}


/* what every access checks first: NULL when it fails (see below) */

static ngx_inline ngx_http_var_index_entry_t *
ngx_http_var_index_entry(ngx_http_request_t *r, ngx_uint_t index)
{
    ngx_http_var_index_main_conf_t  *vimcf;

    if (r == NULL
        || r->connection->fd == (ngx_socket_t) -1
        || r->variables == NULL)
    {
        return NULL;
    }

    vimcf = ngx_http_get_module_main_conf(r, ngx_http_var_index_module);

    if (vimcf == NULL || index >= vimcf->nentries) {
        return NULL;
    }

    return &vimcf->entries[index];
}


/* why ngx_http_var_index_entry() failed */

static char *
ngx_http_var_index_entry_error(ngx_http_request_t *r)
{
    if (r == NULL) {
        return "no request object found";
    }

    if (r->connection->fd == (ngx_socket_t) -1) {
        return "API disabled in the current context";
    }

    if (r->variables == NULL) {
        return "no variables in the current request";
    }

    return "bad variable index";
}


/*
 * the value of an index into *value: NGX_OK, or NGX_HTTP_VAR_INDEX_SAME
 * when it has the bytes of LAST (the string the caller read last: Lua
 * keeps it rather than make the same string again), NGX_DECLINED when not
 * found, NGX_HTTP_VAR_INDEX_EENTRY when it cannot be read (see
 * ngx_http_var_index_strerror())
 */

int
ngx_http_var_index_get(ngx_http_request_t *r, ngx_uint_t index,
    ngx_str_t *value, u_char *last, size_t last_len)
{
    ngx_http_var_index_entry_t  *e;

    e = ngx_http_var_index_entry(r, index);
    if (e == NULL) {
        return NGX_HTTP_VAR_INDEX_EENTRY;
    }

    return e->get(r, e, value, last, last_len);
}


/*
 * The read handlers: the value of an index into *value, and NGX_OK, or
 * NGX_HTTP_VAR_INDEX_SAME when it has the bytes of LAST (the string the
 * caller read last: Lua keeps it rather than make the same string again),
 * NGX_DECLINED when not found.  ngx_http_var_index_get() jumps to the one
 * of the index (decided at startup), where it used to switch over the
 * paths: a cached value, or a field of the request, is then read by
 * functions that save no register and call nothing (but memcmp() for a
 * value of the last one's length).  Measured, bound reads of $foo or $host
 * that make their string: 7.5 -> 7.0 ns and 7.4 -> 6.6.
 */

static ngx_inline int
ngx_http_var_index_same(ngx_str_t *value, u_char *last, size_t last_len)
{
    if (value->len == last_len && last != NULL
        && ngx_memcmp(value->data, last, last_len) == 0)
    {
        return NGX_HTTP_VAR_INDEX_SAME;
    }

    return NGX_OK;
}


/* the value VV of a read (FRESH if just evaluated), or NGX_DECLINED */

static ngx_inline int
ngx_http_var_index_found(ngx_http_variable_value_t *vv, ngx_uint_t fresh,
    ngx_str_t *value, u_char *last, size_t last_len)
{
    if (vv == NULL
        || ngx_http_var_index_value(vv, fresh, &value->data, &value->len)
           != NGX_OK)
    {
        return NGX_DECLINED;
    }

    return ngx_http_var_index_same(value, last, last_len);
}


/* ngx_http_get_flushed_variable(), where the layout is not known */

static int
ngx_http_var_index_get_stock(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len)
{
    ngx_http_variable_value_t  *vv;

    vv = ngx_http_get_flushed_variable(r, e->index);

    return ngx_http_var_index_found(vv, 0, value, last, last_len);
}


/*
 * ngx_http_get_flushed_variable(): a cached value (written long ago) read
 * from its first word at once; else its two flags cleared in one store,
 * and the variable evaluated
 */

static int
ngx_http_var_index_get_flushed(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len)
{
    uint32_t                    word;
    ngx_http_variable_value_t  *vv;

    vv = &r->variables[e->index];

    ngx_memcpy(&word, vv, sizeof(uint32_t));

    if (word & NGX_HTTP_VAR_INDEX_SET) {

        if (!(word & NGX_HTTP_VAR_INDEX_STALE)) {
            return ngx_http_var_index_cached(vv, word, value, last,
                                             last_len);
        }

        word &= ~NGX_HTTP_VAR_INDEX_SET;
        ngx_memcpy(vv, &word, sizeof(uint32_t));
    }

    return ngx_http_var_index_evaluate(r, e, value, last, last_len);
}


/*
 * A FIELD index is one whose handler is nginx's own
 * ngx_http_variable_request() ($uri, $document_uri, $args, $query_string,
 * $request_uri, $exten...), which copies an ngx_str_t of the request to the
 * value and does nothing else (the same from 1.19 to 1.31).  What that
 * handler and ngx_http_get_indexed_variable() do with it is done here, the
 * first word written in one store: the value is the field's, and the
 * request's copy of it is left as theirs leave it.  What is not done is the
 * rest of ngx_http_get_indexed_variable(), its depth count included: a
 * handler that evaluates no other variable closes no cycle.  A field that
 * is not set (not found: rare) is evaluated as others are.  Measured: a
 * read of a changed $uri from Lua, 12.7 -> 7.4 ns; $args, 13.8 -> 8.8.
 */

static int
ngx_http_var_index_get_field(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len)
{
    uint32_t                    word;
    ngx_str_t                  *s;
    ngx_http_variable_value_t  *vv;

    vv = &r->variables[e->index];

    ngx_memcpy(&word, vv, sizeof(uint32_t));

    if ((word & NGX_HTTP_VAR_INDEX_SET)
        && !(word & NGX_HTTP_VAR_INDEX_STALE))
    {
        return ngx_http_var_index_cached(vv, word, value, last, last_len);
    }

    word &= ~NGX_HTTP_VAR_INDEX_SET;

    s = (ngx_str_t *) ((char *) r + e->field);

    if (s->data == NULL) {
        ngx_memcpy(vv, &word, sizeof(uint32_t));
        return ngx_http_var_index_evaluate(r, e, value, last, last_len);
    }

    value->data = s->data;
    value->len = s->len & NGX_HTTP_VAR_INDEX_LEN_MASK;

    word = (word & NGX_HTTP_VAR_INDEX_ESCAPED) | e->flags
           | (uint32_t) value->len;

    ngx_memcpy(vv, &word, sizeof(uint32_t));
    vv->data = s->data;

    return ngx_http_var_index_same(value, last, last_len);
}


/* the value of a cached variable, its first word WORD */

static ngx_inline int
ngx_http_var_index_cached(ngx_http_variable_value_t *vv, uint32_t word,
    ngx_str_t *value, u_char *last, size_t last_len)
{
    if (word & NGX_HTTP_VAR_INDEX_MISSING) {
        return NGX_DECLINED;
    }

    value->data = vv->data;
    value->len = word & NGX_HTTP_VAR_INDEX_LEN_MASK;

    return ngx_http_var_index_same(value, last, last_len);
}


/* ngx_http_get_indexed_variable(), the flags cleared */

static ngx_http_var_index_noinline int
ngx_http_var_index_evaluate(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len)
{
    ngx_http_variable_value_t  *vv;

    vv = ngx_http_get_indexed_variable(r, e->index);

    return ngx_http_var_index_found(vv, 1, value, last, last_len);
}


/* a name outside variables_hash: the handler of its prefix, afresh */

static int
ngx_http_var_index_get_prefix(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len)
{
    ngx_http_variable_value_t  *vv;

    /* not on the C stack: see ngx_http_var_index_vv */

    vv = &ngx_http_var_index_vv;
    ngx_memzero(vv, sizeof(ngx_http_variable_value_t));

    if (e->handler(r, vv, (uintptr_t) e->name) != NGX_OK) {
        return NGX_DECLINED;
    }

    return ngx_http_var_index_found(vv, 1, value, last, last_len);
}


/* a name neither in the hash nor of a prefix: ngx_http_get_variable() */

static int
ngx_http_var_index_get_lookup(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, ngx_str_t *value, u_char *last,
    size_t last_len)
{
    ngx_http_variable_value_t  *vv;

    vv = ngx_http_get_variable(r, e->name, e->key);

    return ngx_http_var_index_found(vv, 1, value, last, last_len);
}


/*
 * A value starts with a 32-bit word of bit-fields: len:28, then valid,
 * no_cacheable, not_found and escape.  nginx writes them a field at a
 * time: a handler stores the word, then a byte for a flag, and
 * ngx_http_get_indexed_variable() another byte (no_cacheable).  A load of
 * the whole word right after such stores waits until they reach the cache,
 * because a CPU forwards one store to a load, not two: measured, a third of
 * a read of $args or $uri.  Where the word is laid out as on x86-64 and
 * arm64 (little-endian, fields from the lowest bit; checked once, at
 * startup), it is read in bytes, which each come from one store, and the
 * flags are cleared with one store of the word.
 */

static ngx_uint_t
ngx_http_var_index_layout(void)
{
    u_char                     b[2][4];
    ngx_http_variable_value_t  vv;

    ngx_memzero(&vv, sizeof(ngx_http_variable_value_t));
    vv.len = 0x0a0b0c0d;
    vv.valid = 1;
    vv.not_found = 1;
    ngx_memcpy(b[0], &vv, 4);

    ngx_memzero(&vv, sizeof(ngx_http_variable_value_t));
    vv.no_cacheable = 1;
    ngx_memcpy(b[1], &vv, 4);

    return b[0][0] == 0x0d && b[0][1] == 0x0c && b[0][2] == 0x0b
           && b[0][3] == (0x0a | NGX_HTTP_VAR_INDEX_VALID
                          | NGX_HTTP_VAR_INDEX_NOT_FOUND)
           && b[1][0] == 0 && b[1][1] == 0 && b[1][2] == 0
           && b[1][3] == NGX_HTTP_VAR_INDEX_NO_CACHEABLE;
}


/* a value, FRESH if just evaluated: NGX_DECLINED if not found */

static ngx_int_t
ngx_http_var_index_value(ngx_http_variable_value_t *vv, ngx_uint_t fresh,
    u_char **value, size_t *len)
{
    u_char            flags;
    volatile u_char  *b;

    if (!fresh || !ngx_http_var_index_bytewise) {
        if (vv->not_found) {
            return NGX_DECLINED;
        }

        *value = vv->data;
        *len = vv->len;

        return NGX_OK;
    }

    /* volatile: the compiler must not merge the bytes into one load */

    b = (volatile u_char *) vv;
    flags = b[3];

    if (flags & NGX_HTTP_VAR_INDEX_NOT_FOUND) {
        return NGX_DECLINED;
    }

    *value = vv->data;
    *len = (size_t) b[0] | (size_t) b[1] << 8 | (size_t) b[2] << 16
           | (size_t) (flags & 0x0f) << 24;

    return NGX_OK;
}


/*
 * as ngx_http_lua_ffi_var_set() does for the variable of variables_hash
 * that has the index's name (what it does, or its error, is decided once
 * for each index, at startup: ngx_http_var_index_write()); a NULL value
 * (nil in Lua) unsets it.  Returns NGX_OK or one of the
 * NGX_HTTP_VAR_INDEX_E* codes, which ngx_http_var_index_strerror() turns
 * into stock's message: the message is not written on every call (an FFI
 * call's cost grows with its arguments)
 */

int
ngx_http_var_index_set(ngx_http_request_t *r, ngx_uint_t index,
    u_char *value, size_t len)
{
    ngx_http_var_index_entry_t  *e;

    e = ngx_http_var_index_entry(r, index);
    if (e == NULL) {
        return NGX_HTTP_VAR_INDEX_EENTRY;
    }

    switch (e->write) {

    case NGX_HTTP_VAR_INDEX_WSLOT:
        if (ngx_http_var_index_set_slot(r, e, value, len) != NGX_OK) {
            return NGX_HTTP_VAR_INDEX_ENOMEM;
        }

        return NGX_OK;

    case NGX_HTTP_VAR_INDEX_WHANDLER:
        if (ngx_http_var_index_set_value(r, e, value, len, 1) != NGX_OK) {
            return NGX_HTTP_VAR_INDEX_ENOMEM;
        }

        return NGX_OK;

    case NGX_HTTP_VAR_INDEX_WPARSE:
        (void) ngx_http_var_index_set_value(r, e, value, len, 0);
        return NGX_OK;

    default:
        return (int) e->write;
    }
}


/*
 * the message of a failed ngx_http_var_index_get() or _set(): its length
 * in errbuf
 */

size_t
ngx_http_var_index_strerror(ngx_http_request_t *r, ngx_uint_t index, int rc,
    u_char *errbuf, size_t size)
{
    u_char                      *p;
    ngx_str_t                   *name;
    ngx_http_var_index_entry_t  *e;

    e = ngx_http_var_index_entry(r, index);
    if (e == NULL) {
        p = ngx_snprintf(errbuf, size, "%s",
                         ngx_http_var_index_entry_error(r));
        return p - errbuf;
    }

    name = e->name;

    switch (rc) {

    case NGX_HTTP_VAR_INDEX_ENOTFOUND:
        p = ngx_snprintf(errbuf, size,
                         "variable \"%V\" not found for writing; "
                         "maybe it is a built-in variable that is not "
                         "changeable or you forgot to use "
                         "\"set $%V '';\" "
                         "in the config file to define it first",
                         name, name);
        break;

    case NGX_HTTP_VAR_INDEX_ENOTCHANGEABLE:
        p = ngx_snprintf(errbuf, size, "variable \"%V\" not changeable",
                         name);
        break;

    case NGX_HTTP_VAR_INDEX_ENOTASSIGNABLE:
        p = ngx_snprintf(errbuf, size,
                         "variable \"%V\" cannot be assigned a value", name);
        break;

    default: /* NGX_HTTP_VAR_INDEX_ENOMEM */
        p = ngx_snprintf(errbuf, size, "no memory");
        break;
    }

    return p - errbuf;
}


/*
 * through the set handler: the bytes in the request's pool (a handler may
 * keep them: $args does), unless COPY is 0 (a handler that only parses
 * them: the caller's bytes last the call), the value itself only for the
 * call, as the "set" directive passes it (a slot of the script engine's
 * stack, which the next code reuses).
 */

static ngx_inline ngx_int_t
ngx_http_var_index_set_value(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, u_char *value, size_t len, ngx_uint_t copy)
{
    u_char                     *p;
    uint64_t                    word;
    ngx_http_variable_value_t  *vv;

    if (value != NULL && len && copy) {
        p = ngx_http_var_index_alloc(r, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(p, value, len);
        value = p;
    }

    /*
     * the handler loads the first word (the length and the flags): it must
     * come from one store of it, not follow stores of its parts (see
     * ngx_http_var_index_layout()); where the layout is known, the word is
     * made in a register and stored whole, padding included
     */

    vv = &ngx_http_var_index_vv;

    if (ngx_http_var_index_bytewise
        && offsetof(ngx_http_variable_value_t, data) == sizeof(uint64_t))
    {
        word = (value == NULL)
               ? (uint64_t) NGX_HTTP_VAR_INDEX_NOT_FOUND << 24
               : (uint64_t) (len & 0x0fffffff)
                 | (uint64_t) NGX_HTTP_VAR_INDEX_VALID << 24;

        ngx_memcpy(vv, &word, sizeof(uint64_t));
        vv->data = value;

    } else {
        ngx_memzero(vv, sizeof(ngx_http_variable_value_t));

        if (value == NULL) {
            vv->not_found = 1;

        } else {
            vv->valid = 1;
            vv->data = value;
            vv->len = len;
        }
    }

    e->set_handler(r, vv, e->data);

    return NGX_OK;
}


/* into the request's slot of the variable */

static ngx_int_t
ngx_http_var_index_set_slot(ngx_http_request_t *r,
    ngx_http_var_index_entry_t *e, u_char *value, size_t len)
{
    u_char                     *p;
    ngx_http_variable_value_t  *vv;

    vv = &r->variables[e->index];

    if (value == NULL) {
        vv->valid = 0;
        vv->not_found = 1;
        vv->no_cacheable = 0;
        vv->data = NULL;
        vv->len = 0;

        return NGX_OK;
    }

    p = ngx_http_var_index_alloc(r, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, value, len);

    vv->valid = 1;
    vv->not_found = 0;
    vv->no_cacheable = 0;
    vv->data = p;
    vv->len = len;

    return NGX_OK;
}


/*
 * LEN bytes for a written value, which live as long as the request, as
 * stock's do (ngx_pnalloc() of the request's pool): from an arena of
 * ARENA bytes of that pool, the request's context.  ngx_pnalloc() tries
 * the pool's blocks from its "current" one, which lags behind the last
 * block while blocks fill up (a request that allocates much walks several
 * full blocks on each call); the arena is one bump of a pointer.  A value
 * longer than DIRECT, and every value when no arena can be had, comes from
 * the pool as stock's does.
 */

static ngx_inline u_char *
ngx_http_var_index_alloc(ngx_http_request_t *r, size_t len)
{
    u_char                    *p;
    ngx_http_var_index_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_var_index_module);

    if (ctx != NULL && (size_t) (ctx->end - ctx->pos) >= len) {
        p = ctx->pos;
        ctx->pos += len;
        return p;
    }

    return ngx_http_var_index_alloc_arena(r, len);
}


static u_char *
ngx_http_var_index_alloc_arena(ngx_http_request_t *r, size_t len)
{
    u_char                    *p;
    ngx_http_var_index_ctx_t  *ctx;

    if (len > NGX_HTTP_VAR_INDEX_DIRECT) {
        return ngx_pnalloc(r->pool, len);
    }

    /* the last arena's rest (less than DIRECT bytes) is left unused */

    ctx = ngx_palloc(r->pool, sizeof(ngx_http_var_index_ctx_t)
                              + NGX_HTTP_VAR_INDEX_ARENA);
    if (ctx == NULL) {
        return NULL;
    }

    p = (u_char *) ctx + sizeof(ngx_http_var_index_ctx_t);

    ctx->pos = p + len;
    ctx->end = p + NGX_HTTP_VAR_INDEX_ARENA;

    ngx_http_set_ctx(r, ctx, ngx_http_var_index_module);

    return p;
}


/*
 * counts "count" lookups of a name that Lua code could not find indexed:
 * lowercased (as ngx.var does), truncated to MISS_LEN bytes; a name of
 * other bytes than [a-z0-9_], and every name once MISS_NAMES are counted,
 * goes to "other"
 */

void
ngx_http_var_index_miss(ngx_http_request_t *r, u_char *name, size_t len,
    ngx_uint_t count)
{
    size_t                           n;
    u_char                           buf[NGX_HTTP_VAR_INDEX_MISS_LEN];
    ngx_uint_t                       key;
    ngx_http_var_index_miss_t       *s, *free;
    ngx_http_var_index_shctx_t      *sh;
    ngx_http_var_index_main_conf_t  *vimcf;

    if (r == NULL || name == NULL || count == 0) {
        return;
    }

    vimcf = ngx_http_get_module_main_conf(r, ngx_http_var_index_module);

    if (vimcf == NULL || vimcf->shm_zone == NULL) {
        return;
    }

    sh = vimcf->shm_zone->data;

    if (sh == NULL) {
        return;
    }

    n = ngx_http_var_index_miss_name(buf, name, len);

    if (n == 0) {
        (void) ngx_atomic_fetch_add(&sh->other, count);
        return;
    }

    key = ngx_hash_key(buf, n);

    s = ngx_http_var_index_miss_find(sh, buf, n, key, &free);

    if (s) {
        (void) ngx_atomic_fetch_add(&s->count, count);
        return;
    }

    ngx_http_var_index_miss_add(vimcf->shm_zone, buf, n, key, count);
}


/* the name to count, into dst; 0 for "other" */

static size_t
ngx_http_var_index_miss_name(u_char *dst, u_char *name, size_t len)
{
    u_char  ch;
    size_t  i;

    if (len == 0) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        ch = ngx_tolower(name[i]);

        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
            || ch == '_')
        {
            if (i < NGX_HTTP_VAR_INDEX_MISS_LEN) {
                dst[i] = ch;
            }

            continue;
        }

        return 0;
    }

    len = ngx_min(len, NGX_HTTP_VAR_INDEX_MISS_LEN);

    if (len == sizeof(NGX_HTTP_VAR_INDEX_OTHER) - 1
        && ngx_strncmp(dst, NGX_HTTP_VAR_INDEX_OTHER, len) == 0)
    {
        return 0;
    }

    return len;
}


/*
 * open addressing, linear probing; slots are never freed, and a slot's name
 * is written before its length, so readers need no lock: one that reads a
 * length before the name it was published with (a weakly ordered CPU) sees
 * zeros, matches no name, and goes on to the locked path, which sees all
 */

static ngx_http_var_index_miss_t *
ngx_http_var_index_miss_find(ngx_http_var_index_shctx_t *sh, u_char *name,
    size_t len, ngx_uint_t key, ngx_http_var_index_miss_t **free)
{
    ngx_uint_t                  i, n;
    ngx_atomic_uint_t           slen;
    ngx_http_var_index_miss_t  *s;

    *free = NULL;

    for (i = 0; i < NGX_HTTP_VAR_INDEX_MISS_SLOTS; i++) {
        n = (key + i) & (NGX_HTTP_VAR_INDEX_MISS_SLOTS - 1);
        s = &sh->slots[n];

        slen = s->len;

        if (slen == 0) {
            *free = s;
            return NULL;
        }

        if (slen == len && ngx_memcmp(s->name, name, len) == 0) {
            return s;
        }
    }

    return NULL;
}


static void
ngx_http_var_index_miss_add(ngx_shm_zone_t *shm_zone, u_char *name,
    size_t len, ngx_uint_t key, ngx_uint_t count)
{
    ngx_slab_pool_t             *shpool;
    ngx_http_var_index_miss_t   *s, *free;
    ngx_http_var_index_shctx_t  *sh;

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;
    sh = shm_zone->data;

    ngx_shmtx_lock(&shpool->mutex);

    /* another worker may have added it meanwhile */

    s = ngx_http_var_index_miss_find(sh, name, len, key, &free);

    if (s) {
        (void) ngx_atomic_fetch_add(&s->count, count);

    } else if (free == NULL || sh->used >= NGX_HTTP_VAR_INDEX_MISS_NAMES) {
        (void) ngx_atomic_fetch_add(&sh->other, count);

    } else {
        ngx_memcpy(free->name, name, len);
        free->count = count;

        ngx_memory_barrier();

        free->len = len;
        sh->used++;
    }

    ngx_shmtx_unlock(&shpool->mutex);
}


/* var_index_status: {"indexed":["name",...],"misses":{"name":count,...}} */

static ngx_int_t
ngx_http_var_index_status_handler(ngx_http_request_t *r)
{
    size_t                           size;
    ngx_int_t                        rc;
    ngx_buf_t                       *b;
    ngx_chain_t                      out;
    ngx_http_core_main_conf_t       *cmcf;
    ngx_http_var_index_shctx_t      *sh;
    ngx_http_var_index_main_conf_t  *vimcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);
    vimcf = ngx_http_get_module_main_conf(r, ngx_http_var_index_module);

    sh = vimcf->shm_zone ? vimcf->shm_zone->data : NULL;

    size = ngx_http_var_index_status_size(cmcf);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_http_var_index_status_write(b->last, cmcf, sh);

    out.buf = b;
    out.next = NULL;

    r->headers_out.content_type_len = sizeof("application/json") - 1;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_lowcase = NULL;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, &out);
}


/* an upper bound: the miss names need no escaping, there are MISS_NAMES */

static size_t
ngx_http_var_index_status_size(ngx_http_core_main_conf_t *cmcf)
{
    size_t                size;
    ngx_uint_t            i;
    ngx_http_variable_t  *v;

    size = sizeof("{\"indexed\":[],\"misses\":{}}\n") - 1;

    v = cmcf->variables.elts;

    for (i = 0; i < cmcf->variables.nelts; i++) {
        size += sizeof("\"\",") - 1 + v[i].name.len
                + ngx_escape_json(NULL, v[i].name.data, v[i].name.len);
    }

    size += (NGX_HTTP_VAR_INDEX_MISS_NAMES + 1)
            * (sizeof("\"\":,") - 1 + NGX_HTTP_VAR_INDEX_MISS_LEN
               + NGX_ATOMIC_T_LEN);

    return size;
}


static u_char *
ngx_http_var_index_status_write(u_char *p, ngx_http_core_main_conf_t *cmcf,
    ngx_http_var_index_shctx_t *sh)
{
    size_t                      len;
    ngx_uint_t                  i, n;
    ngx_atomic_uint_t           other;
    ngx_http_variable_t        *v;
    ngx_http_var_index_miss_t  *s;

    p = ngx_cpymem(p, "{\"indexed\":[", sizeof("{\"indexed\":[") - 1);

    v = cmcf->variables.elts;

    for (i = 0; i < cmcf->variables.nelts; i++) {
        if (i) {
            *p++ = ',';
        }

        *p++ = '"';
        p = (u_char *) ngx_escape_json(p, v[i].name.data, v[i].name.len);
        *p++ = '"';
    }

    p = ngx_cpymem(p, "],\"misses\":{", sizeof("],\"misses\":{") - 1);

    n = 0;

    for (i = 0; sh && i < NGX_HTTP_VAR_INDEX_MISS_SLOTS; i++) {
        s = &sh->slots[i];

        len = s->len;

        if (len == 0 || n == NGX_HTTP_VAR_INDEX_MISS_NAMES) {
            continue;
        }

        ngx_memory_barrier();

        p = ngx_sprintf(p, "%s\"%*s\":%uA", n ? "," : "", len, s->name,
                        s->count);
        n++;
    }

    other = sh ? sh->other : 0;

    if (other) {
        p = ngx_sprintf(p, "%s\"" NGX_HTTP_VAR_INDEX_OTHER "\":%uA",
                        n ? "," : "", other);
    }

    return ngx_cpymem(p, "}}\n", sizeof("}}\n") - 1);
}
