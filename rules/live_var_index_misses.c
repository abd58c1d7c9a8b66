/*
 * live-var-index-misses: variables a running nginx's Lua looks up by name
 * that are not indexed, as its var_index_status counts them (ngxlint
 * audit reads it, from --status-url or a location found in the
 * configuration).  One finding per name, most missed first, at the main
 * http block's var_index (or the http block), with the directive that
 * indexes it.
 */

#include <string.h>

#include "../lib/check.h"
#include "../lib/audit/audit.h"
#include "../lib/lua/variables.h"


#define NGXL_LVM_HOT  1000          /* misses that make a warning alone */


/* where the directive goes: the main http block's last var_index, or it */

static const ngxl_dir_t *
ngxl_lvm_place(ngxl_check_t *chk, int *is_index)
{
    size_t              i, k;
    ngxl_model_t       *m;
    ngxl_mblock_t      *b;
    const ngxl_dir_t   *d, *found;

    *is_index = 0;

    if (chk->conf == NULL) {
        return NULL;
    }

    m = ngxl_check_model(chk);

    for (i = 0; i < m->root->blocks.n; i++) {
        b = m->root->blocks.elts[i];

        if (b->ctx != NGXL_HTTP_MAIN) {
            continue;
        }

        found = NULL;

        for (k = 0; k < b->dirs.n; k++) {
            d = b->dirs.elts[k];

            if (ngxl_dir_is(d, "var_index")) {
                found = d;
            }
        }

        if (found) {
            *is_index = 1;
            return found;
        }

        return b->dir;
    }

    return NULL;
}


static void
ngxl_lvm_check(ngxl_check_t *chk, const ngxl_audit_t *a)
{
    int                       is_index;
    size_t                    i;
    const char               *file;
    uint32_t                  line, col;
    ngxl_finding_t           *f, *first;
    ngxl_severity_t           sev;
    const ngxl_dir_t         *at;
    const ngxl_audit_miss_t  *m;

    if (!a->status_read || (a->misses.n == 0 && a->other_misses == 0)) {
        return;
    }

    at = ngxl_lvm_place(chk, &is_index);

    if (at == NULL) {
        at = a->status_dir;
    }

    file = at ? at->inst->file->path
              : a->conf ? a->conf->main->file->path : NULL;
    line = at ? at->line : 0;
    col = at ? at->col : 0;
    first = NULL;

    for (i = 0; i < a->misses.n; i++) {
        m = a->misses.elts[i];

        sev = m->during > 0 || m->count >= NGXL_LVM_HOT ? chk->severity
                                                        : NGXL_SEV_NOTE;

        if (m->rate_known) {
            f = ngxl_check_report_sev(chk, sev, file, line, col, line, 0,
                                      "$%s is looked up by name, unindexed: "
                                      "%llu lookups missed the index (%llu "
                                      "during the %.1f s sample), as "
                                      "var_index_status counts them",
                                      m->name, (unsigned long long) m->count,
                                      (unsigned long long) m->during,
                                      a->seconds);
        } else {
            f = ngxl_check_report_sev(chk, sev, file, line, col, line, 0,
                                      "$%s is looked up by name, unindexed: "
                                      "%llu lookups missed the index, as "
                                      "var_index_status counts them",
                                      m->name, (unsigned long long) m->count);
        }

        f->extra = json_object();
        json_object_set_new(f->extra, "variable", json_string(m->name));
        json_object_set_new(f->extra, "misses", json_integer(
                                (json_int_t) m->count));
        json_object_set_new(f->extra, "misses_during_sample",
                            m->rate_known ? json_integer(
                                (json_int_t) m->during) : json_null());

        if (first == NULL) {
            first = f;
        }

        if (a->status_dir) {
            ngxl_diag_note(chk->diags, f, a->status_dir->inst->file->path,
                           a->status_dir->line, a->status_dir->col,
                           "counted by var_index_status here (%s, nginx "
                           "master %d)", a->status_url ? a->status_url : "",
                           (int) a->pid);
        } else if (a->status_url) {
            ngxl_diag_note(chk->diags, f, NULL, 0, 0, "counted by "
                           "var_index_status at %s (nginx master %d)",
                           a->status_url, (int) a->pid);
        }

        if (!ngxl_nginx_variable_known(m->name, strlen(m->name))) {
            /* an index of a name nothing defines stops nginx starting */
            ngxl_diag_hint(chk->diags, f, "no module nginx loads defines "
                           "$%s: define it (set $%s \"\";) in http {} and it "
                           "is indexed", m->name, m->name);

        } else if (is_index) {
            ngxl_diag_hint(chk->diags, f, "add $%s to this var_index",
                           m->name);

        } else {
            ngxl_diag_hint(chk->diags, f, "var_index $%s; in http {}",
                           m->name);
        }
    }

    /* the one directive for them all */
    if (first && a->misses.n > 1) {
        ngxl_buf_t  b;
        size_t      n;

        ngxl_buf_init(&b);

        for (n = 0, i = 0; i < a->misses.n; i++) {
            m = a->misses.elts[i];

            if (ngxl_nginx_variable_known(m->name, strlen(m->name))) {
                ngxl_buf_printf(&b, " $%s", m->name);
                n++;
            }
        }

        if (n > 1) {
            ngxl_diag_note(chk->diags, first, NULL, 0, 0, "all of them: "
                           "var_index%s;", b.data);
        }

        ngxl_buf_free(&b);
    }

    if (a->other_misses) {
        if (first == NULL) {
            first = ngxl_check_report_sev(chk, NGXL_SEV_NOTE, file, line,
                                          col, line, 0, "%llu lookups of "
                                          "names var_index_status had no "
                                          "room to list missed the index",
                                          (unsigned long long)
                                          a->other_misses);
        } else {
            ngxl_diag_note(chk->diags, first, NULL, 0, 0, "and %llu lookups "
                           "of names the module had no room to list",
                           (unsigned long long) a->other_misses);
        }
    }
}


const ngxl_rule_t  ngxl_rule_live_var_index_misses = {
    .id = "live-var-index-misses",
    .severity = NGXL_SEV_WARNING,
    .summary = "a running nginx's Lua looks variables up by name, unindexed (var_index_status)",
    .inputs = NGXL_INPUT_LIVE,
    .live = ngxl_lvm_check,
};
