/*
 * ngxlint: unit tests of lib/audit: process titles and arguments, where
 * nginx finds its configuration, /proc/net/tcp lines and snmp, status
 * URLs and the status JSON, a configuration's destinations and status
 * location (fixtures/audit/status.conf), what counts as connection churn,
 * and a whole scan of a made-up /proc.  Run from the repository's root (tests/run.sh does).
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

#include "audit/audit.h"
#include "audit/internal.h"


static void
test_master_titles(void **state)
{
    (void) state;

    assert_true(ngxl_audit_is_master("nginx: master process /usr/sbin/nginx "
                                     "-g daemon on; master_process on;"));
    assert_true(ngxl_audit_is_master("nginx: master process nginx"));
    assert_true(ngxl_audit_is_master("angie: master process /usr/sbin/angie"));
    assert_true(ngxl_audit_is_master("nginx: master process"));

    assert_false(ngxl_audit_is_master("nginx: worker process"));
    assert_false(ngxl_audit_is_master("nginx: cache manager process"));
    assert_false(ngxl_audit_is_master("/usr/sbin/nginx -c /etc/nginx.conf"));
    assert_false(ngxl_audit_is_master("vim notes: master process"));
    assert_false(ngxl_audit_is_master("nginx: master processes"));
    assert_false(ngxl_audit_is_master(": master process x"));
}


static void
test_args(void **state)
{
    ngxl_pool_t        pool;
    ngxl_audit_args_t  a;

    (void) state;
    ngxl_pool_init(&pool);

    ngxl_audit_args(&pool, "nginx: master process /usr/sbin/nginx -g daemon "
                    "on; master_process on;", &a);
    assert_string_equal(a.argv0, "/usr/sbin/nginx");
    assert_null(a.conf);
    assert_null(a.prefix);

    ngxl_audit_args(&pool, "nginx: master process nginx -p /srv/x/ -c "
                    "/srv/x/nginx.conf -e /srv/x/error.log", &a);
    assert_string_equal(a.argv0, "nginx");
    assert_string_equal(a.conf, "/srv/x/nginx.conf");
    assert_string_equal(a.prefix, "/srv/x/");

    /* -cFILE, grouped flags, a -g value that starts like an option */
    ngxl_audit_args(&pool, "nginx: master process /opt/nginx -cconf/a.conf "
                    "-qp rel -g pid -c.pid;", &a);
    assert_string_equal(a.conf, "conf/a.conf");
    assert_string_equal(a.prefix, "rel");

    ngxl_pool_free(&pool);
}


static void
test_configure(void **state)
{
    ngxl_pool_t  pool;
    const char  *c;

    (void) state;
    ngxl_pool_init(&pool);

    c = "--with-cc-opt='-g -O2 --prefix=/no' --prefix=/usr/share/nginx "
        "--conf-path=/etc/nginx/nginx.conf --http-log-path=/x "
        "--with-ld-opt='-Wl,-z,relro'";

    assert_string_equal(ngxl_audit_configure_opt(&pool, c, "--prefix"),
                        "/usr/share/nginx");
    assert_string_equal(ngxl_audit_configure_opt(&pool, c, "--conf-path"),
                        "/etc/nginx/nginx.conf");
    assert_string_equal(ngxl_audit_configure_opt(&pool, c, "--with-ld-opt"),
                        "-Wl,-z,relro");
    assert_null(ngxl_audit_configure_opt(&pool, c, "--pid-path"));
    assert_null(ngxl_audit_configure_opt(&pool, NULL, "--prefix"));

    assert_string_equal(ngxl_audit_configure_opt(&pool,
                            "--prefix='/opt/my nginx' --with-debug",
                            "--prefix"),
                        "/opt/my nginx");

    ngxl_pool_free(&pool);
}


static void
conf_path(ngxl_pool_t *pool, const char *title, const char *configure,
    const char *cwd, const char *prefix, const char *conf, const char *how)
{
    ngxl_audit_t       a;
    ngxl_audit_args_t  args;

    memset(&a, 0, sizeof(ngxl_audit_t));
    a.pool = pool;

    ngxl_audit_args(pool, title, &args);
    ngxl_audit_conf_path(&a, &args, configure, cwd);

    assert_string_equal(a.prefix, prefix);
    assert_string_equal(a.conf_path, conf);
    assert_string_equal(a.conf_how, how);
}


static void
test_conf_path(void **state)
{
    ngxl_pool_t  pool;
    const char  *deb;

    (void) state;
    ngxl_pool_init(&pool);

    deb = "--prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf";

    /* Debian's service: the compiled-in path */
    conf_path(&pool, "nginx: master process /usr/sbin/nginx -g daemon on; "
              "master_process on;", deb, NULL, "/usr/share/nginx/",
              "/etc/nginx/nginx.conf", "--conf-path");

    /* -c wins; -p is the prefix */
    conf_path(&pool, "nginx: master process nginx -p /srv/a -c /srv/a/n.conf",
              deb, NULL, "/srv/a/", "/srv/a/n.conf", "-c");

    /* a relative -c is relative to the prefix (not to the cwd) */
    conf_path(&pool, "nginx: master process nginx -p /srv/a/ -c conf/n.conf",
              deb, "/root", "/srv/a/", "/srv/a/conf/n.conf", "-c");

    /* -p alone: the compiled-in path, absolute here */
    conf_path(&pool, "nginx: master process nginx -p /srv/b", deb, NULL,
              "/srv/b/", "/etc/nginx/nginx.conf", "--conf-path");

    /* a relative -p: from where it started */
    conf_path(&pool, "nginx: master process nginx -p run -c nginx.conf", deb,
              "/home/u", "/home/u/run/", "/home/u/run/nginx.conf", "-c");

    /* nothing known: nginx's own defaults */
    conf_path(&pool, "nginx: master process ./nginx",
              "--with-debug", NULL, "/usr/local/nginx/",
              "/usr/local/nginx/conf/nginx.conf", "the default");

    conf_path(&pool, "nginx: master process ./nginx", NULL, NULL,
              "/usr/local/nginx/", "/usr/local/nginx/conf/nginx.conf",
              "the default (configure arguments unknown)");

    /* OpenResty's layout */
    conf_path(&pool, "nginx: master process /usr/local/openresty/nginx/sbin/"
              "nginx", "--prefix=/usr/local/openresty/nginx --with-cc-opt=-O2",
              NULL, "/usr/local/openresty/nginx/",
              "/usr/local/openresty/nginx/conf/nginx.conf", "the default");

    ngxl_pool_free(&pool);
}


static void
test_tcp_lines(void **state)
{
    char              text[64];
    ngxl_tcp_entry_t  e;
    const char       *l;

    (void) state;

    l = "   3: 0100007F:5DC0 0100007F:7C90 01 00000000:00000000 "
        "00:00000000 00000000 65534        0 1234567 1 0000000000000000 20 4 "
        "30 10 -1";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 0, &e), NGXL_OK);
    assert_string_equal(ngxl_ep_text(&e.local, text, sizeof(text)),
                        "127.0.0.1:24000");
    assert_string_equal(ngxl_ep_text(&e.remote, text, sizeof(text)),
                        "127.0.0.1:31888");
    assert_int_equal(e.state, NGXL_TCP_ESTABLISHED);
    assert_int_equal(e.uid, 65534);
    assert_int_equal(e.inode, 1234567);
    assert_true(ngxl_ep_loopback(&e.remote));

    /* TIME_WAIT: no uid, no inode */
    l = "  10: 0100007F:C350 0100007F:7C90 06 00000000:00000000 "
        "03:00001770 00000000     0        0 0 3 0000000000000000";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 0, &e), NGXL_OK);
    assert_int_equal(e.state, NGXL_TCP_TIME_WAIT);
    assert_int_equal(e.inode, 0);

    /* IPv6, and IPv4 mapped into it */
    l = "   0: 00000000000000000000000001000000:1F90 "
        "00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000     0        0 42 1 0000000000000000 100 0 0 "
        "10 0";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 1, &e), NGXL_OK);
    assert_string_equal(ngxl_ep_text(&e.local, text, sizeof(text)),
                        "[::1]:8080");
    assert_int_equal(e.state, NGXL_TCP_LISTEN);

    l = "   1: 0000000000000000FFFF00000A00000A:0050 "
        "0000000000000000FFFF0000050200C0:D431 01 00000000:00000000 "
        "00:00000000 00000000    33        0 77 1 0000000000000000";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 1, &e), NGXL_OK);
    assert_int_equal(e.local.v6, 0);
    assert_string_equal(ngxl_ep_text(&e.local, text, sizeof(text)),
                        "10.0.0.10:80");
    assert_string_equal(ngxl_ep_text(&e.remote, text, sizeof(text)),
                        "192.0.2.5:54321");

    /* the header, and garbage */
    l = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
        "retrnsmt   uid  timeout inode";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 0, &e), NGXL_ERROR);
    l = "   3: 0100007F:5DC0";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 0, &e), NGXL_ERROR);
    l = "   3: 0100007G:5DC0 0100007F:7C90 01 0:0 0:0 0 0 0 1";
    assert_int_equal(ngxl_tcp_parse_line(l, strlen(l), 0, &e), NGXL_ERROR);
}


static void
test_snmp(void **state)
{
    uint64_t     n;
    const char  *s;

    (void) state;

    s = "Ip: Forwarding DefaultTTL\nIp: 1 64\n"
        "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
        "AttemptFails\nTcp: 1 200 120000 -1 1163250 1163104 108\n"
        "Udp: InDatagrams\nUdp: 5\n";
    assert_int_equal(ngxl_tcp_active_opens(s, strlen(s), &n), NGXL_OK);
    assert_int_equal(n, 1163250);

    s = "Ip: Forwarding\nIp: 1\n";
    assert_int_equal(ngxl_tcp_active_opens(s, strlen(s), &n), NGXL_ERROR);
}


static void
test_urls(void **state)
{
    char          err[256], *path, *host;
    ngxl_ep_t     ep;
    ngxl_pool_t   pool;

    (void) state;
    ngxl_pool_init(&pool);

    assert_int_equal(ngxl_audit_url_parse(&pool,
                         "http://127.0.0.1:8081/var_index_status", &ep,
                         &path, &host, err, sizeof(err)), NGXL_OK);
    assert_int_equal(ep.port, 8081);
    assert_string_equal(path, "/var_index_status");
    assert_string_equal(host, "127.0.0.1");

    assert_int_equal(ngxl_audit_url_parse(&pool, "http://localhost", &ep,
                         &path, &host, err, sizeof(err)), NGXL_OK);
    assert_int_equal(ep.port, 80);
    assert_string_equal(path, "/");

    assert_int_equal(ngxl_audit_url_parse(&pool, "http://[::1]:9/s", &ep,
                         &path, &host, err, sizeof(err)), NGXL_OK);
    assert_true(ep.v6);
    assert_int_equal(ep.port, 9);

    assert_int_equal(ngxl_audit_url_check("http://127.3.2.1:80/x", err,
                                          sizeof(err)), NGXL_OK);

    /* never anything but loopback, never anything but http */
    assert_int_equal(ngxl_audit_url_check("http://10.0.0.1:8081/", err,
                                          sizeof(err)), NGXL_ERROR);
    assert_non_null(strstr(err, "loopback"));
    assert_int_equal(ngxl_audit_url_check("http://example.com/", err,
                                          sizeof(err)), NGXL_ERROR);
    assert_int_equal(ngxl_audit_url_check("http://[::2]:80/", err,
                                          sizeof(err)), NGXL_ERROR);
    assert_int_equal(ngxl_audit_url_check("https://127.0.0.1/", err,
                                          sizeof(err)), NGXL_ERROR);
    assert_int_equal(ngxl_audit_url_check("http://127.0.0.1:0/", err,
                                          sizeof(err)), NGXL_ERROR);
    assert_int_equal(ngxl_audit_url_check("http://127.0.0.1:99999/", err,
                                          sizeof(err)), NGXL_ERROR);
    assert_int_equal(ngxl_audit_url_check("http://127.0.0.1.evil:80/", err,
                                          sizeof(err)), NGXL_ERROR);

    ngxl_pool_free(&pool);
}


static void
test_status_json(void **state)
{
    char                err[256];
    ngxl_pool_t         pool;
    ngxl_audit_t        a;
    ngxl_audit_miss_t  *m;
    const char         *one, *two;

    (void) state;
    ngxl_pool_init(&pool);
    memset(&a, 0, sizeof(ngxl_audit_t));
    a.pool = &pool;

    one = "{\"indexed\":[\"uri\",\"host\"],\"misses\":{\"http_x_a\":10,"
          "\"cookie_b\":500,\"other\":7}}\n";
    two = "{\"indexed\":[\"uri\",\"host\"],\"misses\":{\"http_x_a\":90,"
          "\"cookie_b\":500,\"arg_c\":4,\"other\":9}}\n";

    assert_int_equal(ngxl_audit_status_parse(&a, one, strlen(one), 0, err,
                                             sizeof(err)), NGXL_OK);
    assert_int_equal(a.nindexed, 2);
    assert_int_equal(a.misses.n, 2);
    assert_int_equal(a.other_misses, 7);

    m = a.misses.elts[0];
    assert_string_equal(m->name, "cookie_b");     /* most first */
    assert_false(m->rate_known);

    /* the read at the end: what happened in between comes first */
    assert_int_equal(ngxl_audit_status_parse(&a, two, strlen(two), 1, err,
                                             sizeof(err)), NGXL_OK);
    assert_int_equal(a.misses.n, 3);
    m = a.misses.elts[0];
    assert_string_equal(m->name, "http_x_a");
    assert_int_equal(m->count, 90);
    assert_int_equal(m->during, 80);
    assert_true(m->rate_known);
    m = a.misses.elts[1];
    assert_string_equal(m->name, "arg_c");
    assert_int_equal(m->during, 4);
    m = a.misses.elts[2];
    assert_string_equal(m->name, "cookie_b");
    assert_int_equal(m->during, 0);

    assert_int_equal(ngxl_audit_status_parse(&a, "<html>", 6, 0, err,
                                             sizeof(err)), NGXL_ERROR);
    assert_int_equal(ngxl_audit_status_parse(&a, "{\"indexed\":[]}", 14, 0,
                                             err, sizeof(err)), NGXL_ERROR);
    assert_non_null(strstr(err, "misses"));

    ngxl_vec_free(&a.misses);
    ngxl_pool_free(&pool);
}


static ngxl_audit_dest_t *
dest(ngxl_audit_t *a, const char *name)
{
    size_t              i;
    ngxl_audit_dest_t  *d;

    for (i = 0; i < a->dests.n; i++) {
        d = a->dests.elts[i];

        if (strcmp(d->name, name) == 0) {
            return d;
        }
    }

    return NULL;
}


static char *
servers(ngxl_audit_dest_t *d, char *buf, size_t len)
{
    char    text[64];
    size_t  i, n;

    buf[0] = '\0';

    for (i = 0, n = 0; i < d->servers.n; i++) {
        n += (size_t) snprintf(buf + n, len - n, "%s%s", i ? " " : "",
                               ngxl_ep_text(d->servers.elts[i], text,
                                            sizeof(text)));
    }

    return buf;
}


static void
test_dests(void **state)
{
    char                buf[512];
    size_t              i;
    ngxl_pool_t         pool;
    ngxl_conf_t         conf;
    ngxl_audit_t        a;
    ngxl_conf_opts_t    co;
    ngxl_audit_dest_t  *d;
    const char         *hosts;

    (void) state;
    ngxl_pool_init(&pool);
    memset(&a, 0, sizeof(ngxl_audit_t));
    memset(&co, 0, sizeof(ngxl_conf_opts_t));
    a.pool = &pool;
    a.version.major = 1;
    a.version.minor = 22;

    assert_int_equal(ngxl_conf_parse(&conf, "fixtures/audit/status.conf",
                                     &co), NGXL_OK);
    a.conf = &conf;
    ngxl_model_build(&a.model, &conf);

    hosts = "# comment\n10.0.0.9   backend.local  backend # the app\n"
            "::1 localhost6\n";
    ngxl_audit_dests(&a, hosts, strlen(hosts));

    d = dest(&a, "api");
    assert_non_null(d);
    assert_int_equal(d->kind, NGXL_DEST_UPSTREAM);
    assert_true(d->keepalive);
    assert_string_equal(servers(d, buf, sizeof(buf)),
                        "10.0.0.1:8080 [::1]:8081 10.0.0.9:80");

    d = dest(&a, "names");
    assert_non_null(d);
    assert_false(d->keepalive);
    assert_string_equal(servers(d, buf, sizeof(buf)),
                        "127.0.0.1:9000 [::1]:9000");
    assert_int_equal(d->unresolved.n, 1);
    assert_string_equal(d->unresolved.elts[0], "nowhere.example:9001");

    /* a literal address: one destination, named by the first directive */
    d = dest(&a, "192.0.2.7:8000");
    assert_non_null(d);
    assert_int_equal(d->kind, NGXL_DEST_PASS);
    assert_int_equal(d->dir->line, 30);
    assert_string_equal(servers(d, buf, sizeof(buf)), "192.0.2.7:8000");

    d = dest(&a, "192.0.2.8:443");
    assert_non_null(d);

    /* stream proxying: kept apart */
    d = dest(&a, "dns");
    assert_non_null(d);
    assert_int_equal(d->kind, NGXL_DEST_STREAM);
    assert_string_equal(servers(d, buf, sizeof(buf)), "192.0.2.53:53");

    /* the status: not on 10.0.0.5, not over ssl; on the wildcard port */
    ngxl_audit_status_find(&a);
    assert_non_null(a.status_url);
    assert_string_equal(a.status_url,
                        "http://127.0.0.1:8083/admin/var_index_status");
    assert_string_equal(a.status_host, "status.local");
    assert_int_equal(a.status_dir->line, 61);
    assert_int_equal(a.problems.n, 1);
    assert_non_null(strstr(a.problems.elts[0], "no plain-HTTP loopback"));

    for (i = 0; i < a.dests.n; i++) {
        d = a.dests.elts[i];
        ngxl_vec_free(&d->servers);
        ngxl_vec_free(&d->unresolved);
    }

    ngxl_vec_free(&a.dests);
    ngxl_model_free(&a.model);
    ngxl_conf_free(&conf);
    ngxl_vec_free(&a.problems);
    ngxl_pool_free(&pool);
}


static void
test_churns(void **state)
{
    ngxl_audit_t       a;
    ngxl_audit_flow_t  f;

    (void) state;
    memset(&a, 0, sizeof(ngxl_audit_t));
    a.samples = 100;

    /* a connection per request: new ones all along, one request each */
    memset(&f, 0, sizeof(ngxl_audit_flow_t));
    f.opened = 40;
    f.single = 40;
    f.once = 40;
    f.intervals = 30;
    f.first_new = 2;
    f.last_new = 97;
    assert_true(ngxl_audit_churns(&a, &f));

    /* a slow upstream: few batches, seen long, but one request each */
    f.opened = 16;
    f.single = 16;
    f.once = 0;
    f.intervals = 2;
    f.first_new = 20;
    f.last_new = 70;
    assert_true(ngxl_audit_churns(&a, &f));

    /* one burst (a pool filling up) */
    f.last_new = 25;
    assert_false(ngxl_audit_churns(&a, &f));

    /* a pool renewed by keepalive_requests: new ones carry requests */
    f.last_new = 90;
    f.single = 1;
    assert_false(ngxl_audit_churns(&a, &f));

    /* too little to tell */
    f.single = 2;
    f.opened = 2;
    assert_false(ngxl_audit_churns(&a, &f));

    a.samples = 2;
    f.opened = f.single = 40;
    assert_false(ngxl_audit_churns(&a, &f));
}


/* a whole scan, of a /proc made for it */

static void
put(const char *dir, const char *name, const char *data, size_t len)
{
    char   path[512];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}


static void
proc(const char *root, int pid, int ppid, const char *cmdline, size_t len)
{
    char  dir[512], stat[256];

    snprintf(dir, sizeof(dir), "%s/%d", root, pid);
    assert_int_equal(mkdir(dir, 0755), 0);

    snprintf(stat, sizeof(stat), "%d (ng inx) S %d %d %d 0 -1\n", pid, ppid,
             pid, pid);
    put(dir, "stat", stat, strlen(stat));
    put(dir, "cmdline", cmdline, len);
}


#define CMD(s)  s, sizeof(s)

static void
test_scan(void **state)
{
    char                tmpl[] = "/tmp/ngxlint-proc.XXXXXX", *root;
    char                cmd[512];
    ngxl_audit_t       *a;
    ngxl_audit_opts_t   o;
    ngxl_audit_host_t   h;

    (void) state;

    root = mkdtemp(tmpl);
    assert_non_null(root);

    proc(root, 100, 1, CMD("nginx: master process /nonexistent/nginx -c "
                           "/nonexistent/nginx.conf\0\0\0\0"));
    proc(root, 101, 100, CMD("nginx: worker process\0\0\0\0\0\0\0\0"));
    proc(root, 102, 100, CMD("nginx: worker process\0\0\0"));
    proc(root, 103, 100, CMD("nginx: cache manager process\0"));
    /* a binary upgrade: the new master is the old one's child */
    proc(root, 200, 100, CMD("nginx: master process /nonexistent/nginx -c "
                             "/nonexistent/nginx.conf"));
    proc(root, 201, 200, CMD("nginx: worker process"));
    /* not nginx; and nginx -t, whose title is its argv */
    proc(root, 300, 1, CMD("/usr/bin/python3\0-m\0http.server\0"));
    proc(root, 301, 1, CMD("nginx\0-t\0-c\0/etc/nginx/nginx.conf\0"));

    memset(&o, 0, sizeof(ngxl_audit_opts_t));
    o.proc = root;
    o.seconds = 0.1;
    o.fallback.major = 1;
    o.fallback.minor = 22;
    o.fallback.source = "a test";

    assert_int_equal(ngxl_audit_scan(&h, &o), NGXL_OK);
    assert_int_equal(h.masters.n, 2);

    a = h.masters.elts[0];

    if (a->pid != 100) {
        a = h.masters.elts[1];
    }

    assert_int_equal(a->pid, 100);
    assert_int_equal(a->nworkers, 3);       /* not the new master */
    assert_string_equal(a->conf_path, "/nonexistent/nginx.conf");
    assert_string_equal(a->conf_how, "-c");
    assert_null(a->conf);
    assert_null(a->bin);
    assert_int_equal(a->version.minor, 22);

    /* what could not be read: the root, the binary, the version, the
       configuration, each a note */
    assert_true(a->problems.n >= 4);

    ngxl_audit_host_free(&h);

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_master_titles),
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_configure),
        cmocka_unit_test(test_conf_path),
        cmocka_unit_test(test_tcp_lines),
        cmocka_unit_test(test_snmp),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_status_json),
        cmocka_unit_test(test_dests),
        cmocka_unit_test(test_churns),
        cmocka_unit_test(test_scan),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
