/*
 * ngxlint: writing fixed files safely.
 *
 *   1. every file: its real path (symlinks followed), still the bytes that
 *      were read (else refuse), its mode and owner;
 *   2. every file: the new bytes to a temporary file beside it, fsync;
 *   3. every file: a hard link keeps the original, then rename() puts the
 *      new file in place; on a failure the originals are put back.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fix.h"


typedef struct {
    ngxl_fix_file_t  *f;
    char             *real;
    char             *tmp;       /* the new version, beside the original */
    char             *keep;      /* a link to the original                */
    struct stat       st;
    unsigned          renamed:1;
} ngxl_wfile_t;


static int
ngxl_write_all(int fd, const char *p, size_t n)
{
    ssize_t  w;

    while (n) {
        w = write(fd, p, n);

        if (w == -1) {
            if (errno == EINTR) {
                continue;
            }
            return NGXL_ERROR;
        }

        p += w;
        n -= (size_t) w;
    }

    return NGXL_OK;
}


static void
ngxl_write_fsync_dir(const char *path)
{
    int    fd;
    char  *copy;

    copy = strdup(path);
    if (copy == NULL) {
        return;
    }

    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd != -1) {
        (void) fsync(fd);
        close(fd);
    }

    free(copy);
}


/*
 * A unique name beside PATH, created exclusively: DIR/.NAME.ngxlint-WHAT-
 * PID-N (WHAT "new" or "old").  A run killed mid-way (SIGKILL) leaves them
 * behind; hidden, no include glob of the directory ever picks them up, and
 * the next --write sweeps them (ngxl_write_sweep()).
 */

static char *
ngxl_write_temp(const char *path, const char *what, int *fd)
{
    int          i, dlen;
    char        *name;
    size_t       n;
    const char  *base;

    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    dlen = (int) (base - path);

    n = strlen(path) + 64;

    name = malloc(n);
    if (name == NULL) {
        ngxl_oom();
    }

    for (i = 0; i < 100; i++) {
        snprintf(name, n, "%.*s.%s.ngxlint-%s-%ld-%d", dlen, path, base, what,
                 (long) getpid(), i);

        *fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

        if (*fd != -1) {
            return name;
        }

        if (errno != EEXIST) {
            break;
        }
    }

    free(name);

    return NULL;
}


/*
 * The temporary files a killed run left in DIR: ".NAME.ngxlint-new-PID-N"
 * and ".NAME.ngxlint-old-PID-N" of a PID that is gone (a PID that runs,
 * this one or another's, is left alone).  Only regular files are removed.
 */

static size_t
ngxl_write_sweep(const char *dir)
{
    int             dfd;
    DIR            *d;
    long            pid;
    char           *end;
    size_t          n;
    struct stat     st;
    const char     *p;
    struct dirent  *de;

    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd == -1) {
        return 0;
    }

    d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return 0;
    }

    n = 0;

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.') {
            continue;
        }

        p = strstr(de->d_name, ".ngxlint-");

        if (p == NULL || p == de->d_name
            || (strncmp(p, ".ngxlint-new-", 13) != 0
                && strncmp(p, ".ngxlint-old-", 13) != 0))
        {
            continue;
        }

        errno = 0;
        pid = strtol(p + 13, &end, 10);

        if (errno || pid <= 0 || *end != '-' || end[1] < '0' || end[1] > '9'
            || (pid_t) pid == getpid())
        {
            continue;
        }

        if (kill((pid_t) pid, 0) == 0 || errno != ESRCH) {
            continue;
        }

        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISREG(st.st_mode)
            && unlinkat(dfd, de->d_name, 0) == 0)
        {
            n++;
        }
    }

    closedir(d);

    return n;
}


static int
ngxl_write_prepare(ngxl_fix_t *fx, ngxl_wfile_t *w)
{
    int          fd;
    ngxl_buf_t   now;

    w->real = realpath(w->f->path, NULL);

    if (w->real == NULL || stat(w->real, &w->st) == -1) {
        snprintf(fx->err, sizeof(fx->err), "%s: %s", w->f->path,
                 strerror(errno));
        return NGXL_ERROR;
    }

    if (!S_ISREG(w->st.st_mode)) {
        snprintf(fx->err, sizeof(fx->err), "%s: not a regular file",
                 w->f->path);
        return NGXL_ERROR;
    }

    /* refuse if it changed since it was read */

    if (ngxl_read_file(w->real, w->f->orig_len + 1, &now) != NGXL_OK) {
        snprintf(fx->err, sizeof(fx->err), "%s: %s", w->f->path,
                 errno == EFBIG ? "changed on disk since it was read"
                                : strerror(errno));
        return NGXL_ERROR;
    }

    if (now.len != w->f->orig_len
        || memcmp(now.data ? now.data : "", w->f->orig, now.len) != 0)
    {
        ngxl_buf_free(&now);
        snprintf(fx->err, sizeof(fx->err), "%s: changed on disk since it "
                 "was read: nothing is written", w->f->path);
        return NGXL_ERROR;
    }

    ngxl_buf_free(&now);

    /* the new version, beside it */

    w->tmp = ngxl_write_temp(w->real, "new", &fd);

    if (w->tmp == NULL) {
        snprintf(fx->err, sizeof(fx->err), "%s: cannot create a file beside "
                 "it: %s", w->f->path, strerror(errno));
        return NGXL_ERROR;
    }

    if (ngxl_write_all(fd, w->f->data, w->f->len) != NGXL_OK
        || fchmod(fd, w->st.st_mode & 07777) == -1
        || (fchown(fd, w->st.st_uid, w->st.st_gid) == -1
            && (errno != EPERM || w->st.st_uid != geteuid()))
        || fsync(fd) == -1)
    {
        snprintf(fx->err, sizeof(fx->err), "%s: writing %s: %s", w->f->path,
                 w->tmp, strerror(errno));
        close(fd);
        return NGXL_ERROR;
    }

    if (close(fd) == -1) {
        snprintf(fx->err, sizeof(fx->err), "%s: %s", w->tmp,
                 strerror(errno));
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


int
ngxl_fix_write(ngxl_fix_t *fx, const char *backup)
{
    int            rc, fd;
    size_t         i, n;
    char          *name;
    ngxl_wfile_t  *w;

    for (i = 0; i < fx->dirs.n; i++) {
        fx->swept += ngxl_write_sweep(fx->dirs.elts[i]);
    }

    n = fx->files.n;

    if (n == 0) {
        return NGXL_OK;
    }

    w = calloc(n, sizeof(ngxl_wfile_t));
    if (w == NULL) {
        ngxl_oom();
    }

    rc = NGXL_ERROR;

    for (i = 0; i < n; i++) {
        w[i].f = fx->files.elts[i];

        if (ngxl_write_prepare(fx, &w[i]) != NGXL_OK) {
            goto failed;
        }
    }

    /* keep each original under a second name, then swap */

    for (i = 0; i < n; i++) {
        name = ngxl_write_temp(w[i].real, "old", &fd);

        if (name == NULL) {
            snprintf(fx->err, sizeof(fx->err), "%s: %s", w[i].f->path,
                     strerror(errno));
            goto failed;
        }

        close(fd);

        if (unlink(name) == -1 || link(w[i].real, name) == -1) {
            snprintf(fx->err, sizeof(fx->err), "%s: keeping the original: "
                     "%s", w[i].f->path, strerror(errno));
            free(name);
            goto failed;
        }

        w[i].keep = name;
    }

    for (i = 0; i < n; i++) {
        if (rename(w[i].tmp, w[i].real) == -1) {
            snprintf(fx->err, sizeof(fx->err), "%s: %s", w[i].f->path,
                     strerror(errno));
            goto restore;
        }

        w[i].renamed = 1;
        ngxl_write_fsync_dir(w[i].real);
    }

    /* done: the originals go, or become the backups */

    for (i = 0; i < n; i++) {
        if (backup) {
            name = malloc(strlen(w[i].real) + strlen(backup) + 1);
            if (name == NULL) {
                ngxl_oom();
            }

            strcpy(name, w[i].real);
            strcat(name, backup);

            if (rename(w[i].keep, name) == -1) {
                snprintf(fx->err, sizeof(fx->err), "%s: the backup %s: %s",
                         w[i].f->path, name, strerror(errno));
                free(name);
                continue;
            }

            free(name);

        } else {
            (void) unlink(w[i].keep);
        }
    }

    rc = NGXL_OK;
    goto done;

restore:

    for (i = 0; i < n; i++) {
        if (w[i].renamed) {
            (void) rename(w[i].keep, w[i].real);
            w[i].renamed = 0;
        }
    }

failed:

    for (i = 0; i < n; i++) {
        if (w[i].tmp && !w[i].renamed) {
            (void) unlink(w[i].tmp);
        }

        if (w[i].keep) {
            (void) unlink(w[i].keep);
        }
    }

done:

    for (i = 0; i < n; i++) {
        free(w[i].real);
        free(w[i].tmp);
        free(w[i].keep);
    }

    free(w);

    return rc;
}
