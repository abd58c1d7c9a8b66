/*
 * ngxlint fuzz target: the Lua scanner (issue 9).
 *
 * The input is one .lua file, scanned as `ngxlint lua FILE` scans it:
 * tree-sitter's parse, then the walk that finds the ngx.var accesses
 * (through aliases and scopes), the requires, the cosockets and the
 * syntax errors.  Broken Lua must still give what can be seen, and never
 * a crash; each finding's position must lie inside the file.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/lua/lua.h"


#define NGXL_FUZZ_PATH  "/fuzz/module.lua"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* the number of lines of TEXT, as a position can name them */

static uint32_t
ngxl_fuzz_lines(const char *text, size_t len)
{
    size_t    i;
    uint32_t  n;

    n = 1;

    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            n++;
        }
    }

    return n;
}


static void
ngxl_fuzz_check_line(const char *what, uint32_t line, uint32_t lines)
{
    if (line == 0 || line > lines) {
        fprintf(stderr, "fuzz_lua: %s at line %u of a %u-line file\n",
                what, line, lines);
        abort();
    }
}


static void
ngxl_fuzz_check(const ngxl_lua_scan_t *s, uint32_t lines)
{
    size_t                     i;
    const ngxl_lua_sock_t     *k;
    const ngxl_lua_error_t    *e;
    const ngxl_lua_access_t   *a;
    const ngxl_lua_require_t  *r;

    for (i = 0; i < s->accesses.n; i++) {
        a = s->accesses.elts[i];
        ngxl_fuzz_check_line("an access", a->line, lines);
    }

    for (i = 0; i < s->requires.n; i++) {
        r = s->requires.elts[i];
        ngxl_fuzz_check_line("a require", r->line, lines);
    }

    for (i = 0; i < s->sockets.n; i++) {
        k = s->sockets.elts[i];
        ngxl_fuzz_check_line("a socket", k->line, lines);
    }

    for (i = 0; i < s->errors.n; i++) {
        e = s->errors.elts[i];
        ngxl_fuzz_check_line("a syntax error", e->line, lines);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char             *text;
    ngxl_pool_t       pool;
    ngxl_lua_src_t    src;
    ngxl_lua_scan_t   scan;

    if (size > UINT32_MAX - 1) {
        return 0;
    }

    /* a file as ngxl_read_file() gives it: NUL-terminated */

    text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }

    if (size) {
        memcpy(text, data, size);
    }

    text[size] = '\0';

    ngxl_pool_init(&pool);
    ngxl_lua_scan_init(&scan, &pool);

    memset(&src, 0, sizeof(ngxl_lua_src_t));
    src.path = NGXL_FUZZ_PATH;
    src.data = text;
    src.len = size;
    src.code_len = (uint32_t) size;

    if (ngxl_lua_scan(&scan, &src, 0) != NGXL_OK) {
        fprintf(stderr, "fuzz_lua: tree-sitter could not run\n");
        abort();
    }

    ngxl_fuzz_check(&scan, ngxl_fuzz_lines(text, size));

    ngxl_lua_scan_free(&scan);
    ngxl_pool_free(&pool);
    free(text);

    return 0;
}
