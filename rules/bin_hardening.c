/*
 * bin-hardening: one finding per hardening property the binary lacks
 * (its JSON carries "property"): pie, relro, bind_now, nx_stack,
 * stack_protector, fortify, cet, textrel.
 */

#include <libelf.h>

#include "../lib/check.h"


static void
ngxl_bh_missing(ngxl_check_t *chk, const ngxl_binary_t *b, const char *prop,
    const char *msg, const char *hint)
{
    ngxl_finding_t  *f;

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0, "%s", msg);

    f->extra = json_object();
    json_object_set_new(f->extra, "property", json_string(prop));

    ngxl_diag_hint(chk->diags, f, "%s", hint);
}


static void
ngxl_bh_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    if (!b->shared && !b->pie) {
        ngxl_bh_missing(chk, b, "pie", "not a position-independent "
                        "executable: ASLR cannot move its code",
                        "build with -fPIE -pie");
    }

    if (!b->relro) {
        ngxl_bh_missing(chk, b, "relro", "no RELRO: relocated data such as "
                        "the GOT stays writable",
                        "link with -Wl,-z,relro,-z,now");
    }

    if (!b->bind_now) {
        ngxl_bh_missing(chk, b, "bind_now", b->relro
                        ? "partial RELRO: without BIND_NOW the GOT stays "
                          "writable"
                        : "no BIND_NOW: symbols are bound lazily, through a "
                          "writable GOT",
                        "link with -Wl,-z,now");
    }

    if (!b->has_gnu_stack || !b->nx_stack) {
        ngxl_bh_missing(chk, b, "nx_stack", b->has_gnu_stack
                        ? "executable stack (PT_GNU_STACK has PF_X)"
                        : "no PT_GNU_STACK: the stack may be executable",
                        "link with -Wl,-z,noexecstack");
    }

    if (!b->stack_protector) {
        ngxl_bh_missing(chk, b, "stack_protector", "no stack protector "
                        "(__stack_chk_fail is not used)",
                        "build with -fstack-protector-strong");
    }

    if (b->fortify == 0 && b->fortifiable > 0) {
        ngxl_bh_missing(chk, b, "fortify", "not fortified: it calls "
                        "functions _FORTIFY_SOURCE checks, never their "
                        "__*_chk versions",
                        "build with -O2 -D_FORTIFY_SOURCE=2");
    }

    if (b->machine == EM_X86_64 && (!b->cet_ibt || !b->cet_shstk)) {
        ngxl_bh_missing(chk, b, "cet", b->cet_ibt || b->cet_shstk
                        ? "only part of Intel CET is marked (IBT or SHSTK)"
                        : "no Intel CET marking (IBT, SHSTK)",
                        "build with -fcf-protection=full");
    }

    if (b->textrel) {
        ngxl_bh_missing(chk, b, "textrel", "text relocations: the loader "
                        "writes into the code",
                        "build every object with -fPIC");
    }
}


const ngxl_rule_t  ngxl_rule_bin_hardening = {
    .id = "bin-hardening",
    .severity = NGXL_SEV_WARNING,
    .summary = "a missing hardening property (one finding each)",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bh_check,
};
