/*
 * ngxlint: where a fix puts a new directive so that it takes effect.
 */

#ifndef NGXL_FIX_PLACE_H
#define NGXL_FIX_PLACE_H

#include "../model/model.h"
#include "edit.h"


/*
 * A new directive TEXT for the location of pass P.  Directives such as
 * proxy_http_version are not allowed inside "if", so a pass inside "if" or
 * limit_except is fixed in its location.  One place per location (after its
 * first pass directive of its own file, else before its "}"), so that fixes
 * for two passes of one location merge.  AFTER, when not NULL, is a
 * directive of the location to follow instead (e.g. its last
 * proxy_set_header).  Returns NGXL_ERROR when the location cannot be
 * edited (its block was never closed).
 */
int ngxl_place_in_location(ngxl_pool_t *pool, const ngxl_pass_t *p,
    const ngxl_dir_t *after, const char *text, ngxl_edit_t *e);

/*
 * The lines that carry inherited directives DIRS over into the location of
 * P (a location's own proxy_set_header drops every inherited one): each
 * directive's text on its own line at the location's indentation, those
 * whose first argument is SKIP (case-insensitive, may be NULL) left out,
 * then LAST.
 */
char *ngxl_place_carry(ngxl_pool_t *pool, const ngxl_pass_t *p,
    const ngxl_vec_t *dirs, const char *skip, const char *last);

/*
 * A scalar directive NAME VALUE for the location of pass P, where CURRENT
 * (may be NULL) is the effective one: changed in place when it stands in
 * the location itself, else a new line in the location (one inherited from
 * an outer level is left alone: other locations may rely on it).
 */
int ngxl_place_scalar(ngxl_pool_t *pool, const ngxl_pass_t *p,
    const ngxl_dir_t *current, const char *name, const char *value,
    ngxl_edit_t *e);

/* whether directive D stands in block B's own file (not in an include) */
int ngxl_place_own(const ngxl_mblock_t *b, const ngxl_dir_t *d);

#endif /* NGXL_FIX_PLACE_H */
