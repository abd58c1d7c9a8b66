/*
 * ngxlint: unit tests of the table of variables that nginx and its usual
 * modules define (lib/lua/variables.def, lib/lua/variables.c): names that
 * must load, names that must not, and the table itself (sorted, lower
 * case, every row found through ngxl_nginx_variable_known()).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lua/variables.h"


typedef struct {
    const char  *name;
    int          prefix;
} test_row_t;


static const test_row_t  test_rows[] = {
#define V(name, prefix)  { name, prefix },
#include "lua/variables.def"
#undef V
};

#define test_nrows  (sizeof(test_rows) / sizeof(test_rows[0]))


static int
known(const char *name)
{
    return ngxl_nginx_variable_known(name, strlen(name));
}


static void
test_known(void **state)
{
    size_t              i;
    static const char  *names[] = {
        "host", "uri", "args", "remote_addr", "request_uri",
        "http_user_agent", "http_x_anything", "cookie_session", "arg_id",
        "sent_http_content_type", "upstream_http_x_foo", "upstream_addr",
        "request_time", "ssl_protocol", "realip_remote_addr",
        "proxy_add_x_forwarded_for", "connection", "msec",

        /* more prefixes and modules */
        "sent_trailer_grpc_status", "upstream_trailer_x", "upstream_cookie_s",
        "proxy_protocol_tlv_0x01", "uid_got", "uid_reset", "gzip_ratio",
        "invalid_referer", "secure_link", "slice_range", "http2", "http3",
        "geoip_country_code", "upstream_cache_status", "tcpinfo_rtt",
        "echo_it", "brotli_ratio", "srcache_fetch_status",
        "uploadprogress_status", "nchan_channel_id",
        "nchan_stub_status_stored_messages",
    };

    (void) state;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!known(names[i])) {
            fail_msg("\"%s\" should be known", names[i]);
        }
    }
}


static void
test_unknown(void **state)
{
    size_t              i;
    static const char  *names[] = {
        "tenant", "http_", "foo", "",

        /* the other prefixes alone, and near misses */
        "sent_http_", "sent_trailer_", "cookie_", "arg_", "upstream_http_",
        "upstream_trailer_", "upstream_cookie_", "proxy_protocol_tlv_",
        "http", "arg", "hos", "hostx", "upstream", "upstream_", "ssl_",

        /* created by the configuration, or by nobody */
        "memcached_key", "memc_key", "vts_request_counter", "proxy_add_via",
        "1", "0",
    };

    (void) state;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (known(names[i])) {
            fail_msg("\"%s\" should be unknown", names[i]);
        }
    }

    assert_int_equal(ngxl_nginx_variable_known(NULL, 0), 0);
}


/* only LEN bytes count: the name need not end with a NUL */

static void
test_length(void **state)
{
    (void) state;

    assert_int_equal(ngxl_nginx_variable_known("hostname", 4), 1);
    assert_int_equal(ngxl_nginx_variable_known("hostname", 3), 0);
    assert_int_equal(ngxl_nginx_variable_known("hostname", 8), 1);
    assert_int_equal(ngxl_nginx_variable_known("http_x", 5), 0);
    assert_int_equal(ngxl_nginx_variable_known("http_x", 6), 1);
    assert_int_equal(ngxl_nginx_variable_known("uriX", 3), 1);
}


static void
test_table(void **state)
{
    char         buf[128];
    size_t       i, nexact, nprefix;
    const char  *s;

    (void) state;

    nexact = 0;
    nprefix = 0;

    for (i = 0; i < test_nrows; i++) {
        for (s = test_rows[i].name; *s; s++) {
            if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')
                  || *s == '_'))
            {
                fail_msg("\"%s\": not a lower case name", test_rows[i].name);
            }
        }

        if (i > 0 && strcmp(test_rows[i - 1].name, test_rows[i].name) >= 0) {
            fail_msg("\"%s\" is out of order or doubled", test_rows[i].name);
        }

        if (test_rows[i].prefix) {
            nprefix++;

            assert_int_equal(known(test_rows[i].name), 0);

            snprintf(buf, sizeof(buf), "%sx", test_rows[i].name);
            assert_int_equal(known(buf), 1);

        } else {
            nexact++;

            if (!known(test_rows[i].name)) {
                fail_msg("row \"%s\" is not found", test_rows[i].name);
            }
        }
    }

    print_message("variables.def: %zu exact names, %zu prefixes\n",
                  nexact, nprefix);

    assert_true(nexact > 150);
    assert_int_equal(nprefix, 9);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
