/*
 * ngxlint: which variables Lua reads per request without an index, how hot
 * each is, and the directives that index them.
 */

#ifndef NGXL_LUA_INDEX_H
#define NGXL_LUA_INDEX_H

#include "project.h"
#include "../diag/diag.h"


typedef struct {
    char               *name;
    unsigned            score;      /* per-request weight of its accesses */
    uint32_t            phases;
    unsigned            reads;
    unsigned            writes;
    ngxl_lua_access_t  *hottest;
    unsigned            known:1;    /* nginx defines it: it can be indexed */
    ngxl_vec_t          places;     /* ngxl_lua_access_t *, in order      */
} ngxl_lua_hot_t;


/* the weight of one access: 1, times 4 for each loop around it (to 64) */
unsigned ngxl_lua_weight(const ngxl_lua_access_t *a);

/* the unindexed variables accessed per request, hottest first */
void ngxl_lua_hot_vars(const ngxl_lua_project_t *p, ngxl_vec_t *out);
void ngxl_lua_hot_free(ngxl_vec_t *hot);

/* whether the Kong dialect is the one to emit */
int ngxl_lua_kong_dialect(const ngxl_lua_project_t *p, int dialect);

/*
 * the directives for the variables of HOT that nginx knows (an index of an
 * unknown name stops nginx from starting): "var_index $a $b;" or
 * "lua_kong_load_var_index $a;" lines
 */
char *ngxl_lua_index_text(ngxl_pool_t *pool, const ngxl_vec_t *hot, int kong,
    const char *indent);

/*
 * The edit that puts them in the main configuration's http block: names
 * appended to its last var_index, or new lines before its "}".
 * NGXL_ERROR when there is no http block to put them in.
 */
int ngxl_lua_index_edit(const ngxl_lua_project_t *p, ngxl_pool_t *pool,
    const ngxl_vec_t *hot, int kong, ngxl_edit_t *e);

#endif /* NGXL_LUA_INDEX_H */
