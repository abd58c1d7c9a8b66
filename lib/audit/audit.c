/*
 * ngxlint: the audit of a host: its nginx masters, each read in full.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../lua/project.h"


typedef struct {
    pid_t                pid;
    pid_t                ppid;
    char                *title;
} ngxl_proc_t;


/* "PID (comm) S PPID ...": comm may hold spaces and parentheses */

static pid_t
ngxl_audit_ppid(const char *stat)
{
    const char  *p;

    p = strrchr(stat, ')');

    if (p == NULL || p[1] != ' ' || p[2] == '\0' || p[3] != ' ') {
        return -1;
    }

    return (pid_t) strtol(p + 4, NULL, 10);
}


static char *
ngxl_audit_title(ngxl_pool_t *pool, ngxl_buf_t *b)
{
    size_t  i, n;

    n = b->len;

    /* the title is padded with NULs (and spaces) to its area's end */
    while (n && (b->data[n - 1] == '\0' || b->data[n - 1] == ' ')) {
        n--;
    }

    for (i = 0; i < n; i++) {
        if (b->data[i] == '\0') {
            b->data[i] = ' ';
        }
    }

    return ngxl_pstrndup(pool, b->data, n);
}


static int
ngxl_audit_procs(ngxl_audit_host_t *h, ngxl_pool_t *pool, ngxl_vec_t *procs)
{
    DIR            *d;
    char            path[512];
    size_t          n;
    struct dirent  *de;
    ngxl_buf_t      b;
    ngxl_proc_t    *p;

    d = opendir(h->opts->proc);

    if (d == NULL) {
        ngxl_vec_push(&h->problems,
                      ngxl_psprintf(&h->pool, "%s: %s: no process can be "
                                    "seen", h->opts->proc, strerror(errno)));
        return NGXL_ERROR;
    }

    ngxl_buf_init(&b);
    n = 0;

    while ((de = readdir(d)) != NULL && n++ < NGXL_AUDIT_MAX_PROCS) {
        if (de->d_name[0] < '1' || de->d_name[0] > '9'
            || strspn(de->d_name, "0123456789") != strlen(de->d_name))
        {
            continue;
        }

        p = ngxl_palloc(pool, sizeof(ngxl_proc_t));
        p->pid = (pid_t) strtol(de->d_name, NULL, 10);

        snprintf(path, sizeof(path), "%s/%s/stat", h->opts->proc,
                 de->d_name);

        if (ngxl_audit_read(path, 65536, &b) != NGXL_OK) {
            continue;           /* gone meanwhile */
        }

        p->ppid = ngxl_audit_ppid(b.data);

        snprintf(path, sizeof(path), "%s/%s/cmdline", h->opts->proc,
                 de->d_name);

        if (ngxl_audit_read(path, 1 << 20, &b) != NGXL_OK) {
            continue;
        }

        p->title = ngxl_audit_title(pool, &b);
        ngxl_vec_push(procs, p);
    }

    closedir(d);
    ngxl_buf_free(&b);

    return NGXL_OK;
}


static void
ngxl_audit_worker_uid(ngxl_audit_host_t *h, ngxl_audit_t *a)
{
    char         path[512];
    const char  *p;
    ngxl_buf_t   b;

    if (a->nworkers == 0) {
        return;
    }

    ngxl_buf_init(&b);
    snprintf(path, sizeof(path), "%s/%d/status", h->opts->proc,
             (int) a->workers[0]);

    /* "Uid:\treal\teffective\tsaved\tfs" */
    if (ngxl_audit_read(path, 1 << 20, &b) == NGXL_OK
        && (p = strstr(b.data, "\nUid:")) != NULL)
    {
        p += 5;
        (void) strtoul(p, (char **) &p, 10);
        a->worker_uid = (uid_t) strtoul(p, NULL, 10);
        a->worker_uid_known = 1;
    }

    ngxl_buf_free(&b);
}


/* the binary: /proc/PID/exe (the one running, even replaced on disk) */

static void
ngxl_audit_binary(ngxl_audit_host_t *h, ngxl_audit_t *a,
    const ngxl_audit_args_t *args)
{
    int               rc;
    char              path[512], *err, *disk;
    ngxl_binary_t    *b;
    ngxl_bin_opts_t   bo;

    memset(&bo, 0, sizeof(ngxl_bin_opts_t));
    bo.debug_dirs = h->opts->debug_dirs;

    if (a->root) {
        bo.sysroot_debug = ngxl_psprintf(a->pool, "%s/usr/lib/debug",
                                         a->root);
    }

    b = ngxl_palloc(a->pool, sizeof(ngxl_binary_t));

    snprintf(path, sizeof(path), "%s/%d/exe", h->opts->proc, (int) a->pid);
    rc = ngxl_binary_read(b, path, &bo);

    if (rc == NGXL_OK) {
        a->bin = b;
        a->bin_label = a->exe ? a->exe : ngxl_pstrndup(a->pool, path,
                                                       strlen(path));
        b->path = a->bin_label;
        return;
    }

    err = ngxl_psprintf(a->pool, "%s", b->err ? b->err : "cannot be read");
    ngxl_binary_free(b);

    /* the file its command line names, when its root is this one */
    disk = NULL;

    if (a->root == NULL && args->argv0 && args->argv0[0] == '/') {
        disk = args->argv0;

    } else if (a->root == NULL && args->argv0 && strchr(args->argv0, '/')
                                                 == NULL)
    {
        /* "nginx": the first of a default PATH that has it */
        static const char  *dirs[] = { "/usr/local/sbin", "/usr/local/bin",
                                       "/usr/sbin", "/usr/bin", "/sbin",
                                       "/bin", NULL };
        size_t              i;

        for (i = 0; dirs[i] && disk == NULL; i++) {
            char  *cand = ngxl_psprintf(a->pool, "%s/%s", dirs[i],
                                        args->argv0);

            if (access(cand, R_OK) == 0) {
                disk = cand;
            }
        }
    }

    if (disk && ngxl_binary_read(b, disk, &bo) == NGXL_OK) {
        ngxl_audit_problem(a, "%s: %s: the binary is read from %s instead, "
                           "which may not be the one running", path, err,
                           disk);
        a->bin = b;
        a->bin_label = disk;
        b->path = disk;
        return;
    }

    if (disk) {
        ngxl_binary_free(b);
    }

    ngxl_audit_problem(a, "%s: %s: its binary is not checked", path, err);
}


static void
ngxl_audit_config(ngxl_audit_host_t *h, ngxl_audit_t *a)
{
    char                err[512];
    ngxl_buf_t          dump, hosts;
    ngxl_conf_t        *conf;
    ngxl_conf_opts_t    co;
    const ngxl_cerr_t  *e;

    conf = ngxl_palloc(a->pool, sizeof(ngxl_conf_t));

    memset(&co, 0, sizeof(ngxl_conf_opts_t));
    co.start_ctx = NGXL_MAIN;
    ngxl_buf_init(&dump);

    if (a->root) {
        if (ngxl_audit_conf_dump(a, &dump, err, sizeof(err)) != NGXL_OK) {
            ngxl_audit_problem(a, "%s (in %s): %s: its configuration is not "
                               "checked", a->conf_path, a->root, err);
            return;
        }

        co.dump = dump.data ? dump.data : "";
        co.dump_len = dump.len;
    }

    if (ngxl_conf_parse(conf, a->conf_path, &co) != NGXL_OK) {
        e = ngxl_conf_first_error(conf, NGXL_CERR_INCLUDE);
        ngxl_audit_problem(a, "%s: its configuration is not checked",
                           e ? e->msg : a->conf_path);
        ngxl_conf_free(conf);
        ngxl_buf_free(&dump);
        return;
    }

    ngxl_buf_free(&dump);

    a->conf = conf;
    ngxl_model_build(&a->model, conf);

    /* names resolve as the process's own hosts file has them */
    ngxl_buf_init(&hosts);
    snprintf(err, sizeof(err), "%s/etc/hosts", a->root ? a->root : "");

    if (ngxl_audit_read(err, 16 << 20, &hosts) != NGXL_OK) {
        hosts.len = 0;
    }

    ngxl_audit_dests(a, hosts.data, hosts.len);
    ngxl_buf_free(&hosts);

    ngxl_audit_status_find(a);

    (void) h;
}


static void
ngxl_audit_master(ngxl_audit_host_t *h, ngxl_audit_t *a)
{
    char               path[512], link[4096], *cwd;
    ssize_t            n;
    struct stat        st, ours;
    ngxl_audit_args_t  args;

    ngxl_audit_args(a->pool, a->title, &args);

    /* its root: ours, or a container's */

    snprintf(path, sizeof(path), "%s/%d/root", h->opts->proc, (int) a->pid);

    if (stat(path, &st) == -1) {
        ngxl_audit_problem(a, "%s: %s: its files are read from this host's "
                           "root, which may not be its own", path,
                           strerror(errno));

    } else if (stat("/", &ours) == 0
               && (st.st_dev != ours.st_dev || st.st_ino != ours.st_ino))
    {
        a->root = ngxl_pstrndup(a->pool, path, strlen(path));
    }

    snprintf(path, sizeof(path), "%s/%d/exe", h->opts->proc, (int) a->pid);
    n = readlink(path, link, sizeof(link) - 1);

    if (n > 0) {
        link[n] = '\0';
        a->exe = ngxl_pstrndup(a->pool, link, (size_t) n);

        if (n > 10 && strcmp(link + n - 10, " (deleted)") == 0) {
            a->exe_deleted = 1;
        }
    }

    ngxl_audit_binary(h, a, &args);

    if (a->bin && a->bin->nginx_version
        && ngxl_version_parse(a->bin->nginx_version, &a->version) == NGXL_OK)
    {
        snprintf(a->version_source, sizeof(a->version_source),
                 "the binary of master %d", (int) a->pid);

    } else {
        a->version = h->opts->fallback;
        snprintf(a->version_source, sizeof(a->version_source), "%s",
                 h->opts->fallback.source ? h->opts->fallback.source
                                          : "a default");

        ngxl_audit_problem(a, "the nginx version of master %d is unknown: "
                           "judged for %u.%u.%u (%s)", (int) a->pid,
                           a->version.major, a->version.minor,
                           a->version.patch, a->version_source);
    }

    a->version.source = a->version_source;

    /* a relative -p is relative to where it started */
    cwd = NULL;

    if (args.prefix && args.prefix[0] != '/') {
        snprintf(path, sizeof(path), "%s/%d/cwd", h->opts->proc,
                 (int) a->pid);
        n = readlink(path, link, sizeof(link) - 1);

        if (n > 0) {
            link[n] = '\0';
            cwd = link;

        } else {
            ngxl_audit_problem(a, "%s: %s: its relative prefix \"%s\" "
                               "cannot be placed", path, strerror(errno),
                               args.prefix);
        }
    }

    ngxl_audit_conf_path(a, &args,
                         a->bin ? a->bin->nginx_configure : NULL, cwd);

    if (args.conf == NULL && (a->bin == NULL
                              || a->bin->nginx_configure == NULL))
    {
        ngxl_audit_problem(a, "master %d names no -c and its binary no "
                           "--conf-path: %s is nginx's default, a guess",
                           (int) a->pid, a->conf_path);
    }

    ngxl_audit_config(h, a);
    ngxl_audit_worker_uid(h, a);
}


int
ngxl_audit_scan(ngxl_audit_host_t *h, const ngxl_audit_opts_t *opts)
{
    char          name[256];
    size_t        i, k, nw;
    ngxl_vec_t    procs;
    ngxl_pool_t   tmp;
    ngxl_proc_t  *p, *w;
    ngxl_audit_t *a;

    memset(h, 0, sizeof(ngxl_audit_host_t));
    ngxl_pool_init(&h->pool);
    h->opts = opts;

    if (gethostname(name, sizeof(name) - 1) == 0) {
        name[sizeof(name) - 1] = '\0';
        h->hostname = ngxl_pstrndup(&h->pool, name, strlen(name));
    }

    ngxl_pool_init(&tmp);
    memset(&procs, 0, sizeof(ngxl_vec_t));

    if (ngxl_audit_procs(h, &tmp, &procs) != NGXL_OK) {
        ngxl_pool_free(&tmp);
        return NGXL_ERROR;
    }

    for (i = 0; i < procs.n; i++) {
        p = procs.elts[i];

        if (!ngxl_audit_is_master(p->title)) {
            continue;
        }

        a = ngxl_palloc(&h->pool, sizeof(ngxl_audit_t));
        a->pool = &h->pool;
        a->pid = p->pid;
        a->title = ngxl_pstrndup(&h->pool, p->title, strlen(p->title));

        /* its workers: its children that are not masters themselves (a
           binary upgrade's new master is the old one's child) */
        for (nw = 0, k = 0; k < procs.n; k++) {
            w = procs.elts[k];
            nw += w->ppid == p->pid && !ngxl_audit_is_master(w->title);
        }

        a->workers = ngxl_palloc(&h->pool, (nw + 1) * sizeof(pid_t));

        for (k = 0; k < procs.n; k++) {
            w = procs.elts[k];

            if (w->ppid == p->pid && !ngxl_audit_is_master(w->title)) {
                a->workers[a->nworkers++] = w->pid;
            }
        }

        ngxl_vec_push(&h->masters, a);
    }

    ngxl_vec_free(&procs);
    ngxl_pool_free(&tmp);

    for (i = 0; i < h->masters.n; i++) {
        ngxl_audit_master(h, h->masters.elts[i]);
    }

    return NGXL_OK;
}


/* the Lua rules, where the files are */

typedef struct {
    ngxl_audit_t              *a;
    const ngxl_rule_use_t     *use;
    size_t                     nuse;
    const ngxl_check_opts_t   *opts;
} ngxl_audit_lua_arg_t;


static int
ngxl_audit_lua_child(void *arg, ngxl_buf_t *out)
{
    ngxl_diags_t           ds;
    ngxl_lua_project_t     p;
    ngxl_audit_lua_arg_t  *la;

    la = arg;

    ngxl_lua_project(&p, la->a->conf, NULL, 0, la->a->prefix);

    ngxl_diags_init(&ds);
    ngxl_lua_sources(&p, &ds);
    ngxl_check_lua(la->use, la->nuse, la->opts, la->a->conf, &p, &ds);

    ngxl_audit_diags_save(&ds, &p.problems, out);

    ngxl_diags_free(&ds);
    ngxl_lua_project_free(&p);

    return NGXL_OK;
}


void
ngxl_audit_check_lua(ngxl_audit_t *a, const ngxl_rule_use_t *use,
    size_t nuse, const ngxl_check_opts_t *opts, ngxl_diags_t *ds)
{
    char                   err[512];
    size_t                 i;
    ngxl_buf_t             out;
    ngxl_lua_project_t    *p;
    ngxl_audit_lua_arg_t   la;

    if (a->conf == NULL) {
        return;
    }

    if (a->root == NULL) {
        p = malloc(sizeof(ngxl_lua_project_t));
        if (p == NULL) {
            ngxl_oom();
        }

        ngxl_lua_project(p, a->conf, NULL, 0, a->prefix);

        for (i = 0; i < p->problems.n; i++) {
            ngxl_audit_problem(a, "%s: its Lua there is not checked",
                               (char *) p->problems.elts[i]);
        }

        ngxl_lua_sources(p, ds);
        ngxl_check_lua(use, nuse, opts, a->conf, p, ds);
        a->lua = p;
        return;
    }

    la.a = a;
    la.use = use;
    la.nuse = nuse;
    la.opts = opts;

    if (ngxl_audit_in_root(a->root, ngxl_audit_lua_child, &la, &out, 120000,
                           err, sizeof(err))
        != NGXL_OK)
    {
        ngxl_audit_problem(a, "the Lua of %s (in %s): %s: not checked",
                           a->conf_path, a->root, err);
        return;
    }

    (void) ngxl_audit_diags_load(ds, a, out.data ? out.data : "", out.len);
    ngxl_buf_free(&out);
}


void
ngxl_audit_host_free(ngxl_audit_host_t *h)
{
    size_t              i, k;
    ngxl_audit_t       *a;
    ngxl_audit_dest_t  *d;

    for (i = 0; i < h->masters.n; i++) {
        a = h->masters.elts[i];

        if (a->bin) {
            ngxl_binary_free(a->bin);
        }

        if (a->conf) {
            ngxl_model_free(&a->model);
            ngxl_conf_free(a->conf);
        }

        if (a->lua) {
            ngxl_lua_project_free(a->lua);
            free(a->lua);
        }

        for (k = 0; k < a->dests.n; k++) {
            d = a->dests.elts[k];
            ngxl_vec_free(&d->servers);
            ngxl_vec_free(&d->unresolved);
        }

        ngxl_vec_free(&a->dests);
        ngxl_vec_free(&a->misses);
        ngxl_vec_free(&a->problems);
    }

    ngxl_vec_free(&h->masters);
    ngxl_vec_free(&h->problems);
    ngxl_pool_free(&h->pool);
}
