/*
 * ngxlint: text output, as gcc and clang print diagnostics:
 *
 *   conf/nginx.conf:12:5: warning: upstream "app" has no keepalive [rule]
 *      12 |     upstream app {
 *         |     ^~~~~~~~~~~~
 *         = fix: insert "keepalive 32;"
 */

#include <string.h>

#include "diag.h"


#define NGXL_C_BOLD     "\033[1m"
#define NGXL_C_RED      "\033[1;31m"
#define NGXL_C_MAGENTA  "\033[1;35m"
#define NGXL_C_CYAN     "\033[1;36m"
#define NGXL_C_GREEN    "\033[1;32m"
#define NGXL_C_RESET    "\033[0m"

/* the bytes of a long line quoted around a finding's column */
#define NGXL_TEXT_QUOTE_MAX  240


static void
ngxl_text_color(ngxl_buf_t *out, const ngxl_emit_opts_t *opts,
    const char *color)
{
    if (opts->color) {
        ngxl_buf_adds(out, color);
    }
}


static void
ngxl_text_location(ngxl_buf_t *out, const char *file, uint32_t line,
    uint32_t col)
{
    if (file == NULL) {
        ngxl_buf_adds(out, "ngxlint");

    } else if (line == 0) {
        ngxl_buf_adds(out, file);

    } else {
        ngxl_buf_printf(out, "%s:%u:%u", file, line, col);
    }
}


static void
ngxl_text_quote(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    const ngxl_finding_t *f, ngxl_buf_t *out)
{
    int                   width, cut;
    char                  num[16];
    size_t                len, i, from, to, skip;
    const char           *p;
    const ngxl_source_t  *src;

    src = ngxl_diag_find_source(ds, f->file);

    if (src == NULL || f->line == 0
        || ngxl_source_line(src, f->line, &p, &len) != NGXL_OK)
    {
        return;
    }

    width = snprintf(num, sizeof(num), "%u", f->line);
    if (width < 4) {
        width = 4;
    }

    from = f->col ? f->col - 1 : 0;
    to = (f->end_line == f->line && f->end_col > f->col) ? f->end_col - 1
                                                         : from + 1;

    /*
     * a long line (minified, generated, hostile: one line of a gigabyte)
     * is quoted around the column only, its cuts marked "..."
     */

    skip = 0;
    cut = 0;

    if (len > NGXL_TEXT_QUOTE_MAX) {
        skip = from > NGXL_TEXT_QUOTE_MAX / 2 ? from - NGXL_TEXT_QUOTE_MAX / 2
                                              : 0;
        if (skip > len) {
            skip = len;
        }

        cut = len - skip > NGXL_TEXT_QUOTE_MAX;

        p += skip;
        len = cut ? NGXL_TEXT_QUOTE_MAX : len - skip;
        from -= skip < from ? skip : from;
        to -= skip < to ? skip : to;
    }

    ngxl_buf_printf(out, " %*u | %s", width, f->line, skip ? "..." : "");

    for (i = 0; i < len; i++) {
        /* control bytes would move the terminal's cursor */
        ngxl_buf_addc(out, ((unsigned char) p[i] < 0x20 && p[i] != '\t')
                           ? '?' : p[i]);
    }

    ngxl_buf_adds(out, cut ? "...\n" : "\n");

    ngxl_buf_printf(out, " %*s | %s", width, "", skip ? "   " : "");
    if (from > len) {
        from = len;
    }

    if (to > len) {
        to = from < len ? len : from + 1;
    }

    for (i = 0; i < from; i++) {
        ngxl_buf_addc(out, p[i] == '\t' ? '\t' : ' ');
    }

    ngxl_text_color(out, opts, NGXL_C_GREEN);
    ngxl_buf_addc(out, '^');

    for (i = from + 1; i < to; i++) {
        ngxl_buf_addc(out, '~');
    }

    ngxl_text_color(out, opts, NGXL_C_RESET);
    ngxl_buf_addc(out, '\n');

    if (f->hint) {
        ngxl_buf_printf(out, " %*s = ", width, "");
        ngxl_text_color(out, opts, NGXL_C_GREEN);
        ngxl_buf_adds(out, "fix: ");
        ngxl_text_color(out, opts, NGXL_C_RESET);
        ngxl_buf_adds(out, f->hint);
        ngxl_buf_addc(out, '\n');
    }
}


void
ngxl_emit_text(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    ngxl_buf_t *out)
{
    size_t                i, k, count[3];
    const char           *color;
    const ngxl_finding_t *f;
    const ngxl_note_t    *note;

    static const char    *colors[] = { NGXL_C_CYAN, NGXL_C_MAGENTA,
                                       NGXL_C_RED };

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];
        color = colors[f->severity <= NGXL_SEV_ERROR ? f->severity : 2];

        ngxl_text_color(out, opts, NGXL_C_BOLD);
        ngxl_text_location(out, f->file, f->line, f->col);
        ngxl_buf_adds(out, ": ");
        ngxl_text_color(out, opts, color);
        ngxl_buf_adds(out, ngxl_severity_name(f->severity));
        ngxl_buf_adds(out, ": ");
        ngxl_text_color(out, opts, NGXL_C_RESET);
        ngxl_buf_printf(out, "%s [%s]\n", f->message, f->rule);

        if (!opts->quiet) {
            ngxl_text_quote(ds, opts, f, out);
        }

        for (k = 0; k < f->nnotes; k++) {
            note = &f->notes[k];

            ngxl_text_color(out, opts, NGXL_C_BOLD);
            ngxl_text_location(out, note->file ? note->file : f->file,
                               note->line, note->col);
            ngxl_buf_adds(out, ": ");
            ngxl_text_color(out, opts, NGXL_C_CYAN);
            ngxl_buf_adds(out, "note: ");
            ngxl_text_color(out, opts, NGXL_C_RESET);
            ngxl_buf_printf(out, "%s\n", note->message);
        }
    }

    if (opts->quiet) {
        return;
    }

    ngxl_diags_count(ds, count);

    if (opts->nginx_version) {
        ngxl_buf_printf(out, "ngxlint: judged for nginx %s (%s)\n",
                        opts->nginx_version, opts->nginx_source);
    }

    if (count[0] + count[1] + count[2] == 0) {
        ngxl_buf_adds(out, "ngxlint: no findings\n");
        return;
    }

    ngxl_buf_printf(out, "ngxlint: %zu error%s, %zu warning%s, %zu note%s\n",
                    count[NGXL_SEV_ERROR],
                    count[NGXL_SEV_ERROR] == 1 ? "" : "s",
                    count[NGXL_SEV_WARNING],
                    count[NGXL_SEV_WARNING] == 1 ? "" : "s",
                    count[NGXL_SEV_NOTE],
                    count[NGXL_SEV_NOTE] == 1 ? "" : "s");
}
