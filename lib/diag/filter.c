/*
 * ngxlint: what findings are left out: inline suppressions, and a saved
 * baseline of accepted ones.
 *
 *   # ngxlint: disable=RULE[,RULE] reason      (configurations)
 *   -- ngxlint: disable=RULE[,RULE] reason     (Lua)
 *
 * on the finding's line or on the line above it.  A suppression without a
 * reason still suppresses, and is itself a note (rule ngxlint-suppression).
 *
 * A baseline matches findings by rule, file and a fingerprint of the
 * content of their line (not the line number: a baseline survives edits
 * above the finding); each baseline entry matches one finding.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"


#define NGXL_SUPPRESS_MARK  "ngxlint: disable="


/*
 * A suppression on a line: RULE named in its list?  *REASON tells whether
 * words follow the list.  NGXL_ERROR: no suppression of RULE there.
 */

static int
ngxl_filter_mark(const char *p, size_t len, const char *rule, int *reason)
{
    size_t       n, r, m;
    const char  *s, *e, *list;

    m = sizeof(NGXL_SUPPRESS_MARK) - 1;

    for (s = p; (size_t) (s - p) + m <= len; s++) {
        if (memcmp(s, NGXL_SUPPRESS_MARK, m) == 0) {
            break;
        }
    }

    if ((size_t) (s - p) + m > len) {
        return NGXL_ERROR;
    }

    /* only in a comment: "#" or "--" before it on the line */

    for (e = s; e > p; e--) {
        if (e[-1] == '#' || (e - p >= 2 && e[-1] == '-' && e[-2] == '-')) {
            break;
        }
    }

    if (e == p) {
        return NGXL_ERROR;
    }

    list = s + m;
    e = p + len;

    for (s = list; s < e && *s != ' ' && *s != '\t' && *s != '\r'; s++) {
        /* void */
    }

    n = strlen(rule);
    r = 0;

    for (p = list; p < s; p = p + r + 1) {
        for (r = 0; p + r < s && p[r] != ','; r++) { /* void */ }

        if ((r == n && memcmp(p, rule, n) == 0) || (r == 3
                                                    && memcmp(p, "all", 3)
                                                       == 0))
        {
            while (s < e && (*s == ' ' || *s == '\t')) {
                s++;
            }

            /* words after the list, not just the end of a Lua block */
            *reason = s < e && *s != '\r' && *s != '}';

            return NGXL_OK;
        }
    }

    return NGXL_ERROR;
}


/* whether LINE is only a comment (so that it may speak for the next one) */

static int
ngxl_filter_comment_line(const char *p, size_t len)
{
    while (len && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }

    return len && (*p == '#' || (len >= 2 && p[0] == '-' && p[1] == '-'));
}


void
ngxl_diags_suppress(ngxl_diags_t *ds, const char *note_rule)
{
    int                   reason, found;
    size_t                i, k, len;
    uint32_t              line;
    ngxl_vec_t            kept, unexplained;
    const char           *p;
    ngxl_finding_t       *f, *n;
    const ngxl_source_t  *src;

    memset(&kept, 0, sizeof(ngxl_vec_t));
    memset(&unexplained, 0, sizeof(ngxl_vec_t));

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];
        src = ngxl_diag_find_source(ds, f->file);
        found = 0;

        for (line = f->line; src && line && line + 1 >= f->line && !found;
             line--)
        {
            if (ngxl_source_line(src, line, &p, &len) != NGXL_OK) {
                break;
            }

            if (line != f->line && !ngxl_filter_comment_line(p, len)) {
                break;
            }

            if (ngxl_filter_mark(p, len, f->rule, &reason) == NGXL_OK) {
                found = 1;

                if (!reason) {
                    ngxl_vec_push(&unexplained, f);
                }
            }
        }

        if (found) {
            /* its notes and edits are freed with the rest at the end */
            ngxl_vec_push(&ds->suppressed, f);
            continue;
        }

        ngxl_vec_push(&kept, f);
    }

    ngxl_vec_free(&ds->findings);
    ds->findings = kept;

    for (k = 0; note_rule && k < unexplained.n; k++) {
        f = unexplained.elts[k];

        n = ngxl_diag_add(ds, note_rule, NGXL_SEV_NOTE, f->file, f->line,
                          f->col, f->end_line, f->end_col,
                          "this suppression of %s gives no reason", f->rule);
        ngxl_diag_hint(ds, n, "# ngxlint: disable=%s <why it is fine here>",
                       f->rule);
    }

    ngxl_vec_free(&unexplained);
}


/* FNV-1a of the line's text without its indentation, with rule and file */

static char *
ngxl_filter_fingerprint(const ngxl_diags_t *ds, const ngxl_finding_t *f,
    char *buf, size_t size)
{
    size_t                i, len;
    uint64_t              h;
    const char           *p;
    const ngxl_source_t  *src;

    h = 14695981039346656037ull;

    src = ngxl_diag_find_source(ds, f->file);

    if (src && ngxl_source_line(src, f->line, &p, &len) == NGXL_OK) {
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }

        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'
                       || p[len - 1] == '\r'))
        {
            len--;
        }

    } else {
        /* no source line (a binary): the message is the content */
        p = f->message;
        len = strlen(p);
    }

    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char) p[i]) * 1099511628211ull;
    }

    snprintf(buf, size, "%016llx", (unsigned long long) h);

    return buf;
}


json_t *
ngxl_diags_baseline(const ngxl_diags_t *ds)
{
    size_t           i;
    char             fp[32];
    json_t          *root, *list, *o;
    ngxl_finding_t  *f;

    root = json_object();
    list = json_array();

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        o = json_object();
        /* any bytes: a name that is not UTF-8 is kept as its U+FFFD form */
        json_object_set_new(o, "rule", ngxl_json_text(f->rule));
        json_object_set_new(o, "file", ngxl_json_text(f->file));
        json_object_set_new(o, "fingerprint",
                            json_string(ngxl_filter_fingerprint(ds, f, fp,
                                                                sizeof(fp))));
        json_array_append_new(list, o);
    }

    json_object_set_new(root, "ngxlint_baseline", json_integer(1));
    json_object_set_new(root, "findings", list);

    return root;
}


int
ngxl_diags_apply_baseline(ngxl_diags_t *ds, json_t *baseline, char *err,
    size_t errlen)
{
    int              *used;
    char              fp[32];
    size_t            i, k, n;
    json_t           *list, *e, *fj;
    ngxl_vec_t        kept;
    ngxl_finding_t   *f;
    const char       *rule, *file, *print, *fname;

    list = json_object_get(baseline, "findings");

    if (!json_is_integer(json_object_get(baseline, "ngxlint_baseline"))
        || !json_is_array(list))
    {
        snprintf(err, errlen, "not an ngxlint baseline (no "
                 "\"ngxlint_baseline\" and \"findings\")");
        return NGXL_ERROR;
    }

    n = json_array_size(list);
    used = calloc(n ? n : 1, sizeof(int));
    if (used == NULL) {
        ngxl_oom();
    }

    memset(&kept, 0, sizeof(ngxl_vec_t));

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];
        ngxl_filter_fingerprint(ds, f, fp, sizeof(fp));

        /* the file as the baseline spells it (see ngxl_diags_baseline()) */
        fj = ngxl_json_text(f->file);
        fname = json_string_value(fj);

        for (k = 0; k < n; k++) {
            e = json_array_get(list, k);
            rule = json_string_value(json_object_get(e, "rule"));
            file = json_string_value(json_object_get(e, "file"));
            print = json_string_value(json_object_get(e, "fingerprint"));

            if (!used[k] && rule && print && strcmp(rule, f->rule) == 0
                && strcmp(print, fp) == 0
                && ((file == NULL && fname == NULL)
                    || (file && fname && strcmp(file, fname) == 0)))
            {
                used[k] = 1;
                break;
            }
        }

        json_decref(fj);

        if (k < n) {
            ngxl_vec_push(&ds->suppressed, f);
        } else {
            ngxl_vec_push(&kept, f);
        }
    }

    free(used);

    ngxl_vec_free(&ds->findings);
    ds->findings = kept;

    return NGXL_OK;
}
