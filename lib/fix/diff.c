/*
 * ngxlint: unified diffs, with Myers' O(ND) algorithm over lines.
 *
 * The common head and tail are cut first; a fix touches a few lines, so D
 * is small and the trace (O(D^2) integers) stays small too.
 */

#include <stdlib.h>
#include <string.h>

#include "diff.h"


#define NGXL_DIFF_CONTEXT  3

typedef struct {
    const char  *p;
    size_t       len;     /* the line feed included */
} ngxl_line_t;

/* one line of the edit script */
typedef struct {
    char         op;      /* ' ', '-' or '+' */
    size_t       a;       /* index in A (for ' ' and '-') */
    size_t       b;       /* index in B (for ' ' and '+') */
} ngxl_dop_t;


static ngxl_line_t *
ngxl_diff_lines(const char *s, size_t len, size_t *n)
{
    size_t        cap, i, start;
    ngxl_line_t  *l;

    cap = 64;
    l = malloc(cap * sizeof(ngxl_line_t));
    if (l == NULL) {
        ngxl_oom();
    }

    *n = 0;
    start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && s[i] != '\n') {
            continue;
        }

        if (i == len && start == len) {
            break;
        }

        if (*n == cap) {
            cap *= 2;
            l = realloc(l, cap * sizeof(ngxl_line_t));
            if (l == NULL) {
                ngxl_oom();
            }
        }

        l[*n].p = s + start;
        l[*n].len = (i < len ? i + 1 : i) - start;
        (*n)++;
        start = i + 1;
    }

    return l;
}


static int
ngxl_diff_eq(const ngxl_line_t *x, const ngxl_line_t *y)
{
    return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}


static void
ngxl_diff_push(ngxl_dop_t **ops, size_t *n, size_t *cap, char op, size_t a,
    size_t b)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *ops = realloc(*ops, *cap * sizeof(ngxl_dop_t));
        if (*ops == NULL) {
            ngxl_oom();
        }
    }

    (*ops)[*n].op = op;
    (*ops)[*n].a = a;
    (*ops)[*n].b = b;
    (*n)++;
}


/*
 * Myers: the shortest edit script between A[0..n) and B[0..m), appended to
 * OPS in order (A and B are offsets into the whole line arrays).
 */

static void
ngxl_diff_myers(const ngxl_line_t *la, size_t a0, size_t n,
    const ngxl_line_t *lb, size_t b0, size_t m, ngxl_dop_t **ops,
    size_t *nops, size_t *cops)
{
    long         d, k, x, y, max, off, prev_k, i;
    long        *v, **trace;
    size_t       start;
    ngxl_dop_t   tmp;

    max = (long) (n + m);
    off = max + 1;

    v = calloc((size_t) (2 * max + 3), sizeof(long));
    trace = calloc((size_t) (max + 1), sizeof(long *));
    if (v == NULL || trace == NULL) {
        ngxl_oom();
    }

    for (d = 0; d <= max; d++) {

        for (k = -d; k <= d; k += 2) {
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) {
                x = v[off + k + 1];
            } else {
                x = v[off + k - 1] + 1;
            }

            y = x - k;

            while (x < (long) n && y < (long) m
                   && ngxl_diff_eq(&la[a0 + x], &lb[b0 + y]))
            {
                x++;
                y++;
            }

            v[off + k] = x;

            if (x >= (long) n && y >= (long) m) {
                goto found;
            }
        }

        /* keep V for the walk back: only the 2d+1 diagonals it uses */
        trace[d] = malloc((size_t) (2 * d + 1) * sizeof(long));
        if (trace[d] == NULL) {
            ngxl_oom();
        }
        memcpy(trace[d], &v[off - d], (size_t) (2 * d + 1) * sizeof(long));
    }

found:

    /* walk back from (n, m), emitting in reverse, then reverse */

    start = *nops;
    x = (long) n;
    y = (long) m;

    for ( /* void */ ; d > 0; d--) {
        long  *pv = trace[d - 1];   /* V after step d - 1, diagonals ±(d-1) */

        k = x - y;

        if (k == -d || (k != d && pv[k - 1 + (d - 1)] < pv[k + 1 + (d - 1)])) {
            prev_k = k + 1;
        } else {
            prev_k = k - 1;
        }

        {
            long  px = pv[prev_k + (d - 1)];
            long  py = px - prev_k;

            while (x > px && y > py) {
                x--;
                y--;
                ngxl_diff_push(ops, nops, cops, ' ', a0 + (size_t) x,
                               b0 + (size_t) y);
            }

            if (x == px) {
                y--;
                ngxl_diff_push(ops, nops, cops, '+', a0 + (size_t) x,
                               b0 + (size_t) y);
            } else {
                x--;
                ngxl_diff_push(ops, nops, cops, '-', a0 + (size_t) x,
                               b0 + (size_t) y);
            }
        }
    }

    while (x > 0 && y > 0) {
        x--;
        y--;
        ngxl_diff_push(ops, nops, cops, ' ', a0 + (size_t) x, b0 + (size_t) y);
    }

    for (i = 0; i < (long) ((*nops - start) / 2); i++) {
        tmp = (*ops)[start + (size_t) i];
        (*ops)[start + (size_t) i] = (*ops)[*nops - 1 - (size_t) i];
        (*ops)[*nops - 1 - (size_t) i] = tmp;
    }

    for (i = 0; i <= max && i < (long) (n + m + 1); i++) {
        free(trace[i]);
    }

    free(trace);
    free(v);
}


static void
ngxl_diff_line(ngxl_buf_t *out, char op, const ngxl_line_t *l)
{
    ngxl_buf_addc(out, op);
    ngxl_buf_add(out, l->p, l->len);

    if (l->len == 0 || l->p[l->len - 1] != '\n') {
        ngxl_buf_adds(out, "\n\\ No newline at end of file\n");
    }
}


void
ngxl_diff_unified(const char *path, const char *a, size_t alen,
    const char *b, size_t blen, ngxl_buf_t *out)
{
    size_t        na, nb, head, tail, i, j, k, nops, cops, end;
    size_t        as, bs, ac, bc;
    ngxl_line_t  *la, *lb;
    ngxl_dop_t   *ops;

    if (alen == blen && memcmp(a, b, alen) == 0) {
        return;
    }

    la = ngxl_diff_lines(a, alen, &na);
    lb = ngxl_diff_lines(b, blen, &nb);

    for (head = 0; head < na && head < nb && ngxl_diff_eq(&la[head], &lb[head]);
         head++)
    {
        /* void */
    }

    for (tail = 0; tail < na - head && tail < nb - head
                   && ngxl_diff_eq(&la[na - 1 - tail], &lb[nb - 1 - tail]);
         tail++)
    {
        /* void */
    }

    ops = NULL;
    nops = 0;
    cops = 0;

    for (i = 0; i < head; i++) {
        ngxl_diff_push(&ops, &nops, &cops, ' ', i, i);
    }

    ngxl_diff_myers(la, head, na - head - tail, lb, head, nb - head - tail,
                    &ops, &nops, &cops);

    for (i = 0; i < tail; i++) {
        ngxl_diff_push(&ops, &nops, &cops, ' ', na - tail + i, nb - tail + i);
    }

    /*
     * an absolute path as git diff --no-index names it: a/tmp/x, not
     * a//tmp/x (patch -p1 in / applies it)
     */

    while (*path == '/') {
        path++;
    }

    ngxl_buf_printf(out, "--- a/%s\n+++ b/%s\n", path, path);

    /* hunks: changes with their context, close ones merged */

    for (i = 0; i < nops; /* void */) {
        if (ops[i].op == ' ') {
            i++;
            continue;
        }

        /* the hunk starts NGXL_DIFF_CONTEXT lines before the change */

        j = i >= NGXL_DIFF_CONTEXT ? i - NGXL_DIFF_CONTEXT : 0;

        /* and ends where NGXL_DIFF_CONTEXT * 2 equal lines follow a change */

        end = i;

        for (k = i; k < nops; k++) {
            if (ops[k].op != ' ') {
                end = k;
                continue;
            }

            if (k - end > 2 * NGXL_DIFF_CONTEXT) {
                break;
            }
        }

        end = end + NGXL_DIFF_CONTEXT + 1;
        if (end > nops) {
            end = nops;
        }

        as = 0;
        bs = 0;
        ac = 0;
        bc = 0;

        for (k = j; k < end; k++) {
            if (ops[k].op != '+') {
                if (ac++ == 0) {
                    as = ops[k].a;
                }
            }

            if (ops[k].op != '-') {
                if (bc++ == 0) {
                    bs = ops[k].b;
                }
            }
        }

        if (ac == 0) {
            as = ops[j].a;
        }

        if (bc == 0) {
            bs = ops[j].b;
        }

        ngxl_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n",
                        ac ? as + 1 : as, ac, bc ? bs + 1 : bs, bc);

        for (k = j; k < end; k++) {
            ngxl_diff_line(out, ops[k].op,
                           ops[k].op == '+' ? &lb[ops[k].b] : &la[ops[k].a]);
        }

        i = end;
    }

    free(ops);
    free(la);
    free(lb);
}
