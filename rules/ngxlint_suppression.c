/*
 * ngxlint-suppression: an inline "ngxlint: disable=RULE" with no reason.
 * The suppression still holds; the note asks for the why, so that the next
 * reader does not have to guess.  Reported by the output stage, which is
 * where suppressions are applied: this file gives the rule its place in
 * the registry, its severity and its doc.
 */

#include "../lib/check.h"


const ngxl_rule_t  ngxl_rule_ngxlint_suppression = {
    .id = "ngxlint-suppression",
    .severity = NGXL_SEV_NOTE,
    .summary = "an inline suppression without a reason",
    .inputs = NGXL_INPUT_CONF | NGXL_INPUT_LUA,
};
