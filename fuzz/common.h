/*
 * ngxlint fuzz targets: what the targets that read a file share (issue 9).
 *
 * The readers take paths (libelf a file descriptor), so each input is
 * written to one file in a private directory, made once per process and
 * removed at exit.
 */

#ifndef NGXL_FUZZ_COMMON_H
#define NGXL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/check.h"


/* the directory and the file of ngxl_fuzz_file() */
extern char  ngxl_fuzz_dir[64];
extern char  ngxl_fuzz_path[128];

/*
 * Makes TMPDIR/ngxl-fuzz-TARGET.XXXXXX, SUB in it (when not NULL) and NAME
 * in that (the inputs go there); NGXL_ERROR after a message on stderr.
 */
int ngxl_fuzz_file(const char *target, const char *sub, const char *name);

/* the file holds DATA, and only DATA */
int ngxl_fuzz_write(const void *data, size_t size);

/* the rules WANT takes, at their own severities, into USE (at most MAX) */
size_t ngxl_fuzz_rules(ngxl_rule_use_t *use, size_t max,
    int (*want)(const ngxl_rule_t *rule));

/*
 * Every instance of CONF (its main file and what it includes) emits its
 * file again byte for byte, when CONF has no syntax error (the patcher
 * depends on it); else an abort(), after a message naming TARGET and WHAT.
 */
void ngxl_fuzz_round_trip(const char *target, const ngxl_conf_t *conf,
    const char *what);

#endif /* NGXL_FUZZ_COMMON_H */
