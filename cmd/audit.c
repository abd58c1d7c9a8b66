/*
 * ngxlint: the audit command: the nginx masters running on this host, each
 * with its binary (the binary rules), its configuration and Lua (the
 * configuration and Lua rules, for its own nginx version), and what its
 * workers do (the live rules: connections sampled for --sample SECONDS,
 * var_index_status).  Read-only: nothing is signalled, reloaded or
 * written.
 *
 * The findings go out as for any command (--format json adds "host"; each
 * finding carries its master's "pid" and "nginx_version"); a binary or a
 * configuration that several masters run is reported once, for the first.
 * A summary of each master goes to stderr unless -q.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/audit/audit.h"


static void
ngxl_cli_audit_tag(ngxl_diags_t *ds, size_t from, const ngxl_audit_t *a)
{
    char             v[32];
    size_t           i;
    ngxl_finding_t  *f;

    snprintf(v, sizeof(v), "%u.%u.%u", a->version.major, a->version.minor,
             a->version.patch);

    for (i = from; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        if (f->extra == NULL) {
            f->extra = json_object();
        }

        json_object_set_new(f->extra, "pid", json_integer(a->pid));
        json_object_set_new(f->extra, "nginx_version", json_string(v));
    }
}


static void
ngxl_cli_audit_summary(const ngxl_audit_t *a)
{
    char                      text[64];
    size_t                    i, k;
    double                    secs;
    const char               *verdict;
    const ngxl_audit_dest_t  *d;
    const ngxl_audit_flow_t  *f;

    fprintf(stderr, "ngxlint: audit: master %d: %s (nginx %u.%u.%u), %s "
            "(%s%s), %zu worker%s\n", (int) a->pid,
            a->bin_label ? a->bin_label : a->exe ? a->exe : "binary unread",
            a->version.major, a->version.minor, a->version.patch,
            a->conf_path ? a->conf_path : "configuration unknown",
            a->conf_how ? a->conf_how : "",
            a->conf ? "" : ", unread", a->nworkers,
            a->nworkers == 1 ? "" : "s");

    if (a->root) {
        fprintf(stderr, "ngxlint: audit:   root %s (a container)\n",
                a->root);
    }

    if (a->exe_deleted) {
        fprintf(stderr, "ngxlint: audit:   its binary was replaced on disk "
                "since it started: the running one was judged\n");
    }

    secs = a->seconds > 0 ? a->seconds : 1;

    if (a->samples) {
        fprintf(stderr, "ngxlint: audit:   %u samples over %.1f s (%s)",
                a->samples, a->seconds,
                a->netlink ? "NETLINK_SOCK_DIAG" : "/proc/PID/net/tcp");

        if (a->active_opens >= 0) {
            fprintf(stderr, "; its network namespace opened %.0f "
                    "connections/s in all", a->active_opens);
        }

        fprintf(stderr, "\n");
    }

    for (i = 0; i < a->dests.n; i++) {
        d = a->dests.elts[i];
        f = &d->flow;

        if (f->seen == 0 && f->tw_most == 0) {
            continue;
        }

        if (d->kind == NGXL_DEST_STREAM) {
            verdict = "stream proxying: a connection per client connection";
        } else if (ngxl_audit_churns(a, f)) {
            verdict = "a new connection per request";
        } else if (f->kept || (f->seen && f->single * 2 < f->seen)) {
            verdict = "kept alive";
        } else {
            verdict = "no sustained turnover";
        }

        fprintf(stderr, "ngxlint: audit:   %s %s (",
                d->kind == NGXL_DEST_UPSTREAM ? "upstream"
                : d->kind == NGXL_DEST_PASS ? "pass to"
                : d->kind == NGXL_DEST_STREAM ? "stream" : "address",
                d->name);

        for (k = 0; k < d->servers.n && k < 4; k++) {
            fprintf(stderr, "%s%s", k ? ", " : "",
                    ngxl_ep_text(d->servers.elts[k], text, sizeof(text)));
        }

        fprintf(stderr, "%s): %u new (%.1f/s seen", d->servers.n > 4
                ? ", ..." : "", f->opened, f->opened / secs);

        if (f->estimate >= 0) {
            fprintf(stderr, ", about %.0f/s in all", f->estimate / secs);
        }

        fprintf(stderr, "), %u for one request only, %u kept throughout, "
                "at most %u at once, %u in TIME_WAIT: %s\n", f->single,
                f->kept, f->most, f->tw_most, verdict);
    }

    if (a->status_read) {
        fprintf(stderr, "ngxlint: audit:   var_index_status at %s: %zu "
                "indexed, %zu names missed\n", a->status_url, a->nindexed,
                a->misses.n);
    }

    if (a->problems.n) {
        fprintf(stderr, "ngxlint: audit:   %zu thing%s could not be read "
                "(live-unreadable)\n", a->problems.n,
                a->problems.n == 1 ? "" : "s");
    }
}


static int
ngxl_cli_audit_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}


/* a binary, or a configuration, that an earlier master runs as well: its
   findings are reported once, with that master's pid */

static int
ngxl_cli_audit_seen(ngxl_audit_host_t *h, size_t n, int bin)
{
    size_t         i;
    ngxl_audit_t  *a, *b;

    a = h->masters.elts[n];

    for (i = 0; i < n; i++) {
        b = h->masters.elts[i];

        if (bin && a->bin && b->bin
            && ngxl_cli_audit_same(a->bin_label, b->bin_label)
            && ngxl_cli_audit_same(a->bin->build_id, b->bin->build_id))
        {
            return 1;
        }

        if (!bin && a->conf && b->conf
            && ngxl_cli_audit_same(a->root, b->root)
            && ngxl_cli_audit_same(a->conf_path, b->conf_path))
        {
            return 1;
        }
    }

    return 0;
}


int
ngxl_cli_audit(ngxl_cli_t *cli)
{
    int                 rc;
    char                err[256];
    size_t              i, from, nuse;
    ngxl_diags_t        ds;
    ngxl_audit_t       *a;
    ngxl_rule_use_t    *use;
    ngxl_audit_host_t   h;
    ngxl_audit_opts_t   ao;
    ngxl_check_opts_t   ko;

    if (cli->paths.n) {
        fprintf(stderr, "ngxlint: audit takes no PATH: it reads the nginx "
                "masters running on this host\n");
        return NGXL_EXIT_ERROR;
    }

    if (cli->status_url
        && ngxl_audit_url_check(cli->status_url, err, sizeof(err)) != NGXL_OK)
    {
        fprintf(stderr, "ngxlint: --status-url %s\n", err);
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_cli_rules(cli, &use, &nuse) != NGXL_OK) {
        return NGXL_EXIT_ERROR;
    }

    memset(&ao, 0, sizeof(ngxl_audit_opts_t));
    ao.proc = "/proc";
    ao.seconds = cli->sample > 0 ? cli->sample : 2;
    ao.status_url = cli->status_url;
    ao.debug_dirs = cli->debug_dirs;

    /* for a master whose binary cannot be read: as told, else 1.22 */
    if (cli->nginx_version || cli->nginx_bin) {
        if (ngxl_cli_version(cli) != NGXL_OK) {
            free(use);
            return NGXL_EXIT_ERROR;
        }

        ao.fallback = cli->version;

    } else {
        ao.fallback.major = 1;
        ao.fallback.minor = 22;
        ao.fallback.source = "the default: no --nginx-version";
    }

    if (ngxl_audit_scan(&h, &ao) != NGXL_OK) {
        for (i = 0; i < h.problems.n; i++) {
            fprintf(stderr, "ngxlint: %s\n", (char *) h.problems.elts[i]);
        }

        ngxl_audit_host_free(&h);
        free(use);
        return NGXL_EXIT_ERROR;
    }

    if (h.masters.n == 0) {
        if (!cli->quiet) {
            fprintf(stderr, "ngxlint: audit: no nginx master process runs "
                    "on %s%s\n", h.hostname ? h.hostname : "this host",
                    geteuid() ? " (as far as this user sees: run it as "
                                "root to see every process)" : "");
        }

    } else {
        if (!cli->quiet) {
            fprintf(stderr, "ngxlint: audit: %zu nginx master%s on %s; "
                    "sampling for %.1f s\n", h.masters.n,
                    h.masters.n == 1 ? "" : "s",
                    h.hostname ? h.hostname : "this host", ao.seconds);
        }

        ngxl_audit_sample(&h);
    }

    ngxl_diags_init(&ds);

    for (i = 0; i < h.masters.n; i++) {
        a = h.masters.elts[i];
        from = ds.findings.n;

        ngxl_cli_check_opts(cli, &ko);
        ko.version = a->version;
        ko.lua_prefix = a->prefix;

        if (a->bin && !ngxl_cli_audit_seen(&h, i, 1)) {
            ngxl_check_bin(use, nuse, &ko, a->bin, &ds);
        }

        if (a->conf && !ngxl_cli_audit_seen(&h, i, 0)) {
            ngxl_check_conf(use, nuse, &ko, a->conf, &ds);
            ngxl_audit_check_lua(a, use, nuse, &ko, &ds);
        }

        ngxl_check_live(use, nuse, &ko, a->conf, a, &ds);
        ngxl_cli_audit_tag(&ds, from, a);

        if (!cli->quiet) {
            ngxl_cli_audit_summary(a);
        }
    }

    for (i = 0; i < h.problems.n; i++) {
        fprintf(stderr, "ngxlint: audit: %s\n", (char *) h.problems.elts[i]);
    }

    cli->host = h.hostname;
    rc = ngxl_cli_report(cli, &ds, 0);
    cli->host = NULL;

    ngxl_diags_free(&ds);
    ngxl_audit_host_free(&h);
    free(use);

    return rc;
}
