/*
 * ngxlint fuzz targets: the input file and the rules (see common.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../rules/registry.h"
#include "common.h"


char         ngxl_fuzz_dir[64];
char         ngxl_fuzz_path[128];

static char  ngxl_fuzz_sub[96];
static int   ngxl_fuzz_fd = -1;


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

    if (ngxl_fuzz_sub[0]) {
        (void) rmdir(ngxl_fuzz_sub);
    }

    if (ngxl_fuzz_dir[0]) {
        (void) rmdir(ngxl_fuzz_dir);
    }
}


int
ngxl_fuzz_file(const char *target, const char *sub, const char *name)
{
    const char  *tmp;

    tmp = getenv("TMPDIR");

    snprintf(ngxl_fuzz_dir, sizeof(ngxl_fuzz_dir), "%s/ngxl-fuzz-%s.XXXXXX",
             tmp && tmp[0] && strlen(tmp) < 32 ? tmp : "/tmp", target);

    if (mkdtemp(ngxl_fuzz_dir) == NULL) {
        fprintf(stderr, "fuzz_%s: mkdtemp(%s): %s\n", target, ngxl_fuzz_dir,
                strerror(errno));
        ngxl_fuzz_dir[0] = '\0';
        return NGXL_ERROR;
    }

    if (sub) {
        snprintf(ngxl_fuzz_sub, sizeof(ngxl_fuzz_sub), "%s/%s", ngxl_fuzz_dir,
                 sub);

        if (mkdir(ngxl_fuzz_sub, 0700) == -1) {
            fprintf(stderr, "fuzz_%s: mkdir(%s): %s\n", target, ngxl_fuzz_sub,
                    strerror(errno));
            ngxl_fuzz_sub[0] = '\0';
            ngxl_fuzz_cleanup();
            return NGXL_ERROR;
        }
    }

    snprintf(ngxl_fuzz_path, sizeof(ngxl_fuzz_path), "%s/%s",
             sub ? ngxl_fuzz_sub : ngxl_fuzz_dir, name);

    ngxl_fuzz_fd = open(ngxl_fuzz_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0600);

    if (ngxl_fuzz_fd == -1) {
        fprintf(stderr, "fuzz_%s: %s: %s\n", target, ngxl_fuzz_path,
                strerror(errno));
        ngxl_fuzz_path[0] = '\0';
        ngxl_fuzz_cleanup();
        return NGXL_ERROR;
    }

    atexit(ngxl_fuzz_cleanup);

    return NGXL_OK;
}


int
ngxl_fuzz_write(const void *data, size_t size)
{
    size_t         done;
    ssize_t        n;
    const uint8_t  *p;

    p = data;

    if (ftruncate(ngxl_fuzz_fd, 0) == -1) {
        return NGXL_ERROR;
    }

    for (done = 0; done < size; done += (size_t) n) {
        n = pwrite(ngxl_fuzz_fd, p + done, size - done, (off_t) done);

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


size_t
ngxl_fuzz_rules(ngxl_rule_use_t *use, size_t max,
    int (*want)(const ngxl_rule_t *rule))
{
    size_t  i, n;

    n = 0;

    for (i = 0; ngxl_rules[i] && n < max; i++) {
        if (want(ngxl_rules[i])) {
            use[n].rule = ngxl_rules[i];
            use[n].severity = ngxl_rules[i]->severity;
            n++;
        }
    }

    return n;
}


void
ngxl_fuzz_round_trip(const char *target, const ngxl_conf_t *conf,
    const char *what)
{
    size_t              i;
    ngxl_buf_t          out;
    const ngxl_inst_t  *inst;

    if (ngxl_conf_first_error(conf, NGXL_CERR_SYNTAX) != NULL) {
        return;
    }

    for (i = 0; i < conf->insts.n; i++) {
        inst = conf->insts.elts[i];

        ngxl_buf_init(&out);
        ngxl_conf_emit(inst, &out);

        if (out.len != inst->file->len
            || (out.len && memcmp(out.data, inst->file->data, out.len) != 0))
        {
            fprintf(stderr, "fuzz_%s: %s: %s: %zu bytes emitted, %zu read\n",
                    target, what, inst->file->path, out.len, inst->file->len);
            abort();
        }

        ngxl_buf_free(&out);
    }
}
