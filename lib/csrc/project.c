/*
 * ngxlint: a C project: its build (-p), the sources given, and the parse
 * of every C translation unit by a pool of threads, each with a CXIndex of
 * its own (libclang's indexes are not shared between threads).
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <clang-c/Index.h>

#include "csrc.h"


#define NGXL_SRC_MAX_JOBS  256


typedef struct {
    ngxl_src_project_t     *p;
    const ngxl_src_opts_t  *opts;
    ngxl_vec_t              work;       /* ngxl_src_tu_t *               */
    atomic_size_t           next;
    size_t                  done;
    pthread_mutex_t         lock;
} ngxl_src_pool_t;


static void *
ngxl_src_worker(void *data)
{
    size_t            i;
    CXIndex           index;
    ngxl_src_tu_t    *tu;
    ngxl_src_pool_t  *w = data;

    /* the TU's own declarations only: not the precompiled header's */
    index = clang_createIndex(1, 0);

    for ( ;; ) {
        i = atomic_fetch_add(&w->next, 1);

        if (i >= w->work.n) {
            break;
        }

        tu = w->work.elts[i];
        ngxl_src_scan(w->p, tu, index);

        pthread_mutex_lock(&w->lock);
        w->done++;

        if (w->opts->progress) {
            w->opts->progress(w->opts->progress_data, w->done, w->work.n,
                              tu->file);
        }

        pthread_mutex_unlock(&w->lock);
    }

    clang_disposeIndex(index);

    return NULL;
}


/* whether FILE is one of PATHS or under one of them (absolute paths) */

static int
ngxl_src_under(char *const *abs, size_t n, const char *file)
{
    size_t  i, len;

    for (i = 0; i < n; i++) {
        len = strlen(abs[i]);

        if (strncmp(file, abs[i], len) == 0
            && (file[len] == '\0' || file[len] == '/'
                || abs[i][len - 1] == '/'))
        {
            return 1;
        }
    }

    return 0;
}


/* short names: from the deepest directory the build and the file share */

static void
ngxl_src_names(ngxl_src_project_t *p, const char *dir)
{
    size_t          i, k, cut;
    char           *top;
    ngxl_src_tu_t  *tu;

    top = ngxl_src_abspath(&p->pool, NULL, dir);

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->origin == NGXL_SRC_FROM_STANDIN || tu->file[0] != '/') {
            continue;
        }

        cut = 0;

        for (k = 0; top[k] && top[k] == tu->abs[k]; k++) {
            if (top[k] == '/') {
                cut = k + 1;
            }
        }

        if (top[k] == '\0' && tu->abs[k] == '/') {
            cut = k + 1;        /* the file is under the build directory */
        }

        if (cut > 1) {
            tu->name = tu->abs + cut;
        }
    }
}


static int
ngxl_src_build(ngxl_src_project_t *p, const char *dir)
{
    int          rc;
    char        *objs;
    struct stat  st;

    if (stat(dir, &st) == -1) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: %s", dir,
                                                  strerror(errno)));
        return NGXL_ERROR;
    }

    if (!S_ISDIR(st.st_mode)) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: not a "
                      "directory (-p takes the build directory)", dir));
        return NGXL_ERROR;
    }

    rc = ngxl_src_read_db(p, dir);

    if (rc != 1) {
        return rc;
    }

    /* nginx: DIR is objs/, or the tree with objs/ in it */

    objs = ngxl_psprintf(&p->pool, "%s/ngx_auto_config.h", dir);

    if (stat(objs, &st) == 0) {
        return ngxl_src_read_makefile(p, dir);
    }

    objs = ngxl_psprintf(&p->pool, "%s/objs/Makefile", dir);

    if (stat(objs, &st) == 0) {
        return ngxl_src_read_makefile(p, ngxl_psprintf(&p->pool, "%s/objs",
                                                       dir));
    }

    ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: no "
                  "compile_commands.json, and not an nginx build directory "
                  "(objs/Makefile)", dir));

    return NGXL_ERROR;
}


int
ngxl_src_project(ngxl_src_project_t *p, const ngxl_src_opts_t *opts)
{
    long              cores;
    size_t            i, k, jobs;
    char            **abs;
    pthread_t        *th;
    ngxl_vec_t        files;
    ngxl_hmap_t       seen;
    ngxl_src_tu_t    *tu;
    struct timespec   t0, t1;
    ngxl_src_pool_t   w;
    CXIndex           index;

    memset(p, 0, sizeof(ngxl_src_project_t));
    ngxl_pool_init(&p->pool);
    p->build_dir = opts->build_dir;

    if (opts->build_dir) {
        if (ngxl_src_build(p, opts->build_dir) != NGXL_OK) {
            return NGXL_ERROR;
        }

        ngxl_src_names(p, opts->build_dir);
    }

    memset(&files, 0, sizeof(ngxl_vec_t));

    if (opts->npaths
        && ngxl_src_standin(p, opts, &files) != NGXL_OK && p->tus.n == 0)
    {
        ngxl_vec_free(&files);
        return NGXL_ERROR;
    }

    ngxl_vec_free(&files);

    if (p->tus.n == 0) {
        if (p->problems.n == 0) {
            ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "no C "
                          "source to analyse in %s",
                          opts->npaths ? opts->paths[0] : "(nothing given)"));
        }

        return NGXL_ERROR;
    }

    if (!opts->parse) {
        for (i = 0; i < p->tus.n; i++) {
            tu = p->tus.elts[i];
            tu->parse = 0;
        }

        return NGXL_OK;
    }

    /* what to parse: each C file once; with paths, the build's under them */

    abs = ngxl_palloc(&p->pool, (opts->npaths + 1) * sizeof(char *));

    for (k = 0; k < opts->npaths; k++) {
        abs[k] = ngxl_src_abspath(&p->pool, NULL, opts->paths[k]);
    }

    memset(&w, 0, sizeof(ngxl_src_pool_t));
    ngxl_hmap_init(&seen, 0);

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->parse && tu->origin != NGXL_SRC_FROM_STANDIN
            && opts->npaths && !ngxl_src_under(abs, opts->npaths, tu->abs))
        {
            tu->parse = 0;
        }

        if (!tu->parse) {
            continue;
        }

        if (ngxl_hmap_get(&seen, tu->abs, strlen(tu->abs))) {
            tu->parse = 0;
            continue;
        }

        ngxl_hmap_put(&seen, tu->abs, strlen(tu->abs), tu);
        ngxl_vec_push(&w.work, tu);
    }

    ngxl_hmap_free(&seen);

    if (w.work.n == 0) {
        ngxl_vec_free(&w.work);
        return NGXL_OK;
    }

    clock_gettime(CLOCK_MONOTONIC, &t0);

    if (!opts->no_pch) {
        index = clang_createIndex(0, 0);
        ngxl_src_pch(p, index, &w.work);
        clang_disposeIndex(index);
    }

    jobs = opts->jobs;

    if (jobs == 0) {
        cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (size_t) cores : 1;
    }

    if (jobs > NGXL_SRC_MAX_JOBS) {
        jobs = NGXL_SRC_MAX_JOBS;
    }

    if (jobs > w.work.n) {
        jobs = w.work.n;
    }

    p->jobs = (unsigned) jobs;

    w.p = p;
    w.opts = opts;
    atomic_init(&w.next, 0);
    pthread_mutex_init(&w.lock, NULL);

    th = calloc(jobs, sizeof(pthread_t));

    if (th == NULL) {
        ngxl_oom();
    }

    for (k = 0; k < jobs; k++) {
        if (pthread_create(&th[k], NULL, ngxl_src_worker, &w) != 0) {
            break;
        }
    }

    if (k == 0) {
        (void) ngxl_src_worker(&w);     /* no thread: this one does it */
    }

    for (i = 0; i < k; i++) {
        pthread_join(th[i], NULL);
    }

    free(th);
    pthread_mutex_destroy(&w.lock);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    p->parse_ms = (double) (t1.tv_sec - t0.tv_sec) * 1e3
                  + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6;

    for (i = 0; i < w.work.n; i++) {
        tu = w.work.elts[i];
        p->nparsed++;

        if (tu->errors) {
            p->nfailed++;
        }
    }

    ngxl_vec_free(&w.work);

    return NGXL_OK;
}


static void
ngxl_src_text(ngxl_src_project_t *p, ngxl_diags_t *ds, const char *path)
{
    size_t       i;
    ngxl_buf_t  *b;

    if (path == NULL) {
        return;
    }

    for (i = 0; i < p->text_paths.n; i++) {
        if (strcmp(p->text_paths.elts[i], path) == 0) {
            return;
        }
    }

    b = ngxl_palloc(&p->pool, sizeof(ngxl_buf_t));

    if (ngxl_read_file(path, 64 * 1024 * 1024, b) != NGXL_OK) {
        return;
    }

    ngxl_vec_push(&p->texts, b);
    ngxl_vec_push(&p->text_paths, ngxl_pstrndup(&p->pool, path,
                                                strlen(path)));
    ngxl_diag_source(ds, path, b->data, b->len);
}


void
ngxl_src_sources(ngxl_src_project_t *p, ngxl_diags_t *ds)
{
    size_t            i, k;
    ngxl_src_tu_t    *tu;
    ngxl_src_call_t  *c;

    ngxl_src_text(p, ds, p->build_file);

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        for (k = 0; k < tu->calls.n; k++) {
            c = tu->calls.elts[k];
            ngxl_src_text(p, ds, c->file);
            ngxl_src_text(p, ds, c->why_file);
            ngxl_src_text(p, ds, c->conf_file);
        }
    }
}


void
ngxl_src_project_free(ngxl_src_project_t *p)
{
    size_t          i;
    ngxl_src_tu_t  *tu;

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];
        ngxl_vec_free(&tu->diags);
        ngxl_vec_free(&tu->calls);
        ngxl_pool_free(&tu->pool);
    }

    for (i = 0; i < p->texts.n; i++) {
        ngxl_buf_free(p->texts.elts[i]);
    }

    ngxl_src_standin_free(p);
    ngxl_vec_free(&p->tus);
    ngxl_vec_free(&p->problems);
    ngxl_vec_free(&p->texts);
    ngxl_vec_free(&p->text_paths);
    ngxl_pool_free(&p->pool);
}
