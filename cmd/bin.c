/*
 * ngxlint: the binary command: bin (and --list-cus).
 */

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"


extern char  **environ;


/* --debuginfod: the debug file debuginfod-find fetches, or NULL */

static char *
ngxl_cli_debuginfod(const char *path)
{
    int     fd[2], status;
    char    buf[4096], *argv[4];
    pid_t   pid;
    ssize_t n;
    size_t  len;
    posix_spawn_file_actions_t  fa;

    if (pipe(fd) == -1) {
        return NULL;
    }

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);

    argv[0] = (char *) "debuginfod-find";
    argv[1] = (char *) "debuginfo";
    argv[2] = (char *) path;
    argv[3] = NULL;

    status = posix_spawnp(&pid, "debuginfod-find", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);

    if (status != 0) {
        close(fd[0]);
        fprintf(stderr, "ngxlint: --debuginfod: debuginfod-find cannot be "
                "run (Debian's debuginfod package has it)\n");
        return NULL;
    }

    len = 0;

    while (len < sizeof(buf) - 1
           && (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
    {
        len += (size_t) n;
    }

    close(fd[0]);
    buf[len] = '\0';

    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
        /* void */
    }

    buf[strcspn(buf, "\n")] = '\0';

    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && buf[0]
           ? strdup(buf) : NULL;
}



static void
ngxl_cli_cu_table(ngxl_cli_t *cli, const ngxl_binary_t *b)
{
    size_t         i;
    ngxl_cu_t     *cu;
    ngxl_range_t  *r;
    ngxl_buf_t    *t;

    t = &cli->cu_table;

    ngxl_buf_printf(t, "%s: build-id %s, debug info %s%s%s\n", b->path,
                    b->build_id ? b->build_id : "none",
                    b->debug_how ? b->debug_how : "not found",
                    b->debug_file && b->debug_file != b->path ? ": " : "",
                    b->debug_file && b->debug_file != b->path
                    ? b->debug_file : "");

    if (b->cus.n) {
        ngxl_buf_printf(t, "  %-40s %-11s %-12s %-10s %s\n", "unit", "opt",
                        "evidence", "confidence", "producer");
    }

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];
        ngxl_buf_printf(t, "  %-40s %-11s %-12s %-10s %s\n", cu->name,
                        ngxl_opt_name(cu->opt),
                        ngxl_evidence_name(cu->evidence),
                        ngxl_confidence_name(cu->confidence),
                        cu->producer ? cu->producer : "-");

        /* why a unit is unknown: nothing to tell by, or unreadable */

        if (cu->opt == NGXL_OPT_UNKNOWN && cu->why) {
            ngxl_buf_printf(t, "  %-40s (%s)\n", "", cu->why);
        }
    }

    if (b->cus.n == 0 && b->functions) {
        ngxl_buf_printf(t, "  machine code: %zu of %zu functions look "
                        "unoptimised\n", b->flagged, b->functions);

        for (i = 0; i < b->ranges.n; i++) {
            r = b->ranges.elts[i];
            ngxl_buf_printf(t, "  0x%llx-0x%llx  %s  %zu functions\n",
                            (unsigned long long) r->start,
                            (unsigned long long) r->end,
                            ngxl_opt_name(r->opt), r->functions);
        }
    }

    if (b->dwarf_err) {
        ngxl_buf_printf(t, "  (%s)\n", b->dwarf_err);
    }
}


/* one binary: read, check, and keep the findings (or the CU table) */

int
ngxl_cli_bin_one(ngxl_cli_t *cli, const char *path,
    const ngxl_rule_use_t *use, size_t nuse, ngxl_diags_t *ds)
{
    char               *fetched;
    ngxl_binary_t       b;
    ngxl_bin_opts_t     bo;
    ngxl_check_opts_t   ko;

    memset(&bo, 0, sizeof(ngxl_bin_opts_t));
    bo.debug_dirs = cli->debug_dirs;

    fetched = NULL;

    if (ngxl_binary_read(&b, path, &bo) != NGXL_OK) {
        fprintf(stderr, "ngxlint: %s: %s\n", path, b.err);
        ngxl_binary_free(&b);
        return NGXL_ERROR;
    }

    if (cli->debuginfod && b.cus.n == 0 && b.build_id) {
        fetched = ngxl_cli_debuginfod(path);

        if (fetched) {
            char  *slash = strrchr(fetched, '/');

            /* debuginfod's cache names it by build-id: look there */
            ngxl_binary_free(&b);
            *slash = '\0';
            ngxl_vec_push(&bo.debug_dirs, fetched);
            (void) ngxl_binary_read(&b, path, &bo);
            bo.debug_dirs.n--;
        }
    }

    if (cli->list_cus) {
        if (cli->format == NGXL_FMT_JSON) {
            ngxl_vec_push(&cli->binaries, ngxl_binary_json(&b));
        } else {
            ngxl_cli_cu_table(cli, &b);
        }

    } else {
        ngxl_cli_check_opts(cli, &ko);
        ngxl_check_bin(use, nuse, &ko, &b, ds);
    }

    ngxl_binary_free(&b);
    free(fetched);

    return NGXL_OK;
}
