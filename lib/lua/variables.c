/*
 * ngxlint: the http variables that nginx and its usual modules define.
 */

#include <string.h>

#include "variables.h"


typedef struct {
    const char  *name;
    size_t       len;
} ngxl_var_name_t;


/* the rows of variables.def, split by their prefix flag at compile time */

#define NGXL_VAR_EXACT_0(name)   { name, sizeof(name) - 1 },
#define NGXL_VAR_EXACT_1(name)
#define NGXL_VAR_PREFIX_0(name)
#define NGXL_VAR_PREFIX_1(name)  { name, sizeof(name) - 1 },

static const ngxl_var_name_t  ngxl_var_exact[] = {
#define V(name, prefix)  NGXL_VAR_EXACT_##prefix(name)
#include "variables.def"
#undef V
};

static const ngxl_var_name_t  ngxl_var_prefixes[] = {
#define V(name, prefix)  NGXL_VAR_PREFIX_##prefix(name)
#include "variables.def"
#undef V
};

#define ngxl_nelts(a)  (sizeof(a) / sizeof((a)[0]))


/* strcmp order of NAME (LEN bytes, no NUL needed) against an entry */

static int
ngxl_var_cmp(const char *name, size_t len, const ngxl_var_name_t *v)
{
    int  rc;

    rc = memcmp(name, v->name, len < v->len ? len : v->len);

    if (rc != 0) {
        return rc;
    }

    if (len == v->len) {
        return 0;
    }

    return len < v->len ? -1 : 1;
}


static int
ngxl_var_exact_known(const char *name, size_t len)
{
    int     rc;
    size_t  lo, hi, mid;

    lo = 0;
    hi = ngxl_nelts(ngxl_var_exact);

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        rc = ngxl_var_cmp(name, len, &ngxl_var_exact[mid]);

        if (rc == 0) {
            return 1;
        }

        if (rc < 0) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    return 0;
}


static int
ngxl_var_prefix_known(const char *name, size_t len)
{
    size_t                  i;
    const ngxl_var_name_t  *p;

    for (i = 0; i < ngxl_nelts(ngxl_var_prefixes); i++) {
        p = &ngxl_var_prefixes[i];

        if (len > p->len && memcmp(name, p->name, p->len) == 0) {
            return 1;
        }
    }

    return 0;
}


int
ngxl_nginx_variable_known(const char *name, size_t len)
{
    if (name == NULL || len == 0) {
        return 0;
    }

    return ngxl_var_exact_known(name, len) || ngxl_var_prefix_known(name, len);
}
