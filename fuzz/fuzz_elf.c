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


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static char              ngxl_fuzz_dir[64];
static char              ngxl_fuzz_path[96];
static int               ngxl_fuzz_fd = -1;
static ngxl_rule_use_t   ngxl_fuzz_use[64];
static size_t            ngxl_fuzz_nuse;


static void
ngxl_fuzz_cleanup(void)
{
    if (ngxl_fuzz_fd != -1) {
        close(ngxl_fuzz_fd);
        ngxl_fuzz_fd = -1;
    }

    if (ngxl_fuzz_path[0]) {
        (void) unlink(ngxl_fuzz_path);
    }

    if (ngxl_fuzz_dir[0]) {
        (void) rmdir(ngxl_fuzz_dir);
    }
}


static int
ngxl_fuzz_setup(void)
{
    size_t       i;
    const char  *tmp;

    tmp = getenv("TMPDIR");

    snprintf(ngxl_fuzz_dir, sizeof(ngxl_fuzz_dir), "%s/ngxl-fuzz-elf.XXXXXX",
             tmp && tmp[0] && strlen(tmp) < 32 ? tmp : "/tmp");

    if (mkdtemp(ngxl_fuzz_dir) == NULL) {
        fprintf(stderr, "fuzz_elf: mkdtemp(%s): %s\n", ngxl_fuzz_dir,
                strerror(errno));
        ngxl_fuzz_dir[0] = '\0';
        return NGXL_ERROR;
    }

    snprintf(ngxl_fuzz_path, sizeof(ngxl_fuzz_path), "%s/input.elf",
             ngxl_fuzz_dir);

    ngxl_fuzz_fd = open(ngxl_fuzz_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0600);

    if (ngxl_fuzz_fd == -1) {
        fprintf(stderr, "fuzz_elf: %s: %s\n", ngxl_fuzz_path,
                strerror(errno));
        ngxl_fuzz_path[0] = '\0';
        ngxl_fuzz_cleanup();
        return NGXL_ERROR;
    }

    atexit(ngxl_fuzz_cleanup);

    /* the rules that read binaries, at their own severities */

    for (i = 0; ngxl_rules[i] && ngxl_fuzz_nuse < 64; i++) {
        if (ngxl_rules[i]->inputs & NGXL_INPUT_BIN) {
            ngxl_fuzz_use[ngxl_fuzz_nuse].rule = ngxl_rules[i];
            ngxl_fuzz_use[ngxl_fuzz_nuse].severity = ngxl_rules[i]->severity;
            ngxl_fuzz_nuse++;
        }
    }

    return NGXL_OK;
}


static int
ngxl_fuzz_write(const uint8_t *data, size_t size)
{
    size_t   done;
    ssize_t  n;

    if (ftruncate(ngxl_fuzz_fd, 0) == -1) {
        return NGXL_ERROR;
    }

    for (done = 0; done < size; done += (size_t) n) {
        n = pwrite(ngxl_fuzz_fd, data + done, size - done, (off_t) done);

        if (n == -1 && errno == EINTR) {
            n = 0;
            continue;
        }

        if (n <= 0) {
            return NGXL_ERROR;
        }
    }

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
    if (ngxl_fuzz_fd == -1 && ngxl_fuzz_setup() != NGXL_OK) {
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
