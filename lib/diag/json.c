/*
 * ngxlint: the JSON output, a stable contract:
 *
 *   {"tool":{"name":"ngxlint","version":"..."},
 *    "host":"..." (ngxlint audit only),
 *    "findings":[{"rule","severity","message","file","line","column",
 *                 "end_line","end_column","fixable","notes":[...], ...}],
 *    "summary":{"error":0,"warning":1,"note":0}}
 *
 * Rule-specific fields (the finding's `extra`) are added to its object.
 */

#include "diag.h"


static json_t *
ngxl_json_finding(const ngxl_finding_t *f)
{
    size_t              i;
    json_t             *o, *notes, *n;
    const ngxl_note_t  *note;

    o = json_object();

    json_object_set_new(o, "rule", json_string(f->rule));
    json_object_set_new(o, "severity",
                        json_string(ngxl_severity_name(f->severity)));
    json_object_set_new(o, "message", ngxl_json_text(f->message));
    json_object_set_new(o, "file", ngxl_json_text(f->file));
    json_object_set_new(o, "line", json_integer(f->line));
    json_object_set_new(o, "column", json_integer(f->col));
    json_object_set_new(o, "end_line", json_integer(f->end_line));
    json_object_set_new(o, "end_column", json_integer(f->end_col));
    json_object_set_new(o, "fixable", json_boolean(f->nedits > 0));

    notes = json_array();

    for (i = 0; i < f->nnotes; i++) {
        note = &f->notes[i];

        n = json_object();
        json_object_set_new(n, "file",
                            ngxl_json_text(note->file ? note->file : f->file));
        json_object_set_new(n, "line", json_integer(note->line));
        json_object_set_new(n, "column", json_integer(note->col));
        json_object_set_new(n, "message", ngxl_json_text(note->message));
        json_array_append_new(notes, n);
    }

    json_object_set_new(o, "notes", notes);

    if (f->extra) {
        json_object_update(o, f->extra);
    }

    return o;
}


void
ngxl_emit_json(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    ngxl_buf_t *out)
{
    size_t   i, count[3];
    json_t  *root, *tool, *findings, *summary, *target;

    root = json_object();

    tool = json_object();
    json_object_set_new(tool, "name", json_string("ngxlint"));
    json_object_set_new(tool, "version", json_string(opts->version));
    json_object_set_new(root, "tool", tool);

    if (opts->host) {
        json_object_set_new(root, "host", json_string(opts->host));
    }

    findings = json_array();

    for (i = 0; i < ds->findings.n; i++) {
        json_array_append_new(findings,
                              ngxl_json_finding(ds->findings.elts[i]));
    }

    json_object_set_new(root, "findings", findings);

    ngxl_diags_count(ds, count);

    summary = json_object();
    json_object_set_new(summary, "error",
                        json_integer((json_int_t) count[NGXL_SEV_ERROR]));
    json_object_set_new(summary, "warning",
                        json_integer((json_int_t) count[NGXL_SEV_WARNING]));
    json_object_set_new(summary, "note",
                        json_integer((json_int_t) count[NGXL_SEV_NOTE]));
    json_object_set_new(root, "summary", summary);

    if (opts->nginx_version) {
        target = json_object();
        json_object_set_new(target, "nginx_version",
                            json_string(opts->nginx_version));
        json_object_set_new(target, "source",
                            json_string(opts->nginx_source));
        json_object_set_new(root, "target", target);
    }

    ngxl_json_dump(root, out);
    json_decref(root);
}
