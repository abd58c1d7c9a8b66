/*
 * ngxlint: minimal text edits.
 */

#include <string.h>

#include "edit.h"


void
ngxl_edit_locate(const ngxl_cfile_t *file, ngxl_edit_t *e)
{
    ngxl_conf_line_col(file, e->off, &e->line, &e->col);
    ngxl_conf_line_col(file, e->off + e->len, &e->end_line, &e->end_col);
}


char *
ngxl_edit_indent(ngxl_pool_t *pool, const ngxl_cfile_t *file, uint32_t off)
{
    uint32_t  start, end;

    for (start = off; start > 0 && file->data[start - 1] != '\n'; start--) {
        /* void */
    }

    for (end = start;
         end < file->len && (file->data[end] == ' ' || file->data[end] == '\t');
         end++)
    {
        /* void */
    }

    return ngxl_pstrndup(pool, file->data + start, end - start);
}


/* whether only blanks stand between the line start and OFF */

static int
ngxl_edit_line_starts(const ngxl_cfile_t *file, uint32_t off)
{
    while (off > 0) {
        off--;

        if (file->data[off] == '\n') {
            return 1;
        }

        if (file->data[off] != ' ' && file->data[off] != '\t') {
            return 0;
        }
    }

    return 1;
}


char *
ngxl_edit_child_indent(ngxl_pool_t *pool, const ngxl_dir_t *d)
{
    char                *outer, *unit;
    const ngxl_dir_t    *c;
    const ngxl_cfile_t  *file;

    file = d->inst->file;

    /* a child that starts its own line shows the way */

    for (c = d->child; c; c = c->next) {
        if (c->inst == d->inst && ngxl_edit_line_starts(file, c->start)) {
            return ngxl_edit_indent(pool, file, c->start);
        }
    }

    /* else one level deeper than the block, in the file's own unit */

    outer = ngxl_edit_indent(pool, file, d->start);
    unit = "    ";

    if (outer[0] == '\t') {
        unit = "\t";
    }

    return ngxl_psprintf(pool, "%s%s", outer, unit);
}


/* the end of the line after OFF, if only blanks or a comment follow */

static uint32_t
ngxl_edit_line_end(const ngxl_cfile_t *file, uint32_t off)
{
    uint32_t  i;

    for (i = off; i < file->len; i++) {
        if (file->data[i] == '\n') {
            return (i > off && file->data[i - 1] == '\r') ? i - 1 : i;
        }

        if (file->data[i] == '#') {
            /* a comment runs to the end of the line */
            while (i < file->len && file->data[i] != '\n') {
                i++;
            }
            return (i > off && file->data[i - 1] == '\r') ? i - 1 : i;
        }

        if (file->data[i] != ' ' && file->data[i] != '\t'
            && file->data[i] != '\r')
        {
            return UINT32_MAX;
        }
    }

    return (uint32_t) file->len;
}


static const char *
ngxl_edit_eol(const ngxl_cfile_t *file)
{
    const char  *nl;

    nl = memchr(file->data, '\n', file->len);

    return (nl && nl > file->data && nl[-1] == '\r') ? "\r\n" : "\n";
}


void
ngxl_edit_after(ngxl_pool_t *pool, const ngxl_dir_t *d, const char *text,
    ngxl_edit_t *e)
{
    uint32_t             at;
    const ngxl_cfile_t  *file;

    file = d->inst->file;

    memset(e, 0, sizeof(ngxl_edit_t));
    e->file = file->path;

    at = ngxl_edit_line_end(file, d->end);

    if (at == UINT32_MAX) {
        /* more on the same line: the new directive follows right after */
        e->off = d->end;
        e->text = ngxl_psprintf(pool, " %s", text);

        if (strchr(text, '#') != NULL) {
            /*
             * it may end in a comment (a moved directive keeps its own),
             * which would swallow the rest of the line: that goes on to
             * a line of its own, at D's indentation
             */
            while (d->end + e->len < file->len
                   && (file->data[d->end + e->len] == ' '
                       || file->data[d->end + e->len] == '\t'))
            {
                e->len++;
            }

            e->text = ngxl_psprintf(pool, " %s%s%s", text,
                                    ngxl_edit_eol(file),
                                    ngxl_edit_indent(pool, file, d->start));
        }

    } else {
        e->off = at;
        e->text = ngxl_psprintf(pool, "%s%s%s", ngxl_edit_eol(file),
                                ngxl_edit_indent(pool, file, d->start), text);
    }

    ngxl_edit_locate(file, e);
}


void
ngxl_edit_before(ngxl_pool_t *pool, const ngxl_dir_t *d, const char *text,
    ngxl_edit_t *e)
{
    char                *indent;
    const ngxl_cfile_t  *file;

    file = d->inst->file;

    memset(e, 0, sizeof(ngxl_edit_t));
    e->file = file->path;
    e->off = d->start;

    indent = ngxl_edit_indent(pool, file, d->start);

    if (ngxl_edit_line_starts(file, d->start)) {
        e->text = ngxl_psprintf(pool, "%s%s%s", text, ngxl_edit_eol(file),
                                indent);
    } else {
        e->text = ngxl_psprintf(pool, "%s ", text);
    }

    ngxl_edit_locate(file, e);
}


void
ngxl_edit_block_end(ngxl_pool_t *pool, const ngxl_dir_t *d, const char *text,
    ngxl_edit_t *e)
{
    uint32_t             start;
    const ngxl_cfile_t  *file;

    file = d->inst->file;

    memset(e, 0, sizeof(ngxl_edit_t));
    e->file = file->path;

    if (ngxl_edit_line_starts(file, d->close)) {
        /* "}" on its own line: a new line just before that line */
        for (start = d->close; start > 0 && file->data[start - 1] != '\n';
             start--)
        {
            /* void */
        }

        e->off = start;
        e->text = ngxl_psprintf(pool, "%s%s%s",
                                ngxl_edit_child_indent(pool, d), text,
                                ngxl_edit_eol(file));

    } else {
        /* "{ ... }" on one line: before the "}" on that line */
        e->off = d->close;

        if (d->close > 0 && (file->data[d->close - 1] == ' '
                             || file->data[d->close - 1] == '\t'))
        {
            e->text = ngxl_psprintf(pool, "%s ", text);
        } else {
            e->text = ngxl_psprintf(pool, " %s ", text);
        }
    }

    ngxl_edit_locate(file, e);
}


void
ngxl_edit_token(const ngxl_cfile_t *f, const ngxl_tok_t *t, const char *text,
    ngxl_edit_t *e)
{
    memset(e, 0, sizeof(ngxl_edit_t));
    e->file = f->path;
    e->off = t->off;
    e->len = t->len;
    e->text = text;

    ngxl_edit_locate(f, e);
}


void
ngxl_edit_delete(const ngxl_dir_t *d, ngxl_edit_t *e)
{
    uint32_t             start, end;
    const ngxl_cfile_t  *file;

    file = d->inst->file;

    memset(e, 0, sizeof(ngxl_edit_t));
    e->file = file->path;
    e->text = "";

    start = d->start;
    end = d->end;

    if (ngxl_edit_line_starts(file, d->start)) {
        for ( /* void */ ; start > 0 && file->data[start - 1] != '\n'; start--)
        {
            /* void */
        }

        while (end < file->len && (file->data[end] == ' '
                                   || file->data[end] == '\t'
                                   || file->data[end] == '\r'))
        {
            end++;
        }

        if (end < file->len && file->data[end] == '#') {
            while (end < file->len && file->data[end] != '\n') {
                end++;
            }
        }

        if (end < file->len && file->data[end] == '\n') {
            end++;

        } else {
            /* more follows on the line: keep its indentation */
            start = d->start;
            end = d->end;
        }
    }

    e->off = start;
    e->len = end - start;

    ngxl_edit_locate(file, e);
}


char *
ngxl_edit_trailing_comment(ngxl_pool_t *pool, const ngxl_dir_t *d)
{
    uint32_t             i, end;
    const ngxl_cfile_t  *file;

    file = d->inst->file;

    for (i = d->end; i < file->len && (file->data[i] == ' '
                                       || file->data[i] == '\t'); i++)
    {
        /* void */
    }

    if (i >= file->len || file->data[i] != '#') {
        return ngxl_pstrndup(pool, "", 0);
    }

    for (end = i; end < file->len && file->data[end] != '\n'
                  && file->data[end] != '\r'; end++)
    {
        /* void */
    }

    return ngxl_pstrndup(pool, file->data + d->end, end - d->end);
}


char *
ngxl_edit_text(ngxl_pool_t *pool, const ngxl_dir_t *d)
{
    return ngxl_pstrndup(pool, d->inst->file->data + d->start,
                         d->end - d->start);
}


char *
ngxl_edit_quote(ngxl_pool_t *pool, const char *s, size_t len)
{
    size_t      i;
    ngxl_buf_t  b;
    char       *r;

    if (len && strcspn(s, " \t\r\n;{}#\"'\\") >= len) {
        return ngxl_pstrndup(pool, s, len);
    }

    ngxl_buf_init(&b);
    ngxl_buf_addc(&b, '"');

    for (i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            ngxl_buf_addc(&b, '\\');
        }
        ngxl_buf_addc(&b, s[i]);
    }

    ngxl_buf_addc(&b, '"');

    r = ngxl_pstrndup(pool, b.data, b.len);
    ngxl_buf_free(&b);

    return r;
}
