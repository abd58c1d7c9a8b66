/*
 * ngxlint: nginx masters in /proc: their titles, arguments, configuration
 * paths, and the socket inodes their processes hold.
 *
 * nginx overwrites its argv with a title (ngx_setproctitle()): "nginx:
 * master process " and then the original arguments joined by spaces, so
 * /proc/PID/cmdline is that title; the arguments are read back from it
 * (a path with a space in it cannot be told apart).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"


/* a map of inodes */

static size_t
ngxl_imap_slot(const ngxl_imap_t *m, uint64_t key)
{
    uint64_t  h;

    h = key * 0x9e3779b97f4a7c15ull;

    return (size_t) (h >> 17) & (m->cap - 1);
}


int32_t *
ngxl_imap_get(const ngxl_imap_t *m, uint64_t key)
{
    size_t  i, k;

    if (m->cap == 0 || key == 0) {
        return NULL;
    }

    i = ngxl_imap_slot(m, key);

    for (k = 0; k < m->cap; k++) {
        if (m->keys[i] == key) {
            return &m->vals[i];
        }

        if (m->keys[i] == 0) {
            return NULL;
        }

        i = (i + 1) & (m->cap - 1);
    }

    return NULL;
}


void
ngxl_imap_put(ngxl_imap_t *m, uint64_t key, int32_t val)
{
    size_t       i, k, cap;
    int32_t     *v;
    ngxl_imap_t  big;

    if (key == 0) {
        return;
    }

    v = ngxl_imap_get(m, key);

    if (v) {
        *v = val;
        return;
    }

    if ((m->n + 1) * 4 > m->cap * 3) {
        cap = m->cap ? m->cap * 2 : 256;

        big.keys = calloc(cap, sizeof(uint64_t));
        big.vals = calloc(cap, sizeof(int32_t));
        big.n = 0;
        big.cap = cap;

        if (big.keys == NULL || big.vals == NULL) {
            ngxl_oom();
        }

        for (k = 0; k < m->cap; k++) {
            if (m->keys[k]) {
                i = ngxl_imap_slot(&big, m->keys[k]);

                while (big.keys[i]) {
                    i = (i + 1) & (cap - 1);
                }

                big.keys[i] = m->keys[k];
                big.vals[i] = m->vals[k];
                big.n++;
            }
        }

        free(m->keys);
        free(m->vals);
        *m = big;
    }

    i = ngxl_imap_slot(m, key);

    while (m->keys[i]) {
        i = (i + 1) & (m->cap - 1);
    }

    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}


void
ngxl_imap_free(ngxl_imap_t *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(ngxl_imap_t));
}


/* /proc files: their size says nothing, read to EOF */

int
ngxl_audit_read(const char *path, size_t max, ngxl_buf_t *out)
{
    int  fd, rc, err;

    out->len = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd == -1) {
        return NGXL_ERROR;
    }

    rc = ngxl_read_rest(fd, max, out);

    err = errno;
    close(fd);
    errno = err;

    return rc;
}


int
ngxl_audit_fd_inodes(const char *proc, pid_t pid, ngxl_imap_t *owners,
    int32_t owner)
{
    int             dfd;
    DIR            *d;
    char            path[512], link[64];
    size_t          n;
    ssize_t         len;
    uint64_t        ino;
    struct dirent  *de;

    snprintf(path, sizeof(path), "%s/%d/fd", proc, (int) pid);

    d = opendir(path);
    if (d == NULL) {
        return NGXL_ERROR;
    }

    dfd = dirfd(d);
    n = 0;

    while ((de = readdir(d)) != NULL && n++ < NGXL_AUDIT_MAX_FDS) {
        if (de->d_name[0] == '.') {
            continue;
        }

        len = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);

        /* "socket:[12345]" */
        if (len < 10 || memcmp(link, "socket:[", 8) != 0) {
            continue;
        }

        link[len] = '\0';
        ino = strtoull(link + 8, NULL, 10);

        if (ino && owners->n < NGXL_AUDIT_MAX_CONNS) {
            ngxl_imap_put(owners, ino, owner);
        }
    }

    closedir(d);

    return NGXL_OK;
}


void
ngxl_audit_problem(ngxl_audit_t *a, const char *fmt, ...)
{
    int       n;
    char     *p;
    va_list   ap;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);

    if (n < 0) {
        return;
    }

    p = ngxl_pnalloc(a->pool, (size_t) n + 1);

    va_start(ap, fmt);
    vsnprintf(p, (size_t) n + 1, fmt, ap);
    va_end(ap);

    ngxl_vec_push(&a->problems, p);
}


/* "nginx: master process ...": the name before ":" is one word */

int
ngxl_audit_is_master(const char *title)
{
    const char  *colon;

    colon = strstr(title, ": master process");

    if (colon == NULL || colon == title || colon - title > 32) {
        return 0;
    }

    if (memchr(title, ' ', (size_t) (colon - title)) != NULL) {
        return 0;
    }

    return colon[16] == '\0' || colon[16] == ' ';
}


/*
 * The arguments after "master process ", as ngx_get_options() reads them:
 * "-c FILE" or "-cFILE", flags may be grouped ("-tc FILE").  The title
 * joined them with spaces: a -g value ("daemon off; user x;") runs to a
 * word ending in ";" that the end or another option follows.
 */

#define NGXL_AUDIT_MAX_ARGS  4096

void
ngxl_audit_args(ngxl_pool_t *pool, const char *title, ngxl_audit_args_t *args)
{
    char         *s, *save, *p, **tok, **to;
    size_t        n, i, len;
    const char   *rest;

    memset(args, 0, sizeof(ngxl_audit_args_t));

    rest = strstr(title, ": master process");
    rest = rest ? rest + 16 : title;

    s = ngxl_pstrndup(pool, rest, strlen(rest));
    tok = ngxl_palloc(pool, (NGXL_AUDIT_MAX_ARGS + 1) * sizeof(char *));

    for (n = 0, p = strtok_r(s, " ", &save); p && n < NGXL_AUDIT_MAX_ARGS;
         p = strtok_r(NULL, " ", &save))
    {
        tok[n++] = p;
    }

    if (n == 0) {
        return;
    }

    args->argv0 = tok[0];

    for (i = 1; i < n; i++) {
        if (tok[i][0] != '-') {
            continue;
        }

        for (p = tok[i] + 1; *p; p++) {
            if (*p != 'c' && *p != 'p' && *p != 'g' && *p != 'e') {
                continue;
            }

            to = *p == 'c' ? &args->conf : *p == 'p' ? &args->prefix : NULL;

            if (*p == 'g') {
                /* the words of the value, to its last ";" */
                for (i += p[1] ? 0 : 1; i < n; i++) {
                    len = strlen(tok[i]);

                    if (len && tok[i][len - 1] == ';'
                        && (i + 1 == n || tok[i + 1][0] == '-'))
                    {
                        break;
                    }
                }

            } else if (p[1]) {
                if (to) {
                    *to = p + 1;
                }

            } else if (i + 1 < n) {
                i++;

                if (to) {
                    *to = tok[i];
                }
            }

            break;
        }
    }
}


/*
 * --name=value of a configure string; configure quotes a value with a
 * space in it: --with-cc-opt='-g -O2'
 */

char *
ngxl_audit_configure_opt(ngxl_pool_t *pool, const char *configure,
    const char *name)
{
    size_t       n;
    const char  *p, *tok, *v, *e;

    if (configure == NULL) {
        return NULL;
    }

    n = strlen(name);

    for (p = configure; *p; /* void */) {
        while (*p == ' ') {
            p++;
        }

        tok = p;

        /* to the token's end, over quoted spans */
        while (*p && *p != ' ') {
            if (*p++ == '\'') {
                e = strchr(p, '\'');
                p = e ? e + 1 : p + strlen(p);
            }
        }

        if ((size_t) (p - tok) <= n || memcmp(tok, name, n) != 0
            || tok[n] != '=')
        {
            continue;
        }

        v = tok + n + 1;
        e = p;

        if (*v == '\'' && e - v >= 2 && e[-1] == '\'') {
            v++;
            e--;
        }

        return e > v ? ngxl_pstrndup(pool, v, (size_t) (e - v)) : NULL;
    }

    return NULL;
}


/*
 * ngx_process_options(): the prefix is -p, else NGX_PREFIX (--prefix=,
 * default /usr/local/nginx); the configuration is -c, else NGX_CONF_PATH
 * (--conf-path=, default conf/nginx.conf), relative to the prefix.  A
 * relative prefix is relative to where nginx was started (its cwd: nginx
 * does not change directory before reading its configuration).
 */

void
ngxl_audit_conf_path(ngxl_audit_t *a, const ngxl_audit_args_t *args,
    const char *configure, const char *cwd)
{
    size_t       n;
    char        *prefix, *conf;
    const char  *how;

    prefix = args->prefix;

    if (prefix == NULL) {
        prefix = ngxl_audit_configure_opt(a->pool, configure, "--prefix");
    }

    if (prefix == NULL) {
        prefix = (char *) "/usr/local/nginx";
    }

    if (prefix[0] != '/' && cwd) {
        prefix = ngxl_psprintf(a->pool, "%s%s%s", cwd,
                               cwd[strlen(cwd) - 1] == '/' ? "" : "/",
                               prefix);
    }

    n = strlen(prefix);
    a->prefix = n && prefix[n - 1] == '/'
                ? prefix : ngxl_psprintf(a->pool, "%s/", prefix);

    conf = args->conf;
    how = "-c";

    if (conf == NULL) {
        conf = ngxl_audit_configure_opt(a->pool, configure, "--conf-path");
        how = "--conf-path";
    }

    if (conf == NULL) {
        conf = (char *) "conf/nginx.conf";
        how = configure ? "the default" : "the default (configure "
                                         "arguments unknown)";
    }

    a->conf_how = how;
    a->conf_path = conf[0] == '/'
                   ? ngxl_pstrndup(a->pool, conf, strlen(conf))
                   : ngxl_psprintf(a->pool, "%s%s", a->prefix, conf);
}
