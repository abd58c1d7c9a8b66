/*
 * bin-instrumented: coverage (gcov), profiling (-pg), function
 * instrumentation (-finstrument-functions) or LLVM profiling compiled in:
 * a call, a counter or a file write on the hot path.
 */

#include "../lib/check.h"


static void
ngxl_bi_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    size_t           i, cov, prof, instr;
    ngxl_cu_t       *cu;
    ngxl_finding_t  *f;

    cov = prof = instr = 0;

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];
        cov += cu->coverage;
        prof += cu->profile;
        instr += cu->instrument;
    }

    if (!b->gcov && !b->mcount && !b->cyg_profile && !b->llvm_profile
        && cov + prof + instr == 0)
    {
        return;
    }

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0, "built with %s",
                          b->gcov || cov ? "coverage instrumentation (gcov)"
                          : b->mcount || prof ? "profiling (-pg)"
                          : b->cyg_profile || instr
                          ? "function instrumentation (-finstrument-functions)"
                          : "LLVM profile instrumentation");

    for (i = 0; i < b->instrumentation.n; i++) {
        ngxl_diag_note(chk->diags, f, b->path, 0, 0, "%s",
                       (char *) b->instrumentation.elts[i]);
    }

    if (cov + prof + instr) {
        ngxl_diag_note(chk->diags, f, b->path, 0, 0, "%zu compilation units "
                       "record the flags", cov + prof + instr);
    }
}


const ngxl_rule_t  ngxl_rule_bin_instrumented = {
    .id = "bin-instrumented",
    .severity = NGXL_SEV_WARNING,
    .summary = "coverage, -pg or function instrumentation compiled in",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bi_check,
};
