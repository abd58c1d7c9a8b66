/*
 * ngxlint: crossplane's JSON payload of a parsed configuration.
 */

#ifndef NGXL_CONF_CROSSPLANE_H
#define NGXL_CONF_CROSSPLANE_H

#include <jansson.h>

#include "conf.h"

typedef struct {
    unsigned      comments:1;   /* --include-comments                  */
    unsigned      combine:1;    /* --combine: one config, includes inlined */
    unsigned      strict:1;     /* --strict: unknown directives are errors */
    unsigned      single:1;     /* --single-file: no "includes" keys    */
    const char  **ignore;       /* --ignore: directives left out        */
    size_t        nignore;
} ngxl_xp_opts_t;

json_t *ngxl_conf_crossplane(const ngxl_conf_t *conf,
    const ngxl_xp_opts_t *opts);

#endif /* NGXL_CONF_CROSSPLANE_H */
