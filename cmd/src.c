/*
 * ngxlint: the C command: src [-p BUILD_DIR] [-j N] [--no-pch] [PATH...]
 *
 * BUILD_DIR has compile_commands.json (CMake's, bear's) or is an nginx
 * build (objs/Makefile): its translation units and their flags.  PATHs are
 * module sources (.c files, directories); those the build does not compile
 * are parsed with stand-in nginx configuration headers.  A progress bar
 * goes to stderr while the files are parsed, when stderr is a terminal.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"


#define NGXL_CLI_SRC_DIAGS  10      /* a broken TU's diagnostics shown */


typedef struct {
    unsigned            width;
    unsigned            shown:1;
} ngxl_cli_bar_t;


static void
ngxl_cli_src_progress(void *data, size_t done, size_t total, const char *file)
{
    size_t           i, fill, room, len;
    ngxl_cli_bar_t  *bar = data;
    char             line[512];

    if (bar->width < 40 || total == 0) {
        return;
    }

    fill = 20 * done / total;
    len = (size_t) snprintf(line, sizeof(line), "\r[");

    for (i = 0; i < 20; i++) {
        line[len++] = i < fill ? '#' : '.';
    }

    len += (size_t) snprintf(line + len, sizeof(line) - len, "] %zu/%zu ",
                             done, total);

    /* the file's tail, as much as fits */

    room = bar->width - 1 > len ? bar->width - 1 - len : 0;

    if (room > sizeof(line) - len - 8) {
        room = sizeof(line) - len - 8;
    }

    if (strlen(file) > room && room > 3) {
        file += strlen(file) - room + 3;
        len += (size_t) snprintf(line + len, sizeof(line) - len, "...");
        room -= 3;
    }

    len += (size_t) snprintf(line + len, sizeof(line) - len, "%.*s\033[K",
                             (int) room, file);

    fwrite(line, 1, len, stderr);
    fflush(stderr);
    bar->shown = 1;
}


static unsigned
ngxl_cli_src_width(void)
{
    struct winsize  ws;
    const char     *cols;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }

    cols = getenv("COLUMNS");

    return cols && atoi(cols) > 0 ? (unsigned) atoi(cols) : 80;
}


static int
ngxl_cli_src_problems(ngxl_cli_t *cli, const ngxl_src_project_t *p)
{
    int                   failed;
    size_t                i, k;
    const ngxl_src_tu_t  *tu;

    failed = 0;

    for (i = 0; i < p->problems.n; i++) {
        fprintf(stderr, "ngxlint: %s\n", (char *) p->problems.elts[i]);
        failed = 1;
    }

    for (i = 0; i < p->tus.n; i++) {
        tu = p->tus.elts[i];

        if (tu->errors == 0) {
            continue;
        }

        failed = 1;

        fprintf(stderr, "ngxlint: %s: does not parse (%u error%s): what "
                "parses of it is analysed, and every other file in full\n",
                tu->file, tu->errors, tu->errors == 1 ? "" : "s");

        for (k = 0; k < tu->diags.n && k < NGXL_CLI_SRC_DIAGS; k++) {
            fprintf(stderr, "    %s\n", (char *) tu->diags.elts[k]);
        }

        if (tu->errors > k) {
            fprintf(stderr, "    ... and %zu more\n", tu->errors - k);
        }
    }

    if (p->pch_error && !cli->quiet) {
        fprintf(stderr, "ngxlint: a precompiled header could not be made "
                "(%s): its files are parsed without it\n", p->pch_error);
    }

    return failed;
}


int
ngxl_cli_src(ngxl_cli_t *cli)
{
    int                  rc, status;
    size_t               i, nuse;
    ngxl_diags_t         ds;
    ngxl_cli_bar_t       bar;
    ngxl_rule_use_t     *use;
    ngxl_src_opts_t      so;
    ngxl_check_opts_t    ko;
    ngxl_src_project_t   p;

    if (cli->prefix == NULL && cli->paths.n == 0) {
        fprintf(stderr, "ngxlint: src needs a build directory (-p DIR) or "
                "sources (try \"ngxlint --help\")\n");
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_cli_rules(cli, &use, &nuse) != NGXL_OK) {
        return NGXL_EXIT_ERROR;
    }

    memset(&so, 0, sizeof(ngxl_src_opts_t));
    so.build_dir = cli->prefix;
    so.paths = (char *const *) cli->paths.elts;
    so.npaths = cli->paths.n;
    so.jobs = cli->jobs;
    so.no_pch = cli->no_pch;

    /* the C is parsed only for the rules that read it */

    for (i = 0; i < nuse; i++) {
        if (use[i].rule->src && (use[i].rule->inputs & NGXL_INPUT_AST)) {
            so.parse = 1;
        }
    }

    memset(&bar, 0, sizeof(ngxl_cli_bar_t));

    if (!cli->quiet && isatty(STDERR_FILENO)) {
        bar.width = ngxl_cli_src_width();
        so.progress = ngxl_cli_src_progress;
        so.progress_data = &bar;
    }

    rc = ngxl_src_project(&p, &so);

    if (bar.shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }

    status = ngxl_cli_src_problems(cli, &p) ? NGXL_EXIT_ERROR : NGXL_EXIT_OK;

    if (rc != NGXL_OK) {
        ngxl_src_project_free(&p);
        free(use);
        return NGXL_EXIT_ERROR;
    }

    if (!cli->quiet && p.nparsed) {
        fprintf(stderr, "ngxlint: %zu translation unit%s parsed in %.2f s "
                "(%u thread%s", p.nparsed, p.nparsed == 1 ? "" : "s",
                p.parse_ms / 1e3, p.jobs, p.jobs == 1 ? "" : "s");

        if (p.npch) {
            fprintf(stderr, ", %u precompiled nginx header%s", p.npch,
                    p.npch == 1 ? "" : "s");
        }

        fprintf(stderr, ")%s\n", p.nfailed ? "; some did not parse" : "");
    }

    ngxl_cli_check_opts(cli, &ko);
    ko.conf_rules = 0;

    ngxl_diags_init(&ds);
    ngxl_src_sources(&p, &ds);
    ngxl_check_src(use, nuse, &ko, &p, &ds);

    rc = ngxl_cli_report(cli, &ds, status != NGXL_EXIT_OK);

    if (status == NGXL_EXIT_OK) {
        status = rc;
    }

    ngxl_diags_free(&ds);
    ngxl_src_project_free(&p);
    free(use);

    return status;
}
