/*
 * bin-sanitizer: a sanitizer build (AddressSanitizer, UBSan,
 * ThreadSanitizer): two to fifteen times slower and hungrier, never a
 * release.
 */

#include "../lib/check.h"


static void
ngxl_bs_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    size_t           i, n;
    ngxl_cu_t       *cu;
    ngxl_finding_t  *f;
    const char      *what;

    n = 0;

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];
        n += cu->sanitize;
    }

    if (!b->asan && !b->ubsan && !b->tsan && n == 0) {
        return;
    }

    what = b->asan ? "AddressSanitizer" : b->tsan ? "ThreadSanitizer"
           : b->ubsan ? "UndefinedBehaviorSanitizer" : "a sanitizer";

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0, "built with %s%s", what,
                          n ? " (-fsanitize= in the compilation units)" : "");

    for (i = 0; i < b->instrumentation.n; i++) {
        ngxl_diag_note(chk->diags, f, b->path, 0, 0, "%s",
                       (char *) b->instrumentation.elts[i]);
    }
}


const ngxl_rule_t  ngxl_rule_bin_sanitizer = {
    .id = "bin-sanitizer",
    .severity = NGXL_SEV_ERROR,
    .summary = "a sanitizer build (ASan, UBSan, TSan) is not a release",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bs_check,
};
