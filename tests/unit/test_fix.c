/*
 * The patcher through the library: unified diffs, and safe writes that
 * refuse a file changed since it was read and leave every file as it was
 * when any one cannot be written.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fix/diff.h"
#include "fix/fix.h"
#include "../rules/registry.h"


static char  tmpdir[256];


static void
put(const char *name, const char *text)
{
    char   path[512];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}


static char *
get(const char *name)
{
    char        path[512];
    ngxl_buf_t  b;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);

    if (ngxl_read_file(path, 1 << 20, &b) != NGXL_OK) {
        return NULL;
    }

    return b.data ? b.data : strdup("");
}


static int
setup(void **state)
{
    (void) state;

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ngxlint-fix-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));

    put("nginx.conf",
        "events {}\n"
        "http {\n"
        "    include up.conf;\n"
        "    server {\n"
        "        listen 127.0.0.1:8080;\n"
        "        location / {\n"
        "            proxy_pass http://app;\n"
        "        }\n"
        "    }\n"
        "}\n");
    put("up.conf",
        "upstream app {\n"
        "    server 127.0.0.1:8001;\n"
        "}\n");

    return 0;
}


static int
teardown(void **state)
{
    char  cmd[300];

    (void) state;

    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);

    return 0;
}


static int
run_fix(ngxl_fix_t *fx)
{
    int                 rc;
    char                path[512];
    size_t              n;
    ngxl_rule_use_t     use[32];
    ngxl_conf_opts_t    co;
    ngxl_check_opts_t   ko;

    for (n = 0; ngxl_rules[n] && n < 32; n++) {
        use[n].rule = ngxl_rules[n];
        use[n].severity = ngxl_rules[n]->severity;
    }

    memset(&co, 0, sizeof(co));
    memset(&ko, 0, sizeof(ko));
    ko.version.major = 1;
    ko.version.minor = 22;
    ko.version.patch = 1;
    ko.keepalive = 32;
    ko.conf_rules = 1;

    snprintf(path, sizeof(path), "%s/nginx.conf", tmpdir);
    rc = ngxl_fix_run(fx, path, &co, use, n, &ko);

    return rc;
}


static void
test_fix_two_files(void **state)
{
    char        *up, *main;
    ngxl_fix_t   fx;

    (void) state;

    assert_int_equal(run_fix(&fx), NGXL_OK);
    assert_int_equal(fx.files.n, 2);     /* up.conf and nginx.conf */
    assert_int_equal(ngxl_fix_write(&fx, ".orig"), NGXL_OK);
    ngxl_fix_free(&fx);

    up = get("up.conf");
    main = get("nginx.conf");
    assert_non_null(strstr(up, "    keepalive 32;\n}"));
    assert_non_null(strstr(main, "proxy_http_version 1.1;"));
    assert_non_null(strstr(main, "proxy_set_header Connection \"\";"));
    free(up);
    free(main);

    /* the backups are the originals */
    up = get("up.conf.orig");
    assert_string_equal(up, "upstream app {\n    server 127.0.0.1:8001;\n}\n");
    free(up);

    /* a second run finds nothing to do */
    assert_int_equal(run_fix(&fx), NGXL_OK);
    assert_int_equal(fx.files.n, 0);
    ngxl_fix_free(&fx);
}


static void
test_changed_on_disk(void **state)
{
    char        *up, *main;
    ngxl_fix_t   fx;

    (void) state;

    assert_int_equal(run_fix(&fx), NGXL_OK);

    /* someone edits a file between the read and the write */
    put("up.conf", "upstream app {\n    server 127.0.0.1:8002;\n}\n");

    assert_int_equal(ngxl_fix_write(&fx, NULL), NGXL_ERROR);
    assert_non_null(strstr(fx.err, "changed on disk since it was read"));
    ngxl_fix_free(&fx);

    /* nothing was written: neither the changed file nor the other one */
    up = get("up.conf");
    main = get("nginx.conf");
    assert_string_equal(up, "upstream app {\n    server 127.0.0.1:8002;\n}\n");
    assert_null(strstr(main, "proxy_http_version"));
    free(up);
    free(main);
}


static void
test_one_file_gone(void **state)
{
    char        path[512], *main;
    ngxl_fix_t  fx;

    (void) state;

    assert_int_equal(run_fix(&fx), NGXL_OK);

    snprintf(path, sizeof(path), "%s/up.conf", tmpdir);
    assert_int_equal(unlink(path), 0);

    assert_int_equal(ngxl_fix_write(&fx, NULL), NGXL_ERROR);
    ngxl_fix_free(&fx);

    main = get("nginx.conf");
    assert_null(strstr(main, "proxy_http_version"));
    free(main);

    /* and no temporary file is left behind */
    snprintf(path, sizeof(path), "ls %s | grep -q ngxlint-", tmpdir);
    assert_int_not_equal(system(path), 0);
}


static void
test_mode_kept(void **state)
{
    char         path[512];
    struct stat  st;
    ngxl_fix_t   fx;

    (void) state;

    snprintf(path, sizeof(path), "%s/up.conf", tmpdir);
    assert_int_equal(chmod(path, 0640), 0);

    assert_int_equal(run_fix(&fx), NGXL_OK);
    assert_int_equal(ngxl_fix_write(&fx, NULL), NGXL_OK);
    ngxl_fix_free(&fx);

    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
}


static void
test_symlink_followed(void **state)
{
    char         path[512], real[512], *up;
    struct stat  st;
    ngxl_fix_t   fx;

    (void) state;

    /* up.conf becomes a link to real/up.conf */
    snprintf(real, sizeof(real), "%s/real", tmpdir);
    assert_int_equal(mkdir(real, 0755), 0);
    snprintf(real, sizeof(real), "%s/real/up.conf", tmpdir);
    snprintf(path, sizeof(path), "%s/up.conf", tmpdir);
    assert_int_equal(rename(path, real), 0);
    assert_int_equal(symlink("real/up.conf", path), 0);

    assert_int_equal(run_fix(&fx), NGXL_OK);
    assert_int_equal(ngxl_fix_write(&fx, NULL), NGXL_OK);
    ngxl_fix_free(&fx);

    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));

    up = get("real/up.conf");
    assert_non_null(strstr(up, "keepalive 32;"));
    free(up);
}


static void
test_diff(void **state)
{
    ngxl_buf_t  out;

    (void) state;

    ngxl_buf_init(&out);
    ngxl_diff_unified("x.conf", "a\nb\nc\nd\ne\nf\ng\nh\n", 16,
                      "a\nb\nc\nd\nX\ne\nf\ng\nh\n", 18, &out);
    assert_string_equal(out.data,
                        "--- a/x.conf\n+++ b/x.conf\n"
                        "@@ -2,6 +2,7 @@\n b\n c\n d\n+X\n e\n f\n g\n");
    ngxl_buf_free(&out);

    /* two changes far apart: two hunks */
    ngxl_buf_init(&out);
    ngxl_diff_unified("y", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", 27,
                      "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n", 26, &out);
    assert_string_equal(out.data,
                        "--- a/y\n+++ b/y\n"
                        "@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n"
                        "@@ -9,4 +10,3 @@\n 9\n 10\n 11\n-12\n");
    ngxl_buf_free(&out);

    /* an absolute path: a/tmp/x.conf, as git diff --no-index names it */
    ngxl_buf_init(&out);
    ngxl_diff_unified("/tmp/x.conf", "a\n", 2, "b\n", 2, &out);
    assert_string_equal(out.data,
                        "--- a/tmp/x.conf\n+++ b/tmp/x.conf\n"
                        "@@ -1,1 +1,1 @@\n-a\n+b\n");
    ngxl_buf_free(&out);

    /* no change, no output */
    ngxl_buf_init(&out);
    ngxl_diff_unified("z", "a\n", 2, "a\n", 2, &out);
    assert_int_equal(out.len, 0);
    ngxl_buf_free(&out);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_fix_two_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_on_disk, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_file_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_followed, setup,
                                        teardown),
        cmocka_unit_test(test_diff),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
