/*
 * ngxlint: writing a parsed file out again from its tree.
 *
 * Every token, terminator, comment and brace is written from the node that
 * holds it; the white space between them is copied from the file.  For any
 * file that parses, the output equals the input byte for byte; the patcher
 * depends on that.  The walk is iterative: nesting depth costs nothing.
 */

#include <string.h>

#include "conf.h"


typedef struct {
    const char  *data;
    size_t       pos;
    ngxl_buf_t  *out;
} ngxl_emit_t;


static void
ngxl_emit_to(ngxl_emit_t *em, size_t off)
{
    if (off > em->pos) {
        ngxl_buf_add(em->out, em->data + em->pos, off - em->pos);
        em->pos = off;
    }
}


static void
ngxl_emit_span(ngxl_emit_t *em, size_t off, size_t len)
{
    if (off < em->pos) {
        /* a comment between arguments, already written with them */
        return;
    }

    ngxl_emit_to(em, off);
    ngxl_buf_add(em->out, em->data + off, len);
    em->pos = off + len;
}


static void
ngxl_emit_open(ngxl_emit_t *em, const ngxl_dir_t *d)
{
    uint32_t  i;

    if (d->kind == NGXL_NODE_COMMENT) {
        ngxl_emit_span(em, d->start, d->end - d->start);
        return;
    }

    for (i = 0; i < d->nargs; i++) {
        ngxl_emit_span(em, d->args[i].off, d->args[i].len);
    }

    ngxl_emit_span(em, d->term, 1);

    if (d->body == NGXL_BODY_LUA && d->closed) {
        ngxl_emit_span(em, d->lua_off, d->lua_len);
    }
}


static void
ngxl_emit_close(ngxl_emit_t *em, const ngxl_dir_t *d)
{
    if (d->block && d->closed) {
        ngxl_emit_span(em, d->close, 1);
    }
}


void
ngxl_conf_emit(const ngxl_inst_t *inst, ngxl_buf_t *out)
{
    ngxl_emit_t        em;
    const ngxl_dir_t  *d;

    em.data = inst->file->data;
    em.pos = 0;
    em.out = out;

    d = inst->child;

    while (d) {
        ngxl_emit_open(&em, d);

        if (d->child) {
            d = d->child;
            continue;
        }

        ngxl_emit_close(&em, d);

        while (d->next == NULL && d->parent) {
            d = d->parent;
            ngxl_emit_close(&em, d);
        }

        d = d->next;
    }

    ngxl_emit_to(&em, inst->file->len);
}
