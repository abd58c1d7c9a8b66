/*
 * sameconf BEFORE AFTER
 *
 * Compares the effective configuration of every server and location of two
 * versions of a configuration, and prints each difference that no fix is
 * meant to make (lib/fix/same.c says which).  Exit 0: only intended
 * differences; 1: others; 2: an input does not parse.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/same.h"


int
main(int argc, char **argv)
{
    size_t            i, n;
    ngxl_vec_t        report;
    ngxl_same_t       before, after;
    ngxl_conf_opts_t  opts;

    if (argc != 3) {
        fprintf(stderr, "usage: sameconf BEFORE AFTER\n");
        return 2;
    }

    memset(&opts, 0, sizeof(ngxl_conf_opts_t));

    if (ngxl_same_load(&before, argv[1], &opts) != NGXL_OK) {
        fprintf(stderr, "sameconf: %s does not parse\n", argv[1]);
        return 2;
    }

    if (ngxl_same_load(&after, argv[2], &opts) != NGXL_OK) {
        fprintf(stderr, "sameconf: %s does not parse\n", argv[2]);
        return 2;
    }

    memset(&report, 0, sizeof(ngxl_vec_t));
    n = ngxl_same_diff(&before, &after, &report);

    for (i = 0; i < report.n; i++) {
        printf("%s\n", (char *) report.elts[i]);
        free(report.elts[i]);
    }

    ngxl_vec_free(&report);
    ngxl_same_free(&before);
    ngxl_same_free(&after);

    return n ? 1 : 0;
}
