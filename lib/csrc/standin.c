/*
 * ngxlint: C sources without a configured build.  nginx's headers need
 * objs/ngx_auto_config.h and objs/ngx_auto_headers.h, which configure
 * writes; ngxlint writes stand-ins for a Linux build with every module
 * (the NGX_HAVE_* of glibc, the size macros of x86-64 and arm64, the path
 * macros) into a directory of its own, with the include paths nginx's own
 * build uses.  The nginx tree comes from the paths given (a directory with
 * src/core/ngx_core.h, or above one), else from Debian's nginx-dev
 * (/usr/share/nginx/src).
 *
 * The files auto/sources assigns to other systems (win32, the BSDs'
 * kqueue and aio, Solaris, macOS) are left out of an nginx tree, and so
 * are hidden directories (quilt's .pc/ holds copies of patched files).
 */

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csrc.h"


#define NGXL_SRC_DEV_TREE  "/usr/share/nginx/src"


static const char  *ngxl_src_auto_headers =
    "#ifndef NGX_HAVE_UNISTD_H\n#define NGX_HAVE_UNISTD_H  1\n#endif\n"
    "#ifndef NGX_HAVE_INTTYPES_H\n#define NGX_HAVE_INTTYPES_H  1\n#endif\n"
    "#ifndef NGX_HAVE_LIMITS_H\n#define NGX_HAVE_LIMITS_H  1\n#endif\n"
    "#ifndef NGX_HAVE_SYS_PARAM_H\n#define NGX_HAVE_SYS_PARAM_H  1\n#endif\n"
    "#ifndef NGX_HAVE_SYS_MOUNT_H\n#define NGX_HAVE_SYS_MOUNT_H  1\n#endif\n"
    "#ifndef NGX_HAVE_SYS_STATVFS_H\n#define NGX_HAVE_SYS_STATVFS_H  1\n"
    "#endif\n"
    "#ifndef NGX_HAVE_CRYPT_H\n#define NGX_HAVE_CRYPT_H  1\n#endif\n"
    "#ifndef NGX_LINUX\n#define NGX_LINUX  1\n#endif\n"
    "#ifndef NGX_HAVE_SYS_PRCTL_H\n#define NGX_HAVE_SYS_PRCTL_H  1\n#endif\n"
    "#ifndef NGX_HAVE_SYS_VFS_H\n#define NGX_HAVE_SYS_VFS_H  1\n#endif\n";


/* name, value: what configure finds on Debian 12 with every module */

static const char  *ngxl_src_auto_config[] = {
    "NGX_CONFIGURE", "\" (ngxlint stand-in)\"",
    "NGX_COMPILER", "\"ngxlint stand-in\"",
    "NGX_HAVE_GCC_ATOMIC", "1",
    "NGX_HAVE_C99_VARIADIC_MACROS", "1",
    "NGX_HAVE_GCC_VARIADIC_MACROS", "1",
    "NGX_HAVE_GCC_BSWAP64", "1",
    "NGX_HAVE_POLL", "1",
    "NGX_HAVE_EPOLL", "1",
    "NGX_HAVE_CLEAR_EVENT", "1",
    "NGX_HAVE_EPOLLRDHUP", "1",
    "NGX_HAVE_EPOLLEXCLUSIVE", "1",
    "NGX_HAVE_EVENTFD", "1",
    "NGX_HAVE_SYS_EVENTFD_H", "1",
    "NGX_HAVE_O_PATH", "1",
    "NGX_HAVE_SENDFILE", "1",
    "NGX_HAVE_SENDFILE64", "1",
    "NGX_HAVE_PR_SET_DUMPABLE", "1",
    "NGX_HAVE_PR_SET_KEEPCAPS", "1",
    "NGX_HAVE_CAPABILITIES", "1",
    "NGX_HAVE_GNU_CRYPT_R", "1",
    "NGX_HAVE_NONALIGNED", "1",
    "NGX_CPU_CACHE_LINE", "64",
    "NGX_HAVE_POSIX_FADVISE", "1",
    "NGX_HAVE_O_DIRECT", "1",
    "NGX_HAVE_ALIGNED_DIRECTIO", "1",
    "NGX_HAVE_STATFS", "1",
    "NGX_HAVE_STATVFS", "1",
    "NGX_HAVE_DLOPEN", "1",
    "NGX_HAVE_SCHED_YIELD", "1",
    "NGX_HAVE_SCHED_SETAFFINITY", "1",
    "NGX_HAVE_REUSEPORT", "1",
    "NGX_HAVE_TRANSPARENT_PROXY", "1",
    "NGX_HAVE_IP_BIND_ADDRESS_NO_PORT", "1",
    "NGX_HAVE_IP_PKTINFO", "1",
    "NGX_HAVE_IPV6_RECVPKTINFO", "1",
    "NGX_HAVE_DEFERRED_ACCEPT", "1",
    "NGX_HAVE_KEEPALIVE_TUNABLE", "1",
    "NGX_HAVE_TCP_FASTOPEN", "1",
    "NGX_HAVE_TCP_INFO", "1",
    "NGX_HAVE_ACCEPT4", "1",
    "NGX_HAVE_FILE_AIO", "1",
    "NGX_HAVE_UNIX_DOMAIN", "1",
    "NGX_PTR_SIZE", "8",
    "NGX_SIG_ATOMIC_T_SIZE", "4",
    "NGX_HAVE_LITTLE_ENDIAN", "1",
    "NGX_MAX_SIZE_T_VALUE", "9223372036854775807LL",
    "NGX_SIZE_T_LEN", "(sizeof(\"-9223372036854775808\") - 1)",
    "NGX_MAX_OFF_T_VALUE", "9223372036854775807LL",
    "NGX_OFF_T_LEN", "(sizeof(\"-9223372036854775808\") - 1)",
    "NGX_TIME_T_SIZE", "8",
    "NGX_TIME_T_LEN", "(sizeof(\"-9223372036854775808\") - 1)",
    "NGX_MAX_TIME_T_VALUE", "9223372036854775807LL",
    "NGX_HAVE_INET6", "1",
    "NGX_HAVE_PREAD", "1",
    "NGX_HAVE_PWRITE", "1",
    "NGX_HAVE_PWRITEV", "1",
    "NGX_HAVE_STRERRORDESC_NP", "1",
    "NGX_HAVE_LOCALTIME_R", "1",
    "NGX_HAVE_CLOCK_MONOTONIC", "1",
    "NGX_HAVE_POSIX_MEMALIGN", "1",
    "NGX_HAVE_MEMALIGN", "1",
    "NGX_HAVE_MAP_ANON", "1",
    "NGX_HAVE_MAP_DEVZERO", "1",
    "NGX_HAVE_SYSVSHM", "1",
    "NGX_HAVE_POSIX_SEM", "1",
    "NGX_HAVE_MSGHDR_MSG_CONTROL", "1",
    "NGX_HAVE_FIONBIO", "1",
    "NGX_HAVE_FIONREAD", "1",
    "NGX_HAVE_GMTOFF", "1",
    "NGX_HAVE_D_TYPE", "1",
    "NGX_HAVE_SC_NPROCESSORS_ONLN", "1",
    "NGX_HAVE_LEVEL1_DCACHE_LINESIZE", "1",
    "NGX_HAVE_OPENAT", "1",
    "NGX_HAVE_GETADDRINFO", "1",
    "NGX_THREADS", "1",
    "NGX_HTTP_CACHE", "1",
    "NGX_HTTP_GZIP", "1",
    "NGX_HTTP_SSI", "1",
    "NGX_HTTP_V2", "1",
    "NGX_HTTP_HEADERS", "1",
    "NGX_HTTP_DAV", "1",
    "NGX_CRYPT", "1",
    "NGX_HTTP_REALIP", "1",
    "NGX_HTTP_X_FORWARDED_FOR", "1",
    "NGX_HTTP_SSL", "1",
    "NGX_HTTP_DEGRADATION", "1",
    "NGX_HTTP_UPSTREAM_ZONE", "1",
    "NGX_STAT_STUB", "1",
    "NGX_MAIL_SSL", "1",
    "NGX_STREAM_SSL", "1",
    "NGX_STREAM_UPSTREAM_ZONE", "1",
    "NGX_COMPAT", "1",
    "NGX_PCRE2", "1",
    "NGX_PCRE", "1",
    "NGX_OPENSSL", "1",
    "NGX_SSL", "1",
    "NGX_ZLIB", "1",
    "NGX_HAVE_EXSLT", "1",
    "NGX_HAVE_GD_WEBP", "1",
    "NGX_HAVE_PERL_MULTIPLICITY", "1",
    "NGX_HAVE_GEOIP_V6", "1",
    "NGX_PREFIX", "\"/usr/share/nginx/\"",
    "NGX_CONF_PREFIX", "\"/etc/nginx/\"",
    "NGX_SBIN_PATH", "\"/usr/sbin/nginx\"",
    "NGX_CONF_PATH", "\"/etc/nginx/nginx.conf\"",
    "NGX_PID_PATH", "\"/run/nginx.pid\"",
    "NGX_LOCK_PATH", "\"/var/lock/nginx.lock\"",
    "NGX_ERROR_LOG_PATH", "\"/var/log/nginx/error.log\"",
    "NGX_HTTP_LOG_PATH", "\"/var/log/nginx/access.log\"",
    "NGX_HTTP_CLIENT_TEMP_PATH", "\"/var/lib/nginx/body\"",
    "NGX_HTTP_PROXY_TEMP_PATH", "\"/var/lib/nginx/proxy\"",
    "NGX_HTTP_FASTCGI_TEMP_PATH", "\"/var/lib/nginx/fastcgi\"",
    "NGX_HTTP_UWSGI_TEMP_PATH", "\"/var/lib/nginx/uwsgi\"",
    "NGX_HTTP_SCGI_TEMP_PATH", "\"/var/lib/nginx/scgi\"",
    "NGX_SUPPRESS_WARN", "1",
    "NGX_SMP", "1",
    "NGX_USER", "\"nobody\"",
    "NGX_GROUP", "\"nogroup\"",
    NULL
};


/* nginx's include directories (objs/Makefile's ALL_INCS), in its order */

static const char  *ngxl_src_incs[] = {
    "src/core", "src/event", "src/event/modules", "src/event/quic",
    "src/os/unix", "src/http", "src/http/modules", "src/http/modules/perl",
    "src/http/v2", "src/http/v3", "src/stream", "src/mail", NULL
};


/* auto/sources: the variables that list other systems' files */

static const char  *ngxl_src_foreign[] = {
    "WIN32_", "KQUEUE_", "DEVPOLL_", "EVENTPORT_", "IOCP_", "FREEBSD_",
    "SOLARIS_", "DARWIN_", "FILE_AIO_SRCS", NULL
};


static int
ngxl_src_exists(const char *path, int dir)
{
    struct stat  st;

    if (stat(path, &st) == -1) {
        return 0;
    }

    return dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}


/* an nginx tree at PATH or above it, or NULL */

static char *
ngxl_src_nginx_root(ngxl_pool_t *pool, const char *path)
{
    char   *dir, *e, *probe;
    size_t  len;

    dir = ngxl_src_abspath(pool, NULL, path);

    if (!ngxl_src_exists(dir, 1)) {
        e = strrchr(dir, '/');

        if (e == NULL) {
            return NULL;
        }

        *(e == dir ? e + 1 : e) = '\0';
    }

    for ( ;; ) {
        probe = ngxl_psprintf(pool, "%s/src/core/ngx_core.h",
                              strcmp(dir, "/") == 0 ? "" : dir);

        if (ngxl_src_exists(probe, 0)) {
            return dir;
        }

        len = strlen(dir);

        if (len <= 1) {
            return NULL;
        }

        e = strrchr(dir, '/');
        *(e == dir ? e + 1 : e) = '\0';
    }
}


/* the files auto/sources lists for other systems, into SKIP (absolute) */

static void
ngxl_src_foreign_files(ngxl_pool_t *pool, const char *root, ngxl_hmap_t *skip)
{
    int          on;
    char        *path, *s, *e, *v, *w;
    size_t       i, n;
    ngxl_buf_t   text;

    path = ngxl_psprintf(pool, "%s/auto/sources", root);

    if (ngxl_read_file(path, 1024 * 1024, &text) != NGXL_OK) {
        return;
    }

    /* NAME=word, or NAME="words, over lines", at the start of a line */

    for (s = text.data; *s; s = *e ? e + 1 : e) {
        n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        e = s + strcspn(s, "\n");

        if (n == 0 || s[n] != '=') {
            continue;
        }

        on = 0;

        for (i = 0; ngxl_src_foreign[i]; i++) {
            if (strncmp(s, ngxl_src_foreign[i], strlen(ngxl_src_foreign[i]))
                == 0 && n > 5 && strncmp(s + n - 5, "_SRCS", 5) == 0)
            {
                on = 1;
            }
        }

        v = s + n + 1;

        if (*v == '"') {
            v++;
            e = strchr(v, '"');

            if (e == NULL) {
                e = v + strlen(v);
            }

        } else {
            e = v + strcspn(v, " \t\n");
        }

        while (on && v < e) {
            v += strspn(v, " \t\n\\");
            n = strcspn(v, " \t\n\\\"");

            if (n == 0) {
                break;
            }

            if (strncmp(v, "src/", 4) == 0) {
                w = ngxl_psprintf(pool, "%s/%.*s", root, (int) n, v);
                ngxl_hmap_put(skip, w, strlen(w), w);
            }

            v += n;
        }
    }

    ngxl_buf_free(&text);
}


static int
ngxl_src_name_cmp(const void *one, const void *two)
{
    return strcmp(*(char *const *) one, *(char *const *) two);
}


/* the .c files under DIR (sorted, hidden names left out) into FILES, and
 * the directories with headers into INCS */

static void
ngxl_src_walk(ngxl_src_project_t *p, const char *dir, ngxl_vec_t *files,
    ngxl_vec_t *incs, const ngxl_hmap_t *skip, int depth)
{
    DIR            *d;
    char           *path, *abs;
    size_t          i, n;
    int             headers;
    ngxl_vec_t      names;
    struct dirent  *de;

    d = opendir(dir);

    if (d == NULL) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: %s", dir,
                                                  strerror(errno)));
        return;
    }

    memset(&names, 0, sizeof(ngxl_vec_t));

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        ngxl_vec_push(&names, ngxl_pstrndup(&p->pool, de->d_name,
                                            strlen(de->d_name)));
    }

    closedir(d);

    if (names.n) {
        qsort(names.elts, names.n, sizeof(char *), ngxl_src_name_cmp);
    }

    headers = 0;

    for (i = 0; i < names.n; i++) {
        path = strcmp(dir, ".") == 0
               ? names.elts[i]
               : ngxl_psprintf(&p->pool, "%s%s%s", dir,
                               dir[strlen(dir) - 1] == '/' ? "" : "/",
                               (char *) names.elts[i]);
        n = strlen(path);

        if (ngxl_src_exists(path, 1)) {
            if (depth < 32) {
                ngxl_src_walk(p, path, files, incs, skip, depth + 1);
            }

            continue;
        }

        if (n > 2 && strcmp(path + n - 2, ".h") == 0) {
            headers = 1;
            continue;
        }

        if (n > 2 && strcmp(path + n - 2, ".c") == 0) {
            abs = ngxl_src_abspath(&p->pool, NULL, path);

            if (skip && ngxl_hmap_get(skip, abs, strlen(abs))) {
                continue;
            }

            ngxl_vec_push(files, path);
        }
    }

    if (headers && incs) {
        ngxl_vec_push(incs, ngxl_src_abspath(&p->pool, NULL, dir));
    }

    ngxl_vec_free(&names);
}


int
ngxl_src_write(const char *path, const char *data)
{
    FILE  *f;
    int    rc;

    f = fopen(path, "w");

    if (f == NULL) {
        return NGXL_ERROR;
    }

    rc = fputs(data, f) < 0 ? NGXL_ERROR : NGXL_OK;

    if (fclose(f) != 0) {
        rc = NGXL_ERROR;
    }

    return rc;
}


/* ngxlint's own directory, made once, removed by ngxl_src_standin_free() */

char *
ngxl_src_tmpdir(ngxl_src_project_t *p)
{
    char        *tmpl;
    const char  *tmp;

    if (p->standin_dir) {
        return (char *) p->standin_dir;
    }

    tmp = getenv("TMPDIR");
    tmpl = ngxl_psprintf(&p->pool, "%s/ngxlint-src.XXXXXX",
                         tmp && *tmp ? tmp : "/tmp");

    if (mkdtemp(tmpl) == NULL) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: %s", tmpl,
                                                  strerror(errno)));
        return NULL;
    }

    p->standin_dir = tmpl;

    return tmpl;
}


static int
ngxl_src_write_standins(ngxl_src_project_t *p, const char *dir)
{
    size_t      i;
    ngxl_buf_t  b;
    int         rc;

    ngxl_buf_init(&b);
    ngxl_buf_adds(&b, "/* ngxlint: a stand-in for configure's output */\n\n");

    for (i = 0; ngxl_src_auto_config[i]; i += 2) {
        ngxl_buf_printf(&b, "#ifndef %s\n#define %s  %s\n#endif\n\n",
                        ngxl_src_auto_config[i], ngxl_src_auto_config[i],
                        ngxl_src_auto_config[i + 1]);
    }

    rc = ngxl_src_write(ngxl_psprintf(&p->pool, "%s/ngx_auto_config.h", dir),
                        b.data);
    ngxl_buf_free(&b);

    if (rc != NGXL_OK
        || ngxl_src_write(ngxl_psprintf(&p->pool, "%s/ngx_auto_headers.h",
                                        dir), ngxl_src_auto_headers)
           != NGXL_OK)
    {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: cannot "
                      "write the stand-in headers: %s", dir,
                      strerror(errno)));
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


/* a library's headers nginx's modules include, when they are installed */

static const char *
ngxl_src_lib_dir(ngxl_pool_t *pool, const char *pattern)
{
    char    *d, *e;
    glob_t   g;

    if (glob(pattern, 0, NULL, &g) != 0) {
        return NULL;
    }

    d = ngxl_pstrndup(pool, g.gl_pathv[0], strlen(g.gl_pathv[0]));
    globfree(&g);

    e = strrchr(d, '/');

    if (e) {
        *e = '\0';
    }

    return d;
}


int
ngxl_src_standin(ngxl_src_project_t *p, const ngxl_src_opts_t *opts,
    ngxl_vec_t *files)
{
    char           *root, *r, *tmpl, **args, *abs;
    size_t          i, k, n;
    ngxl_vec_t      incs, found;
    ngxl_hmap_t     skip, built;
    const char     *lib;
    ngxl_src_tu_t  *tu;
    struct stat     st;

    memset(&incs, 0, sizeof(ngxl_vec_t));
    memset(&found, 0, sizeof(ngxl_vec_t));
    ngxl_hmap_init(&skip, 0);
    ngxl_hmap_init(&built, 0);

    /* the nginx tree */

    root = NULL;

    for (i = 0; i < opts->npaths && root == NULL; i++) {
        root = ngxl_src_nginx_root(&p->pool, opts->paths[i]);
    }

    if (root) {
        ngxl_src_foreign_files(&p->pool, root, &skip);
    }

    /* the files: those of the paths the build does not compile */

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];
        ngxl_hmap_put(&built, tu->abs, strlen(tu->abs), tu);
    }

    for (i = 0; i < opts->npaths; i++) {
        if (stat(opts->paths[i], &st) == -1) {
            ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: %s",
                          opts->paths[i], strerror(errno)));
            continue;
        }

        r = ngxl_src_nginx_root(&p->pool, opts->paths[i]);

        if (S_ISDIR(st.st_mode)) {
            ngxl_src_walk(p, opts->paths[i], &found,
                          r && root && strcmp(r, root) == 0 ? NULL : &incs,
                          &skip, 0);

        } else if (strlen(opts->paths[i]) > 2
                   && strcmp(opts->paths[i] + strlen(opts->paths[i]) - 2, ".c")
                      == 0)
        {
            ngxl_vec_push(&found, opts->paths[i]);

        } else {
            ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: not a "
                          "C source (.c) or a directory", opts->paths[i]));
        }
    }

    for (i = 0; i < found.n; i++) {
        abs = ngxl_src_abspath(&p->pool, NULL, found.elts[i]);

        if (ngxl_hmap_get(&built, abs, strlen(abs)) == NULL) {
            ngxl_hmap_put(&built, abs, strlen(abs), abs);
            ngxl_vec_push(files, found.elts[i]);
        }
    }

    ngxl_vec_free(&found);
    ngxl_hmap_free(&skip);
    ngxl_hmap_free(&built);

    if (files->n == 0) {
        ngxl_vec_free(&incs);
        return NGXL_OK;
    }

    if (root == NULL) {
        r = ngxl_psprintf(&p->pool, "%s/src/core/ngx_core.h",
                          NGXL_SRC_DEV_TREE);

        if (ngxl_src_exists(r, 0)) {
            root = NGXL_SRC_DEV_TREE;

        } else {
            ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "no nginx "
                          "headers for %s: give an nginx source tree too, or "
                          "install nginx-dev (%s)", (char *) files->elts[0],
                          NGXL_SRC_DEV_TREE));
            ngxl_vec_free(&incs);
            return NGXL_ERROR;
        }
    }

    p->nginx_root = root;

    /*
     * ngxlint's directory: the stand-ins and the precompiled header.  A
     * tree's own objs/ is not used: it has only the modules configured
     * (-p reads such a build with its own flags)
     */

    tmpl = ngxl_src_tmpdir(p);

    if (tmpl == NULL) {
        ngxl_vec_free(&incs);
        return NGXL_ERROR;
    }

    if (ngxl_src_write_standins(p, tmpl) != NGXL_OK) {
        ngxl_vec_free(&incs);
        return NGXL_ERROR;
    }

    r = tmpl;

    /* the arguments every stand-in TU gets */

    args = ngxl_palloc(&p->pool, (2 * 16 + 2 * incs.n + 16) * sizeof(char *));
    n = 0;

    for (k = 0; ngxl_src_incs[k]; k++) {
        abs = ngxl_psprintf(&p->pool, "%s/%s", root, ngxl_src_incs[k]);

        if (ngxl_src_exists(abs, 1)) {
            args[n++] = "-I";
            args[n++] = abs;
        }
    }

    args[n++] = "-I";
    args[n++] = r;

    for (k = 0; k < incs.n; k++) {
        args[n++] = "-I";
        args[n++] = incs.elts[k];
    }

    ngxl_vec_free(&incs);

    /* after the system's: perl's CORE has headers with common names */

    if (ngxl_src_exists("/usr/include/libxml2", 1)) {
        args[n++] = "-idirafter";
        args[n++] = "/usr/include/libxml2";
    }

    lib = ngxl_src_lib_dir(&p->pool, "/usr/lib/*/perl/*/CORE/perl.h");

    if (lib == NULL) {
        lib = ngxl_src_lib_dir(&p->pool, "/usr/lib*/perl5/*/CORE/perl.h");
    }

    if (lib) {
        args[n++] = "-idirafter";
        args[n++] = (char *) lib;
    }

    args[n++] = "-ferror-limit=0";
    args[n++] = "-w";
    args[n++] = "-Qunused-arguments";

    for (i = 0; i < files->n; i++) {
        tu = ngxl_palloc(&p->pool, sizeof(ngxl_src_tu_t));
        ngxl_pool_init(&tu->pool);
        tu->origin = NGXL_SRC_FROM_STANDIN;
        tu->file = files->elts[i];
        tu->name = tu->file;
        tu->abs = ngxl_src_abspath(&p->pool, NULL, tu->file);
        tu->args = args;
        tu->nargs = n;
        tu->parse = 1;
        ngxl_vec_push(&p->tus, tu);
    }

    return NGXL_OK;
}


/* removes ngxlint's directory: the stand-ins, the precompiled headers */

void
ngxl_src_standin_free(ngxl_src_project_t *p)
{
    DIR            *d;
    char            path[4096];
    struct dirent  *de;

    if (p->standin_dir == NULL) {
        return;
    }

    d = opendir(p->standin_dir);

    if (d) {
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') {
                continue;
            }

            snprintf(path, sizeof(path), "%s/%s", p->standin_dir, de->d_name);
            (void) unlink(path);
        }

        closedir(d);
    }

    (void) rmdir(p->standin_dir);
    p->standin_dir = NULL;
}
