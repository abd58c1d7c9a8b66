/*
 * ngxlint: the http variables that nginx and its usual modules define
 * (lib/lua/variables.def), for the names a var_index directive may carry.
 */

#ifndef NGXL_LUA_VARIABLES_H
#define NGXL_LUA_VARIABLES_H

#include <stddef.h>


/*
 * 1 when NAME (LEN bytes, lower case, no "$") is defined by nginx or one
 * of its usual modules, or starts with one of their prefixes ("http_",
 * "arg_", ...) and has at least one character after it; 0 otherwise.
 * Variables that the configuration creates (set, map, ...) are not known
 * here.
 */
int ngxl_nginx_variable_known(const char *name, size_t len);

#endif /* NGXL_LUA_VARIABLES_H */
