/*
 * ngxlint: what a rule is, and what it is given.
 *
 * A rule is one file in rules/ with its doc; it reads the engine's models
 * (a parsed configuration, later binaries and Lua) and reports findings
 * through ngxl_check_report().  Only rules/registry.c lists the rules.
 */

#ifndef NGXL_CHECK_H
#define NGXL_CHECK_H

#include "base/base.h"
#include "conf/conf.h"
#include "diag/diag.h"
#include "fix/edit.h"
#include "model/model.h"
#include "elf/elf.h"
#include "lua/project.h"
#include "csrc/csrc.h"


#define NGXL_INPUT_CONF  0x01
#define NGXL_INPUT_BIN   0x02
#define NGXL_INPUT_LUA   0x04
#define NGXL_INPUT_SRC   0x08
#define NGXL_INPUT_LIVE  0x10
#define NGXL_INPUT_AST   0x20   /* src: reads the parsed C, not just flags */


typedef struct {
    unsigned             strict:1;      /* report unknown directives     */
    ngxl_version_t       version;       /* the nginx the config is for   */
    unsigned             keepalive;     /* N for the keepalive fixes     */
    unsigned             hot_threshold; /* a score this high is a warning */
    int                  dialect;       /* NGXL_DIALECT_*                */
    unsigned             conf_rules:1;  /* run the configuration's rules */
    unsigned             lua_rules:1;   /* ... and the Lua rules         */
    char *const         *lua_paths;     /* .lua files and directories    */
    size_t               nlua_paths;
    const char          *lua_prefix;    /* nginx's prefix (-p), or NULL  */
} ngxl_check_opts_t;

#define NGXL_DIALECT_AUTO      0
#define NGXL_DIALECT_VAR_INDEX 1        /* var_index $a $b;              */
#define NGXL_DIALECT_KONG      2        /* lua_kong_load_var_index $a;   */


typedef struct ngxl_rule_s   ngxl_rule_t;
typedef struct ngxl_check_s  ngxl_check_t;
typedef struct ngxl_audit_s  ngxl_audit_t;     /* lib/audit/audit.h */

struct ngxl_rule_s {
    const char          *id;
    ngxl_severity_t      severity;      /* the default                   */
    const char          *summary;       /* one line, for `ngxlint rules` */
    unsigned             inputs;        /* NGXL_INPUT_*                  */

    void               (*conf)(ngxl_check_t *chk, const ngxl_conf_t *conf);
    void               (*bin)(ngxl_check_t *chk, const ngxl_binary_t *b);
    void               (*lua)(ngxl_check_t *chk, const ngxl_lua_project_t *p);
    void               (*live)(ngxl_check_t *chk, const ngxl_audit_t *a);
    void               (*src)(ngxl_check_t *chk, const ngxl_src_project_t *p);
};

struct ngxl_check_s {
    ngxl_diags_t             *diags;
    const ngxl_rule_t        *rule;
    ngxl_severity_t           severity; /* in force for this rule        */
    const ngxl_check_opts_t  *opts;
    const ngxl_conf_t        *conf;
    ngxl_model_t             *model;    /* see ngxl_check_model()        */
    int                      *built;
    ngxl_pool_t              *pool;     /* for the rule's scratch work   */
    const ngxl_lua_project_t *lua;      /* for Lua rules                 */
};


ngxl_finding_t *ngxl_check_report(ngxl_check_t *chk, const char *file,
    uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col,
    const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* like ngxl_check_report(), at another severity than the rule's */
ngxl_finding_t *ngxl_check_report_sev(ngxl_check_t *chk, ngxl_severity_t sev,
    const char *file, uint32_t line, uint32_t col, uint32_t end_line,
    uint32_t end_col, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));


/* the semantic model of the configuration, built once, when first asked */
ngxl_model_t *ngxl_check_model(ngxl_check_t *chk);

/* adds edit E to finding F (copied) */
void ngxl_check_fix(ngxl_check_t *chk, ngxl_finding_t *f, ngxl_edit_t *e);

/* whether the configuration is for nginx MAJOR.MINOR.PATCH or later */
int ngxl_check_version_ge(const ngxl_check_t *chk, unsigned num);


/* a rule switched on, with the severity it reports at */
typedef struct {
    const ngxl_rule_t   *rule;
    ngxl_severity_t      severity;
} ngxl_rule_use_t;

/* runs every rule in USE that reads configurations over CONF */
void ngxl_check_conf(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    ngxl_diags_t *diags);

/* runs every rule in USE that reads binaries over B */
void ngxl_check_bin(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_binary_t *b,
    ngxl_diags_t *diags);

/* runs every rule in USE that reads Lua over P (CONF: its configuration) */
void ngxl_check_lua(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    const ngxl_lua_project_t *p, ngxl_diags_t *diags);

/*
 * runs every rule in USE that reads a running nginx over A (ngxlint
 * audit); CONF: the configuration it runs, or NULL when unread
 */
void ngxl_check_live(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_conf_t *conf,
    const ngxl_audit_t *a, ngxl_diags_t *diags);

/* runs every rule in USE that reads C sources and builds over P */
void ngxl_check_src(const ngxl_rule_use_t *use, size_t n,
    const ngxl_check_opts_t *opts, const ngxl_src_project_t *p,
    ngxl_diags_t *diags);

#endif /* NGXL_CHECK_H */
