/*
 * ngxlint: the Lua of a deployment: the code in the configuration (blocks,
 * strings, *_by_lua_file), the project's modules (lua_package_path), and
 * paths given; the phase each runs in, followed through require; and the
 * variables nginx already indexes.
 */

#ifndef NGXL_LUA_PROJECT_H
#define NGXL_LUA_PROJECT_H

#include "../conf/conf.h"
#include "../diag/diag.h"
#include "lua.h"


typedef struct {
    char               *path;        /* the file the code is in           */
    char               *module;      /* "gateway.auth", or NULL           */
    uint32_t            phases;      /* where the chunk itself runs       */
    uint32_t            inherited;   /* modules: phases of their requirers */
    const ngxl_dir_t   *dir;         /* the directive, for config code    */
    const char         *data;        /* a file's bytes, once read         */
    size_t              len;
    unsigned            from_conf:1; /* a block or a string in the config */
    unsigned            scanned:1;
} ngxl_lua_chunk_t;


typedef struct {
    ngxl_pool_t         pool;
    ngxl_lua_scan_t     scan;
    ngxl_vec_t          chunks;      /* ngxl_lua_chunk_t *                */
    ngxl_hmap_t         by_path;     /* path: chunk                       */
    ngxl_hmap_t         by_module;   /* module name: chunk                */
    ngxl_hmap_t         indexed;     /* variable name (lower case): "why" */
    ngxl_vec_t          files;       /* ngxl_buf_t *: files read          */
    ngxl_vec_t          search;      /* char *: lua_package_path patterns */
    const ngxl_dir_t   *http;        /* the main http block               */
    ngxl_vec_t          var_index;   /* const ngxl_dir_t *: in http       */
    unsigned            kong:1;      /* lua_kong_load_var_index is used   */
    char               *prefix;      /* with a trailing "/"               */
    ngxl_vec_t          problems;    /* char *: files that could not be read */
} ngxl_lua_project_t;


/*
 * Gathers and scans the Lua of CONF (may be NULL) and of PATHS (files or
 * directories of .lua files).  PREFIX: nginx's prefix for relative paths
 * (NULL: the configuration's directory, or the current one).
 */
int ngxl_lua_project(ngxl_lua_project_t *p, const ngxl_conf_t *conf,
    char *const *paths, size_t npaths, const char *prefix);
void ngxl_lua_project_free(ngxl_lua_project_t *p);

/* the phases an access runs in (its chunk's, or a module function's) */
uint32_t ngxl_lua_access_phases(const ngxl_lua_project_t *p,
    const ngxl_lua_access_t *a);

/* gives DS the Lua files' text, for quoting their lines */
void ngxl_lua_sources(const ngxl_lua_project_t *p, ngxl_diags_t *ds);

/* whether nginx already has NAME indexed, and why ("set", "log_format") */
const char *ngxl_lua_indexed(const ngxl_lua_project_t *p, const char *name);

#endif /* NGXL_LUA_PROJECT_H */
