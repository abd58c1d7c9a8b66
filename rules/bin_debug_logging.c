/*
 * bin-debug-logging: nginx built --with-debug.  Debug logging compiled in
 * costs a little even when it is off (every ngx_log_debug checks a mask);
 * Debian ships it that way, so it is a note, not a warning.
 */

#include <string.h>

#include "../lib/check.h"


static void
ngxl_bdl_check(ngxl_check_t *chk, const ngxl_binary_t *b)
{
    ngxl_finding_t  *f;

    if (b->nginx_configure == NULL
        || strstr(b->nginx_configure, "--with-debug") == NULL)
    {
        return;
    }

    f = ngxl_check_report(chk, b->path, 0, 0, 0, 0, "nginx%s%s was built "
                          "--with-debug: debug logging is compiled in",
                          b->nginx_version ? " " : "",
                          b->nginx_version ? b->nginx_version : "");

    ngxl_diag_note(chk->diags, f, b->path, 0, 0, "configure arguments: %s",
                   b->nginx_configure);
}


const ngxl_rule_t  ngxl_rule_bin_debug_logging = {
    .id = "bin-debug-logging",
    .severity = NGXL_SEV_NOTE,
    .summary = "nginx built --with-debug (debug logging compiled in)",
    .inputs = NGXL_INPUT_BIN,
    .bin = ngxl_bdl_check,
};
