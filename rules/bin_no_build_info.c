/*
 * bin-no-build-info: nothing to judge the build by: no DWARF anywhere it
 * could be, and no machine code the heuristic can read.  The note says what
 * was tried, so that the user can supply it (--debug-dir).
 */

#include "../lib/check.h"


static void
ngxl_bnb_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    size_t           i;
    ngxl_finding_t  *f;

    if (b->cus.n > 0 || b->functions > 0) {
        return;
    }

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0, "no build information "
                          "to judge the optimisation by: %s",
                          b->dwarf_err ? b->dwarf_err
                          : "no DWARF, and no .eh_frame_hdr to find its "
                            "functions by");

    for (i = 0; i < b->tried.n; i++) {
        ngxl_diag_note(chk->diags, f, b->path, 0, 0, "tried %s",
                       (char *) b->tried.elts[i]);
    }

    if (b->build_id) {
        ngxl_diag_note(chk->diags, f, b->path, 0, 0, "build-id %s",
                       b->build_id);
    }

    ngxl_diag_hint(chk->diags, f, "give the debug files' directory with "
                   "--debug-dir");
}


const ngxl_rule_t  ngxl_rule_bin_no_build_info = {
    .id = "bin-no-build-info",
    .severity = NGXL_SEV_NOTE,
    .summary = "nothing to judge the build by (what was tried)",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bnb_check,
};
