/*
 * ngxlint: the findings model.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"


static const char  *ngxl_severity_names[] = { "note", "warning", "error",
                                              "never" };


const char *
ngxl_severity_name(ngxl_severity_t sev)
{
    return ngxl_severity_names[sev <= NGXL_SEV_NEVER ? sev : NGXL_SEV_NEVER];
}


int
ngxl_severity_parse(const char *name, ngxl_severity_t *sev)
{
    int  i;

    for (i = 0; i <= NGXL_SEV_NEVER; i++) {
        if (strcmp(name, ngxl_severity_names[i]) == 0) {
            *sev = (ngxl_severity_t) i;
            return NGXL_OK;
        }
    }

    return NGXL_ERROR;
}


void
ngxl_diags_init(ngxl_diags_t *ds)
{
    memset(ds, 0, sizeof(ngxl_diags_t));
    ngxl_pool_init(&ds->pool);
}


static void
ngxl_diags_free_list(ngxl_vec_t *list)
{
    size_t           i;
    ngxl_finding_t  *f;

    for (i = 0; i < list->n; i++) {
        f = list->elts[i];

        free(f->notes);
        free(f->edits);

        if (f->extra) {
            json_decref(f->extra);
        }
    }

    ngxl_vec_free(list);
}


void
ngxl_diags_free(ngxl_diags_t *ds)
{
    ngxl_diags_free_list(&ds->findings);
    ngxl_diags_free_list(&ds->suppressed);
    ngxl_vec_free(&ds->sources);
    ngxl_pool_free(&ds->pool);
}


static char *
ngxl_diag_vformat(ngxl_diags_t *ds, const char *fmt, va_list ap)
{
    int      n;
    char    *p;
    va_list  cp;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);

    if (n < 0) {
        n = 0;
    }

    p = ngxl_palloc(&ds->pool, (size_t) n + 1);
    vsnprintf(p, (size_t) n + 1, fmt, ap);

    return p;
}


ngxl_finding_t *
ngxl_diag_add(ngxl_diags_t *ds, const char *rule, ngxl_severity_t sev,
    const char *file, uint32_t line, uint32_t col, uint32_t end_line,
    uint32_t end_col, const char *fmt, ...)
{
    va_list          ap;
    ngxl_finding_t  *f;

    f = ngxl_palloc(&ds->pool, sizeof(ngxl_finding_t));

    f->rule = rule;
    f->severity = sev;
    f->file = file ? ngxl_pstrndup(&ds->pool, file, strlen(file)) : NULL;
    f->line = line;
    f->col = line ? (col ? col : 1) : 0;
    f->end_line = end_line ? end_line : line;
    f->end_col = end_col > f->col || f->end_line > line ? end_col : f->col;

    va_start(ap, fmt);
    f->message = ngxl_diag_vformat(ds, fmt, ap);
    va_end(ap);

    f->seq = ds->findings.n;
    ngxl_vec_push(&ds->findings, f);

    return f;
}


void
ngxl_diag_note(ngxl_diags_t *ds, ngxl_finding_t *f, const char *file,
    uint32_t line, uint32_t col, const char *fmt, ...)
{
    size_t        n;
    va_list       ap;
    ngxl_note_t  *note;

    if (f->nnotes == f->cnotes) {
        n = f->cnotes ? f->cnotes * 2 : 4;

        note = realloc(f->notes, n * sizeof(ngxl_note_t));
        if (note == NULL) {
            ngxl_oom();
        }

        f->notes = note;
        f->cnotes = n;
    }

    note = &f->notes[f->nnotes++];

    note->file = file ? ngxl_pstrndup(&ds->pool, file, strlen(file)) : NULL;
    note->line = line;
    note->col = line ? (col ? col : 1) : 0;

    va_start(ap, fmt);
    note->message = ngxl_diag_vformat(ds, fmt, ap);
    va_end(ap);
}


void
ngxl_diag_edit(ngxl_diags_t *ds, ngxl_finding_t *f, const ngxl_edit_t *edit)
{
    size_t        n;
    ngxl_edit_t  *e;

    if (f->nedits == f->cedits) {
        n = f->cedits ? f->cedits * 2 : 2;

        e = realloc(f->edits, n * sizeof(ngxl_edit_t));
        if (e == NULL) {
            ngxl_oom();
        }

        f->edits = e;
        f->cedits = n;
    }

    e = &f->edits[f->nedits++];
    *e = *edit;
    e->file = ngxl_pstrndup(&ds->pool, edit->file, strlen(edit->file));
    e->text = ngxl_pstrndup(&ds->pool, edit->text, strlen(edit->text));
}


void
ngxl_diag_hint(ngxl_diags_t *ds, ngxl_finding_t *f, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    f->hint = ngxl_diag_vformat(ds, fmt, ap);
    va_end(ap);
}


static void ngxl_source_index(ngxl_pool_t *pool, ngxl_source_t *s);


void
ngxl_diag_source(ngxl_diags_t *ds, const char *path, const char *data,
    size_t len)
{
    size_t          i;
    ngxl_source_t  *s;

    for (i = 0; i < ds->sources.n; i++) {
        s = ds->sources.elts[i];

        if (strcmp(s->path, path) == 0) {
            return;
        }
    }

    s = ngxl_palloc(&ds->pool, sizeof(ngxl_source_t));
    s->path = ngxl_pstrndup(&ds->pool, path, strlen(path));
    s->data = data;
    s->len = len;
    s->lines = NULL;
    s->nlines = 0;

    ngxl_source_index(&ds->pool, s);

    ngxl_vec_push(&ds->sources, s);
}


/*
 * where each line of S starts: a file with many findings has each of their
 * lines quoted (a scan from the start for each was quadratic: 50,000
 * findings in one file took 12 s)
 */

static void
ngxl_source_index(ngxl_pool_t *pool, ngxl_source_t *s)
{
    size_t       n;
    const char  *p, *last;

    if (s->data == NULL) {
        return;
    }

    last = s->data + s->len;
    n = 1;

    for (p = s->data; (p = memchr(p, '\n', (size_t) (last - p))); p++) {
        n++;
    }

    s->lines = ngxl_palloc(pool, n * sizeof(size_t));
    s->lines[0] = 0;
    s->nlines = 1;

    for (p = s->data; (p = memchr(p, '\n', (size_t) (last - p))); p++) {
        s->lines[s->nlines++] = (size_t) (p + 1 - s->data);
    }
}


const ngxl_source_t *
ngxl_diag_find_source(const ngxl_diags_t *ds, const char *path)
{
    size_t          i;
    ngxl_source_t  *s;

    for (i = 0; path && i < ds->sources.n; i++) {
        s = ds->sources.elts[i];

        if (strcmp(s->path, path) == 0) {
            return s;
        }
    }

    return NULL;
}


int
ngxl_source_line(const ngxl_source_t *src, uint32_t line, const char **start,
    size_t *len)
{
    uint32_t     n;
    const char  *p, *last, *eol;

    if (line == 0) {
        return NGXL_ERROR;
    }

    p = src->data;
    last = src->data + src->len;

    if (src->lines) {
        if (line > src->nlines) {
            return NGXL_ERROR;
        }

        p = src->data + src->lines[line - 1];

    } else {
        for (n = 1; n < line; n++) {
            p = memchr(p, '\n', (size_t) (last - p));
            if (p == NULL) {
                return NGXL_ERROR;
            }
            p++;
        }
    }

    eol = memchr(p, '\n', (size_t) (last - p));
    if (eol == NULL) {
        eol = last;
    }

    if (eol > p && eol[-1] == '\r') {
        eol--;
    }

    *start = p;
    *len = (size_t) (eol - p);

    return NGXL_OK;
}


static int
ngxl_diag_cmp(const void *one, const void *two)
{
    int                    rc;
    const ngxl_finding_t  *a, *b;

    a = *(ngxl_finding_t * const *) one;
    b = *(ngxl_finding_t * const *) two;

    if (a->file == NULL || b->file == NULL) {
        rc = (a->file != NULL) - (b->file != NULL);

    } else {
        rc = strcmp(a->file, b->file);
    }

    if (rc) {
        return rc;
    }

    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    }

    if (a->col != b->col) {
        return a->col < b->col ? -1 : 1;
    }

    /* at one place (a binary's findings are all at line 0): errors first */
    if (a->severity != b->severity) {
        return a->severity > b->severity ? -1 : 1;
    }

    rc = strcmp(a->rule, b->rule);
    if (rc) {
        return rc;
    }

    /* stable: keep the order they were reported in */
    return a->seq < b->seq ? -1 : (a->seq > b->seq);
}


void
ngxl_diags_sort(ngxl_diags_t *ds)
{
    if (ds->findings.n > 1) {
        qsort(ds->findings.elts, ds->findings.n, sizeof(void *),
              ngxl_diag_cmp);
    }
}


void
ngxl_diags_count(const ngxl_diags_t *ds, size_t count[3])
{
    size_t           i;
    ngxl_finding_t  *f;

    count[0] = count[1] = count[2] = 0;

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        if (f->severity <= NGXL_SEV_ERROR) {
            count[f->severity]++;
        }
    }
}


/* the length of the valid UTF-8 sequence at P, or 0 */

size_t
ngxl_utf8_len(const unsigned char *p, const unsigned char *last)
{
    size_t    n, i;
    uint32_t  c, min;

    if (p[0] < 0x80) {
        return 1;
    }

    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        c = p[0] & 0x1f;
        min = 0x80;

    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        c = p[0] & 0x0f;
        min = 0x800;

    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        c = p[0] & 0x07;
        min = 0x10000;

    } else {
        return 0;
    }

    if ((size_t) (last - p) < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        c = (c << 6) | (p[i] & 0x3f);
    }

    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }

    return n;
}


/*
 * A JSON string of S (null for NULL).  JSON text is UTF-8: a message may
 * quote bytes of a configuration or a binary that is not, and those bytes
 * become U+FFFD; jansson would refuse the string.
 */

json_t *
ngxl_json_text(const char *s)
{
    size_t                n;
    json_t               *v;
    ngxl_buf_t            b;
    const unsigned char  *p, *last;

    if (s == NULL) {
        return json_null();
    }

    v = json_string(s);
    if (v) {
        return v;
    }

    ngxl_buf_init(&b);

    p = (const unsigned char *) s;
    last = p + strlen(s);

    while (p < last) {
        n = ngxl_utf8_len(p, last);

        if (n == 0) {
            ngxl_buf_adds(&b, "\xef\xbf\xbd");
            p++;
            continue;
        }

        ngxl_buf_add(&b, p, n);
        p += n;
    }

    v = json_stringn(b.data ? b.data : "", b.len);
    ngxl_buf_free(&b);

    if (v == NULL) {
        ngxl_oom();
    }

    return v;
}


void
ngxl_json_dump(json_t *v, ngxl_buf_t *out)
{
    char  *s;

    s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s == NULL) {
        ngxl_oom();
    }

    ngxl_buf_adds(out, s);
    ngxl_buf_addc(out, '\n');
    free(s);
}


static ngxl_pool_t  ngxl_json_pool;


static void *
ngxl_json_arena_alloc(size_t size)
{
    return ngxl_pnalloc(&ngxl_json_pool, size);
}


static void
ngxl_json_arena_free(void *p)
{
    (void) p;
}


void
ngxl_json_arena_begin(void)
{
    ngxl_pool_init(&ngxl_json_pool);
    json_set_alloc_funcs(ngxl_json_arena_alloc, ngxl_json_arena_free);
}


void
ngxl_json_arena_end(void)
{
    json_set_alloc_funcs(malloc, free);
    ngxl_pool_free(&ngxl_json_pool);
}
