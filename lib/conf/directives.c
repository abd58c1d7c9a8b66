/*
 * ngxlint: the directive table and its look-ups.
 */


#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "directives.h"


#define NGXL_CONF_MAX_ARGS  8    /* NGX_CONF_MAX_ARGS: the name included */


const ngxl_dirdef_t  ngxl_dirdefs[] = {
#define D(n, m, c, a, b)  { n, m, c, a, b },
#include "directives.def"
#undef D
};

const size_t  ngxl_ndirdefs = sizeof(ngxl_dirdefs) / sizeof(ngxl_dirdefs[0]);


static const char  *ngxl_dirdef_once_names[] = {
#define O(n)  n,
#include "once.def"
#undef O
};


/* argument_number[] of src/core/ngx_conf_file.c */

static const uint32_t  ngxl_argument_number[] = {
    NGXL_NOARGS,
    NGXL_TAKE1,
    NGXL_TAKE2,
    NGXL_TAKE3,
    NGXL_TAKE4,
    NGXL_TAKE5,
    NGXL_TAKE6,
    NGXL_TAKE7
};


/*
 * An index of the first row of each name, made on the first look-up (a
 * configuration looks up every directive it has: 700,000 on a large tree).
 */

static ngxl_hmap_t  ngxl_dirdef_index;


const ngxl_dirdef_t *
ngxl_dirdef_first(const char *name, size_t len)
{
    size_t  i;

    if (name == NULL) {
        return NULL;
    }

    if (ngxl_dirdef_index.cap == 0) {
        ngxl_hmap_init(&ngxl_dirdef_index, 0);

        for (i = ngxl_ndirdefs; i > 0; i--) {
            /* from the end, so that the first row of a name stays */
            ngxl_hmap_put(&ngxl_dirdef_index, ngxl_dirdefs[i - 1].name,
                          strlen(ngxl_dirdefs[i - 1].name),
                          (void *) &ngxl_dirdefs[i - 1]);
        }
    }

    return ngxl_hmap_get(&ngxl_dirdef_index, name, len);
}


/* the argument count check of ngx_conf_handler() */

int
ngxl_dirdef_args_ok(const ngxl_dirdef_t *d, size_t nargs)
{
    uint32_t  args;

    args = d->args;

    if (args & NGXL_ARGS_ANY) {
        return 1;
    }

    if (args & NGXL_FLAG) {
        return nargs == 1;
    }

    if (args & NGXL_1MORE) {
        return nargs >= 1;
    }

    if (args & NGXL_2MORE) {
        return nargs >= 2;
    }

    if (nargs >= NGXL_CONF_MAX_ARGS) {
        return 0;
    }

    return (args & ngxl_argument_number[nargs]) != 0;
}


typedef struct {
    const char  *data;
    size_t       len;
} ngxl_dirdef_key_t;


static int
ngxl_dirdef_once_cmp(const void *key, const void *elt)
{
    const ngxl_dirdef_key_t  *k = key;
    const char               *name = *(const char *const *) elt;
    int                       rc;

    rc = strncmp(k->data, name, k->len);

    if (rc == 0 && name[k->len] != '\0') {
        return -1;      /* a prefix of NAME sorts before it */
    }

    return rc;
}


int
ngxl_dirdef_once(const char *name, size_t len)
{
    ngxl_dirdef_key_t  key;

    if (name == NULL || len == 0 || memchr(name, '\0', len) != NULL) {
        return 0;
    }

    key.data = name;
    key.len = len;

    return bsearch(&key, ngxl_dirdef_once_names,
                   sizeof(ngxl_dirdef_once_names) / sizeof(char *),
                   sizeof(char *), ngxl_dirdef_once_cmp) != NULL;
}
