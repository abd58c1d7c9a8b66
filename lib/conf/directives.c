/*
 * ngxlint: the directive table and its look-ups.
 */


#include <string.h>

#include "directives.h"


#define NGXL_CONF_MAX_ARGS  8    /* NGX_CONF_MAX_ARGS: the name included */


const ngxl_dirdef_t  ngxl_dirdefs[] = {
#define D(n, m, c, a, b)  { n, m, c, a, b },
#include "directives.def"
#undef D
};

const size_t  ngxl_ndirdefs = sizeof(ngxl_dirdefs) / sizeof(ngxl_dirdefs[0]);


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
 * Compares the NUL-terminated NAME with the LEN bytes of KEY as byte
 * strings (strcmp order): a proper prefix sorts first.
 */

static int
ngxl_dirdef_cmp(const char *name, const char *key, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {

        if (name[i] == '\0') {
            return -1;
        }

        if (name[i] != key[i]) {
            return (unsigned char) name[i] < (unsigned char) key[i] ? -1 : 1;
        }
    }

    return name[len] == '\0' ? 0 : 1;
}


const ngxl_dirdef_t *
ngxl_dirdef_first(const char *name, size_t len)
{
    size_t  lo, hi, mid;

    if (name == NULL) {
        return NULL;
    }

    /* the lower bound: the first row not less than the key */

    lo = 0;
    hi = ngxl_ndirdefs;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (ngxl_dirdef_cmp(ngxl_dirdefs[mid].name, name, len) < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    if (lo < ngxl_ndirdefs
        && ngxl_dirdef_cmp(ngxl_dirdefs[lo].name, name, len) == 0)
    {
        return &ngxl_dirdefs[lo];
    }

    return NULL;
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
