/*
 * ngxlint: unit tests of the effective build flags of a command line
 * (lib/csrc/flags.c): the last -O wins, a bare -O is -O1, the named
 * levels, the pairs that cancel, and -fsanitize= sets.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "csrc/csrc.h"


/* the flags of a command line given as one string, split at spaces */

static void
flags_of(const char *line, ngxl_src_flags_t *fl, ngxl_pool_t *pool)
{
    char    *copy, *argv[64], *save, *w;
    size_t   argc;

    copy = ngxl_pstrndup(pool, line, strlen(line));
    argc = 0;

    for (w = strtok_r(copy, " ", &save); w && argc < 64;
         w = strtok_r(NULL, " ", &save))
    {
        argv[argc++] = w;
    }

    ngxl_src_flags(fl, argv, argc, pool);
}


typedef struct {
    const char  *line;
    ngxl_opt_t   opt;
    const char  *text;
} test_opt_t;


static void
test_levels(void **state)
{
    size_t            i;
    ngxl_pool_t       pool;
    ngxl_src_flags_t  fl;

    static const test_opt_t  cases[] = {
        { "-c x.c", NGXL_OPT_UNKNOWN, "no -O" },
        { "-O0", NGXL_OPT_O0, "-O0" },
        { "-O", NGXL_OPT_O1, "-O (-O1)" },
        { "-O1", NGXL_OPT_O1, "-O1" },
        { "-O2 -g", NGXL_OPT_O2, "-O2" },
        { "-O3", NGXL_OPT_O3, "-O3" },
        { "-O4", NGXL_OPT_O3, "-O4" },
        { "-Os", NGXL_OPT_OS, "-Os" },
        { "-Oz", NGXL_OPT_OZ, "-Oz" },
        { "-Og", NGXL_OPT_OG, "-Og" },
        { "-Ofast", NGXL_OPT_OFAST, "-Ofast" },
        { "-O2 -c x.c -O0", NGXL_OPT_O0, "-O0" },
        { "-O0 -O", NGXL_OPT_O1, "-O (-O1)" },
        { "-pipe -O -W -Wall -g -O2", NGXL_OPT_O2, "-O2" },
        { "-O3 -Os", NGXL_OPT_OS, "-Os" },
        { "-DNAME=-O0 -O2", NGXL_OPT_O2, "-O2" },
    };

    (void) state;
    ngxl_pool_init(&pool);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        flags_of(cases[i].line, &fl, &pool);

        if (fl.opt != cases[i].opt) {
            fail_msg("\"%s\": %s, expected %s", cases[i].line,
                     ngxl_opt_name(fl.opt), ngxl_opt_name(cases[i].opt));
        }

        assert_string_equal(ngxl_src_opt_text(&fl), cases[i].text);
    }

    flags_of("-O2 -O0", &fl, &pool);
    assert_int_equal(fl.nopts, 2);
    assert_string_equal(fl.opt_first, "-O2");
    assert_string_equal(fl.opt_arg, "-O0");

    ngxl_pool_free(&pool);
}


static void
test_pairs(void **state)
{
    ngxl_pool_t       pool;
    ngxl_src_flags_t  fl;

    (void) state;
    ngxl_pool_init(&pool);

    flags_of("-O2 -fno-inline", &fl, &pool);
    assert_true(fl.no_inline);

    flags_of("-O2 -fno-inline -finline", &fl, &pool);
    assert_false(fl.no_inline);

    flags_of("-fno-optimize-sibling-calls", &fl, &pool);
    assert_true(fl.no_sibling);

    flags_of("-fno-optimize-sibling-calls -foptimize-sibling-calls", &fl,
             &pool);
    assert_false(fl.no_sibling);

    flags_of("-fomit-frame-pointer -fno-omit-frame-pointer", &fl, &pool);
    assert_true(fl.frame_pointer);

    flags_of("-fno-omit-frame-pointer -fomit-frame-pointer", &fl, &pool);
    assert_false(fl.frame_pointer);

    flags_of("-O2 -pg", &fl, &pool);
    assert_true(fl.pg);

    flags_of("--coverage", &fl, &pool);
    assert_true(fl.coverage);

    flags_of("-fprofile-arcs -ftest-coverage", &fl, &pool);
    assert_true(fl.coverage);

    flags_of("-fprofile-instr-generate -fcoverage-mapping", &fl, &pool);
    assert_true(fl.coverage);
    assert_true(fl.profile_gen);

    flags_of("-g -DNDEBUG -D_FORTIFY_SOURCE=2", &fl, &pool);
    assert_true(fl.debug);
    assert_true(fl.ndebug);
    assert_true(fl.fortify);

    flags_of("-g -g0 -D NDEBUG -UNDEBUG -D_FORTIFY_SOURCE=0", &fl, &pool);
    assert_false(fl.debug);
    assert_false(fl.ndebug);
    assert_false(fl.fortify);

    ngxl_pool_free(&pool);
}


static void
test_sanitize(void **state)
{
    ngxl_pool_t       pool;
    ngxl_src_flags_t  fl;

    (void) state;
    ngxl_pool_init(&pool);

    flags_of("-O2", &fl, &pool);
    assert_null(fl.sanitize);

    flags_of("-fsanitize=address,undefined", &fl, &pool);
    assert_string_equal(fl.sanitize, "address,undefined");

    flags_of("-fsanitize=address -fsanitize=undefined -fno-sanitize=address",
             &fl, &pool);
    assert_string_equal(fl.sanitize, "undefined");

    flags_of("-fsanitize=thread -fno-sanitize=all", &fl, &pool);
    assert_null(fl.sanitize);

    flags_of("-fsanitize=address -fsanitize=address", &fl, &pool);
    assert_string_equal(fl.sanitize, "address");

    flags_of("-fsanitize-recover=all", &fl, &pool);
    assert_null(fl.sanitize);

    ngxl_pool_free(&pool);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_sanitize),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
