/*
 * bin-unoptimized: compilation units built at -O0, or stripped code whose
 * prologues are -O0's.  One finding per binary; its JSON lists every such
 * CU ("cus") or address range ("ranges").
 */

#include <stdio.h>

#include "../lib/check.h"


#define NGXL_BU_NAMES   3       /* CU names in the message              */
#define NGXL_BU_NOTES   10      /* CUs with their evidence as notes     */

/* machine code: a run of this many -O0 prologues is not a coincidence */
#define NGXL_BU_RUN     2


static void
ngxl_bu_cus(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    size_t           i, n, known;
    uint64_t         code, all;
    json_t          *names;
    ngxl_buf_t       msg;
    ngxl_cu_t       *cu;
    ngxl_finding_t  *f;

    n = 0;
    known = 0;
    code = 0;
    all = 0;

    ngxl_buf_init(&msg);
    names = json_array();

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];
        all += cu->code_bytes;

        if (cu->opt != NGXL_OPT_UNKNOWN) {
            known++;
        }

        if (!ngxl_opt_unoptimized(cu->opt)) {
            continue;
        }

        code += cu->code_bytes;
        json_array_append_new(names, ngxl_json_text(cu->name));

        if (n < NGXL_BU_NAMES) {
            ngxl_buf_printf(&msg, "%s%s", n ? ", " : "", cu->name);
        }

        n++;
    }

    if (n == 0) {
        json_decref(names);
        ngxl_buf_free(&msg);
        return;
    }

    if (n > NGXL_BU_NAMES) {
        ngxl_buf_printf(&msg, " and %zu more", n - NGXL_BU_NAMES);
    }

    if (all > 0) {
        ngxl_buf_printf(&msg, "; %.1f%% of the code", 100.0 * code / all);
    }

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0,
                          "%zu of %zu compilation units built without "
                          "optimisation (-O0): %s", n, known, msg.data);
    ngxl_buf_free(&msg);

    f->extra = json_object();
    json_object_set_new(f->extra, "cus", names);

    for (i = 0, n = 0; i < b->cus.n && n < NGXL_BU_NOTES; i++) {
        cu = b->cus.elts[i];

        if (!ngxl_opt_unoptimized(cu->opt)) {
            continue;
        }

        n++;

        if (cu->evidence == NGXL_EVIDENCE_PRODUCER) {
            ngxl_diag_note(chk->diags, f, b->path, 0, 0, "%s: %s (producer "
                           "\"%s\")", cu->name, ngxl_opt_name(cu->opt),
                           cu->producer);
        } else {
            ngxl_diag_note(chk->diags, f, b->path, 0, 0, "%s: unoptimised, "
                           "by its DWARF: %s (%s confidence)", cu->name,
                           cu->why ? cu->why : "",
                           ngxl_confidence_name(cu->confidence));
        }
    }

    ngxl_diag_hint(chk->diags, f, "build every file with -O2 (the last -O "
                   "on a command line wins: look for a late -O0)");
}


static void
ngxl_bu_code(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    char             hex[64];
    size_t           i, funcs;
    json_t          *ranges, *r;
    ngxl_range_t    *rg;
    ngxl_finding_t  *f;

    funcs = 0;
    ranges = json_array();

    for (i = 0; i < b->ranges.n; i++) {
        rg = b->ranges.elts[i];

        if (rg->functions < NGXL_BU_RUN && b->flagged * 2 < b->functions) {
            continue;           /* a lone match in optimised code */
        }

        funcs += rg->functions;

        r = json_object();
        snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long) rg->start);
        json_object_set_new(r, "start", json_string(hex));
        snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long) rg->end);
        json_object_set_new(r, "end", json_string(hex));
        json_object_set_new(r, "functions", json_integer((json_int_t)
                                                         rg->functions));
        json_array_append_new(ranges, r);
    }

    if (funcs == 0) {
        json_decref(ranges);
        return;
    }

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0,
                          "%zu of %zu functions look unoptimised (-O0 "
                          "prologues), in %zu address range%s",
                          funcs, b->functions, json_array_size(ranges),
                          json_array_size(ranges) == 1 ? "" : "s");

    f->extra = json_object();
    json_object_set_new(f->extra, "cus", json_array());
    json_object_set_new(f->extra, "ranges", ranges);

    ngxl_diag_note(chk->diags, f, b->path, 0, 0, "judged by machine code "
                   "(no DWARF%s): function starts from .eh_frame_hdr, "
                   "\"push %%rbp; mov %%rsp,%%rbp\" then an argument "
                   "spilled to the frame", b->debuglink ? " could be found"
                   : "");
}


static void
ngxl_bu_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    if (b->cus.n) {
        ngxl_bu_cus(chk, b);

    } else if (b->functions) {
        ngxl_bu_code(chk, b);
    }
}


const ngxl_rule_t  ngxl_rule_bin_unoptimized = {
    .id = "bin-unoptimized",
    .severity = NGXL_SEV_ERROR,
    .summary = "code built without optimisation (-O0), per compilation unit",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bu_check,
};
