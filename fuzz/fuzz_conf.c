/*
 * ngxlint fuzz target: the configuration front end (issue 9).
 *
 * The input is one configuration file, read from memory (the parser's
 * overrides, as the patcher gives it its new versions), never followed
 * into includes: the tokenizer, the Lua block reader, the block structure
 * and the directive table.  When it parses without a syntax error, the
 * tree must emit the input again byte for byte (lib/conf/emit.c promises
 * it, and the patcher depends on it); then its crossplane JSON is built,
 * as `ngxlint parse` does.
 *
 * The same bytes are also read as `nginx -T` output (which needs a
 * `# configuration file PATH:` line, else it is refused at once): includes
 * are then followed, within the dump only, and every instance must emit
 * its file again.
 *
 * A broken property is an abort(): libFuzzer keeps the input.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../lib/conf/conf.h"
#include "../lib/conf/crossplane.h"
#include "common.h"


#define NGXL_FUZZ_PATH  "/fuzz/nginx.conf"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
ngxl_fuzz_crossplane(const ngxl_conf_t *conf)
{
    char            *s;
    json_t          *payload;
    ngxl_xp_opts_t   xo;

    memset(&xo, 0, sizeof(ngxl_xp_opts_t));
    xo.comments = 1;
    xo.single = 1;

    payload = ngxl_conf_crossplane(conf, &xo);
    if (payload == NULL) {
        return;
    }

    s = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
    free(s);

    json_decref(payload);
}


static void
ngxl_fuzz_memory(const char *text, size_t len)
{
    ngxl_conf_t        conf;
    ngxl_conf_opts_t   opts;
    ngxl_dump_file_t   over;

    over.path = NGXL_FUZZ_PATH;
    over.data = text;
    over.len = len;

    memset(&opts, 0, sizeof(ngxl_conf_opts_t));
    opts.start_ctx = NGXL_MAIN;
    opts.single_file = 1;
    opts.overrides = &over;
    opts.noverrides = 1;

    if (ngxl_conf_parse(&conf, NGXL_FUZZ_PATH, &opts) != NGXL_OK) {
        /* read from memory: it cannot fail to be read */
        fprintf(stderr, "fuzz_conf: the file in memory was not read\n");
        abort();
    }

    ngxl_fuzz_round_trip("conf", &conf, "file");
    ngxl_fuzz_crossplane(&conf);

    ngxl_conf_free(&conf);
}


static void
ngxl_fuzz_dump(const char *text, size_t len)
{
    ngxl_conf_t        conf;
    ngxl_conf_opts_t   opts;

    memset(&opts, 0, sizeof(ngxl_conf_opts_t));
    opts.start_ctx = NGXL_MAIN;
    opts.dump = text;
    opts.dump_len = len;

    if (ngxl_conf_parse(&conf, NULL, &opts) == NGXL_OK) {
        ngxl_fuzz_round_trip("conf", &conf, "dump");
    }

    ngxl_conf_free(&conf);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char  *text;

    /* the parser's files are NUL-terminated (ngxl_cfile_t) */

    text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }

    if (size) {
        memcpy(text, data, size);
    }

    text[size] = '\0';

    ngxl_fuzz_memory(text, size);
    ngxl_fuzz_dump(text, size);

    free(text);

    return 0;
}
