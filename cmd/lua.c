/*
 * ngxlint: the Lua command: lua [--list-accesses | --emit-index | --fix |
 * --write] [CONFIG] [FILE.lua | DIR]...
 *
 * A configuration (at most one) gives the Lua it holds, the files its
 * *_by_lua_file directives name, its modules (lua_package_path), the
 * phases, and the variables already indexed; .lua files and directories
 * are read as well.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/fix/diff.h"
#include "../lib/fix/fix.h"
#include "../lib/lua/index.h"


static const char  *ngxl_cli_kinds[] = { "read", "write", "dynamic",
                                         "capture" };


static int
ngxl_cli_lua_inputs(ngxl_cli_t *cli, const char **config, ngxl_vec_t *lua)
{
    size_t        i, n;
    struct stat   st;
    const char   *path;

    *config = NULL;

    for (i = 0; i < cli->paths.n; i++) {
        path = cli->paths.elts[i];
        n = strlen(path);

        if (stat(path, &st) == -1) {
            fprintf(stderr, "ngxlint: %s: %s\n", path, strerror(errno));
            return NGXL_ERROR;
        }

        if (S_ISDIR(st.st_mode) || (n > 4 && strcmp(path + n - 4, ".lua")
                                             == 0))
        {
            ngxl_vec_push(lua, (void *) path);
            continue;
        }

        if (*config) {
            fprintf(stderr, "ngxlint: lua takes one configuration (%s and "
                    "%s given)\n", *config, path);
            return NGXL_ERROR;
        }

        *config = path;
    }

    if (*config == NULL && lua->n == 0) {
        fprintf(stderr, "ngxlint: no input (try \"ngxlint --help\")\n");
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


static void
ngxl_cli_lua_accesses(ngxl_cli_t *cli, const ngxl_lua_project_t *p)
{
    size_t              i;
    json_t             *root, *list, *o;
    ngxl_buf_t          out;
    ngxl_lua_access_t  *a;

    ngxl_buf_init(&out);

    if (cli->format == NGXL_FMT_JSON) {
        root = json_object();
        list = json_array();

        for (i = 0; i < p->scan.accesses.n; i++) {
            a = p->scan.accesses.elts[i];

            o = json_object();
            json_object_set_new(o, "file", ngxl_json_text(a->file));
            json_object_set_new(o, "line", json_integer(a->line));
            json_object_set_new(o, "column", json_integer(a->col));
            json_object_set_new(o, "name", a->name ? ngxl_json_text(a->name)
                                                   : json_null());
            json_object_set_new(o, "kind",
                                json_string(ngxl_cli_kinds[a->kind]));
            json_object_set_new(o, "phase", json_string(
                ngxl_lua_phase_name(ngxl_lua_access_phases(p, a))));
            json_array_append_new(list, o);
        }

        json_object_set_new(root, "accesses", list);
        ngxl_json_dump(root, &out);
        json_decref(root);

    } else {
        for (i = 0; i < p->scan.accesses.n; i++) {
            a = p->scan.accesses.elts[i];

            ngxl_buf_printf(&out, "%s:%u:%u: %s %s%s (%s)\n", a->file,
                            a->line, a->col, ngxl_cli_kinds[a->kind],
                            a->name ? "$" : "", a->name ? a->name : "",
                            ngxl_lua_phase_name(ngxl_lua_access_phases(p,
                                                                       a)));
        }
    }

    ngxl_cli_write(&out);
    ngxl_buf_free(&out);
}


static void
ngxl_cli_lua_emit(ngxl_cli_t *cli, const ngxl_lua_project_t *p)
{
    int          kong;
    ngxl_vec_t   hot;
    ngxl_buf_t   out;
    ngxl_pool_t  pool;

    memset(&hot, 0, sizeof(ngxl_vec_t));
    ngxl_lua_hot_vars(p, &hot);

    if (hot.n == 0) {
        ngxl_vec_free(&hot);
        return;
    }

    ngxl_pool_init(&pool);
    kong = ngxl_lua_kong_dialect(p, cli->dialect);

    ngxl_buf_init(&out);
    ngxl_buf_adds(&out, ngxl_lua_index_text(&pool, &hot, kong, ""));

    if (out.len) {
        ngxl_buf_addc(&out, '\n');
        ngxl_cli_write(&out);
    }

    ngxl_buf_free(&out);
    ngxl_pool_free(&pool);
    ngxl_lua_hot_free(&hot);
}


int
ngxl_cli_lua(ngxl_cli_t *cli)
{
    int                 rc, status;
    size_t              i, nuse;
    ngxl_fix_t          fx;
    ngxl_buf_t          dump, out;
    ngxl_vec_t          lua;
    const char         *config;
    ngxl_conf_t         conf;
    ngxl_diags_t        ds;
    ngxl_rule_use_t    *use;
    ngxl_conf_opts_t    co;
    ngxl_check_opts_t   ko;
    ngxl_fix_file_t    *f;
    ngxl_lua_project_t  p;
    const ngxl_cerr_t  *e;

    memset(&lua, 0, sizeof(ngxl_vec_t));

    if (ngxl_cli_lua_inputs(cli, &config, &lua) != NGXL_OK) {
        ngxl_vec_free(&lua);
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_cli_rules(cli, &use, &nuse) != NGXL_OK) {
        ngxl_vec_free(&lua);
        return NGXL_EXIT_ERROR;
    }

    ngxl_buf_init(&dump);

    if (ngxl_cli_conf_opts(cli, &co, &dump) != NGXL_OK) {
        ngxl_vec_free(&lua);
        free(use);
        return NGXL_EXIT_ERROR;
    }

    ngxl_cli_check_opts(cli, &ko);
    ko.conf_rules = 0;
    ko.lua_rules = 1;
    ko.lua_paths = (char *const *) lua.elts;
    ko.nlua_paths = lua.n;

    status = NGXL_EXIT_OK;

    /* --fix / --write: the index directives, into the main http {} */

    if (cli->fix || cli->write) {
        if (config == NULL) {
            fprintf(stderr, "ngxlint: --fix and --write need the nginx "
                    "configuration to put the directives in\n");
            status = NGXL_EXIT_ERROR;
            goto done;
        }

        if (ngxl_fix_run(&fx, config, &co, use, nuse, &ko) != NGXL_OK) {
            fprintf(stderr, "ngxlint: %s\n", fx.err);
            ngxl_fix_free(&fx);
            status = NGXL_EXIT_ERROR;
            goto done;
        }

        if (cli->write) {
            rc = ngxl_fix_write(&fx, cli->backup);
            ngxl_cli_swept(cli, fx.swept);

            if (rc != NGXL_OK) {
                fprintf(stderr, "ngxlint: %s\n", fx.err);
                status = NGXL_EXIT_ERROR;

            } else if (fx.files.n && !cli->quiet) {
                fprintf(stderr, "ngxlint: %s: the index directives written "
                        "to %zu file%s\n", config, fx.files.n,
                        fx.files.n == 1 ? "" : "s");
            }

        } else {
            ngxl_buf_init(&out);

            for (i = 0; i < fx.files.n; i++) {
                f = fx.files.elts[i];
                ngxl_diff_unified(f->path, f->orig, f->orig_len, f->data,
                                  f->len, &out);
            }

            ngxl_cli_write(&out);
            ngxl_buf_free(&out);
            status = fx.files.n ? NGXL_EXIT_FINDINGS : NGXL_EXIT_OK;
        }

        ngxl_fix_free(&fx);

        if (cli->fix || status == NGXL_EXIT_ERROR) {
            goto done;
        }
    }

    /* the configuration, then its Lua */

    memset(&conf, 0, sizeof(ngxl_conf_t));

    if (config && ngxl_conf_parse(&conf, config, &co) != NGXL_OK) {
        e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);
        fprintf(stderr, "ngxlint: %s\n", e ? e->msg : "cannot read input");
        ngxl_conf_free(&conf);
        status = NGXL_EXIT_ERROR;
        goto done;
    }

    /*
     * a block that does not end, an include that cannot be read: the Lua
     * they hide is not checked, which is said, and the exit is 2
     */

    for (i = 0; config && i < conf.errors.n; i++) {
        e = conf.errors.elts[i];

        if (e->kind == NGXL_CERR_SYNTAX || e->kind == NGXL_CERR_INCLUDE) {
            fprintf(stderr, "ngxlint: %s:%u:%u: %s: the Lua there is not "
                    "checked\n", e->file ? e->file->path : config, e->line,
                    e->col, e->msg);
            status = NGXL_EXIT_ERROR;
        }
    }

    ngxl_lua_project(&p, config ? &conf : NULL, (char *const *) lua.elts,
                     lua.n, cli->prefix);

    for (i = 0; i < p.problems.n; i++) {
        fprintf(stderr, "ngxlint: %s\n", (char *) p.problems.elts[i]);
        status = NGXL_EXIT_ERROR;
    }

    if (cli->list_accesses) {
        ngxl_cli_lua_accesses(cli, &p);

    } else if (cli->emit_index) {
        ngxl_cli_lua_emit(cli, &p);

    } else {
        ngxl_diags_init(&ds);

        if (config) {
            for (i = 0; i < conf.files.n; i++) {
                ngxl_cfile_t  *cf = conf.files.elts[i];

                if (!cf->err) {
                    ngxl_diag_source(&ds, cf->path, cf->data, cf->len);
                }
            }
        }

        ngxl_lua_sources(&p, &ds);
        ngxl_check_lua(use, nuse, &ko, config ? &conf : NULL, &p, &ds);

        rc = ngxl_cli_report(cli, &ds, status != NGXL_EXIT_OK);

        if (status == NGXL_EXIT_OK) {
            status = rc;
        }

        ngxl_diags_free(&ds);
    }

    ngxl_lua_project_free(&p);
    ngxl_conf_free(&conf);

done:

    ngxl_buf_free(&dump);
    ngxl_vec_free(&lua);
    free(use);

    return status;
}
