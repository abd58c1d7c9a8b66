/*
 * ngxlint: the command-line tool's shared state.
 *
 * cmd/ owns argv, stdout, stderr and exit codes, and nothing else: every
 * judgement is lib/'s.
 */

#ifndef NGXL_CMD_CLI_H
#define NGXL_CMD_CLI_H

#include <stdio.h>

#include "../lib/check.h"


#ifndef NGXL_VERSION
#define NGXL_VERSION  "0.0.0-dev"
#endif

#define NGXL_EXIT_OK        0
#define NGXL_EXIT_FINDINGS  1
#define NGXL_EXIT_ERROR     2

#define NGXL_FMT_TEXT    0
#define NGXL_FMT_JSON    1
#define NGXL_FMT_SARIF   2
#define NGXL_FMT_GITHUB  3

#define NGXL_MODE_CONF    0
#define NGXL_MODE_DETECT  1
#define NGXL_MODE_BIN     2


typedef struct {
    const char         *cmd;
    int                 format;
    ngxl_severity_t     fail_on;
    int                 color;            /* -1 auto, 0, 1 */
    unsigned            quiet:1;
    unsigned            strict:1;
    unsigned            single_file:1;
    unsigned            comments:1;
    unsigned            combine:1;
    unsigned            fix:1;
    unsigned            write:1;
    unsigned            list_cus:1;
    unsigned            list_accesses:1;
    unsigned            with_lua:1;       /* detect: Lua rules on configs */
    unsigned            emit_index:1;
    unsigned            hot_threshold;
    int                 dialect;
    unsigned            conf_checked:1;   /* the nginx version mattered */
    unsigned            debuginfod:1;
    unsigned            no_pch:1;         /* src: --no-pch               */
    unsigned            jobs;             /* src: -j N, 0: the cores     */
    int                 indent;
    unsigned            keepalive;
    const char         *backup;
    const char         *nginx_version;
    const char         *nginx_bin;
    ngxl_version_t      version;
    char                version_source[512];
    const char         *prefix;
    const char         *context;
    const char         *from_dump;
    ngxl_vec_t          debug_dirs;       /* char *: --debug-dir */
    ngxl_vec_t          binaries;         /* json_t *: --list-cus */
    ngxl_vec_t          projects;         /* ngxl_lua_project_t *        */
    ngxl_vec_t          lua_paths;        /* detect: .lua files and dirs */
    ngxl_buf_t          cu_table;         /* --list-cus, as text */
    ngxl_vec_t          skip;             /* char *: path globs          */
    ngxl_vec_t          severities;       /* char *: rule, severity, ... */
    ngxl_vec_t          owned;            /* char *: ours to free        */
    const char         *baseline;         /* --baseline FILE             */
    unsigned            update_baseline:1;
    unsigned            configured:1;     /* defaults set before config */
    double              sample;           /* audit: --sample SECONDS     */
    const char         *status_url;       /* audit: --status-url URL     */
    const char         *host;             /* audit: the host, for json   */
    ngxl_vec_t          enable;           /* char * rule ids */
    ngxl_vec_t          disable;
    ngxl_vec_t          ignore;
    ngxl_vec_t          paths;
} ngxl_cli_t;


/* config.c: .ngxlint.conf, before the command line */
int ngxl_cli_config(ngxl_cli_t *cli, int argc, char **argv);

/* main.c */
int ngxl_cli_version(ngxl_cli_t *cli);
int ngxl_cli_rules(ngxl_cli_t *cli, ngxl_rule_use_t **use, size_t *nuse);

/* output.c */
int ngxl_cli_skipped(ngxl_cli_t *cli, const char *path);
void ngxl_cli_write(ngxl_buf_t *out);
int ngxl_cli_report(ngxl_cli_t *cli, ngxl_diags_t *ds, int failed);
void ngxl_cli_list_cus(ngxl_cli_t *cli);

/* conf.c */
int ngxl_cli_conf_opts(ngxl_cli_t *cli, ngxl_conf_opts_t *co,
    ngxl_buf_t *dump);
void ngxl_cli_check_opts(ngxl_cli_t *cli, ngxl_check_opts_t *ko);
int ngxl_cli_fix_one(ngxl_cli_t *cli, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse);
/* says how many temporary files of killed runs --write removed */
void ngxl_cli_swept(ngxl_cli_t *cli, size_t swept);
int ngxl_cli_conf_one(ngxl_cli_t *cli, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse,
    ngxl_diags_t *ds, ngxl_vec_t *confs);
int ngxl_cli_parse_cmd(ngxl_cli_t *cli);

/* bin.c */
int ngxl_cli_bin_one(ngxl_cli_t *cli, const char *path,
    const ngxl_rule_use_t *use, size_t nuse, ngxl_diags_t *ds);

/* lua.c */
int ngxl_cli_lua(ngxl_cli_t *cli);

/* audit.c */
int ngxl_cli_audit(ngxl_cli_t *cli);

/* src.c */
int ngxl_cli_src(ngxl_cli_t *cli);

/* check.c */
int ngxl_cli_check(ngxl_cli_t *cli, int mode);

#endif /* NGXL_CMD_CLI_H */
