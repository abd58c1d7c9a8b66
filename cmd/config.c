/*
 * ngxlint: the project's own settings, .ngxlint.conf, found from the working
 * directory upwards and read with ngxlint's own nginx-syntax parser:
 *
 *   disable upstream-keepalive bin-hardening;
 *   enable conf-syntax conf-include;        # only these
 *   severity keepalive-http-version error;
 *   fail_on error;
 *   nginx_version 1.29.7;
 *   keepalive 64;
 *   index_dialect kong;
 *   hot_threshold 4;
 *   skip vendor legacy.conf;             (fnmatch(3) patterns of paths)
 *
 * The command line wins over it; --no-config leaves it out.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"


#define NGXL_CONFIG_NAME  ".ngxlint.conf"


static char *
ngxl_config_find(void)
{
    char    dir[PATH_MAX], *slash, *path;
    size_t  n;

    if (getcwd(dir, sizeof(dir) - sizeof(NGXL_CONFIG_NAME) - 1) == NULL) {
        return NULL;
    }

    for ( ;; ) {
        n = strlen(dir);

        path = malloc(n + sizeof(NGXL_CONFIG_NAME) + 1);
        if (path == NULL) {
            ngxl_oom();
        }

        snprintf(path, n + sizeof(NGXL_CONFIG_NAME) + 1, "%s/%s",
                 strcmp(dir, "/") == 0 ? "" : dir, NGXL_CONFIG_NAME);

        if (access(path, F_OK) == 0) {
            return path;
        }

        free(path);

        slash = strrchr(dir, '/');

        if (slash == NULL || slash == dir) {
            if (strcmp(dir, "/") == 0) {
                return NULL;
            }
            strcpy(dir, "/");
            continue;
        }

        *slash = '\0';
    }
}


static char *
ngxl_config_arg(const ngxl_dir_t *d, uint32_t i)
{
    return strndup(d->args[i].value, d->args[i].vlen);
}


static int
ngxl_config_dir(ngxl_cli_t *cli, const char *path, const ngxl_dir_t *d)
{
    uint32_t          i;
    char             *a, *b;
    ngxl_severity_t   sev;

#define NAME_IS(s)  ngxl_dir_is(d, s)

    if (NAME_IS("disable") || NAME_IS("enable") || NAME_IS("skip")) {
        for (i = 1; i < d->nargs; i++) {
            a = ngxl_config_arg(d, i);
            ngxl_vec_push(&cli->owned, a);
            ngxl_vec_push(NAME_IS("disable") ? &cli->disable
                          : NAME_IS("enable") ? &cli->enable : &cli->skip, a);
        }
        return NGXL_OK;
    }

    if (d->nargs != 2 && !(NAME_IS("severity") && d->nargs == 3)) {
        goto invalid;
    }

    a = ngxl_config_arg(d, 1);
    ngxl_vec_push(&cli->owned, a);

    if (NAME_IS("severity")) {
        b = ngxl_config_arg(d, 2);
        ngxl_vec_push(&cli->owned, b);

        if (ngxl_severity_parse(b, &sev) != NGXL_OK || sev == NGXL_SEV_NEVER) {
            goto invalid;
        }

        ngxl_vec_push(&cli->severities, a);
        ngxl_vec_push(&cli->severities, b);
        return NGXL_OK;
    }

    if (NAME_IS("fail_on")) {
        return ngxl_severity_parse(a, &cli->fail_on) == NGXL_OK ? NGXL_OK
                                                                : NGXL_ERROR;
    }

    if (NAME_IS("nginx_version")) {
        cli->nginx_version = a;
        return NGXL_OK;
    }

    if (NAME_IS("keepalive")) {
        cli->keepalive = (unsigned) strtoul(a, NULL, 10);
        return cli->keepalive ? NGXL_OK : NGXL_ERROR;
    }

    if (NAME_IS("hot_threshold")) {
        cli->hot_threshold = (unsigned) strtoul(a, NULL, 10);
        return cli->hot_threshold ? NGXL_OK : NGXL_ERROR;
    }

    if (NAME_IS("index_dialect")) {
        cli->dialect = strcmp(a, "kong") == 0 ? NGXL_DIALECT_KONG
                       : strcmp(a, "var_index") == 0 ? NGXL_DIALECT_VAR_INDEX
                       : -1;
        return cli->dialect >= 0 ? NGXL_OK : NGXL_ERROR;
    }

#undef NAME_IS

invalid:

    fprintf(stderr, "ngxlint: %s:%u: \"%.*s\": not a setting ngxlint "
            "knows, or a wrong value (see ngxlint(1))\n", path, d->line,
            (int) d->args[0].vlen, d->args[0].value);

    return NGXL_ERROR;
}


int
ngxl_cli_config(ngxl_cli_t *cli, int argc, char **argv)
{
    int                  i, rc;
    char                *path;
    ngxl_conf_t          conf;
    ngxl_conf_opts_t     co;
    const ngxl_dir_t    *d;
    const ngxl_cerr_t   *e;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-config") == 0) {
            return NGXL_OK;
        }
    }

    path = ngxl_config_find();

    if (path == NULL) {
        return NGXL_OK;
    }

    memset(&co, 0, sizeof(co));
    co.single_file = 1;
    co.start_ctx = NGXL_MAIN;

    rc = NGXL_OK;

    if (ngxl_conf_parse(&conf, path, &co) != NGXL_OK) {
        e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);
        fprintf(stderr, "ngxlint: %s\n", e ? e->msg : path);
        rc = NGXL_ERROR;
        goto done;
    }

    e = ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX);

    if (e) {
        fprintf(stderr, "ngxlint: %s:%u: %s\n", e->file->path, e->line,
                e->msg);
        rc = NGXL_ERROR;
        goto done;
    }

    for (d = conf.main->child; d; d = d->next) {
        if (d->kind != NGXL_NODE_DIRECTIVE) {
            continue;
        }

        if (d->block || ngxl_config_dir(cli, path, d) != NGXL_OK) {
            if (d->block) {
                fprintf(stderr, "ngxlint: %s:%u: no blocks in %s\n", path,
                        d->line, NGXL_CONFIG_NAME);
            }
            rc = NGXL_ERROR;
            break;
        }
    }

done:

    ngxl_conf_free(&conf);

    if (rc == NGXL_OK) {
        ngxl_vec_push(&cli->owned, path);
    } else {
        free(path);
    }

    return rc;
}
