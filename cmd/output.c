/*
 * ngxlint: writing the report in the format asked for.
 */

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../rules/registry.h"



void
ngxl_cli_write(ngxl_buf_t *out)
{
    if (out->len) {
        fwrite(out->data, 1, out->len, stdout);
    }

    fflush(stdout);
}



int
ngxl_cli_skipped(ngxl_cli_t *cli, const char *path)
{
    size_t  i;

    for (i = 0; path && i < cli->skip.n; i++) {
        if (fnmatch(cli->skip.elts[i], path, 0) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
ngxl_cli_skip_findings(ngxl_cli_t *cli, ngxl_diags_t *ds)
{
    size_t           i, k;
    ngxl_finding_t  *f;

    if (cli->skip.n == 0) {
        return;
    }

    for (i = 0, k = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        if (ngxl_cli_skipped(cli, f->file)) {
            ngxl_vec_push(&ds->suppressed, f);
        } else {
            ds->findings.elts[k++] = f;
        }
    }

    ds->findings.n = k;
}


/* --baseline FILE: leave out what it has; --update-baseline: write it */

static int
ngxl_cli_baseline(ngxl_cli_t *cli, ngxl_diags_t *ds)
{
    char          err[256];
    json_t       *b;
    ngxl_buf_t    out;
    json_error_t  je;
    FILE         *f;

    if (cli->update_baseline) {
        b = ngxl_diags_baseline(ds);

        ngxl_buf_init(&out);
        ngxl_json_dump(b, &out);
        json_decref(b);

        f = fopen(cli->baseline, "w");

        if (f == NULL || fwrite(out.data, 1, out.len, f) != out.len
            || fclose(f) != 0)
        {
            fprintf(stderr, "ngxlint: %s: %s\n", cli->baseline,
                    strerror(errno));
            ngxl_buf_free(&out);
            return NGXL_ERROR;
        }

        ngxl_buf_free(&out);

        fprintf(stderr, "ngxlint: %s: %zu finding%s saved as the "
                "baseline\n", cli->baseline, ds->findings.n,
                ds->findings.n == 1 ? "" : "s");

        return NGXL_OK;
    }

    b = json_load_file(cli->baseline, 0, &je);

    if (b == NULL) {
        fprintf(stderr, "ngxlint: %s:%d: %s\n", cli->baseline, je.line,
                je.text);
        return NGXL_ERROR;
    }

    if (ngxl_diags_apply_baseline(ds, b, err, sizeof(err)) != NGXL_OK) {
        fprintf(stderr, "ngxlint: %s: %s\n", cli->baseline, err);
        json_decref(b);
        return NGXL_ERROR;
    }

    json_decref(b);

    return NGXL_OK;
}


int
ngxl_cli_report(ngxl_cli_t *cli, ngxl_diags_t *ds, int failed)
{
    char               vbuf[64];
    size_t             i, n, count[3];
    ngxl_buf_t         out;
    ngxl_rule_info_t  *info;
    ngxl_emit_opts_t   eo;

    memset(&eo, 0, sizeof(ngxl_emit_opts_t));
    eo.color = cli->color;
    /* "no findings" would be a lie when an input could not be read */
    eo.quiet = cli->quiet || (failed && ds->findings.n == 0);
    if (cli->version.source && cli->conf_checked) {
        snprintf(vbuf, sizeof(vbuf), "%u.%u.%u", cli->version.major,
                 cli->version.minor, cli->version.patch);
        eo.nginx_version = vbuf;
        eo.nginx_source = cli->version.source;
    }
    eo.version = NGXL_VERSION;
    eo.host = cli->host;

    /* what is left out: skipped paths, suppressions, the baseline */

    ngxl_cli_skip_findings(cli, ds);
    ngxl_diags_suppress(ds, "ngxlint-suppression");

    if (cli->baseline) {
        if (ngxl_cli_baseline(cli, ds) != NGXL_OK) {
            return NGXL_EXIT_ERROR;
        }

        if (cli->update_baseline) {
            return NGXL_EXIT_OK;
        }
    }

    ngxl_diags_sort(ds);
    ngxl_buf_init(&out);

    switch (cli->format) {

    case NGXL_FMT_JSON:
        ngxl_emit_json(ds, &eo, &out);
        break;

    case NGXL_FMT_SARIF:
        for (n = 0; ngxl_rules[n]; n++) { /* void */ }

        info = calloc(n ? n : 1, sizeof(ngxl_rule_info_t));
        if (info == NULL) {
            ngxl_oom();
        }

        for (i = 0; i < n; i++) {
            info[i].id = ngxl_rules[i]->id;
            info[i].summary = ngxl_rules[i]->summary;
            info[i].doc = ngxl_rule_doc(ngxl_rules[i]->id);
            info[i].severity = ngxl_rules[i]->severity;
        }

        ngxl_emit_sarif(ds, &eo, info, n, &out);
        free(info);
        break;

    case NGXL_FMT_GITHUB:
        ngxl_emit_github(ds, &eo, &out);
        break;

    default:
        ngxl_emit_text(ds, &eo, &out);
        break;
    }

    ngxl_cli_write(&out);
    ngxl_buf_free(&out);

    if (cli->fail_on == NGXL_SEV_NEVER) {
        return NGXL_EXIT_OK;
    }

    ngxl_diags_count(ds, count);

    for (i = cli->fail_on; i <= NGXL_SEV_ERROR; i++) {
        if (count[i]) {
            return NGXL_EXIT_FINDINGS;
        }
    }

    return NGXL_EXIT_OK;
}


/* --list-cus: the table, or {"binaries":[...]} */

void
ngxl_cli_list_cus(ngxl_cli_t *cli)
{
    size_t       i;
    json_t      *root, *list;
    ngxl_buf_t   out;

    if (cli->format != NGXL_FMT_JSON) {
        ngxl_cli_write(&cli->cu_table);
        return;
    }

    root = json_object();
    list = json_array();

    for (i = 0; i < cli->binaries.n; i++) {
        json_array_append_new(list, cli->binaries.elts[i]);
    }

    json_object_set_new(root, "binaries", list);

    ngxl_buf_init(&out);
    ngxl_json_dump(root, &out);
    ngxl_cli_write(&out);
    ngxl_buf_free(&out);

    json_decref(root);
}
