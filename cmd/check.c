/*
 * ngxlint: going over the inputs: each path given is a configuration, a
 * binary, or a directory of them (or, with a command, what it says).
 */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"



static int
ngxl_cli_has_suffix(const char *s, const char *suffix)
{
    size_t  n, k;

    n = strlen(s);
    k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}



static int
ngxl_cli_is_elf(const char *path)
{
    FILE           *f;
    unsigned char   magic[4];
    size_t          n;

    f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }

    n = fread(magic, 1, 4, f);
    fclose(f);

    return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}



static int
ngxl_cli_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char * const *) a, *(char * const *) b);
}


/* walks DIR for configuration files: nginx.conf and *.conf */

static void
ngxl_cli_walk(const char *dir, ngxl_vec_t *configs, ngxl_vec_t *other,
    int depth)
{
    DIR            *d;
    char           *path;
    size_t          n, i;
    struct stat     st;
    struct dirent  *de;
    ngxl_vec_t      names;

    if (depth > 32) {
        return;
    }

    d = opendir(dir);
    if (d == NULL) {
        ngxl_vec_push(other, strdup(dir));
        return;
    }

    memset(&names, 0, sizeof(ngxl_vec_t));

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        ngxl_vec_push(&names, strdup(de->d_name));
    }

    closedir(d);

    if (names.n > 1) {
        qsort(names.elts, names.n, sizeof(char *), ngxl_cli_cmp_names);
    }

    for (i = 0; i < names.n; i++) {
        n = strlen(dir) + strlen(names.elts[i]) + 2;
        path = malloc(n);
        if (path == NULL) {
            ngxl_oom();
        }

        snprintf(path, n, "%s%s%s", dir,
                 ngxl_cli_has_suffix(dir, "/") ? "" : "/",
                 (char *) names.elts[i]);

        free(names.elts[i]);

        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            ngxl_cli_walk(path, configs, other, depth + 1);
            free(path);
            continue;
        }

        if (ngxl_cli_has_suffix(path, ".conf") || ngxl_cli_has_suffix(path,
                                                                "nginx.conf"))
        {
            ngxl_vec_push(configs, path);

        } else if (ngxl_cli_has_suffix(path, ".lua")
                   || (S_ISREG(st.st_mode) && ngxl_cli_is_elf(path)))
        {
            ngxl_vec_push(other, path);

        } else {
            free(path);
        }
    }

    ngxl_vec_free(&names);
}



static int
ngxl_cli_included(ngxl_vec_t *confs, const char *path)
{
    size_t        i, k;
    ngxl_conf_t  *conf;
    ngxl_inst_t  *in;

    for (i = 0; i < confs->n; i++) {
        conf = confs->elts[i];

        for (k = 0; k < conf->insts.n; k++) {
            in = conf->insts.elts[k];

            if (in->included_by && strcmp(in->file->path, path) == 0) {
                return 1;
            }
        }
    }

    return 0;
}



int
ngxl_cli_check(ngxl_cli_t *cli, int detect)
{
    int               rc, status;
    size_t            i, k, nuse;
    ngxl_buf_t        dump;
    ngxl_vec_t        confs, configs, other, dirconfs;
    ngxl_diags_t      ds, dirds;
    struct stat       st;
    const char       *path;
    ngxl_conf_opts_t  co;
    ngxl_rule_use_t  *use;

    if (cli->paths.n == 0 && cli->from_dump == NULL) {
        fprintf(stderr, "ngxlint: no input (try \"ngxlint --help\")\n");
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_cli_rules(cli, &use, &nuse) != NGXL_OK) {
        return NGXL_EXIT_ERROR;
    }

    cli->with_lua = detect == NGXL_MODE_DETECT;

    /* the nginx version matters to configurations only */
    if (detect != NGXL_MODE_BIN && ngxl_cli_version(cli) != NGXL_OK) {
        free(use);
        return NGXL_EXIT_ERROR;
    }

    ngxl_buf_init(&dump);

    if (ngxl_cli_conf_opts(cli, &co, &dump) != NGXL_OK) {
        free(use);
        return NGXL_EXIT_ERROR;
    }

    memset(&confs, 0, sizeof(ngxl_vec_t));
    status = NGXL_EXIT_OK;

    if (cli->fix || cli->write) {
        if (cli->from_dump) {
            fprintf(stderr, "ngxlint: --fix and --write need the files "
                    "themselves, not a dump\n");
            status = NGXL_EXIT_ERROR;
            goto fixed;
        }

        for (i = 0; i < cli->paths.n; i++) {
            rc = ngxl_cli_fix_one(cli, cli->paths.elts[i], &co, use, nuse);

            if (rc > status) {
                status = rc;
            }
        }

        if (cli->fix || status == NGXL_EXIT_ERROR) {
            goto fixed;
        }

        /* --write: what is left to report, from the files as written */
    }

    ngxl_diags_init(&ds);

    if (cli->from_dump && cli->paths.n == 0) {
        if (ngxl_cli_conf_one(cli, NULL, &co, use, nuse, &ds, &confs)
            != NGXL_OK)
        {
            status = NGXL_EXIT_ERROR;
        }
    }

    for (i = 0; i < cli->paths.n; i++) {
        path = cli->paths.elts[i];

        if (detect == NGXL_MODE_BIN) {
            if (ngxl_cli_bin_one(cli, path, use, nuse, &ds) != NGXL_OK) {
                status = NGXL_EXIT_ERROR;
            }
            continue;
        }

        if (detect == NGXL_MODE_CONF || cli->from_dump) {
            if (ngxl_cli_conf_one(cli, path, &co, use, nuse, &ds, &confs)
                != NGXL_OK)
            {
                status = NGXL_EXIT_ERROR;
            }
            continue;
        }

        if (stat(path, &st) == -1) {
            fprintf(stderr, "ngxlint: %s: %s\n", path, strerror(errno));
            status = NGXL_EXIT_ERROR;
            continue;
        }

        if (S_ISDIR(st.st_mode)) {
            /*
             * every config file of the tree, each checked as a main
             * configuration unless another one includes it
             */

            memset(&configs, 0, sizeof(ngxl_vec_t));
            memset(&other, 0, sizeof(ngxl_vec_t));
            memset(&dirconfs, 0, sizeof(ngxl_vec_t));

            ngxl_cli_walk(path, &configs, &other, 0);

            for (k = 0; k < other.n; k++) {
                if (ngxl_cli_has_suffix(other.elts[k], ".lua")) {
                    /* read with the configurations' Lua: see below */
                    free(other.elts[k]);
                    continue;

                } else if (ngxl_cli_bin_one(cli, other.elts[k], use, nuse,
                                            &ds)
                           != NGXL_OK)
                {
                    status = NGXL_EXIT_ERROR;
                }

                free(other.elts[k]);
            }

            ngxl_vec_free(&other);

            for (k = 0; k < configs.n; k++) {
                ngxl_diags_init(&dirds);

                rc = ngxl_cli_conf_one(cli, configs.elts[k], &co, use, nuse,
                                       &dirds, &dirconfs);
                ngxl_diags_free(&dirds);

                if (rc != NGXL_OK) {
                    status = NGXL_EXIT_ERROR;
                }
            }

            for (k = 0; k < configs.n; k++) {
                if (!ngxl_cli_included(&dirconfs, configs.elts[k])) {
                    ngxl_cli_conf_one(cli, configs.elts[k], &co, use, nuse,
                                      &ds, &confs);
                }
            }

            for (k = 0; k < dirconfs.n; k++) {
                ngxl_conf_free(dirconfs.elts[k]);
                free(dirconfs.elts[k]);
            }

            for (k = 0; k < configs.n; k++) {
                free(configs.elts[k]);
            }

            ngxl_vec_free(&dirconfs);
            ngxl_vec_free(&configs);
            continue;
        }

        if (ngxl_cli_has_suffix(path, ".lua")) {
            ngxl_vec_push(&cli->lua_paths, (void *) path);
            continue;
        }

        if (ngxl_cli_is_elf(path)) {
            if (ngxl_cli_bin_one(cli, path, use, nuse, &ds) != NGXL_OK) {
                status = NGXL_EXIT_ERROR;
            }
            continue;
        }

        if (ngxl_cli_conf_one(cli, path, &co, use, nuse, &ds, &confs)
            != NGXL_OK)
        {
            status = NGXL_EXIT_ERROR;
        }
    }

    if (cli->lua_paths.n) {
        /* .lua files given alone: their Lua, with no configuration */
        ngxl_lua_project_t  *lp;
        ngxl_check_opts_t    ko;

        lp = malloc(sizeof(ngxl_lua_project_t));
        if (lp == NULL) {
            ngxl_oom();
        }

        ngxl_cli_check_opts(cli, &ko);
        ngxl_lua_project(lp, NULL, (char *const *) cli->lua_paths.elts,
                         cli->lua_paths.n, cli->prefix);
        ngxl_lua_sources(lp, &ds);
        ngxl_check_lua(use, nuse, &ko, NULL, lp, &ds);
        ngxl_vec_push(&cli->projects, lp);
    }

    if (cli->list_cus) {
        ngxl_cli_list_cus(cli);
        rc = NGXL_EXIT_OK;

    } else {
        rc = ngxl_cli_report(cli, &ds, status != NGXL_EXIT_OK);
    }

    if (status == NGXL_EXIT_OK) {
        status = rc;
    }

    ngxl_diags_free(&ds);

    for (i = 0; i < cli->projects.n; i++) {
        ngxl_lua_project_free(cli->projects.elts[i]);
        free(cli->projects.elts[i]);
    }

    ngxl_vec_free(&cli->projects);
    ngxl_vec_free(&cli->lua_paths);

    for (i = 0; i < confs.n; i++) {
        ngxl_conf_free(confs.elts[i]);
        free(confs.elts[i]);
    }

    ngxl_vec_free(&confs);

fixed:

    ngxl_buf_free(&dump);
    free(use);

    return status;
}
