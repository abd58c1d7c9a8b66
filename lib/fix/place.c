/*
 * ngxlint: placing new directives.
 */

#include <string.h>
#include <strings.h>

#include "place.h"


char *
ngxl_place_carry(ngxl_pool_t *pool, const ngxl_pass_t *p,
    const ngxl_vec_t *dirs, const char *skip, const char *last)
{
    size_t             i, n;
    char              *indent, *s;
    ngxl_buf_t         b;
    const ngxl_dir_t  *d;

    indent = ngxl_edit_child_indent(pool, p->location->dir);
    n = skip ? strlen(skip) : 0;

    ngxl_buf_init(&b);

    for (i = 0; i < dirs->n; i++) {
        d = dirs->elts[i];

        if (skip && d->nargs > 1 && d->args[1].vlen == n
            && strncasecmp(d->args[1].value, skip, n) == 0)
        {
            continue;
        }

        ngxl_buf_adds(&b, ngxl_edit_text(pool, d));
        ngxl_buf_adds(&b, "\n");
        ngxl_buf_adds(&b, indent);
    }

    ngxl_buf_adds(&b, last);

    s = ngxl_pstrndup(pool, b.data, b.len);
    ngxl_buf_free(&b);

    return s;
}


int
ngxl_place_own(const ngxl_mblock_t *b, const ngxl_dir_t *d)
{
    return b->dir && d->inst == b->dir->inst && d->parent == b->dir;
}


int
ngxl_place_in_location(ngxl_pool_t *pool, const ngxl_pass_t *p,
    const ngxl_dir_t *after, const char *text, ngxl_edit_t *e)
{
    size_t               i;
    const ngxl_dir_t    *d;
    const ngxl_mblock_t *loc;

    loc = p->location;

    if (loc->dir == NULL || !loc->dir->closed) {
        return NGXL_ERROR;
    }

    if (after && ngxl_place_own(loc, after)) {
        ngxl_edit_after(pool, after, text, e);
        return NGXL_OK;
    }

    for (i = 0; i < loc->dirs.n; i++) {
        d = loc->dirs.elts[i];

        if ((ngxl_dir_is(d, "proxy_pass") || ngxl_dir_is(d, "fastcgi_pass")
             || ngxl_dir_is(d, "grpc_pass"))
            && ngxl_place_own(loc, d))
        {
            ngxl_edit_after(pool, d, text, e);
            return NGXL_OK;
        }
    }

    ngxl_edit_block_end(pool, loc->dir, text, e);

    return NGXL_OK;
}


int
ngxl_place_scalar(ngxl_pool_t *pool, const ngxl_pass_t *p,
    const ngxl_dir_t *current, const char *name, const char *value,
    ngxl_edit_t *e)
{
    if (current && current->nargs == 2 && ngxl_place_own(p->location, current))
    {
        ngxl_edit_token(current->inst->file, &current->args[1],
                        ngxl_pstrndup(pool, value, strlen(value)), e);
        return NGXL_OK;
    }

    return ngxl_place_in_location(pool, p, NULL,
                                  ngxl_psprintf(pool, "%s %s;", name, value),
                                  e);
}
