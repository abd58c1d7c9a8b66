/*
 * ngxlint: GitHub Actions workflow commands, one a finding, which the runner
 * turns into annotations on the pull request:
 *
 *   ::warning file=conf/nginx.conf,line=12,col=5,endLine=12,endColumn=17,
 *   title=upstream-keepalive::upstream "app" has no keepalive
 *
 * (on one line).  The message (the command's data) escapes '%', CR and LF;
 * property values escape ':' and ',' as well.  A finding's notes follow its
 * message, one a line, as the text output prints them.  Columns are the
 * model's 1-based byte columns, endColumn exclusive.
 */

#include "diag.h"


static const char *
ngxl_github_command(ngxl_severity_t sev)
{
    switch (sev) {

    case NGXL_SEV_NOTE:
        return "notice";

    case NGXL_SEV_WARNING:
        return "warning";

    default:
        return "error";
    }
}


static void
ngxl_github_escape(ngxl_buf_t *out, const char *s, int property)
{
    for ( /* void */ ; *s; s++) {
        switch (*s) {

        case '%':
            ngxl_buf_adds(out, "%25");
            break;

        case '\r':
            ngxl_buf_adds(out, "%0D");
            break;

        case '\n':
            ngxl_buf_adds(out, "%0A");
            break;

        case ':':
            if (property) {
                ngxl_buf_adds(out, "%3A");
            } else {
                ngxl_buf_addc(out, ':');
            }
            break;

        case ',':
            if (property) {
                ngxl_buf_adds(out, "%2C");
            } else {
                ngxl_buf_addc(out, ',');
            }
            break;

        default:
            ngxl_buf_addc(out, *s);
        }
    }
}


/* starts a property: " " before the first, "," before the others */

static void
ngxl_github_property(ngxl_buf_t *out, int *first, const char *name)
{
    ngxl_buf_addc(out, *first ? ' ' : ',');
    ngxl_buf_adds(out, name);
    ngxl_buf_addc(out, '=');

    *first = 0;
}


static void
ngxl_github_number(ngxl_buf_t *out, int *first, const char *name, uint32_t n)
{
    ngxl_github_property(out, first, name);
    ngxl_buf_printf(out, "%u", n);
}


/*
 * The runner drops a command whose position it finds invalid: columns on
 * a range of several lines, endLine before line, endColumn before col.
 */

static void
ngxl_github_position(ngxl_buf_t *out, int *first, const ngxl_finding_t *f)
{
    ngxl_github_number(out, first, "line", f->line);

    if (f->end_line > f->line) {
        ngxl_github_number(out, first, "endLine", f->end_line);
        return;
    }

    if (f->col) {
        ngxl_github_number(out, first, "col", f->col);
    }

    if (f->end_line == f->line) {
        ngxl_github_number(out, first, "endLine", f->end_line);

        if (f->col && f->end_col >= f->col) {
            ngxl_github_number(out, first, "endColumn", f->end_col);
        }
    }
}


static void
ngxl_github_note(ngxl_buf_t *out, const ngxl_finding_t *f,
    const ngxl_note_t *note)
{
    const char  *file;
    ngxl_buf_t   b;

    file = note->file ? note->file : f->file;

    ngxl_buf_init(&b);
    ngxl_buf_addc(&b, '\n');

    if (file) {
        ngxl_buf_adds(&b, file);

        if (note->line) {
            ngxl_buf_printf(&b, ":%u:%u", note->line, note->col);
        }

        ngxl_buf_adds(&b, ": ");
    }

    ngxl_buf_adds(&b, "note: ");
    ngxl_buf_adds(&b, note->message ? note->message : "");

    ngxl_github_escape(out, b.data, 0);
    ngxl_buf_free(&b);
}


void
ngxl_emit_github(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    ngxl_buf_t *out)
{
    int                    first;
    size_t                 i, k;
    const ngxl_finding_t  *f;

    (void) opts;

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];
        first = 1;

        ngxl_buf_adds(out, "::");
        ngxl_buf_adds(out, ngxl_github_command(f->severity));

        if (f->file) {
            ngxl_github_property(out, &first, "file");
            ngxl_github_escape(out, f->file, 1);
        }

        if (f->line) {
            ngxl_github_position(out, &first, f);
        }

        if (f->rule) {
            ngxl_github_property(out, &first, "title");
            ngxl_github_escape(out, f->rule, 1);
        }

        ngxl_buf_adds(out, "::");
        ngxl_github_escape(out, f->message ? f->message : "", 0);

        for (k = 0; k < f->nnotes; k++) {
            ngxl_github_note(out, f, &f->notes[k]);
        }

        ngxl_buf_addc(out, '\n');
    }
}
