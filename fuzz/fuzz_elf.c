/*
 * ngxlint fuzz target: the ELF/DWARF reader (issue 9).
 *
 * The input is one binary, read as `ngxlint bin FILE` reads it: the ELF
 * pass (hardening, notes, build-id, debug links, instrumentation), the
 * DWARF of every compilation unit (producers, -O levels, the DIE walk of
 * each unit: full_walk, so that units whose producer records the flags are
 * walked too), the machine code when there is no DWARF; then the binary
 * rules and the --list-cus JSON.
 *
 * libelf reads a file descriptor, so the input is written to one file in
 * a private directory made once per process.  Debug files are looked for
 * in that directory only (it holds nothing else), never in /usr/lib/debug.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../lib/check.h"
#include "../rules/registry.h"
#include "common.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngxl_rule_use_t   ngxl_fuzz_use[64];
static size_t            ngxl_fuzz_nuse;
static int               ngxl_fuzz_ready;


static int
ngxl_fuzz_want(const ngxl_rule_t *rule)
{
    /* the rules that read binaries, at their own severities */
    return (rule->inputs & NGXL_INPUT_BIN) != 0;
}


static int
ngxl_fuzz_setup(void)
{
    if (ngxl_fuzz_file("elf", NULL, "input.elf") != NGXL_OK) {
        return NGXL_ERROR;
    }

    ngxl_fuzz_nuse = ngxl_fuzz_rules(ngxl_fuzz_use, 64, ngxl_fuzz_want);
    ngxl_fuzz_ready = 1;

    return NGXL_OK;
}


static void
ngxl_fuzz_read(void)
{
    json_t             *j;
    ngxl_binary_t       b;
    ngxl_diags_t        ds;
    ngxl_bin_opts_t     bo;
    ngxl_check_opts_t   ko;

    memset(&bo, 0, sizeof(ngxl_bin_opts_t));
    bo.sysroot_debug = ngxl_fuzz_dir;
    bo.full_walk = 1;

    if (ngxl_binary_read(&b, ngxl_fuzz_path, &bo) != NGXL_OK) {
        if (b.err == NULL) {
            fprintf(stderr, "fuzz_elf: refused without a reason\n");
            abort();
        }

        ngxl_binary_free(&b);
        return;
    }

    memset(&ko, 0, sizeof(ngxl_check_opts_t));
    ko.version.major = 1;
    ko.version.minor = 22;
    ko.keepalive = 32;
    ko.hot_threshold = 2;

    ngxl_diags_init(&ds);
    ngxl_check_bin(ngxl_fuzz_use, ngxl_fuzz_nuse, &ko, &b, &ds);
    ngxl_diags_free(&ds);

    j = ngxl_binary_json(&b);
    json_decref(j);

    ngxl_binary_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ngxl_fuzz_ready && ngxl_fuzz_setup() != NGXL_OK) {
        abort();
    }

    if (ngxl_fuzz_write(data, size) != NGXL_OK) {
        fprintf(stderr, "fuzz_elf: writing %s: %s\n", ngxl_fuzz_path,
                strerror(errno));
        abort();
    }

    ngxl_fuzz_read();

    return 0;
}
