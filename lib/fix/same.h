/*
 * ngxlint: what a fix may change, and what it must keep (the property the
 * tests and the fuzzer hold every fix to).
 *
 * The effective configuration of every server and location of two
 * versions of a configuration, with nginx's inheritance and defaults
 * applied:
 *   - every directive a location inherits or sets (array-like ones as the
 *     whole level that takes effect);
 *   - proxy_pass as the servers it reaches (an upstream's server lines, or
 *     the literal address), not as the name it uses;
 *   - the Host header as sent ($proxy_host when not set), the default
 *     proxy_redirect spelled out, proxy_ssl_name's default.
 * The fixes may change: proxy_http_version to 1.1, Connection to "",
 * fastcgi_keep_conn to on, an upstream's keepalive (not compared: upstream
 * blocks), the new upstream of a literal address (the same servers), and
 * the index directives (var_index, lua_kong_load_var_index).
 */

#ifndef NGXL_FIX_SAME_H
#define NGXL_FIX_SAME_H

#include "../model/model.h"


typedef struct {
    ngxl_conf_t    conf;
    ngxl_model_t   model;
    ngxl_vec_t     lines;       /* "KEY\tNAME\tVALUE" strings */
} ngxl_same_t;


/* reads PATH (OPTS as for ngxl_conf_parse()); NGXL_ERROR if it does not parse */
int ngxl_same_load(ngxl_same_t *s, const char *path,
    const ngxl_conf_opts_t *opts);

/*
 * Each setting of BEFORE that AFTER lost, and each that AFTER added, that
 * no fix is meant to change, into REPORT as "lost:  LINE" or "added: LINE"
 * (malloc()ed strings); returns how many.
 */
size_t ngxl_same_diff(const ngxl_same_t *before, const ngxl_same_t *after,
    ngxl_vec_t *report);

void ngxl_same_free(ngxl_same_t *s);

#endif /* NGXL_FIX_SAME_H */
