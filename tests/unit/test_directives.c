/*
 * ngxlint: unit tests of the directive table (lib/conf/directives.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "conf/directives.h"


static const ngxl_dirdef_t *
find(const char *name)
{
    return ngxl_dirdef_first(name, strlen(name));
}


/* the row of NAME declared by MODULE, or NULL */

static const ngxl_dirdef_t *
find_in(const char *name, const char *module)
{
    const ngxl_dirdef_t  *d, *end;

    end = ngxl_dirdefs + ngxl_ndirdefs;

    for (d = find(name); d != NULL && d < end; d++) {

        if (strcmp(d->name, name) != 0) {
            break;
        }

        if (strcmp(d->module, module) == 0) {
            return d;
        }
    }

    return NULL;
}


static size_t
count_rows(const char *name)
{
    size_t                n;
    const ngxl_dirdef_t  *d, *end;

    n = 0;
    end = ngxl_dirdefs + ngxl_ndirdefs;

    for (d = find(name); d != NULL && d < end; d++) {

        if (strcmp(d->name, name) != 0) {
            break;
        }

        n++;
    }

    return n;
}


static void
test_sorted(void **state)
{
    size_t  i;

    (void) state;

    assert_true(ngxl_ndirdefs > 1000);

    for (i = 1; i < ngxl_ndirdefs; i++) {
        assert_true(strcmp(ngxl_dirdefs[i - 1].name, ngxl_dirdefs[i].name)
                    <= 0);
    }
}


static void
test_rows_sane(void **state)
{
    size_t                i;
    const ngxl_dirdef_t  *d, *first;

    (void) state;

    first = NULL;

    for (i = 0; i < ngxl_ndirdefs; i++) {
        d = &ngxl_dirdefs[i];

        assert_non_null(d->name);
        assert_non_null(d->module);
        assert_true(d->name[0] != '\0');
        assert_true(d->contexts != 0);
        assert_true((d->contexts & ~NGXL_ANY) == 0);
        assert_true(d->args != 0);
        assert_true(d->body <= NGXL_BODY_LUA);

        if (d->body != NGXL_BODY_DIRECTIVES) {
            assert_true(d->args & NGXL_BLOCK);
        }

        /* every row is found, and the first row of a name is returned */

        if (i == 0 || strcmp(ngxl_dirdefs[i - 1].name, d->name) != 0) {
            first = d;
        }

        assert_ptr_equal(find(d->name), first);
    }
}


static void
test_first_is_first(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    d = find("server");
    assert_non_null(d);
    assert_string_equal(d->name, "server");
    assert_true(d == ngxl_dirdefs || strcmp(d[-1].name, "server") != 0);
}


static void
test_proxy_pass(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    d = find("proxy_pass");
    assert_non_null(d);
    assert_string_equal(d->name, "proxy_pass");

    d = find_in("proxy_pass", "ngx_http_proxy_module");
    assert_non_null(d);
    assert_int_equal(d->contexts,
                     NGXL_HTTP_LOC|NGXL_HTTP_LIF|NGXL_HTTP_LMT);
    assert_int_equal(d->args, NGXL_TAKE1);
    assert_int_equal(d->body, NGXL_BODY_DIRECTIVES);

    d = find_in("proxy_pass", "ngx_stream_proxy_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_STREAM_SRV);
}


static void
test_server(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    assert_true(count_rows("server") >= 5);

    d = find_in("server", "ngx_http_core_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_HTTP_MAIN);
    assert_int_equal(d->args, NGXL_NOARGS|NGXL_BLOCK);
    assert_int_equal(d->body, NGXL_BODY_DIRECTIVES);

    d = find_in("server", "ngx_http_upstream_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_HTTP_UPS);
    assert_int_equal(d->args & NGXL_BLOCK, 0);

    d = find_in("server", "ngx_stream_core_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_STREAM_MAIN);
    assert_true(d->args & NGXL_BLOCK);

    d = find_in("server", "ngx_stream_upstream_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_STREAM_UPS);
    assert_int_equal(d->args & NGXL_BLOCK, 0);

    d = find_in("server", "ngx_mail_core_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_MAIL_MAIN);
    assert_true(d->args & NGXL_BLOCK);
}


static void
test_bodies(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    d = find_in("content_by_lua_block", "ngx_http_lua_module");
    assert_non_null(d);
    assert_int_equal(d->body, NGXL_BODY_LUA);
    assert_true(d->args & NGXL_BLOCK);

    d = find_in("set_by_lua_block", "ngx_http_lua_module");
    assert_non_null(d);
    assert_int_equal(d->body, NGXL_BODY_LUA);
    assert_int_equal(d->args, NGXL_TAKE1|NGXL_BLOCK);

    d = find_in("types", "ngx_http_core_module");
    assert_non_null(d);
    assert_int_equal(d->body, NGXL_BODY_HANDLER);
    assert_true(d->args & NGXL_BLOCK);

    d = find_in("map", "ngx_http_map_module");
    assert_non_null(d);
    assert_int_equal(d->body, NGXL_BODY_HANDLER);
    assert_int_equal(d->contexts, NGXL_HTTP_MAIN);

    d = find_in("map", "ngx_stream_map_module");
    assert_non_null(d);
    assert_int_equal(d->body, NGXL_BODY_HANDLER);
    assert_int_equal(d->contexts, NGXL_STREAM_MAIN);

    d = find_in("location", "ngx_http_core_module");
    assert_non_null(d);
    assert_int_equal(d->body, NGXL_BODY_DIRECTIVES);
}


static void
test_keepalive(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    d = find_in("keepalive", "ngx_http_upstream_keepalive_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_HTTP_UPS);
}


static void
test_include(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    d = find_in("include", "ngx_conf_module");
    assert_non_null(d);
    assert_int_equal(d->contexts, NGXL_ANY);
}


static void
test_not_found(void **state)
{
    (void) state;

    assert_null(find("no_such_directive"));
    assert_null(find("proxy_pas"));
    assert_null(find("proxy_passx"));
    assert_null(find(""));
    assert_null(find("a"));
    assert_null(find("~"));
    assert_null(ngxl_dirdef_first(NULL, 0));
    assert_null(ngxl_dirdef_first("proxy_pass\0x", 12));
}


static void
test_len(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    /* only LEN bytes of the key count */

    d = ngxl_dirdef_first("proxy_pass;", 10);
    assert_non_null(d);
    assert_string_equal(d->name, "proxy_pass");

    d = ngxl_dirdef_first("proxy_pass_header", 10);
    assert_non_null(d);
    assert_string_equal(d->name, "proxy_pass");

    assert_null(ngxl_dirdef_first("proxy_pass", 9));
}


static void
test_args_synthetic(void **state)
{
    ngxl_dirdef_t  d;

    (void) state;

    memset(&d, 0, sizeof(d));

    d.args = NGXL_FLAG;
    assert_false(ngxl_dirdef_args_ok(&d, 0));
    assert_true(ngxl_dirdef_args_ok(&d, 1));
    assert_false(ngxl_dirdef_args_ok(&d, 2));

    d.args = NGXL_TAKE12;
    assert_false(ngxl_dirdef_args_ok(&d, 0));
    assert_true(ngxl_dirdef_args_ok(&d, 1));
    assert_true(ngxl_dirdef_args_ok(&d, 2));
    assert_false(ngxl_dirdef_args_ok(&d, 3));

    d.args = NGXL_1MORE;
    assert_false(ngxl_dirdef_args_ok(&d, 0));
    assert_true(ngxl_dirdef_args_ok(&d, 1));
    assert_true(ngxl_dirdef_args_ok(&d, 100));

    d.args = NGXL_2MORE;
    assert_false(ngxl_dirdef_args_ok(&d, 1));
    assert_true(ngxl_dirdef_args_ok(&d, 2));
    assert_true(ngxl_dirdef_args_ok(&d, 100));

    d.args = NGXL_NOARGS;
    assert_true(ngxl_dirdef_args_ok(&d, 0));
    assert_false(ngxl_dirdef_args_ok(&d, 1));

    d.args = NGXL_NOARGS|NGXL_BLOCK;
    assert_true(ngxl_dirdef_args_ok(&d, 0));
    assert_false(ngxl_dirdef_args_ok(&d, 1));

    d.args = NGXL_ARGS_ANY;
    assert_true(ngxl_dirdef_args_ok(&d, 0));
    assert_true(ngxl_dirdef_args_ok(&d, 100));

    d.args = NGXL_TAKE7;
    assert_false(ngxl_dirdef_args_ok(&d, 6));
    assert_true(ngxl_dirdef_args_ok(&d, 7));
    assert_false(ngxl_dirdef_args_ok(&d, 8));

    /* nginx: more than NGX_CONF_MAX_ARGS words is never valid */
    d.args = NGXL_TAKE1|NGXL_TAKE2|NGXL_TAKE3|NGXL_TAKE4|NGXL_TAKE5
             |NGXL_TAKE6|NGXL_TAKE7;
    assert_true(ngxl_dirdef_args_ok(&d, 7));
    assert_false(ngxl_dirdef_args_ok(&d, 8));
}


static void
test_args_real(void **state)
{
    const ngxl_dirdef_t  *d;

    (void) state;

    d = find_in("gzip", "ngx_http_gzip_filter_module");
    assert_non_null(d);
    assert_int_equal(d->args, NGXL_FLAG);
    assert_false(ngxl_dirdef_args_ok(d, 0));
    assert_true(ngxl_dirdef_args_ok(d, 1));
    assert_false(ngxl_dirdef_args_ok(d, 2));

    d = find_in("keepalive", "ngx_http_upstream_keepalive_module");
    assert_non_null(d);
    assert_true(ngxl_dirdef_args_ok(d, 1));

    d = find_in("location", "ngx_http_core_module");
    assert_non_null(d);
    assert_int_equal(d->args, NGXL_TAKE12|NGXL_BLOCK);
    assert_false(ngxl_dirdef_args_ok(d, 0));
    assert_true(ngxl_dirdef_args_ok(d, 1));
    assert_true(ngxl_dirdef_args_ok(d, 2));
    assert_false(ngxl_dirdef_args_ok(d, 3));

    d = find_in("access_log", "ngx_http_log_module");
    assert_non_null(d);
    assert_int_equal(d->args, NGXL_1MORE);
    assert_false(ngxl_dirdef_args_ok(d, 0));
    assert_true(ngxl_dirdef_args_ok(d, 4));

    d = find_in("http", "ngx_http_module");
    assert_non_null(d);
    assert_int_equal(d->args, NGXL_NOARGS|NGXL_BLOCK);
    assert_true(ngxl_dirdef_args_ok(d, 0));
    assert_false(ngxl_dirdef_args_ok(d, 1));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_rows_sane),
        cmocka_unit_test(test_first_is_first),
        cmocka_unit_test(test_proxy_pass),
        cmocka_unit_test(test_server),
        cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_len),
        cmocka_unit_test(test_args_synthetic),
        cmocka_unit_test(test_args_real),
    };

    return cmocka_run_group_tests_name("directives", tests, NULL, NULL);
}
