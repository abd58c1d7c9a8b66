/*
 * ngxlint: reading a configuration and its Lua inside another root.
 *
 * A containerised nginx names its files as its own root has them: an
 * include of /etc/nginx/conf.d/\*.conf, a symbolic link to an absolute
 * path, a lua_package_path.  They are read by a child that chroot()s to
 * /proc/PID/root (in a user namespace of its own when it may not chroot()
 * otherwise): the configuration comes back as `nginx -T` text, the Lua
 * rules' findings as JSON.  The child reads only; it is waited for with a
 * bound, and killed past it.
 */

#define _GNU_SOURCE             /* unshare() */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "../lua/project.h"


#define NGXL_ROOT_MAX_OUT  (512u << 20)


static int
ngxl_root_enter(const char *root, char *err, size_t errlen)
{
    if (chroot(root) == 0) {
        return chdir("/") == 0 ? NGXL_OK : NGXL_ERROR;
    }

    if (errno == EPERM && unshare(CLONE_NEWUSER) == 0 && chroot(root) == 0) {
        return chdir("/") == 0 ? NGXL_OK : NGXL_ERROR;
    }

    snprintf(err, errlen, "chroot(\"%s\"): %s", root, strerror(errno));

    return NGXL_ERROR;
}


int
ngxl_audit_in_root(const char *root, int (*fn)(void *arg, ngxl_buf_t *out),
    void *arg, ngxl_buf_t *out, int timeout_ms, char *err, size_t errlen)
{
    int              fd[2], status, rc;
    char             cerr[512];
    long             left;
    pid_t            pid;
    size_t           off;
    ssize_t          n;
    uint32_t         crc;
    ngxl_buf_t       b;
    struct pollfd    pfd;
    struct timespec  start, now;

    if (pipe2(fd, O_CLOEXEC) == -1) {
        snprintf(err, errlen, "pipe(): %s", strerror(errno));
        return NGXL_ERROR;
    }

    pid = fork();

    if (pid == -1) {
        snprintf(err, errlen, "fork(): %s", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return NGXL_ERROR;
    }

    if (pid == 0) {
        close(fd[0]);
        ngxl_buf_init(&b);

        if (ngxl_root_enter(root, cerr, sizeof(cerr)) != NGXL_OK) {
            crc = 1;
            ngxl_buf_adds(&b, cerr);

        } else {
            crc = fn(arg, &b) == NGXL_OK ? 0 : 1;
        }

        if (write(fd[1], &crc, sizeof(crc)) == sizeof(crc)) {
            for (off = 0; off < b.len; off += (size_t) n) {
                n = write(fd[1], b.data + off, b.len - off);

                if (n <= 0) {
                    if (n == -1 && errno == EINTR) {
                        n = 0;
                        continue;
                    }
                    break;
                }
            }
        }

        _exit(0);
    }

    close(fd[1]);

    clock_gettime(CLOCK_MONOTONIC, &start);
    ngxl_buf_init(&b);
    rc = NGXL_OK;

    for ( ;; ) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        left = timeout_ms - ((long) (now.tv_sec - start.tv_sec) * 1000
                             + (now.tv_nsec - start.tv_nsec) / 1000000);

        if (left <= 0) {
            snprintf(err, errlen, "no answer within %d s", timeout_ms / 1000);
            kill(pid, SIGKILL);
            rc = NGXL_ERROR;
            break;
        }

        pfd.fd = fd[0];
        pfd.events = POLLIN;
        pfd.revents = 0;

        if (poll(&pfd, 1, (int) left) <= 0) {
            continue;
        }

        ngxl_buf_reserve(&b, 65536);
        n = read(fd[0], b.data + b.len, b.cap - b.len - 1);

        if (n == -1 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            break;
        }

        b.len += (size_t) n;

        if (b.len > NGXL_ROOT_MAX_OUT) {
            snprintf(err, errlen, "more than %u MiB back",
                     NGXL_ROOT_MAX_OUT >> 20);
            kill(pid, SIGKILL);
            rc = NGXL_ERROR;
            break;
        }
    }

    close(fd[0]);

    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
        /* void */
    }

    if (rc == NGXL_OK && b.len < sizeof(crc)) {
        snprintf(err, errlen, "the child that reads there ended without an "
                 "answer");
        rc = NGXL_ERROR;
    }

    if (rc == NGXL_OK) {
        memcpy(&crc, b.data, sizeof(crc));

        if (crc != 0) {
            snprintf(err, errlen, "%.*s", (int) (b.len - sizeof(crc)),
                     b.data + sizeof(crc));
            rc = NGXL_ERROR;

        } else {
            ngxl_buf_init(out);
            ngxl_buf_add(out, b.data + sizeof(crc), b.len - sizeof(crc));
        }
    }

    ngxl_buf_free(&b);

    return rc;
}


/* the configuration, in the child: as `nginx -T` prints it */

static int
ngxl_root_conf(void *arg, ngxl_buf_t *out)
{
    size_t              i;
    ngxl_audit_t       *a;
    ngxl_conf_t         conf;
    ngxl_cfile_t       *f;
    ngxl_conf_opts_t    co;
    const ngxl_cerr_t  *e;

    a = arg;

    memset(&co, 0, sizeof(ngxl_conf_opts_t));
    co.start_ctx = NGXL_MAIN;

    if (ngxl_conf_parse(&conf, a->conf_path, &co) != NGXL_OK) {
        e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);
        ngxl_buf_adds(out, e ? e->msg : "the configuration cannot be read");
        ngxl_conf_free(&conf);
        return NGXL_ERROR;
    }

    for (i = 0; i < conf.files.n; i++) {
        f = conf.files.elts[i];

        if (f->err) {
            continue;
        }

        ngxl_buf_printf(out, "# configuration file %s:\n", f->path);
        ngxl_buf_add(out, f->data, f->len);
        ngxl_buf_addc(out, '\n');
    }

    ngxl_conf_free(&conf);

    return NGXL_OK;
}


int
ngxl_audit_conf_dump(ngxl_audit_t *a, ngxl_buf_t *dump, char *err,
    size_t errlen)
{
    return ngxl_audit_in_root(a->root, ngxl_root_conf, a, dump, 60000, err,
                              errlen);
}


/* findings across the pipe */

static int
ngxl_root_used(const ngxl_diags_t *ds, const char *path)
{
    size_t           i, k;
    ngxl_finding_t  *f;

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        if (f->file && strcmp(f->file, path) == 0) {
            return 1;
        }

        for (k = 0; k < f->nnotes; k++) {
            if (f->notes[k].file && strcmp(f->notes[k].file, path) == 0) {
                return 1;
            }
        }
    }

    return 0;
}


static json_t *
ngxl_root_str(const char *s)
{
    return s ? json_string(s) : json_null();
}


void
ngxl_audit_diags_save(const ngxl_diags_t *ds, const ngxl_vec_t *problems,
    ngxl_buf_t *out)
{
    size_t           i, k;
    char            *s;
    json_t          *root, *list, *o, *notes, *n;
    ngxl_source_t   *src;
    ngxl_finding_t  *f;

    root = json_object();
    list = json_array();

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        o = json_object();
        json_object_set_new(o, "rule", json_string(f->rule));
        json_object_set_new(o, "severity",
                            json_string(ngxl_severity_name(f->severity)));
        json_object_set_new(o, "message", json_string(f->message));
        json_object_set_new(o, "file", ngxl_root_str(f->file));
        json_object_set_new(o, "line", json_integer(f->line));
        json_object_set_new(o, "col", json_integer(f->col));
        json_object_set_new(o, "end_line", json_integer(f->end_line));
        json_object_set_new(o, "end_col", json_integer(f->end_col));
        json_object_set_new(o, "hint", ngxl_root_str(f->hint));

        notes = json_array();

        for (k = 0; k < f->nnotes; k++) {
            n = json_object();
            json_object_set_new(n, "file", ngxl_root_str(f->notes[k].file));
            json_object_set_new(n, "line", json_integer(f->notes[k].line));
            json_object_set_new(n, "col", json_integer(f->notes[k].col));
            json_object_set_new(n, "message",
                                json_string(f->notes[k].message));
            json_array_append_new(notes, n);
        }

        json_object_set_new(o, "notes", notes);

        if (f->extra) {
            json_object_set(o, "extra", f->extra);
        }

        json_array_append_new(list, o);
    }

    json_object_set_new(root, "findings", list);

    list = json_array();

    for (i = 0; i < ds->sources.n; i++) {
        src = ds->sources.elts[i];

        if (!ngxl_root_used(ds, src->path)) {
            continue;
        }

        o = json_object();
        json_object_set_new(o, "path", json_string(src->path));
        json_object_set_new(o, "data", json_stringn(src->data, src->len));
        json_array_append_new(list, o);
    }

    json_object_set_new(root, "sources", list);

    list = json_array();

    for (i = 0; problems && i < problems->n; i++) {
        json_array_append_new(list, json_string(problems->elts[i]));
    }

    json_object_set_new(root, "problems", list);

    s = json_dumps(root, JSON_COMPACT);
    if (s == NULL) {
        ngxl_oom();
    }

    ngxl_buf_adds(out, s);
    free(s);
    json_decref(root);
}


static const char *
ngxl_root_get(ngxl_diags_t *ds, json_t *o, const char *key)
{
    json_t  *v;

    v = json_object_get(o, key);

    return json_is_string(v) ? ngxl_pstrndup(&ds->pool, json_string_value(v),
                                              json_string_length(v))
                             : NULL;
}


static uint32_t
ngxl_root_num(json_t *o, const char *key)
{
    json_t  *v;

    v = json_object_get(o, key);

    return json_is_integer(v) && json_integer_value(v) >= 0
           ? (uint32_t) json_integer_value(v) : 0;
}


int
ngxl_audit_diags_load(ngxl_diags_t *ds, ngxl_audit_t *a, const char *data,
    size_t len)
{
    size_t           i, k;
    json_t          *root, *list, *o, *notes, *n, *extra;
    const char      *rule, *msg, *s, *path;
    json_error_t     je;
    ngxl_finding_t  *f;
    ngxl_severity_t  sev;

    root = json_loadb(data, len, 0, &je);

    if (root == NULL) {
        ngxl_audit_problem(a, "the Lua checks in %s: their report is not "
                           "JSON (%s)", a->root, je.text);
        return NGXL_ERROR;
    }

    list = json_object_get(root, "findings");

    for (i = 0; i < json_array_size(list); i++) {
        o = json_array_get(list, i);

        rule = ngxl_root_get(ds, o, "rule");
        msg = ngxl_root_get(ds, o, "message");
        s = ngxl_root_get(ds, o, "severity");

        if (rule == NULL || msg == NULL || s == NULL
            || ngxl_severity_parse(s, &sev) != NGXL_OK)
        {
            continue;
        }

        f = ngxl_diag_add(ds, rule, sev, ngxl_root_get(ds, o, "file"),
                          ngxl_root_num(o, "line"), ngxl_root_num(o, "col"),
                          ngxl_root_num(o, "end_line"),
                          ngxl_root_num(o, "end_col"), "%s", msg);

        s = ngxl_root_get(ds, o, "hint");
        if (s) {
            ngxl_diag_hint(ds, f, "%s", s);
        }

        notes = json_object_get(o, "notes");

        for (k = 0; k < json_array_size(notes); k++) {
            n = json_array_get(notes, k);
            s = ngxl_root_get(ds, n, "message");

            if (s) {
                ngxl_diag_note(ds, f, ngxl_root_get(ds, n, "file"),
                               ngxl_root_num(n, "line"),
                               ngxl_root_num(n, "col"), "%s", s);
            }
        }

        extra = json_object_get(o, "extra");

        if (json_is_object(extra)) {
            f->extra = json_deep_copy(extra);
        }
    }

    list = json_object_get(root, "sources");

    for (i = 0; i < json_array_size(list); i++) {
        o = json_array_get(list, i);
        n = json_object_get(o, "data");
        path = ngxl_root_get(ds, o, "path");

        if (path && json_is_string(n)) {
            ngxl_diag_source(ds, path,
                             ngxl_pstrndup(&ds->pool, json_string_value(n),
                                           json_string_length(n)),
                             json_string_length(n));
        }
    }

    list = json_object_get(root, "problems");

    for (i = 0; i < json_array_size(list); i++) {
        n = json_array_get(list, i);

        if (json_is_string(n)) {
            ngxl_audit_problem(a, "%s (in %s)", json_string_value(n),
                               a->root);
        }
    }

    json_decref(root);

    return NGXL_OK;
}
