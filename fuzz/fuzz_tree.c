/*
 * ngxlint fuzz target: configurations on disk, includes followed (issue 9).
 *
 * The input is a small tree of files.  It starts with nginx.conf; each line
 * "#@ NAME" starts another file, NAME a relative path of [a-z0-9_.-] with
 * at most one directory ("conf.d/a.conf"; no "..", at most 8 files).  The
 * files are written to a private directory and nginx.conf is read as
 * `ngxlint conf` reads it: includes followed from disk (globs, cycles,
 * depth, files that are directories or missing), every rule run, then the
 * fixes computed as `ngxlint conf --fix` does (never written).
 *
 * The properties: when the tree parses without a syntax error, every file
 * read emits itself again byte for byte; the fixes touch only files of the
 * tree, and their texts parse without a syntax error.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../lib/check.h"
#include "../lib/fix/fix.h"
#include "../rules/registry.h"
#include "common.h"


#define NGXL_FUZZ_FILES  8
#define NGXL_FUZZ_NAME   48


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngxl_rule_use_t   ngxl_fuzz_use[64];
static size_t            ngxl_fuzz_nuse;
static int               ngxl_fuzz_ready;

/* what a run wrote besides nginx.conf, removed after it */
static char              ngxl_fuzz_made[2 * NGXL_FUZZ_FILES][128];
static size_t            ngxl_fuzz_nmade;


static void
ngxl_fuzz_fail(const char *what, const char *path)
{
    fprintf(stderr, "fuzz_tree: %s: %s\n", what, path);
    abort();
}


/* files first, then their directories: in the reverse order of making */

static void
ngxl_fuzz_unmake(void)
{
    while (ngxl_fuzz_nmade) {
        ngxl_fuzz_nmade--;

        if (unlink(ngxl_fuzz_made[ngxl_fuzz_nmade]) == -1) {
            /* a directory (EISDIR, or EPERM on some systems) */
            (void) rmdir(ngxl_fuzz_made[ngxl_fuzz_nmade]);
        }
    }
}


static int
ngxl_fuzz_want(const ngxl_rule_t *rule)
{
    return rule->conf != NULL;
}


static int
ngxl_fuzz_setup(void)
{
    if (ngxl_fuzz_file("tree", NULL, "nginx.conf") != NGXL_OK) {
        return NGXL_ERROR;
    }

    /* registered after the directory's cleanup: runs before it */
    atexit(ngxl_fuzz_unmake);

    ngxl_fuzz_nuse = ngxl_fuzz_rules(ngxl_fuzz_use, 64, ngxl_fuzz_want);
    ngxl_fuzz_ready = 1;

    return NGXL_OK;
}


/* NAME, LEN bytes, is one the tree takes: [a-z0-9_.-], one "/" at most */

static int
ngxl_fuzz_name_ok(const char *name, size_t len)
{
    size_t  i, slashes;

    if (len == 0 || len >= NGXL_FUZZ_NAME || name[0] == '/'
        || name[0] == '.' || name[len - 1] == '/')
    {
        return 0;
    }

    slashes = 0;

    for (i = 0; i < len; i++) {
        if (name[i] == '/') {
            if (++slashes > 1 || name[i + 1] == '.') {
                return 0;
            }

            continue;
        }

        if (!((name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= '0' && name[i] <= '9')
              || name[i] == '_' || name[i] == '.' || name[i] == '-'))
        {
            return 0;
        }
    }

    return strcmp(name, "nginx.conf") != 0;
}


static void
ngxl_fuzz_put(const char *path, const char *data, size_t len)
{
    FILE  *f;

    f = fopen(path, "wx");
    if (f == NULL) {
        return;     /* a name given twice, or a directory's: left out */
    }

    snprintf(ngxl_fuzz_made[ngxl_fuzz_nmade], sizeof(ngxl_fuzz_made[0]),
             "%s", path);
    ngxl_fuzz_nmade++;

    if (len && fwrite(data, 1, len, f) != len) {
        fclose(f);
        ngxl_fuzz_fail("writing", path);
    }

    if (fclose(f) != 0) {
        ngxl_fuzz_fail("writing", path);
    }
}


/* one file of the tree: NAME (LEN bytes) holds DATA */

static void
ngxl_fuzz_add(const char *name, size_t len, const char *data, size_t size)
{
    char         path[128], dir[128];
    const char  *slash;

    if (!ngxl_fuzz_name_ok(name, len)) {
        return;
    }

    slash = memchr(name, '/', len);

    if (slash) {
        snprintf(dir, sizeof(dir), "%s/%.*s", ngxl_fuzz_dir,
                 (int) (slash - name), name);

        if (mkdir(dir, 0700) == 0) {
            snprintf(ngxl_fuzz_made[ngxl_fuzz_nmade],
                     sizeof(ngxl_fuzz_made[0]), "%s", dir);
            ngxl_fuzz_nmade++;

        } else if (errno != EEXIST) {
            return;
        }
    }

    snprintf(path, sizeof(path), "%s/%.*s", ngxl_fuzz_dir, (int) len, name);
    ngxl_fuzz_put(path, data, size);
}


/* the input, split at its "#@ NAME" lines; nginx.conf is the first part */

static void
ngxl_fuzz_split(const char *data, size_t size)
{
    size_t       nfiles, name_len, main_len;
    const char  *p, *end, *line, *eol, *name, *body;

    end = data + size;
    p = data;
    main_len = size;
    nfiles = 0;
    name = NULL;
    name_len = 0;
    body = NULL;

    for (line = data; line < end; line = eol + 1) {
        eol = memchr(line, '\n', (size_t) (end - line));
        if (eol == NULL) {
            break;
        }

        if (eol - line < 4 || line[0] != '#' || line[1] != '@'
            || line[2] != ' ')
        {
            continue;
        }

        if (name == NULL) {
            main_len = (size_t) (line - data);

        } else if (nfiles < NGXL_FUZZ_FILES) {
            ngxl_fuzz_add(name, name_len, body, (size_t) (line - body));
            nfiles++;
        }

        name = line + 3;
        name_len = (size_t) (eol - name);
        body = eol + 1;
    }

    if (name && nfiles < NGXL_FUZZ_FILES) {
        ngxl_fuzz_add(name, name_len, body, (size_t) (end - body));
    }

    if (ngxl_fuzz_write(p, main_len) != NGXL_OK) {
        ngxl_fuzz_fail("writing", ngxl_fuzz_path);
    }
}


static void
ngxl_fuzz_options(ngxl_conf_opts_t *co, ngxl_check_opts_t *ko)
{
    memset(co, 0, sizeof(ngxl_conf_opts_t));
    co->start_ctx = NGXL_MAIN;

    memset(ko, 0, sizeof(ngxl_check_opts_t));
    ko->version.major = 1;
    ko->version.minor = 22;
    ko->keepalive = 32;
    ko->hot_threshold = 2;
    ko->conf_rules = 1;
}


/* a fixed text parses on its own without a syntax error */

static void
ngxl_fuzz_fixed(const ngxl_fix_file_t *f)
{
    size_t             dir_len;
    ngxl_conf_t        conf;
    ngxl_conf_opts_t   co;
    ngxl_dump_file_t   over;

    dir_len = strlen(ngxl_fuzz_dir);

    if (strncmp(f->path, ngxl_fuzz_dir, dir_len) != 0
        || f->path[dir_len] != '/')
    {
        ngxl_fuzz_fail("a file outside the tree was fixed", f->path);
    }

    over.path = f->path;
    over.data = f->data;
    over.len = f->len;

    memset(&co, 0, sizeof(ngxl_conf_opts_t));
    co.start_ctx = NGXL_MAIN;
    co.single_file = 1;
    co.overrides = &over;
    co.noverrides = 1;

    /* an included file is a fragment: errors of context are not looked at */

    if (ngxl_conf_parse(&conf, f->path, &co) != NGXL_OK
        || ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX) != NULL)
    {
        ngxl_fuzz_fail("a fixed text does not parse", f->path);
    }

    ngxl_conf_free(&conf);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t              i;
    ngxl_fix_t          fx;
    ngxl_conf_t         conf;
    ngxl_diags_t        ds;
    ngxl_conf_opts_t    co;
    ngxl_check_opts_t   ko;

    if (!ngxl_fuzz_ready && ngxl_fuzz_setup() != NGXL_OK) {
        abort();
    }

    ngxl_fuzz_split((const char *) data, size);
    ngxl_fuzz_options(&co, &ko);

    /* as `ngxlint conf` reads it */

    if (ngxl_conf_parse(&conf, ngxl_fuzz_path, &co) == NGXL_OK) {
        ngxl_fuzz_round_trip("tree", &conf, "as read");

        ngxl_diags_init(&ds);
        ngxl_check_conf(ngxl_fuzz_use, ngxl_fuzz_nuse, &ko, &conf, &ds);
        ngxl_diags_free(&ds);
    }

    ngxl_conf_free(&conf);

    /* as `ngxlint conf --fix` computes the fixes */

    if (ngxl_fix_run(&fx, ngxl_fuzz_path, &co, ngxl_fuzz_use, ngxl_fuzz_nuse,
                     &ko)
        == NGXL_OK)
    {
        for (i = 0; i < fx.files.n; i++) {
            ngxl_fuzz_fixed(fx.files.elts[i]);
        }
    }

    ngxl_fix_free(&fx);

    ngxl_fuzz_unmake();

    return 0;
}
