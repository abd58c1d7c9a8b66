/*
 * ngxlint: the rule registry.  A new rule is one line here.
 */

#include <string.h>

#include "registry.h"


extern const ngxl_rule_t  ngxl_rule_conf_syntax;
extern const ngxl_rule_t  ngxl_rule_conf_include;
extern const ngxl_rule_t  ngxl_rule_conf_directive;
extern const ngxl_rule_t  ngxl_rule_upstream_keepalive;
extern const ngxl_rule_t  ngxl_rule_keepalive_http_version;
extern const ngxl_rule_t  ngxl_rule_keepalive_connection_header;
extern const ngxl_rule_t  ngxl_rule_keepalive_fastcgi_keep_conn;
extern const ngxl_rule_t  ngxl_rule_keepalive_balancer_order;
extern const ngxl_rule_t  ngxl_rule_proxy_pass_literal_address;
extern const ngxl_rule_t  ngxl_rule_keepalive_unresolved_target;
extern const ngxl_rule_t  ngxl_rule_bin_unoptimized;
extern const ngxl_rule_t  ngxl_rule_bin_mixed_optimization;
extern const ngxl_rule_t  ngxl_rule_bin_debug_logging;
extern const ngxl_rule_t  ngxl_rule_bin_sanitizer;
extern const ngxl_rule_t  ngxl_rule_bin_instrumented;
extern const ngxl_rule_t  ngxl_rule_bin_hardening;
extern const ngxl_rule_t  ngxl_rule_bin_no_build_info;
extern const ngxl_rule_t  ngxl_rule_lua_syntax;
extern const ngxl_rule_t  ngxl_rule_ngxlint_suppression;
extern const ngxl_rule_t  ngxl_rule_lua_unindexed_var;
extern const ngxl_rule_t  ngxl_rule_lua_dynamic_var;
extern const ngxl_rule_t  ngxl_rule_lua_cosocket_no_keepalive;
extern const ngxl_rule_t  ngxl_rule_src_unoptimized;
extern const ngxl_rule_t  ngxl_rule_src_optimization_mixed;
extern const ngxl_rule_t  ngxl_rule_src_instrumented;
extern const ngxl_rule_t  ngxl_rule_src_unindexed_var;
extern const ngxl_rule_t  ngxl_rule_live_connection_churn;
extern const ngxl_rule_t  ngxl_rule_live_var_index_misses;
extern const ngxl_rule_t  ngxl_rule_live_unreadable;


const ngxl_rule_t  *ngxl_rules[] = {
    &ngxl_rule_conf_syntax,
    &ngxl_rule_conf_include,
    &ngxl_rule_conf_directive,
    &ngxl_rule_upstream_keepalive,
    &ngxl_rule_keepalive_http_version,
    &ngxl_rule_keepalive_connection_header,
    &ngxl_rule_keepalive_fastcgi_keep_conn,
    &ngxl_rule_keepalive_balancer_order,
    &ngxl_rule_proxy_pass_literal_address,
    &ngxl_rule_keepalive_unresolved_target,
    &ngxl_rule_bin_unoptimized,
    &ngxl_rule_bin_mixed_optimization,
    &ngxl_rule_bin_debug_logging,
    &ngxl_rule_bin_sanitizer,
    &ngxl_rule_bin_instrumented,
    &ngxl_rule_bin_hardening,
    &ngxl_rule_bin_no_build_info,
    &ngxl_rule_lua_syntax,
    &ngxl_rule_lua_unindexed_var,
    &ngxl_rule_lua_dynamic_var,
    &ngxl_rule_lua_cosocket_no_keepalive,
    &ngxl_rule_src_unoptimized,
    &ngxl_rule_src_optimization_mixed,
    &ngxl_rule_src_instrumented,
    &ngxl_rule_src_unindexed_var,
    &ngxl_rule_live_connection_churn,
    &ngxl_rule_live_var_index_misses,
    &ngxl_rule_live_unreadable,
    &ngxl_rule_ngxlint_suppression,
    NULL
};


/* generated from rules/\*.md by tools/embed.c */
typedef struct {
    const char  *name;
    const char  *text;
} ngxl_embedded_t;

extern const ngxl_embedded_t  ngxl_rule_docs[];


const ngxl_rule_t *
ngxl_rule_find(const char *id)
{
    size_t  i;

    for (i = 0; ngxl_rules[i]; i++) {
        if (strcmp(ngxl_rules[i]->id, id) == 0) {
            return ngxl_rules[i];
        }
    }

    return NULL;
}


const char *
ngxl_rule_doc(const char *id)
{
    size_t  i;

    for (i = 0; ngxl_rule_docs[i].name; i++) {
        if (strcmp(ngxl_rule_docs[i].name, id) == 0) {
            return ngxl_rule_docs[i].text;
        }
    }

    return NULL;
}
