/*
 * live-unreadable: what ngxlint audit could not read on this host, and so
 * did not judge: one note per thing (a master's binary, its fds, its
 * configuration, its status location, ...), with the reason.  Run as a
 * user other than nginx's (or root), most of /proc/PID is closed.
 */

#include "../lib/check.h"
#include "../lib/audit/audit.h"


static void
ngxl_lur_check(ngxl_check_t *chk, const ngxl_audit_t *a)
{
    size_t           i;
    ngxl_finding_t  *f;

    for (i = 0; i < a->problems.n; i++) {
        f = ngxl_check_report(chk, NULL, 0, 0, 0, 0, "nginx master %d: %s",
                              (int) a->pid, (char *) a->problems.elts[i]);

        f->extra = json_object();
        json_object_set_new(f->extra, "problem",
                            json_string(a->problems.elts[i]));
    }
}


const ngxl_rule_t  ngxl_rule_live_unreadable = {
    .id = "live-unreadable",
    .severity = NGXL_SEV_NOTE,
    .summary = "what ngxlint audit could not read of a running nginx, and so did not judge",
    .inputs = NGXL_INPUT_LIVE,
    .live = ngxl_lur_check,
};
