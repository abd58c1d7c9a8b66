/*
 * ngxlint: unified diffs (what `ngxlint conf --fix` prints).
 */

#ifndef NGXL_FIX_DIFF_H
#define NGXL_FIX_DIFF_H

#include "../base/base.h"

/*
 * Appends to OUT the unified diff (3 lines of context) that turns A into B,
 * with "--- a/PATH" and "+++ b/PATH" headers; nothing when they are equal.
 */
void ngxl_diff_unified(const char *path, const char *a, size_t alen,
    const char *b, size_t blen, ngxl_buf_t *out);

#endif /* NGXL_FIX_DIFF_H */
