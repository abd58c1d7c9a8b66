/*
 * ngxlint: reading the output of `nginx -T`.
 *
 * nginx writes every file of the configuration as
 *     # configuration file PATH:\n  CONTENT  \n
 * (ngx_main() in src/core/nginx.c), each file once.  The split keeps each
 * file's bytes exactly, without the line feed nginx adds after it.
 */

#include <string.h>

#include "conf.h"


#define NGXL_DUMP_HEAD  "# configuration file "


static const char *
ngxl_dump_header(const char *p, const char *last, const char **path,
    size_t *plen)
{
    size_t       n;
    const char  *eol;

    n = sizeof(NGXL_DUMP_HEAD) - 1;

    if ((size_t) (last - p) < n || memcmp(p, NGXL_DUMP_HEAD, n) != 0) {
        return NULL;
    }

    eol = memchr(p, '\n', (size_t) (last - p));
    if (eol == NULL || eol - p < (ptrdiff_t) n + 2 || eol[-1] != ':') {
        return NULL;
    }

    *path = p + n;
    *plen = (size_t) (eol - 1 - *path);

    return eol + 1;
}


int
ngxl_conf_dump_split(ngxl_pool_t *pool, const char *dump, size_t len,
    ngxl_dump_file_t **files, size_t *nfiles)
{
    size_t             n, cap, plen;
    const char        *p, *last, *body, *path, *next;
    ngxl_dump_file_t  *f, *nf;

    p = dump;
    last = dump + len;

    /* anything before the first header (nginx's own messages) is skipped */

    while (p < last && ngxl_dump_header(p, last, &path, &plen) == NULL) {
        p = memchr(p, '\n', (size_t) (last - p));
        if (p == NULL) {
            return NGXL_ERROR;
        }
        p++;
    }

    if (p >= last) {
        return NGXL_ERROR;
    }

    f = NULL;
    n = 0;
    cap = 0;

    while (p < last) {
        body = ngxl_dump_header(p, last, &path, &plen);

        /* the next header starts a line at or after the body */

        for (next = body; next < last; /* void */) {
            if (ngxl_dump_header(next, last, &(const char *) { NULL },
                                 &(size_t) { 0 })
                != NULL)
            {
                break;
            }

            next = memchr(next, '\n', (size_t) (last - next));
            next = next ? next + 1 : last;
        }

        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            nf = ngxl_palloc(pool, cap * sizeof(ngxl_dump_file_t));
            if (n) {
                memcpy(nf, f, n * sizeof(ngxl_dump_file_t));
            }
            f = nf;
        }

        f[n].path = ngxl_pstrndup(pool, path, plen);
        f[n].len = (size_t) (next - body);

        /* nginx adds one line feed after each file */

        if (f[n].len && body[f[n].len - 1] == '\n') {
            f[n].len--;
        }

        f[n].data = ngxl_pstrndup(pool, body, f[n].len);
        n++;

        p = next;
    }

    *files = f;
    *nfiles = n;

    return NGXL_OK;
}
