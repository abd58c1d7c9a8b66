/*
 * ngxlint: the configuration commands: conf (with --fix and --write) and
 * parse.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../lib/conf/crossplane.h"
#include "../lib/fix/diff.h"
#include "../lib/fix/fix.h"



#define NGXL_DUMP_MAX  ((size_t) 1 << 31)


static int
ngxl_cli_read_dump(ngxl_cli_t *cli, ngxl_buf_t *dump)
{
    int    err;
    char   chunk[65536];
    FILE  *in;
    size_t n;

    ngxl_buf_init(dump);

    in = stdin;

    if (strcmp(cli->from_dump, "-") != 0) {
        if (ngxl_read_file(cli->from_dump, NGXL_DUMP_MAX, dump) == NGXL_OK) {
            return NGXL_OK;
        }

        /* a pipe named on purpose (<(nginx -T)) is read like stdin */

        in = errno == NGXL_ENOTREG ? fopen(cli->from_dump, "r") : NULL;

        if (in == NULL) {
            fprintf(stderr, "ngxlint: %s: %s\n", cli->from_dump,
                    ngxl_strerror(errno));
            return NGXL_ERROR;
        }
    }

    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
        if (dump->len + n > NGXL_DUMP_MAX) {
            errno = EFBIG;
            break;
        }

        ngxl_buf_add(dump, chunk, n);
    }

    err = n > 0 || ferror(in) ? errno : 0;

    if (in != stdin) {
        fclose(in);
    }

    if (err) {
        fprintf(stderr, "ngxlint: reading the dump from %s: %s\n",
                in == stdin ? "stdin" : cli->from_dump, strerror(err));
        ngxl_buf_free(dump);
        return NGXL_ERROR;
    }

    return NGXL_OK;
}



int
ngxl_cli_conf_opts(ngxl_cli_t *cli, ngxl_conf_opts_t *co, ngxl_buf_t *dump)
{
    memset(co, 0, sizeof(ngxl_conf_opts_t));

    co->prefix = cli->prefix;
    co->single_file = cli->single_file;
    co->start_ctx = NGXL_MAIN;

    if (cli->context) {
        co->start_ctx = ngxl_conf_ctx_parse(cli->context);

        if (co->start_ctx == 0) {
            fprintf(stderr, "ngxlint: unknown --context \"%s\" (main, "
                    "events, http, server, location, upstream, if, "
                    "limit_except, stream, mail)\n", cli->context);
            return NGXL_ERROR;
        }
    }

    if (cli->from_dump) {
        if (ngxl_cli_read_dump(cli, dump) != NGXL_OK) {
            return NGXL_ERROR;
        }

        co->dump = dump->data ? dump->data : "";
        co->dump_len = dump->len;
    }

    return NGXL_OK;
}



void
ngxl_cli_check_opts(ngxl_cli_t *cli, ngxl_check_opts_t *ko)
{
    memset(ko, 0, sizeof(ngxl_check_opts_t));
    ko->strict = cli->strict;
    ko->version = cli->version;
    ko->keepalive = cli->keepalive;
    ko->hot_threshold = cli->hot_threshold;
    ko->dialect = cli->dialect;
    ko->conf_rules = 1;
    ko->lua_prefix = cli->prefix;
}


/*
 * --fix and --write: the fixes of one main configuration, as a diff on
 * stdout or written in place.  Returns NGXL_EXIT_* for this input.
 */

void
ngxl_cli_swept(ngxl_cli_t *cli, size_t swept)
{
    if (swept && !cli->quiet) {
        fprintf(stderr, "ngxlint: removed %zu temporary file%s that a killed "
                "--write left\n", swept, swept == 1 ? "" : "s");
    }
}


int
ngxl_cli_fix_one(ngxl_cli_t *cli, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse)
{
    int                 rc, written;
    size_t              i;
    ngxl_fix_t          fx;
    ngxl_buf_t          out;
    ngxl_fix_file_t    *f;
    ngxl_check_opts_t   ko;

    ngxl_cli_check_opts(cli, &ko);

    if (ngxl_fix_run(&fx, path, co, use, nuse, &ko) != NGXL_OK) {
        fprintf(stderr, "ngxlint: %s\n", fx.err);
        ngxl_fix_free(&fx);
        return NGXL_EXIT_ERROR;
    }

    rc = NGXL_EXIT_OK;

    if (cli->write) {
        written = ngxl_fix_write(&fx, cli->backup);
        ngxl_cli_swept(cli, fx.swept);

        if (written != NGXL_OK) {
            fprintf(stderr, "ngxlint: %s\n", fx.err);
            rc = NGXL_EXIT_ERROR;

        } else if (fx.files.n && !cli->quiet) {
            fprintf(stderr, "ngxlint: %s: %zu fix%s written to %zu file%s\n",
                    path, fx.applied, fx.applied == 1 ? "" : "es",
                    fx.files.n, fx.files.n == 1 ? "" : "s");
        }

    } else {
        ngxl_buf_init(&out);

        for (i = 0; i < fx.files.n; i++) {
            f = fx.files.elts[i];
            ngxl_diff_unified(f->path, f->orig, f->orig_len, f->data, f->len,
                              &out);
        }

        ngxl_cli_write(&out);
        ngxl_buf_free(&out);

        rc = fx.files.n ? NGXL_EXIT_FINDINGS : NGXL_EXIT_OK;
    }

    ngxl_fix_free(&fx);

    return rc;
}


/* one main configuration: parse, check, and keep the findings */

int
ngxl_cli_conf_one(ngxl_cli_t *cli, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse,
    ngxl_diags_t *ds, ngxl_vec_t *confs)
{
    ngxl_conf_t        *conf;
    ngxl_check_opts_t   ko;
    const ngxl_cerr_t  *e;

    conf = malloc(sizeof(ngxl_conf_t));
    if (conf == NULL) {
        ngxl_oom();
    }

    if (ngxl_conf_parse(conf, path, co) != NGXL_OK) {
        e = ngxl_conf_first_error(conf, NGXL_CERR_INCLUDE);
        fprintf(stderr, "ngxlint: %s\n", e ? e->msg : "cannot read input");
        ngxl_conf_free(conf);
        free(conf);
        return NGXL_ERROR;
    }

    ngxl_cli_check_opts(cli, &ko);

    ngxl_check_conf(use, nuse, &ko, conf, ds);
    cli->conf_checked = 1;

    if (cli->with_lua) {
        ngxl_lua_project_t  *lp;

        lp = malloc(sizeof(ngxl_lua_project_t));
        if (lp == NULL) {
            ngxl_oom();
        }

        ngxl_lua_project(lp, conf, NULL, 0, cli->prefix);
        ngxl_lua_sources(lp, ds);
        ngxl_check_lua(use, nuse, &ko, conf, lp, ds);

        /* the Lua files' text is quoted when the findings are printed */
        ngxl_vec_push(&cli->projects, lp);
    }

    /* the diagnostics quote the files: keep them until printed */
    ngxl_vec_push(confs, conf);

    return NGXL_OK;
}


/* jansson's output, gathered into 64 KiB writes (a call of 0 flushes) */

static int
ngxl_cli_sink(const char *p, size_t n, void *data)
{
    ngxl_buf_t  *b;

    b = data;

    if (n) {
        ngxl_buf_add(b, p, n);
    }

    if (b->len >= 65536 || (n == 0 && b->len)) {
        if (fwrite(b->data, 1, b->len, stdout) != b->len) {
            return -1;
        }
        b->len = 0;
    }

    return 0;
}



int
ngxl_cli_parse_cmd(ngxl_cli_t *cli)
{
    int                 rc;
    json_t             *payload;
    ngxl_buf_t          sink;
    ngxl_buf_t          dump;
    ngxl_conf_t         conf;
    ngxl_xp_opts_t      xo;
    ngxl_conf_opts_t    co;
    const ngxl_cerr_t  *e;

    if (cli->paths.n != 1 && !(cli->paths.n == 0 && cli->from_dump)) {
        fprintf(stderr, "ngxlint: parse takes one configuration file\n");
        return NGXL_EXIT_ERROR;
    }

    ngxl_buf_init(&dump);

    if (ngxl_cli_conf_opts(cli, &co, &dump) != NGXL_OK) {
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_conf_parse(&conf, cli->paths.n ? cli->paths.elts[0] : NULL,
                        &co)
        != NGXL_OK)
    {
        e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);
        fprintf(stderr, "ngxlint: %s\n", e ? e->msg : "cannot read input");
        ngxl_conf_free(&conf);
        ngxl_buf_free(&dump);
        return NGXL_EXIT_ERROR;
    }

    memset(&xo, 0, sizeof(ngxl_xp_opts_t));
    xo.comments = cli->comments;
    xo.combine = cli->combine;
    xo.strict = cli->strict;
    xo.single = cli->single_file;
    xo.ignore = (const char **) cli->ignore.elts;
    xo.nignore = cli->ignore.n;

    ngxl_json_arena_begin();

    payload = ngxl_conf_crossplane(&conf, &xo);

    /* streamed: no copy of a document that can be tens of megabytes */
    ngxl_buf_init(&sink);

    if (json_dump_callback(payload, ngxl_cli_sink, &sink,
                           JSON_PRESERVE_ORDER
                           | (cli->indent > 0 ? JSON_INDENT(cli->indent)
                                              : JSON_COMPACT))
        != 0
        || ngxl_cli_sink("", 0, &sink) != 0)
    {
        fprintf(stderr, "ngxlint: writing the JSON: %s\n", strerror(errno));
        rc = NGXL_EXIT_ERROR;

    } else {
        rc = strcmp(json_string_value(json_object_get(payload, "status")),
                    "ok") == 0 ? NGXL_EXIT_OK : NGXL_EXIT_FINDINGS;
    }

    ngxl_buf_free(&sink);
    putchar('\n');
    fflush(stdout);

    json_decref(payload);
    ngxl_json_arena_end();
    ngxl_conf_free(&conf);
    ngxl_buf_free(&dump);

    return rc;
}
