/*
 * live-connection-churn: under live load, a running nginx's workers open
 * and close connections to an upstream instead of reusing them, as seen
 * in samples of their sockets (ngxlint audit).  Reported at the upstream
 * block, or at the pass directive with an address of its own, of the
 * configuration that master runs; connections to an address no directive
 * names are reported at the configuration itself.
 *
 * Sustained turnover (ngxl_audit_churns()): new connections in several
 * sampling intervals, spread over a third of the sample or more, and most
 * of them used for one request only (gone by the next sample, or never
 * sending again: a pool's connections, even renewed by keepalive_requests,
 * carry request after request).  Persistent connections
 * under the same load are keepalive at work: nothing to report.
 */

#include <string.h>

#include "../lib/check.h"
#include "../lib/audit/audit.h"


#define NGXL_LCC_SERVERS    4       /* servers listed in the message    */


static char *
ngxl_lcc_servers(ngxl_check_t *chk, const ngxl_audit_dest_t *d)
{
    char        text[64];
    size_t      i;
    ngxl_buf_t  b;
    char       *s;

    ngxl_buf_init(&b);

    for (i = 0; i < d->servers.n && i < NGXL_LCC_SERVERS; i++) {
        ngxl_buf_printf(&b, "%s%s", i ? ", " : "",
                        ngxl_ep_text(d->servers.elts[i], text, sizeof(text)));
    }

    if (d->servers.n > NGXL_LCC_SERVERS) {
        ngxl_buf_printf(&b, " and %zu more",
                        d->servers.n - NGXL_LCC_SERVERS);
    }

    s = ngxl_pstrndup(chk->pool, b.data ? b.data : "", b.len);
    ngxl_buf_free(&b);

    return s;
}


static json_t *
ngxl_lcc_extra(const ngxl_audit_t *a, const ngxl_audit_dest_t *d)
{
    char                      text[64];
    size_t                    i;
    json_t                   *o, *list;
    const ngxl_audit_flow_t  *f;

    f = &d->flow;
    o = json_object();

    json_object_set_new(o, "destination", json_string(d->name));

    list = json_array();

    for (i = 0; i < d->servers.n; i++) {
        json_array_append_new(list, json_string(
            ngxl_ep_text(d->servers.elts[i], text, sizeof(text))));
    }

    json_object_set_new(o, "servers", list);
    json_object_set_new(o, "samples", json_integer(a->samples));
    json_object_set_new(o, "seconds", json_real(a->seconds));
    json_object_set_new(o, "opened", json_integer(f->opened));
    json_object_set_new(o, "opened_per_second",
                        json_real(a->seconds > 0 ? f->opened / a->seconds
                                                 : 0));
    json_object_set_new(o, "opened_per_second_estimated",
                        f->estimate >= 0 && a->seconds > 0
                        ? json_real(f->estimate / a->seconds) : json_null());
    json_object_set_new(o, "gone", json_integer(f->gone));
    json_object_set_new(o, "seen_once", json_integer(f->once));
    json_object_set_new(o, "single_request", json_integer(f->single));
    json_object_set_new(o, "kept", json_integer(f->kept));
    json_object_set_new(o, "most_at_once", json_integer(f->most));
    json_object_set_new(o, "time_wait", json_integer(f->tw_most));
    json_object_set_new(o, "time_wait_new", json_integer(f->tw_new));
    json_object_set_new(o, "told_by_fd", json_integer(f->by_fd));
    json_object_set_new(o, "told_by_address", json_integer(f->by_addr));

    return o;
}


static void
ngxl_lcc_check(ngxl_check_t *chk, const ngxl_audit_t *a)
{
    size_t                    i;
    double                    secs;
    char                      est[96];
    const char               *file, *what;
    uint32_t                  line, col, end;
    ngxl_finding_t           *f;
    const ngxl_dir_t         *dir;
    ngxl_audit_dest_t        *d;
    const ngxl_audit_flow_t  *fl;

    secs = a->seconds > 0 ? a->seconds : 1;

    for (i = 0; i < a->dests.n; i++) {
        d = a->dests.elts[i];
        fl = &d->flow;

        if (d->kind == NGXL_DEST_STREAM || !ngxl_audit_churns(a, fl)) {
            continue;
        }

        dir = d->dir;

        if (dir) {
            file = dir->inst->file->path;
            line = dir->line;
            col = dir->col;
            end = dir->nargs >= 2 ? dir->args[1].col + dir->args[1].len : 0;

        } else {
            file = a->conf ? a->conf->main->file->path : a->bin_label;
            line = col = end = 0;
        }

        what = d->kind == NGXL_DEST_UPSTREAM ? "upstream"
               : d->kind == NGXL_DEST_PASS ? "the implicit upstream"
               : "the address";

        if (fl->estimate >= 0) {
            snprintf(est, sizeof(est), "; about %.0f/s in all, from the "
                     "namespace's connect count", fl->estimate / secs);
        } else {
            est[0] = '\0';
        }

        f = ngxl_check_report(chk, file, line, col, line, end,
                              "%s \"%s\" gets a new connection per request "
                              "under live load: %u new connections in "
                              "%.1f s (%.1f/s seen%s), %u of them used for "
                              "one request only, %u kept throughout",
                              what, d->name, fl->opened, a->seconds,
                              fl->opened / secs, est, fl->single, fl->kept);

        f->extra = ngxl_lcc_extra(a, d);

        ngxl_diag_note(chk->diags, f, NULL, 0, 0, "nginx master %d, %zu "
                       "worker%s, sampled %u times over %.1f s: %s; at most "
                       "%u connections at once, new ones in %u intervals",
                       (int) a->pid, a->nworkers,
                       a->nworkers == 1 ? "" : "s", a->samples, a->seconds,
                       ngxl_lcc_servers(chk, d), fl->most, fl->intervals);

        if (fl->tw_most) {
            ngxl_diag_note(chk->diags, f, NULL, 0, 0, "%u connections toward "
                           "its servers in TIME_WAIT at most (%u new): this "
                           "side closed them", fl->tw_most, fl->tw_new);
        }

        if (fl->by_addr) {
            ngxl_diag_note(chk->diags, f, NULL, 0, 0, "%u of %u told this "
                           "master's by address and worker user only: no "
                           "fd held them when the fds were read",
                           fl->by_addr, fl->seen);
        }

        if (d->kind == NGXL_DEST_UPSTREAM && d->keepalive) {
            ngxl_diag_note(chk->diags, f, NULL, 0, 0, "it keeps connections "
                           "(keepalive), yet they are not reused: see "
                           "keepalive-http-version and "
                           "keepalive-connection-header, the pool's size "
                           "against the load, and the servers' own "
                           "keepalive_timeout and keepalive_requests");

        } else if (d->kind == NGXL_DEST_UPSTREAM) {
            ngxl_diag_hint(chk->diags, f, "keepalive %u; in the upstream "
                           "block, with proxy_http_version 1.1 and "
                           "proxy_set_header Connection \"\" (ngxlint conf "
                           "--fix)", chk->opts->keepalive);

        } else if (d->kind == NGXL_DEST_PASS) {
            ngxl_diag_hint(chk->diags, f, "an upstream block for %s with "
                           "keepalive %u;, passed to by name (ngxlint conf "
                           "--fix)", d->name, chk->opts->keepalive);

        } else {
            ngxl_diag_note(chk->diags, f, NULL, 0, 0, "no upstream or pass "
                           "directive names %s: a target built from "
                           "variables, a name not in the hosts file, or Lua "
                           "cosockets (see lua-cosocket-no-keepalive)",
                           d->name);
        }
    }
}


const ngxl_rule_t  ngxl_rule_live_connection_churn = {
    .id = "live-connection-churn",
    .severity = NGXL_SEV_WARNING,
    .summary = "a running nginx opens a connection per request to an upstream (sampled)",
    .inputs = NGXL_INPUT_LIVE,
    .live = ngxl_lcc_check,
};
