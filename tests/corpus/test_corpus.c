/*
 * The config front end against real nginx: every file of
 * ../shared/corpus/nginx-t.tsv must get nginx's syntax verdict (accepted, or
 * rejected at the line nginx named), and every config file of the corpus
 * must be emitted again byte for byte from its tree.
 *
 * NGXL_CORPUS overrides the corpus directory.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../lib/conf/conf.h"


static const char *
corpus_dir(void)
{
    const char  *d;

    d = getenv("NGXL_CORPUS");

    return d ? d : "../shared/corpus";
}


/* lines nginx's test harness put before the file, per wrapper */

static int
wrapper_offset(const char *wrapper, uint32_t *ctx)
{
    static const struct {
        const char  *name;
        int          offset;
        uint32_t     ctx;
    } w[] = {
        { "raw", 16, NGXL_MAIN },
        { "events", 17, NGXL_MAIN },
        { "http", 18, NGXL_HTTP_MAIN },
        { "server", 19, NGXL_HTTP_SRV },
        { "location", 20, NGXL_HTTP_LOC },
    };

    size_t  i;

    for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        if (strcmp(w[i].name, wrapper) == 0) {
            *ctx = w[i].ctx;
            return w[i].offset;
        }
    }

    return -1;
}


static int
ends_with(const char *s, const char *suffix)
{
    size_t  n, k;

    n = strlen(s);
    k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}


/*
 * From nginx's "... in /PATH:LINE", the file (made a corpus path) and line
 * we must report.
 */

static int
expected_error(const char *first_error, const char *file, const char *wrapper,
    int offset, char *efile, size_t size, uint32_t *eline)
{
    char        *colon, suffix[64];
    const char  *in;
    char         path[4096];

    in = strstr(first_error, " in /");
    if (in == NULL) {
        return -1;
    }

    in += 4;

    while (strstr(in + 1, " in /") != NULL) {
        in = strstr(in + 1, " in /") + 4;
    }

    snprintf(path, sizeof(path), "%s", in);

    colon = strrchr(path, ':');
    if (colon == NULL) {
        return -1;
    }

    *colon = '\0';
    *eline = (uint32_t) strtoul(colon + 1, NULL, 10);

    snprintf(suffix, sizeof(suffix), ".__nt_%s.conf", wrapper);

    if (ends_with(path, suffix)) {
        snprintf(efile, size, "%s/configs/%s", corpus_dir(), file);
        *eline -= (uint32_t) offset;

    } else {
        snprintf(efile, size, "%s/configs%s", corpus_dir(), path);
    }

    return 0;
}


static void
test_nginx_verdicts(void **state)
{
    int                 offset, bad, checked, rejected;
    char                line[8192], path[4096], efile[4096];
    char               *file, *wrapper, *klass, *first, *save;
    FILE               *tsv;
    uint32_t            ctx = 0, eline = 0;
    ngxl_conf_t         conf;
    ngxl_conf_opts_t    opts;
    const ngxl_cerr_t  *e;

    (void) state;

    snprintf(path, sizeof(path), "%s/nginx-t.tsv", corpus_dir());

    tsv = fopen(path, "r");
    if (tsv == NULL) {
        fail_msg("%s: cannot open (set NGXL_CORPUS)", path);
    }

    bad = 0;
    checked = 0;
    rejected = 0;

    /* the header */
    if (fgets(line, sizeof(line), tsv) == NULL) {
        fail_msg("%s: empty", path);
    }

    while (fgets(line, sizeof(line), tsv) != NULL) {
        line[strcspn(line, "\n")] = '\0';

        file = strtok_r(line, "\t", &save);
        wrapper = strtok_r(NULL, "\t", &save);
        klass = strtok_r(NULL, "\t", &save);
        first = strtok_r(NULL, "", &save);

        if (file == NULL || wrapper == NULL || klass == NULL) {
            continue;
        }

        offset = wrapper_offset(wrapper, &ctx);
        assert_true(offset >= 0);

        snprintf(path, sizeof(path), "%s/configs/%s", corpus_dir(), file);

        memset(&opts, 0, sizeof(opts));
        opts.start_ctx = ctx;

        if (ngxl_conf_parse(&conf, path, &opts) != NGXL_OK) {
            printf("DISAGREE %s: cannot read\n", file);
            bad++;
            ngxl_conf_free(&conf);
            continue;
        }

        checked++;
        e = ngxl_conf_first_error(&conf, NGXL_CERR_SYNTAX);

        if (strcmp(klass, "ok") == 0) {
            /*
             * nginx took the file: no error of ours either (but unknown
             * directives, which need modules we may not know, and includes,
             * which nginx found from its own prefix)
             */
            if (e == NULL) {
                e = ngxl_conf_first_error(&conf, NGXL_CERR_CONTEXT);
            }

            if (e == NULL) {
                e = ngxl_conf_first_error(&conf, NGXL_CERR_ARGS);
            }

            if (e != NULL) {
                printf("DISAGREE %s (%s, nginx: ok): we reject: %s:%u: %s\n",
                       file, wrapper, e->file->path, e->line, e->msg);
                bad++;
            }

        } else if (strcmp(klass, "syntax_error") != 0) {
            if (e != NULL) {
                printf("DISAGREE %s (%s, nginx: %s): we reject: %s:%u: %s\n",
                       file, wrapper, klass, e->file->path, e->line, e->msg);
                bad++;
            }

        } else {
            rejected++;

            if (first == NULL
                || expected_error(first, file, wrapper, offset, efile,
                                  sizeof(efile), &eline) != 0)
            {
                printf("DISAGREE %s: cannot read nginx's message\n", file);
                bad++;

            } else if (e == NULL) {
                printf("DISAGREE %s: nginx rejects (%s:%u), we accept\n",
                       file, efile, eline);
                bad++;

            } else if (strcmp(e->file->path, efile) != 0
                       || e->line != eline)
            {
                printf("DISAGREE %s: nginx: %s:%u, we: %s:%u: %s\n", file,
                       efile, eline, e->file->path, e->line, e->msg);
                bad++;
            }
        }

        ngxl_conf_free(&conf);
    }

    fclose(tsv);

    printf("corpus: %d files against nginx -t, %d rejected by nginx, "
           "%d disagreements\n", checked, rejected, bad);

    assert_true(checked > 4000);
    assert_int_equal(bad, 0);
}


static int
is_config(const char *name)
{
    return !(ends_with(name, ".md") || ends_with(name, ".json")
             || ends_with(name, ".txt") || ends_with(name, ".tsv"));
}


static void
round_trip_dir(const char *dir, int *files, int *bad)
{
    DIR               *d;
    char               path[4096];
    struct stat        st;
    struct dirent     *de;
    ngxl_buf_t         out;
    ngxl_conf_t        conf;
    ngxl_conf_opts_t   opts;

    d = opendir(dir);
    if (d == NULL) {
        return;
    }

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);

        if (lstat(path, &st) != 0) {
            continue;
        }

        if (S_ISDIR(st.st_mode)) {
            round_trip_dir(path, files, bad);
            continue;
        }

        if (!S_ISREG(st.st_mode) || !is_config(de->d_name)) {
            continue;
        }

        memset(&opts, 0, sizeof(opts));
        opts.single_file = 1;

        if (ngxl_conf_parse(&conf, path, &opts) != NGXL_OK) {
            printf("ROUNDTRIP %s: cannot read\n", path);
            (*bad)++;
            ngxl_conf_free(&conf);
            continue;
        }

        ngxl_buf_init(&out);
        ngxl_conf_emit(conf.main, &out);

        (*files)++;

        if (out.len != conf.main->file->len
            || memcmp(out.data, conf.main->file->data, out.len) != 0)
        {
            printf("ROUNDTRIP %s: %zu bytes out, %zu in\n", path, out.len,
                   conf.main->file->len);
            (*bad)++;
        }

        ngxl_buf_free(&out);
        ngxl_conf_free(&conf);
    }

    closedir(d);
}


static void
test_round_trip(void **state)
{
    int   files, bad;
    char  path[4096];

    (void) state;

    files = 0;
    bad = 0;

    snprintf(path, sizeof(path), "%s/configs", corpus_dir());
    round_trip_dir(path, &files, &bad);

    printf("corpus: %d files emitted again, %d differ\n", files, bad);

    assert_true(files > 8000);
    assert_int_equal(bad, 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_nginx_verdicts),
        cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
