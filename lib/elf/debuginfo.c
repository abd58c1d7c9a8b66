/*
 * ngxlint: finding a binary's DWARF, as gdb does, never over the network.
 *
 *   1. in the file itself;
 *   2. by build-id: DIR/.build-id/xx/rest.debug for each --debug-dir and
 *      /usr/lib/debug;
 *   3. by .gnu_debuglink (its CRC32 checked): beside the file, in its
 *      .debug/, under each --debug-dir (also with the file's directory
 *      appended), and under /usr/lib/debug;
 *   then the dwz file its .gnu_debugaltlink names, and the .dwo files of
 *   split units.  Each place looked at is kept, for the message when
 *   nothing is found.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>
#include <zlib.h>

#include "elf.h"
#include "debuginfo.h"


#define NGXL_SYSTEM_DEBUG  "/usr/lib/debug"


static void
ngxl_debug_tried(ngxl_binary_t *b, const char *path, const char *what)
{
    ngxl_vec_push(&b->tried, ngxl_psprintf(&b->pool, "%s (%s)", path, what));
}


/* the directory of PATH, with a trailing "/" ("" for a bare name) */

static char *
ngxl_debug_dir(ngxl_pool_t *pool, const char *path)
{
    const char  *slash;

    slash = strrchr(path, '/');

    return slash ? ngxl_pstrndup(pool, path, (size_t) (slash - path) + 1)
                 : ngxl_pstrndup(pool, "", 0);
}


/* whether ELF has a section NAME with bytes in it */

static Elf_Scn *
ngxl_debug_section(Elf *elf, const char *name)
{
    size_t       shstrndx;
    GElf_Shdr    sh;
    Elf_Scn     *scn;
    const char  *n;

    if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
        return NULL;
    }

    for (scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS) {
            continue;
        }

        n = elf_strptr(elf, shstrndx, sh.sh_name);

        if (n && strcmp(n, name) == 0 && sh.sh_size > 0) {
            return scn;
        }
    }

    return NULL;
}


void
ngxl_debug_close(ngxl_dfile_t *d)
{
    if (d->elf) {
        elf_end(d->elf);
    }

    if (d->fd != -1) {
        close(d->fd);
    }

    d->elf = NULL;
    d->fd = -1;
}


/* opens PATH as an ELF file with DWARF; CRC checked when CHECK_CRC */

static int
ngxl_debug_try(ngxl_binary_t *b, const char *path, int check_crc,
    uint32_t crc, ngxl_dfile_t *d)
{
    int           fd;
    Elf          *elf;
    ssize_t       n;
    struct stat   st;
    unsigned long c;
    unsigned char buf[65536];

    /* O_NONBLOCK: a FIFO is refused below, never waited on */

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd == -1) {
        ngxl_debug_tried(b, path, strerror(errno));
        return NGXL_ERROR;
    }

    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        ngxl_debug_tried(b, path, "not a regular file");
        close(fd);
        return NGXL_ERROR;
    }

    if (check_crc) {
        c = crc32(0L, Z_NULL, 0);

        while ((n = read(fd, buf, sizeof(buf))) > 0) {
            c = crc32(c, buf, (uInt) n);
        }

        if (n < 0 || (uint32_t) c != crc) {
            ngxl_debug_tried(b, path, n < 0 ? strerror(errno)
                             : "its CRC does not match the debuglink's");
            close(fd);
            return NGXL_ERROR;
        }
    }

    elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);

    if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
        ngxl_debug_tried(b, path, "not an ELF file");
        if (elf) {
            elf_end(elf);
        }
        close(fd);
        return NGXL_ERROR;
    }

    if (ngxl_debug_section(elf, ".debug_info") == NULL
        && ngxl_debug_section(elf, ".zdebug_info") == NULL
        && ngxl_debug_section(elf, ".debug_info.dwo") == NULL)
    {
        ngxl_debug_tried(b, path, "no .debug_info");
        elf_end(elf);
        close(fd);
        return NGXL_ERROR;
    }

    d->fd = fd;
    d->elf = elf;
    d->path = ngxl_pstrndup(&b->pool, path, strlen(path));

    return NGXL_OK;
}


static int
ngxl_debug_by_id(ngxl_binary_t *b, const char *id, const ngxl_bin_opts_t *opts,
    ngxl_dfile_t *d)
{
    size_t       i;
    char        *path;
    const char  *dir;

    if (id == NULL || strlen(id) < 4) {
        return NGXL_ERROR;
    }

    for (i = 0; i <= opts->debug_dirs.n; i++) {
        dir = i < opts->debug_dirs.n ? opts->debug_dirs.elts[i]
              : opts->sysroot_debug ? opts->sysroot_debug : NGXL_SYSTEM_DEBUG;

        path = ngxl_psprintf(&b->pool, "%s/.build-id/%.2s/%s.debug", dir, id,
                             id + 2);

        if (ngxl_debug_try(b, path, 0, 0, d) == NGXL_OK) {
            return NGXL_OK;
        }
    }

    return NGXL_ERROR;
}


static int
ngxl_debug_by_link(ngxl_binary_t *b, const ngxl_bin_opts_t *opts,
    ngxl_dfile_t *d)
{
    size_t       i, n;
    char        *dir, *real, *cand[64];
    const char  *sys;

    if (b->debuglink == NULL) {
        return NGXL_ERROR;
    }

    real = realpath(b->path, NULL);
    dir = ngxl_debug_dir(&b->pool, real ? real : b->path);
    free(real);

    sys = opts->sysroot_debug ? opts->sysroot_debug : NGXL_SYSTEM_DEBUG;

    n = 0;
    cand[n++] = ngxl_psprintf(&b->pool, "%s%s", dir, b->debuglink);
    cand[n++] = ngxl_psprintf(&b->pool, "%s.debug/%s", dir, b->debuglink);

    for (i = 0; i < opts->debug_dirs.n && n < 60; i++) {
        cand[n++] = ngxl_psprintf(&b->pool, "%s/%s",
                                  (char *) opts->debug_dirs.elts[i],
                                  b->debuglink);
        cand[n++] = ngxl_psprintf(&b->pool, "%s/%s%s",
                                  (char *) opts->debug_dirs.elts[i], dir,
                                  b->debuglink);
    }

    cand[n++] = ngxl_psprintf(&b->pool, "%s%s%s", sys, dir, b->debuglink);

    for (i = 0; i < n; i++) {
        /* the file itself is never its own debug file */
        if (strcmp(cand[i], b->path) == 0) {
            continue;
        }

        if (ngxl_debug_try(b, cand[i], 1, b->debuglink_crc, d) == NGXL_OK) {
            return NGXL_OK;
        }
    }

    return NGXL_ERROR;
}


/* the dwz file a debug file's .gnu_debugaltlink names */

static void
ngxl_debug_alt(ngxl_binary_t *b, const ngxl_bin_opts_t *opts, ngxl_dfile_t *d,
    ngxl_dfile_t *alt)
{
    size_t       n;
    char        *name, *id, *path;
    Elf_Scn     *scn;
    Elf_Data    *data;
    const char  *e;

    scn = ngxl_debug_section(d->elf, ".gnu_debugaltlink");
    if (scn == NULL) {
        return;
    }

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL || data->d_size < 2) {
        return;
    }

    e = memchr(data->d_buf, '\0', data->d_size);
    if (e == NULL) {
        return;
    }

    name = ngxl_pstrndup(&b->pool, data->d_buf,
                         (size_t) (e - (char *) data->d_buf));
    n = data->d_size - (size_t) (e + 1 - (char *) data->d_buf);

    id = NULL;

    if (n > 0 && n <= 64) {
        static const char  hex[] = "0123456789abcdef";
        size_t             i;
        const unsigned char *p = (const unsigned char *) e + 1;

        id = ngxl_palloc(&b->pool, n * 2 + 1);

        for (i = 0; i < n; i++) {
            id[i * 2] = hex[p[i] >> 4];
            id[i * 2 + 1] = hex[p[i] & 0xf];
        }
    }

    b->altlink = name;
    b->altlink_id = id;

    path = name[0] == '/' ? name
           : ngxl_psprintf(&b->pool, "%s%s",
                           ngxl_debug_dir(&b->pool, d->path), name);

    if (ngxl_debug_try(b, path, 0, 0, alt) == NGXL_OK) {
        return;
    }

    (void) ngxl_debug_by_id(b, id, opts, alt);
}


int
ngxl_debug_find(ngxl_binary_t *b, Elf *elf, const ngxl_bin_opts_t *opts,
    ngxl_dfile_t *d, ngxl_dfile_t *alt)
{
    d->fd = -1;
    d->elf = NULL;
    alt->fd = -1;
    alt->elf = NULL;

    if (b->has_dwarf) {
        d->elf = elf;
        d->path = b->path;
        b->debug_file = b->path;
        b->debug_how = (char *) "in the file";

    } else if (ngxl_debug_by_id(b, b->build_id, opts, d) == NGXL_OK) {
        b->debug_file = (char *) d->path;
        b->debug_how = (char *) "by build-id";

    } else if (ngxl_debug_by_link(b, opts, d) == NGXL_OK) {
        b->debug_file = (char *) d->path;
        b->debug_how = (char *) "by .gnu_debuglink";

    } else {
        return NGXL_ERROR;
    }

    ngxl_debug_alt(b, opts, d, alt);

    return NGXL_OK;
}


int
ngxl_debug_open_dwo(ngxl_binary_t *b, const char *comp_dir, const char *dwo,
    Elf **elf, int *fd)
{
    size_t         i, n;
    char          *cand[4], *base;
    ngxl_dfile_t   d;

    n = 0;

    if (dwo[0] == '/') {
        cand[n++] = (char *) dwo;

    } else {
        if (comp_dir) {
            cand[n++] = ngxl_psprintf(&b->pool, "%s/%s", comp_dir, dwo);
        }

        cand[n++] = ngxl_psprintf(&b->pool, "%s%s",
                                  ngxl_debug_dir(&b->pool, b->path), dwo);
    }

    base = strrchr(dwo, '/');
    if (base) {
        cand[n++] = ngxl_psprintf(&b->pool, "%s%s",
                                  ngxl_debug_dir(&b->pool, b->path), base + 1);
    }

    for (i = 0; i < n; i++) {
        d.fd = -1;
        d.elf = NULL;

        if (ngxl_debug_try(b, cand[i], 0, 0, &d) == NGXL_OK) {
            *elf = d.elf;
            *fd = d.fd;
            return NGXL_OK;
        }
    }

    return NGXL_ERROR;
}
