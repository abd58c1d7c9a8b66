/*
 * ngxlint: gathering a deployment's Lua.
 */

#define _GNU_SOURCE           /* sched_getaffinity(), CPU_COUNT() */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project.h"


#define NGXL_LUA_MAX_FILES   100000
#define NGXL_LUA_MAX_FILE    ((size_t) 64 << 20)


/* Kong's "lua_kong_load_var_index default" (lua-kong-nginx-module) */

static const char  *ngxl_kong_default[] = {
    "args", "is_args", "bytes_sent", "content_type", "http_authorization",
    "http_connection", "http_host", "http_kong_debug", "http_proxy",
    "http_proxy_connection", "http_te", "http_upgrade", "http_via",
    "http_x_forwarded_for", "http_x_forwarded_host", "http_x_forwarded_path",
    "http_x_forwarded_port", "http_x_forwarded_prefix",
    "http_x_forwarded_proto", "http_x_kong_request_debug",
    "http_x_kong_request_debug_token", "http_x_kong_request_debug_log",
    "https", "http2", "realip_remote_addr", "realip_remote_port",
    "remote_port", "request_length", "request_method", "request_uri",
    "scheme", "server_addr", "server_port", "ssl_cipher",
    "ssl_client_raw_cert", "ssl_client_verify", "ssl_protocol",
    "ssl_server_name", "kong_upstream_ssl_server_raw_cert",
    "kong_upstream_ssl_protocol", "kong_upstream_ssl_curve",
    "upstream_http_connection", "upstream_http_trailer",
    "upstream_http_upgrade", "upstream_status",
    "upstream_start_timestamp_us", "upstream_connect_timestamp_us",
    "upstream_request_timestamp_us", "upstream_header_timestamp_us",
    "upstream_response_timestamp_us", "kong_request_id",
    "kong_worker_connections_total", "kong_worker_connections_free",
    NULL
};


static const struct {
    const char  *prefix;
    uint32_t     phase;
} ngxl_lua_directives[] = {
    { "set_by_lua", NGXL_PHASE_SET },
    { "rewrite_by_lua", NGXL_PHASE_REWRITE },
    { "server_rewrite_by_lua", NGXL_PHASE_SERVER_REWRITE },
    { "access_by_lua", NGXL_PHASE_ACCESS },
    { "content_by_lua", NGXL_PHASE_CONTENT },
    { "header_filter_by_lua", NGXL_PHASE_HEADER_FILTER },
    { "body_filter_by_lua", NGXL_PHASE_BODY_FILTER },
    { "log_by_lua", NGXL_PHASE_LOG },
    { "balancer_by_lua", NGXL_PHASE_BALANCER },
    { "ssl_certificate_by_lua", NGXL_PHASE_SSL_CERT },
    { "ssl_client_hello_by_lua", NGXL_PHASE_SSL_CLIENT_HELLO },
    { "ssl_session_fetch_by_lua", NGXL_PHASE_SSL_SESSION_FETCH },
    { "ssl_session_store_by_lua", NGXL_PHASE_SSL_SESSION_STORE },
    { "init_worker_by_lua", NGXL_PHASE_INIT_WORKER },
    { "exit_worker_by_lua", NGXL_PHASE_EXIT_WORKER },
    { "init_by_lua", NGXL_PHASE_INIT },
    { NULL, 0 }
};


uint32_t
ngxl_lua_directive_phase(const char *name, size_t len)
{
    size_t  i, n;

    for (i = 0; ngxl_lua_directives[i].prefix; i++) {
        n = strlen(ngxl_lua_directives[i].prefix);

        if (len < n || memcmp(name, ngxl_lua_directives[i].prefix, n) != 0) {
            continue;
        }

        /* _by_lua, _by_lua_block, _by_lua_file */
        if (len == n || (len == n + 6 && memcmp(name + n, "_block", 6) == 0)
            || (len == n + 5 && memcmp(name + n, "_file", 5) == 0))
        {
            return ngxl_lua_directives[i].phase;
        }
    }

    return 0;
}


const char *
ngxl_lua_phase_name(uint32_t mask)
{
    static const char  *names[] = {
        "init", "init_worker", "exit_worker", "set", "rewrite",
        "server_rewrite", "access", "content", "header_filter",
        "body_filter", "log", "balancer", "ssl_certificate",
        "ssl_client_hello", "ssl_session_fetch", "ssl_session_store",
        "unknown"
    };

    size_t  i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (mask & (1u << i)) {
            return names[i];
        }
    }

    return "unknown";
}


static void
ngxl_lua_indexed_add(ngxl_lua_project_t *p, const char *name, size_t len,
    const char *why)
{
    char    *n;
    size_t   i;

    if (len == 0 || ngxl_hmap_get(&p->indexed, name, len) != NULL) {
        return;
    }

    n = ngxl_pstrndup(&p->pool, name, len);

    for (i = 0; i < len; i++) {
        if (n[i] >= 'A' && n[i] <= 'Z') {
            n[i] |= 0x20;
        }
    }

    ngxl_hmap_put(&p->indexed, n, len, (void *) why);
}


/* every "$name" and "${name}" of an argument */

static void
ngxl_lua_indexed_value(ngxl_lua_project_t *p, const char *v, size_t len,
    const char *why)
{
    size_t  i, k;

    for (i = 0; i + 1 < len; i++) {
        if (v[i] != '$') {
            continue;
        }

        if (v[i + 1] == '{') {
            for (k = i + 2; k < len && v[k] != '}'; k++) { /* void */ }

            if (k < len) {
                ngxl_lua_indexed_add(p, v + i + 2, k - i - 2, why);
            }

            i = k;
            continue;
        }

        for (k = i + 1; k < len && (v[k] == '_' || (v[k] >= '0' && v[k] <= '9')
                                    || ((v[k] | 0x20) >= 'a'
                                        && (v[k] | 0x20) <= 'z'));
             k++)
        {
            /* void */
        }

        /* $1: a regex capture, not a variable */
        if (k > i + 1 && !(v[i + 1] >= '0' && v[i + 1] <= '9')) {
            ngxl_lua_indexed_add(p, v + i + 1, k - i - 1, why);
        }

        i = k - 1;
    }
}


static ngxl_lua_chunk_t *
ngxl_lua_chunk(ngxl_lua_project_t *p, const char *path, int create)
{
    ngxl_lua_chunk_t  *c;

    char  rp[4096], *key;

    key = realpath(path, rp) ? ngxl_pstrndup(&p->pool, rp, strlen(rp)) : (char *) path;
    c = ngxl_hmap_get(&p->by_path, key, strlen(key));

    if (c || !create) {
        return c;
    }

    c = ngxl_palloc(&p->pool, sizeof(ngxl_lua_chunk_t));
    c->path = ngxl_pstrndup(&p->pool, path, strlen(path));

    ngxl_vec_push(&p->chunks, c);
    key = key == path ? c->path : key;
    ngxl_hmap_put(&p->by_path, key, strlen(key), c);

    return c;
}


static char *
ngxl_lua_resolve(ngxl_lua_project_t *p, const char *path, size_t len)
{
    if (len && path[0] == '/') {
        return ngxl_pstrndup(&p->pool, path, len);
    }

    return ngxl_psprintf(&p->pool, "%s%.*s", p->prefix, (int) len, path);
}


/*
 * The string form, content_by_lua '...': nginx unescaped the token; MAP
 * gives each byte of the code the file offset it came from.
 */

static void
ngxl_lua_string_form(ngxl_lua_project_t *p, const ngxl_dir_t *d,
    const ngxl_tok_t *t, size_t chunk)
{
    char             *code;
    uint32_t         *map, i, n, start, end;
    const char       *raw;
    ngxl_lua_src_t    src;

    raw = d->inst->file->data;
    start = t->off + (t->quote ? 1 : 0);
    end = t->off + t->len - (t->quote ? 1 : 0);

    code = ngxl_palloc(&p->pool, end - start + 1);
    map = ngxl_palloc(&p->pool, (end - start + 1) * sizeof(uint32_t));

    for (n = 0, i = start; i < end; n++) {
        map[n] = i;

        if (raw[i] == '\\' && i + 1 < end) {
            switch (raw[i + 1]) {
            case '"': case '\'': case '\\':
                code[n] = raw[i + 1];
                i += 2;
                continue;
            case 't':
                code[n] = '\t';
                i += 2;
                continue;
            case 'r':
                code[n] = '\r';
                i += 2;
                continue;
            case 'n':
                code[n] = '\n';
                i += 2;
                continue;
            }
        }

        code[n] = raw[i++];
    }

    memset(&src, 0, sizeof(ngxl_lua_src_t));
    src.path = d->inst->file->path;
    src.data = raw;
    src.len = d->inst->file->len;
    src.off = start;
    src.code = code;
    src.code_len = n;
    src.map = map;
    src.cfile = d->inst->file;

    (void) ngxl_lua_scan(&p->scan, &src, chunk);
}


static void
ngxl_lua_block(ngxl_lua_project_t *p, const ngxl_dir_t *d, size_t chunk)
{
    ngxl_lua_src_t  src;

    memset(&src, 0, sizeof(ngxl_lua_src_t));
    src.path = d->inst->file->path;
    src.data = d->inst->file->data;
    src.len = d->inst->file->len;
    src.off = d->lua_off;
    src.code_len = d->lua_len;
    src.cfile = d->inst->file;

    (void) ngxl_lua_scan(&p->scan, &src, chunk);
}


/* a file's chunk is scanned once, when all its phases are known */

static void
ngxl_lua_file(ngxl_lua_project_t *p, const char *path, uint32_t phases)
{
    ngxl_lua_chunk_t  *c;

    c = ngxl_lua_chunk(p, path, 1);
    c->phases |= phases;
}


static int
ngxl_lua_arg_default(const ngxl_dir_t *d)
{
    return d->nargs == 2 && d->args[1].vlen == 7
           && memcmp(d->args[1].value, "default", 7) == 0;
}


static void
ngxl_lua_conf_dir(ngxl_lua_project_t *p, const ngxl_dir_t *d)
{
    size_t             len, i;
    uint32_t           phase;
    const char        *name, *v, *e;
    const ngxl_tok_t  *t;
    ngxl_lua_chunk_t  *c;

    name = d->args[0].value;
    len = d->args[0].vlen;

    phase = ngxl_lua_directive_phase(name, len);

    if (phase) {
        if (phase == NGXL_PHASE_SET && d->nargs >= 2) {
            ngxl_lua_indexed_value(p, d->args[1].value, d->args[1].vlen,
                                   "set_by_lua");
        }

        if (d->body == NGXL_BODY_LUA && d->closed) {
            c = ngxl_palloc(&p->pool, sizeof(ngxl_lua_chunk_t));
            c->path = d->inst->file->path;
            c->phases = phase;
            c->dir = d;
            c->from_conf = 1;
            c->scanned = 1;
            ngxl_vec_push(&p->chunks, c);
            ngxl_lua_block(p, d, p->chunks.n - 1);
            return;
        }

        if (d->nargs < 2) {
            return;
        }

        i = phase == NGXL_PHASE_SET ? 2 : 1;
        if (d->nargs <= i) {
            return;
        }
        t = &d->args[i];

        if (len > 5 && memcmp(name + len - 5, "_file", 5) == 0) {
            if (memchr(t->value, '$', t->vlen) == NULL) {
                ngxl_lua_file(p, ngxl_lua_resolve(p, t->value, t->vlen),
                              phase);
            }
            return;
        }

        c = ngxl_palloc(&p->pool, sizeof(ngxl_lua_chunk_t));
        c->path = d->inst->file->path;
        c->phases = phase;
        c->dir = d;
        c->from_conf = 1;
        c->scanned = 1;
        ngxl_vec_push(&p->chunks, c);
        ngxl_lua_string_form(p, d, t, p->chunks.n - 1);
        return;
    }

    if (len == 16 && memcmp(name, "lua_package_path", 16) == 0 && d->nargs == 2)
    {
        /* "a/?.lua;b/?.lua;;": ";;" is Lua's default path */
        v = d->args[1].value;
        e = v + d->args[1].vlen;

        while (v < e) {
            const char  *s = memchr(v, ';', (size_t) (e - v));
            size_t       n = s ? (size_t) (s - v) : (size_t) (e - v);

            if (n > 0) {
                char  *pat = ngxl_pstrndup(&p->pool, v, n);

                if (strncmp(pat, "$prefix", 7) == 0
                    || strncmp(pat, "${prefix}", 9) == 0)
                {
                    size_t  skip = pat[1] == '{' ? 9 : 7;

                    pat = ngxl_psprintf(&p->pool, "%s%s", p->prefix,
                                        pat + skip + (pat[skip] == '/'));

                } else if (pat[0] != '/') {
                    pat = ngxl_lua_resolve(p, pat, strlen(pat));
                }

                ngxl_vec_push(&p->search, pat);
            }

            v += n + 1;
        }

        return;
    }

    /* what nginx indexes already */

    if (len == 9 && memcmp(name, "var_index", 9) == 0) {
        for (i = 1; i < d->nargs; i++) {
            ngxl_lua_indexed_value(p, d->args[i].value, d->args[i].vlen,
                                   "var_index");
        }

        if (d->ctx == NGXL_HTTP_MAIN || d->ctx == 0) {
            ngxl_vec_push(&p->var_index, (void *) d);
        }
        return;
    }

    if ((len == 23 && memcmp(name, "lua_kong_load_var_index", 23) == 0)
        || (len == 33
            && memcmp(name, "lua_kong_load_default_var_indexes", 33) == 0))
    {
        p->kong = 1;

        if (d->nargs == 1 || ngxl_lua_arg_default(d)) {
            for (i = 0; ngxl_kong_default[i]; i++) {
                ngxl_lua_indexed_add(p, ngxl_kong_default[i],
                                     strlen(ngxl_kong_default[i]),
                                     "lua_kong_load_var_index default");
            }
            return;
        }

        for (i = 1; i < d->nargs; i++) {
            t = &d->args[i];

            if (t->vlen && t->value[0] == '$') {
                ngxl_lua_indexed_value(p, t->value, t->vlen,
                                       "lua_kong_load_var_index");
            } else {
                ngxl_lua_indexed_add(p, t->value, t->vlen,
                                     "lua_kong_load_var_index");
            }
        }
        return;
    }

    for (i = 1; i < d->nargs; i++) {
        ngxl_lua_indexed_value(p, d->args[i].value, d->args[i].vlen,
                               ngxl_pstrndup(&p->pool, name, len));
    }
}


/* the whole configuration, includes followed, iteratively */

static void
ngxl_lua_conf(ngxl_lua_project_t *p, const ngxl_conf_t *conf)
{
    size_t              i;
    const ngxl_dir_t   *d;
    const ngxl_inst_t  *in;

    for (i = 0; i < conf->insts.n; i++) {
        in = conf->insts.elts[i];

        d = in->child;

        while (d) {
            if (d->kind == NGXL_NODE_DIRECTIVE) {
                ngxl_lua_conf_dir(p, d);

                if (p->http == NULL && d->block && d->ctx == NGXL_MAIN
                    && d->args[0].vlen == 4
                    && memcmp(d->args[0].value, "http", 4) == 0
                    && in == conf->main)
                {
                    p->http = d;
                }
            }

            if (d->child && d->body != NGXL_BODY_LUA) {
                d = d->child;
                continue;
            }

            while (d->next == NULL && d->parent) {
                d = d->parent;
            }

            d = d->next;
        }
    }
}


/* the modules under a search pattern's directory ("dir/?.lua") */

static void
ngxl_lua_walk_dir(ngxl_lua_project_t *p, const char *dir, const char *base,
    int depth)
{
    DIR            *dh;
    char           *path;
    size_t          n;
    struct stat     st;
    struct dirent  *de;

    if (depth > 16 || p->chunks.n >= NGXL_LUA_MAX_FILES) {
        return;
    }

    dh = opendir(dir);
    if (dh == NULL) {
        return;
    }

    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        path = ngxl_psprintf(&p->pool, "%s/%s", dir, de->d_name);

        if (lstat(path, &st) != 0) {
            continue;
        }

        if (S_ISDIR(st.st_mode)) {
            ngxl_lua_walk_dir(p, path, base, depth + 1);
            continue;
        }

        n = strlen(de->d_name);

        if (!S_ISREG(st.st_mode) || n < 5
            || strcmp(de->d_name + n - 4, ".lua") != 0)
        {
            continue;
        }

        ngxl_lua_file(p, path, 0);

        if (base) {
            ngxl_lua_chunk_t  *c = ngxl_lua_chunk(p, path, 0);
            char              *m;
            size_t             k;

            /* "base/gateway/auth.lua" is module "gateway.auth" */
            m = ngxl_pstrndup(&p->pool, path + strlen(base) + 1,
                              strlen(path) - strlen(base) - 5);

            for (k = 0; m[k]; k++) {
                if (m[k] == '/') {
                    m[k] = '.';
                }
            }

            if (c->module == NULL) {
                c->module = m;
                ngxl_hmap_put(&p->by_module, m, strlen(m), c);
            }

            /* "?/init.lua": "base/gateway/init.lua" is "gateway" too */
            k = strlen(m);

            if (k > 5 && strcmp(m + k - 5, ".init") == 0) {
                m = ngxl_pstrndup(&p->pool, m, k - 5);

                if (ngxl_hmap_get(&p->by_module, m, k - 5) == NULL) {
                    ngxl_hmap_put(&p->by_module, m, k - 5, c);
                }
            }
        }
    }

    closedir(dh);
}


/*
 * whether DIR lies inside the project (the prefix or the config's dir), as
 * the file system resolves both: "/etc/nginx/../lua" is not inside
 * /etc/nginx/ (taken by its spelling, "../?.lua" once had the whole file
 * system walked for Lua); a DIR that does not exist is not inside
 */

static int
ngxl_lua_inside(ngxl_lua_project_t *p, const char *dir)
{
    size_t  n;
    char    real[PATH_MAX], base[PATH_MAX];

    if (realpath(p->prefix, base) == NULL || realpath(dir, real) == NULL) {
        return 0;
    }

    n = strlen(base);

    if (n == 1) {
        /* a prefix of "/" would make every directory the project's */
        return 0;
    }

    return strncmp(real, base, n) == 0 && (real[n] == '/' || real[n] == '\0');
}


/*
 * the directory of a search pattern whose module name is a whole path
 * component ("DIR/?.lua", "DIR/?/init.lua"), or NULL: the modules of other
 * shapes ("lib/?_mod.lua", "a/?/b/?.lua") are not the files of a directory
 */

static char *
ngxl_lua_pattern_dir(ngxl_lua_project_t *p, const char *pat)
{
    const char  *q;

    q = strchr(pat, '?');

    if (q == NULL || q == pat || q[-1] != '/'
        || (strcmp(q + 1, ".lua") != 0 && strcmp(q + 1, "/init.lua") != 0))
    {
        return NULL;
    }

    return ngxl_pstrndup(&p->pool, pat, (size_t) (q - 1 - pat));
}


static void
ngxl_lua_modules(ngxl_lua_project_t *p)
{
    size_t   i;
    char    *dir;

    for (i = 0; i < p->search.n; i++) {
        dir = ngxl_lua_pattern_dir(p, p->search.elts[i]);

        /* "dir/?.lua" and "dir/?/init.lua": one walk finds both */

        if (dir && ngxl_lua_inside(p, dir)) {
            ngxl_lua_walk_dir(p, dir, dir, 0);
        }
    }
}


/*
 * a module required from a directory outside the project (lua_package_path
 * "/opt/app/lua/?.lua" for /etc/nginx/nginx.conf): found the way Lua finds
 * it, by putting its name in each pattern; system libraries (/usr/...)
 * are not the project's code and are not read
 */

static ngxl_lua_chunk_t *
ngxl_lua_find_module(ngxl_lua_project_t *p, const char *module)
{
    size_t             i, n;
    char              *pat, *q, *name, *path, *dir;
    struct stat        st;
    ngxl_lua_chunk_t  *c;

    n = strlen(module);
    name = ngxl_pstrndup(&p->pool, module, n);

    for (i = 0; i < n; i++) {
        if (name[i] == '.') {
            name[i] = '/';
        }
    }

    for (i = 0; i < p->search.n; i++) {
        pat = p->search.elts[i];
        q = strchr(pat, '?');

        if (q == NULL || pat[0] != '/' || strncmp(pat, "/usr/", 5) == 0) {
            continue;
        }

        /* inside the project, the walk found the modules already */

        dir = ngxl_lua_pattern_dir(p, pat);

        if (dir && ngxl_lua_inside(p, dir)) {
            continue;
        }

        path = ngxl_psprintf(&p->pool, "%.*s%s%s", (int) (q - pat), pat,
                             name, q + 1);

        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            continue;
        }

        c = ngxl_lua_chunk(p, path, 1);

        if (c->module == NULL) {
            c->module = ngxl_pstrndup(&p->pool, module, n);
        }

        ngxl_hmap_put(&p->by_module, c->module, strlen(c->module), c);

        return c;
    }

    return NULL;
}


/*
 * Reading a tree of Lua is mostly tree-sitter's parse: other threads, each
 * with its own parser, parse ahead (a bounded window of files) while this
 * thread walks the trees in order, so that what is found, and in what
 * order, does not depend on the threads.
 */

#define NGXL_LUA_THREADS  8
#define NGXL_LUA_WINDOW   32
/* tree-sitter's trees take ~36 bytes a byte of Lua (hundreds for hostile
   nesting): what is parsed ahead of the walk is bounded in bytes too */
#define NGXL_LUA_AHEAD    ((size_t) 4 << 20)

typedef struct {
    pthread_mutex_t     lock;
    pthread_cond_t      cond;
    ngxl_lua_src_t     *srcs;
    unsigned char      *ready;
    size_t              n;
    size_t              next;      /* the next file to parse   */
    size_t              walked;    /* the files walked so far  */
    size_t              ahead;     /* bytes parsed, not walked */
} ngxl_lua_ahead_t;


/* claim the next file and parse it; 0 when none is left */

static int
ngxl_lua_parse_next(ngxl_lua_ahead_t *a, void **parser, size_t limit)
{
    size_t  i;

    /* called with the lock held; returns with it held */

    if (a->next >= a->n || a->next >= limit) {
        return 0;
    }

    /* the file the walk waits for is always parsed */

    if (a->next > a->walked
        && a->ahead + a->srcs[a->next].len > NGXL_LUA_AHEAD)
    {
        return 0;
    }

    i = a->next++;
    a->ahead += a->srcs[i].len;

    pthread_mutex_unlock(&a->lock);
    a->srcs[i].tree = ngxl_lua_parse(parser, &a->srcs[i]);
    pthread_mutex_lock(&a->lock);

    a->ready[i] = 1;
    pthread_cond_broadcast(&a->cond);

    return 1;
}


static void *
ngxl_lua_parser_thread(void *data)
{
    void              *parser;
    ngxl_lua_ahead_t  *a;

    a = data;
    parser = NULL;

    pthread_mutex_lock(&a->lock);

    while (a->next < a->n) {
        if (!ngxl_lua_parse_next(a, &parser, a->walked + NGXL_LUA_WINDOW)) {
            pthread_cond_wait(&a->cond, &a->lock);
        }
    }

    pthread_mutex_unlock(&a->lock);

    ngxl_lua_parser_free(parser);

    return NULL;
}


/* the CPUs this process may run on (taskset, cpusets), as nproc counts */

static long
ngxl_lua_cpus(void)
{
    cpu_set_t  set;

    if (sched_getaffinity(0, sizeof(cpu_set_t), &set) == 0) {
        return CPU_COUNT(&set);
    }

    return sysconf(_SC_NPROCESSORS_ONLN);
}


/* read and scan each file not yet scanned, once */

static void
ngxl_lua_scan_chunks(ngxl_lua_project_t *p)
{
    long               ncpu;
    size_t             i, n, k, nthreads, *which;
    pthread_t          tid[NGXL_LUA_THREADS];
    ngxl_buf_t        *buf;
    ngxl_lua_chunk_t  *c;
    ngxl_lua_ahead_t   a;

    /* read the files */

    n = 0;
    which = ngxl_palloc(&p->pool, (p->chunks.n + 1) * sizeof(size_t));

    for (i = 0; i < p->chunks.n; i++) {
        c = p->chunks.elts[i];

        if (c->scanned) {
            continue;
        }

        c->scanned = 1;

        buf = ngxl_palloc(&p->pool, sizeof(ngxl_buf_t));

        if (ngxl_read_file(c->path, NGXL_LUA_MAX_FILE, buf) != NGXL_OK) {
            ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: %s",
                          c->path, ngxl_strerror(errno)));
            continue;
        }

        ngxl_vec_push(&p->files, buf);
        c->data = buf->data ? buf->data : "";
        c->len = buf->len;

        which[n++] = i;
    }

    if (n == 0) {
        return;
    }

    memset(&a, 0, sizeof(ngxl_lua_ahead_t));
    a.n = n;
    a.srcs = ngxl_palloc(&p->pool, n * sizeof(ngxl_lua_src_t));
    a.ready = ngxl_palloc(&p->pool, n);

    for (k = 0; k < n; k++) {
        c = p->chunks.elts[which[k]];
        a.srcs[k].path = c->path;
        a.srcs[k].data = c->data;
        a.srcs[k].len = c->len;
        a.srcs[k].code_len = (uint32_t) c->len;
    }

    /* the parsers ahead: one per other CPU, when there is enough to do */

    ncpu = ngxl_lua_cpus();
    nthreads = ncpu > 1 && n >= 8 ? (size_t) ncpu - 1 : 0;

    if (nthreads > NGXL_LUA_THREADS) {
        nthreads = NGXL_LUA_THREADS;
    }

    pthread_mutex_init(&a.lock, NULL);
    pthread_cond_init(&a.cond, NULL);

    for (k = 0; k < nthreads; k++) {
        if (pthread_create(&tid[k], NULL, ngxl_lua_parser_thread, &a) != 0) {
            break;
        }
    }

    nthreads = k;

    /* walk in order; parse here what no thread has taken yet */

    for (k = 0; k < n; k++) {
        pthread_mutex_lock(&a.lock);

        while (!a.ready[k]) {
            if (!ngxl_lua_parse_next(&a, &p->scan.parser, a.n)) {
                pthread_cond_wait(&a.cond, &a.lock);
            }
        }

        pthread_mutex_unlock(&a.lock);

        (void) ngxl_lua_scan(&p->scan, &a.srcs[k], which[k]);

        pthread_mutex_lock(&a.lock);
        a.walked = k + 1;
        a.ahead -= a.srcs[k].len;
        pthread_cond_broadcast(&a.cond);
        pthread_mutex_unlock(&a.lock);
    }

    for (k = 0; k < nthreads; k++) {
        pthread_join(tid[k], NULL);
    }

    pthread_cond_destroy(&a.cond);
    pthread_mutex_destroy(&a.lock);
}


/* phases flow from code to the modules it requires, and on */

static void
ngxl_lua_flow(ngxl_lua_project_t *p)
{
    int                  changed, rounds;
    size_t               i;
    uint32_t             from;
    ngxl_lua_chunk_t    *c, *m;
    ngxl_lua_require_t  *r;

    for (rounds = 0, changed = 1; changed && rounds < 64; rounds++) {
        changed = 0;

        for (i = 0; i < p->scan.requires.n; i++) {
            r = p->scan.requires.elts[i];
            m = ngxl_hmap_get(&p->by_module, r->module, strlen(r->module));

            if (m == NULL) {
                continue;
            }

            if (r->chunk >= p->chunks.n) {
                continue;
            }

            /* a module's top level runs at load time; its functions, and
               any code of a directive, in their phases */
            c = p->chunks.elts[r->chunk];
            from = c->phases | c->inherited;

            if ((m->inherited | from) != m->inherited) {
                m->inherited |= from;
                changed = 1;
            }
        }
    }
}


int
ngxl_lua_project(ngxl_lua_project_t *p, const ngxl_conf_t *conf,
    char *const *paths, size_t npaths, const char *prefix)
{
    size_t               i, n;
    struct stat          st;
    ngxl_lua_require_t  *r;

    memset(p, 0, sizeof(ngxl_lua_project_t));
    ngxl_pool_init(&p->pool);
    ngxl_lua_scan_init(&p->scan, &p->pool);
    ngxl_hmap_init(&p->by_path, 0);
    ngxl_hmap_init(&p->by_module, 0);
    ngxl_hmap_init(&p->indexed, 0);

    if (prefix) {
        n = strlen(prefix);
        p->prefix = ngxl_psprintf(&p->pool, "%s%s", prefix,
                                  n && prefix[n - 1] == '/' ? "" : "/");

    } else if (conf && conf->prefix) {
        p->prefix = ngxl_pstrndup(&p->pool, conf->prefix,
                                  strlen(conf->prefix));

    } else {
        p->prefix = ngxl_pstrndup(&p->pool, "", 0);
    }

    if (conf) {
        ngxl_lua_conf(p, conf);
        ngxl_lua_modules(p);
    }

    for (i = 0; i < npaths; i++) {
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            ngxl_lua_walk_dir(p, paths[i], NULL, 0);
        } else {
            ngxl_lua_file(p, paths[i], 0);
        }
    }

    /* scan; then find what is required from outside, and scan that */

    ngxl_lua_scan_chunks(p);

    for (i = 0; i < p->scan.requires.n; i++) {
        r = p->scan.requires.elts[i];

        if (ngxl_hmap_get(&p->by_module, r->module, strlen(r->module)) == NULL
            && ngxl_lua_find_module(p, r->module) != NULL)
        {
            /* its requires are appended, and this loop reaches them */
            ngxl_lua_scan_chunks(p);
        }
    }

    ngxl_lua_flow(p);

    return NGXL_OK;
}


void
ngxl_lua_project_free(ngxl_lua_project_t *p)
{
    size_t  i;

    for (i = 0; i < p->files.n; i++) {
        ngxl_buf_free(p->files.elts[i]);
    }

    ngxl_vec_free(&p->files);
    ngxl_vec_free(&p->chunks);
    ngxl_vec_free(&p->search);
    ngxl_vec_free(&p->var_index);
    ngxl_vec_free(&p->problems);
    ngxl_hmap_free(&p->by_path);
    ngxl_hmap_free(&p->by_module);
    ngxl_hmap_free(&p->indexed);
    ngxl_lua_scan_free(&p->scan);
    ngxl_pool_free(&p->pool);
}


uint32_t
ngxl_lua_access_phases(const ngxl_lua_project_t *p,
    const ngxl_lua_access_t *a)
{
    ngxl_lua_chunk_t  *c;

    if (a->chunk >= p->chunks.n) {
        return NGXL_PHASE_UNKNOWN;
    }

    c = p->chunks.elts[a->chunk];

    if (c->from_conf) {
        return c->phases;
    }

    /*
     * a file: *_by_lua_file code runs whole in its phase; a module's
     * top level runs once, when first required; its functions run in the
     * phases of the code that requires it
     */

    if (c->phases) {
        return a->in_function ? c->phases | c->inherited : c->phases;
    }

    if (c->inherited) {
        return a->in_function ? c->inherited : NGXL_PHASE_INIT;
    }

    return NGXL_PHASE_UNKNOWN;
}


const char *
ngxl_lua_indexed(const ngxl_lua_project_t *p, const char *name)
{
    return ngxl_hmap_get(&p->indexed, name, strlen(name));
}


void
ngxl_lua_sources(const ngxl_lua_project_t *p, ngxl_diags_t *ds)
{
    size_t             i;
    ngxl_lua_chunk_t  *c;

    for (i = 0; i < p->chunks.n; i++) {
        c = p->chunks.elts[i];

        if (c->data) {
            ngxl_diag_source(ds, c->path, c->data, c->len);
        }
    }
}
