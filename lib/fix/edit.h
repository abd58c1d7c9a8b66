/*
 * ngxlint: making minimal text edits to a parsed configuration.
 *
 * Every helper returns an ngxl_edit_t against the file's original bytes
 * (offsets from the tree): new lines take the indentation of the block
 * they go into, and nothing else is touched.
 */

#ifndef NGXL_FIX_EDIT_H
#define NGXL_FIX_EDIT_H

#include "../conf/conf.h"
#include "../diag/diag.h"


/* fills the edit's line and column fields from its offsets */
void ngxl_edit_locate(const ngxl_cfile_t *file, ngxl_edit_t *e);

/* the indentation of the line OFF is on */
char *ngxl_edit_indent(ngxl_pool_t *pool, const ngxl_cfile_t *file,
    uint32_t off);

/* the indentation for a directive directly inside block D */
char *ngxl_edit_child_indent(ngxl_pool_t *pool, const ngxl_dir_t *d);

/* a new line with TEXT after directive D, at D's indentation */
void ngxl_edit_after(ngxl_pool_t *pool, const ngxl_dir_t *d,
    const char *text, ngxl_edit_t *e);

/* a new line with TEXT as the last thing inside block D */
void ngxl_edit_block_end(ngxl_pool_t *pool, const ngxl_dir_t *d,
    const char *text, ngxl_edit_t *e);

/* a new line with TEXT before directive D (the same indentation) */
void ngxl_edit_before(ngxl_pool_t *pool, const ngxl_dir_t *d,
    const char *text, ngxl_edit_t *e);

/* replaces token T of file F with TEXT */
void ngxl_edit_token(const ngxl_cfile_t *f, const ngxl_tok_t *t,
    const char *text, ngxl_edit_t *e);

/*
 * removes directive D, with its line when it stands alone on it (a comment
 * after it on that line goes too: see ngxl_edit_trailing_comment())
 */
void ngxl_edit_delete(const ngxl_dir_t *d, ngxl_edit_t *e);

/* the comment that follows directive D on its line (" # ..."), or "" */
char *ngxl_edit_trailing_comment(ngxl_pool_t *pool, const ngxl_dir_t *d);

/* directive D's own text, from its name to its ";" */
char *ngxl_edit_text(ngxl_pool_t *pool, const ngxl_dir_t *d);

/* an argument quoted for nginx when it needs quotes */
char *ngxl_edit_quote(ngxl_pool_t *pool, const char *s, size_t len);

#endif /* NGXL_FIX_EDIT_H */
