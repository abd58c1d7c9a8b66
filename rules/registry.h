/*
 * ngxlint: the rule registry, the one place that lists the rules.
 */

#ifndef NGXL_RULES_REGISTRY_H
#define NGXL_RULES_REGISTRY_H

#include "../lib/check.h"

extern const ngxl_rule_t  *ngxl_rules[];

/* the rule called ID, or NULL */
const ngxl_rule_t *ngxl_rule_find(const char *id);

/* the rule's doc (rules/ID.md, compiled in), or NULL */
const char *ngxl_rule_doc(const char *id);

#endif /* NGXL_RULES_REGISTRY_H */
