/*
 * `ngxlint parse` against the expected outputs of crossplane's and
 * ngxparse's own test suites (the *-expected folders of the corpus).
 *
 * Error messages follow nginx's wording, not Python's, so errors are
 * compared by file and line.  Where the expected output contradicts real
 * nginx, the case is listed in `contradicts` with nginx's verdict, and the
 * test checks that ngxlint gives nginx's verdict instead.
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
#include <unistd.h>

#include <jansson.h>

#include "../../lib/conf/conf.h"
#include "../../lib/conf/crossplane.h"


/* cases where crossplane's asserted output is not what nginx does */

static const struct {
    const char  *file;
    const char  *nginx;
} contradicts[] = {
    /*
     * crossplane reports 'directive "proxy_pass" is not terminated by ";"'
     * and goes on; nginx 1.22.1 -t says 'unexpected "}"' at the next line
     * (the "}" is read as an argument start) and stops there.
     */
    { "missing-semicolon/broken-above.conf", "unexpected \"}\":5" },
    { "missing-semicolon/broken-below.conf", "unexpected \"}\":8" },
    /*
     * crossplane does not check the contexts of Lua directives; nginx
     * rejects log_by_lua_block inside upstream {}
     */
    { "lua-block-simple/nginx.conf",
      "\"log_by_lua_block\" directive is not allowed here:36" },
};


static const char *
corpus_dir(void)
{
    const char  *d;

    d = getenv("NGXL_CORPUS");

    return d ? d : "../shared/corpus";
}


/* drops "error" texts: only file and line are compared */

static void
strip_messages(json_t *payload)
{
    size_t   i, k;
    json_t  *e, *c;

    json_array_foreach(json_object_get(payload, "errors"), i, e) {
        json_object_del(e, "error");
    }

    json_array_foreach(json_object_get(payload, "config"), k, c) {
        json_array_foreach(json_object_get(c, "errors"), i, e) {
            json_object_del(e, "error");
        }
    }
}


static json_t *
run_parse(const char *file, json_t *kwargs)
{
    size_t             i, n;
    json_t            *v, *payload;
    const char        *ignore[32];
    ngxl_conf_t        conf;
    ngxl_xp_opts_t     xo;
    ngxl_conf_opts_t   co;

    memset(&co, 0, sizeof(co));
    memset(&xo, 0, sizeof(xo));

    xo.comments = json_is_true(json_object_get(kwargs, "comments"));
    xo.combine = json_is_true(json_object_get(kwargs, "combine"));
    xo.strict = json_is_true(json_object_get(kwargs, "strict"));
    xo.single = json_is_true(json_object_get(kwargs, "single"));
    co.single_file = xo.single;

    n = 0;
    json_array_foreach(json_object_get(kwargs, "ignore"), i, v) {
        if (n < 32) {
            ignore[n++] = json_string_value(v);
        }
    }

    xo.ignore = ignore;
    xo.nignore = n;

    if (ngxl_conf_parse(&conf, file, &co) != NGXL_OK) {
        ngxl_conf_free(&conf);
        return NULL;
    }

    payload = ngxl_conf_crossplane(&conf, &xo);
    ngxl_conf_free(&conf);

    return payload;
}


static int
contradiction(const char *file, json_t *got)
{
    size_t   i;
    char     want[4096];
    json_t  *e;

    for (i = 0; i < sizeof(contradicts) / sizeof(contradicts[0]); i++) {
        if (strcmp(contradicts[i].file, file) != 0) {
            continue;
        }

        e = json_array_get(json_object_get(got, "errors"), 0);

        snprintf(want, sizeof(want), "%s", contradicts[i].nginx);
        *strrchr(want, ':') = '\0';

        if (e && strstr(json_string_value(json_object_get(e, "error")),
                        want) != NULL
            && json_integer_value(json_object_get(e, "line"))
               == atoi(strrchr(contradicts[i].nginx, ':') + 1))
        {
            printf("  %s: crossplane's output contradicts nginx; "
                   "ngxlint gives nginx's %s\n", file, contradicts[i].nginx);
            return 1;
        }

        printf("  %s: expected nginx's %s\n", file, contradicts[i].nginx);
        return -1;
    }

    return 0;
}


static void
check_suite(const char *suite, int *calls, int *bad)
{
    DIR            *d;
    char            dir[4096], path[8192], cwd[4096], *dump;
    size_t          i;
    json_t         *doc, *call, *got, *want;
    const char     *file;
    struct dirent  *de;
    json_error_t    err;

    assert_non_null(getcwd(cwd, sizeof(cwd)));

    snprintf(dir, sizeof(dir), "%s/configs/%s-expected", corpus_dir(), suite);

    d = opendir(dir);
    if (d == NULL) {
        fail_msg("%s: cannot open (set NGXL_CORPUS)", dir);
    }

    while ((de = readdir(d)) != NULL) {
        if (strstr(de->d_name, ".json") == NULL) {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);

        doc = json_load_file(path, 0, &err);
        assert_non_null(doc);

        /* paths in the calls are relative to the suite's config folder */
        snprintf(path, sizeof(path), "%s/configs/%s", corpus_dir(), suite);
        assert_int_equal(chdir(path), 0);

        json_array_foreach(json_object_get(doc, "calls"), i, call) {
            if (strcmp(json_string_value(json_object_get(call, "fn")),
                       "parse") != 0)
            {
                /* crossplane's lexer API: not part of `ngxlint parse` */
                continue;
            }

            file = json_string_value(json_array_get(
                       json_object_get(call, "args"), 0));

            (*calls)++;

            got = run_parse(file, json_object_get(call, "kwargs"));

            if (got == NULL) {
                printf("  %s %s: cannot read %s\n", suite, de->d_name, file);
                (*bad)++;
                continue;
            }

            switch (contradiction(file, got)) {
            case 1:
                json_decref(got);
                continue;
            case -1:
                (*bad)++;
                json_decref(got);
                continue;
            }

            want = json_deep_copy(json_object_get(call, "result"));
            strip_messages(want);
            strip_messages(got);

            if (!json_equal(want, got)) {
                dump = json_dumps(got, JSON_COMPACT);
                printf("  %s %s %s: differs:\n    got  %.2000s\n", suite,
                       de->d_name, file, dump);
                free(dump);
                dump = json_dumps(want, JSON_COMPACT);
                printf("    want %.2000s\n", dump);
                free(dump);
                (*bad)++;
            }

            json_decref(want);
            json_decref(got);
        }

        assert_int_equal(chdir(cwd), 0);
        json_decref(doc);
    }

    closedir(d);
}


static void
test_crossplane_expected(void **state)
{
    int  calls, bad;

    (void) state;

    calls = 0;
    bad = 0;

    check_suite("crossplane", &calls, &bad);
    check_suite("ngxparse", &calls, &bad);

    printf("crossplane/ngxparse expected outputs: %d parse calls, "
           "%d differ\n", calls, bad);

    assert_true(calls >= 30);
    assert_int_equal(bad, 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_crossplane_expected),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
