/*
 * ngxlint: hot, unindexed variables and the directives that index them.
 */

#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "variables.h"
#include "../fix/edit.h"


unsigned
ngxl_lua_weight(const ngxl_lua_access_t *a)
{
    unsigned  loops;

    loops = a->loops > 3 ? 3 : a->loops;

    return 1u << (2 * loops);
}


static int
ngxl_lua_hot_cmp(const void *one, const void *two)
{
    const ngxl_lua_hot_t  *a, *b;

    a = *(ngxl_lua_hot_t * const *) one;
    b = *(ngxl_lua_hot_t * const *) two;

    if (a->score != b->score) {
        return a->score > b->score ? -1 : 1;
    }

    return strcmp(a->name, b->name);
}


/*
 * a name nginx reads after "$" whole ([A-Za-z0-9_]): only such a name can
 * be indexed by a directive ("$a-b" is "$a" and "-b"); ngx.var["a-b"]
 * looks up a variable that cannot exist
 */

static int
ngxl_lua_var_name_ok(const char *name)
{
    const char  *c;

    for (c = name; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
              || (*c >= '0' && *c <= '9') || *c == '_'))
        {
            return 0;
        }
    }

    return c != name;
}


void
ngxl_lua_hot_vars(const ngxl_lua_project_t *p, ngxl_vec_t *out)
{
    size_t              i;
    uint32_t            phases;
    ngxl_hmap_t         by_name;
    ngxl_lua_hot_t     *h;
    ngxl_lua_access_t  *a;

    ngxl_hmap_init(&by_name, 0);

    for (i = 0; i < p->scan.accesses.n; i++) {
        a = p->scan.accesses.elts[i];

        if (a->name == NULL
            || (a->kind != NGXL_VAR_READ && a->kind != NGXL_VAR_WRITE)
            || !ngxl_lua_var_name_ok(a->name))
        {
            continue;
        }

        phases = ngxl_lua_access_phases(p, a);

        if (!(phases & NGXL_PHASE_PER_REQUEST)
            || ngxl_lua_indexed(p, a->name) != NULL)
        {
            continue;
        }

        h = ngxl_hmap_get(&by_name, a->name, strlen(a->name));

        if (h == NULL) {
            h = calloc(1, sizeof(ngxl_lua_hot_t));
            if (h == NULL) {
                ngxl_oom();
            }

            h->name = a->name;
            h->known = ngxl_nginx_variable_known(h->name, strlen(h->name));
            ngxl_hmap_put(&by_name, h->name, strlen(h->name), h);
            ngxl_vec_push(out, h);
        }

        h->score += ngxl_lua_weight(a);
        h->phases |= phases;

        if (a->kind == NGXL_VAR_WRITE) {
            h->writes++;
        } else {
            h->reads++;
        }

        if (h->hottest == NULL
            || ngxl_lua_weight(a) > ngxl_lua_weight(h->hottest))
        {
            h->hottest = a;
        }

        ngxl_vec_push(&h->places, a);
    }

    ngxl_hmap_free(&by_name);

    if (out->n > 1) {
        qsort(out->elts, out->n, sizeof(void *), ngxl_lua_hot_cmp);
    }
}


void
ngxl_lua_hot_free(ngxl_vec_t *hot)
{
    size_t           i;
    ngxl_lua_hot_t  *h;

    for (i = 0; i < hot->n; i++) {
        h = hot->elts[i];
        ngxl_vec_free(&h->places);
        free(h);
    }

    ngxl_vec_free(hot);
}


int
ngxl_lua_kong_dialect(const ngxl_lua_project_t *p, int dialect)
{
    /* 1: var_index, 2: Kong's; else whatever the configuration uses */
    return dialect == 2 || (dialect == 0 && p->kong);
}


char *
ngxl_lua_index_text(ngxl_pool_t *pool, const ngxl_vec_t *hot, int kong,
    const char *indent)
{
    size_t           i, n;
    char            *s;
    ngxl_buf_t       b;
    ngxl_lua_hot_t  *h;

    ngxl_buf_init(&b);

    if (!kong) {
        ngxl_buf_adds(&b, "var_index");
    }

    for (i = 0, n = 0; i < hot->n; i++) {
        h = hot->elts[i];

        if (!h->known) {
            continue;
        }

        if (kong) {
            ngxl_buf_printf(&b, "%s%slua_kong_load_var_index $%s;",
                            n ? "\n" : "", n ? indent : "", h->name);
            n++;
        } else {
            ngxl_buf_printf(&b, " $%s", h->name);
            n++;
        }
    }

    if (!kong) {
        ngxl_buf_addc(&b, ';');
    }

    if (n == 0 && !kong) {
        /* none to index: not even an empty directive */
        b.len = 0;
    }

    s = ngxl_pstrndup(pool, b.data ? b.data : "", b.len);
    ngxl_buf_free(&b);

    return s;
}


int
ngxl_lua_index_edit(const ngxl_lua_project_t *p, ngxl_pool_t *pool,
    const ngxl_vec_t *hot, int kong, ngxl_edit_t *e)
{
    size_t              i;
    ngxl_buf_t          b;
    const ngxl_dir_t   *d, *last;

    if (p->http == NULL || !p->http->closed || hot->n == 0) {
        return NGXL_ERROR;
    }

    /* merge with the last var_index of the http block itself */

    last = NULL;

    for (i = 0; i < p->var_index.n; i++) {
        d = p->var_index.elts[i];

        if (d->parent == p->http && d->inst == p->http->inst) {
            last = d;
        }
    }

    for (i = 0; i < hot->n; i++) {
        if (((ngxl_lua_hot_t *) hot->elts[i])->known) {
            break;
        }
    }

    if (i == hot->n) {
        return NGXL_ERROR;          /* nothing nginx could index */
    }

    if (last && !kong) {
        ngxl_buf_init(&b);

        for (i = 0; i < hot->n; i++) {
            if (((ngxl_lua_hot_t *) hot->elts[i])->known) {
                ngxl_buf_printf(&b, " $%s",
                                ((ngxl_lua_hot_t *) hot->elts[i])->name);
            }
        }

        memset(e, 0, sizeof(ngxl_edit_t));
        e->file = last->inst->file->path;
        e->off = last->term;
        e->text = ngxl_pstrndup(pool, b.data, b.len);
        ngxl_buf_free(&b);
        ngxl_edit_locate(last->inst->file, e);

        return NGXL_OK;
    }

    ngxl_edit_block_end(pool, p->http,
                        ngxl_lua_index_text(pool, hot, kong,
                            ngxl_edit_child_indent(pool, p->http)),
                        e);

    return NGXL_OK;
}
