/*
 * bin-mixed-optimization: the optimised compilation units of one binary
 * were built at different levels (-O3 beside -Os, -O2 beside -O1): the
 * drift of a build whose flags are set in more than one place.  -O0 units
 * are bin-unoptimized's.
 */

#include <string.h>

#include "../lib/check.h"


static void
ngxl_bmo_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    int              levels, top;
    size_t           i, count[NGXL_OPT_UNOPTIMIZED + 1];
    ngxl_buf_t       msg;
    ngxl_cu_t       *cu;
    ngxl_finding_t  *f;

    memset(count, 0, sizeof(count));

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];

        if (cu->evidence == NGXL_EVIDENCE_PRODUCER
            && cu->opt >= NGXL_OPT_O1 && cu->opt <= NGXL_OPT_OFAST)
        {
            count[cu->opt]++;
        }
    }

    levels = 0;
    top = 0;
    ngxl_buf_init(&msg);

    for (i = NGXL_OPT_O1; i <= NGXL_OPT_OFAST; i++) {
        if (count[i] == 0) {
            continue;
        }

        ngxl_buf_printf(&msg, "%s%zu at -%s", levels ? ", " : "", count[i],
                        ngxl_opt_name((ngxl_opt_t) i));
        levels++;

        if (count[i] > count[top]) {
            top = (int) i;
        }
    }

    if (levels < 2) {
        ngxl_buf_free(&msg);
        return;
    }

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0, "compilation units "
                          "built at %d optimisation levels: %s", levels,
                          msg.data);
    ngxl_buf_free(&msg);

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];

        if (cu->evidence == NGXL_EVIDENCE_PRODUCER
            && cu->opt >= NGXL_OPT_O1 && cu->opt <= NGXL_OPT_OFAST
            && (int) cu->opt != top && f->nnotes < 10)
        {
            ngxl_diag_note(chk->diags, f, b->path, 0, 0, "%s: -%s (most are "
                           "-%s)", cu->name, ngxl_opt_name(cu->opt),
                           ngxl_opt_name((ngxl_opt_t) top));
        }
    }

    ngxl_diag_hint(chk->diags, f, "set the optimisation level in one place");
}


const ngxl_rule_t  ngxl_rule_bin_mixed_optimization = {
    .id = "bin-mixed-optimization",
    .severity = NGXL_SEV_WARNING,
    .summary = "optimised code of one binary built at different -O levels",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bmo_check,
};
