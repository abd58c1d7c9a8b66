/*
 * ngxlint: the per-CU report of a binary as JSON (`ngxlint bin --list-cus
 * --format json`):
 *
 *   {"file","build_id","debug_file",
 *    "cus":[{"name","producer","opt","evidence","confidence"}],
 *    "ranges":[{"start":"0x...","end":"0x...","opt","evidence"}]}
 *
 * "ranges" only when the machine code was judged (no CU to judge by).
 */

#include <stdio.h>

#include <jansson.h>

#include "elf.h"
#include "../diag/diag.h"


/* producers and paths are bytes: what is not UTF-8 becomes U+FFFD */

static json_t *
ngxl_bjson_str(const char *s)
{
    return ngxl_json_text(s);
}


struct json_t *
ngxl_binary_json(const ngxl_binary_t *b)
{
    size_t         i;
    char           hex[32];
    json_t        *o, *cus, *c, *ranges, *r;
    ngxl_cu_t     *cu;
    ngxl_range_t  *rg;

    o = json_object();

    json_object_set_new(o, "file", ngxl_bjson_str(b->path));
    json_object_set_new(o, "build_id", ngxl_bjson_str(b->build_id));
    json_object_set_new(o, "debug_file", ngxl_bjson_str(b->debug_file));

    cus = json_array();

    for (i = 0; i < b->cus.n; i++) {
        cu = b->cus.elts[i];

        c = json_object();
        json_object_set_new(c, "name", ngxl_bjson_str(cu->name));
        json_object_set_new(c, "producer", ngxl_bjson_str(cu->producer));
        json_object_set_new(c, "opt", json_string(ngxl_opt_name(cu->opt)));
        json_object_set_new(c, "evidence",
                            json_string(ngxl_evidence_name(cu->evidence)));
        json_object_set_new(c, "confidence",
                            json_string(ngxl_confidence_name(cu->confidence)));
        json_array_append_new(cus, c);
    }

    json_object_set_new(o, "cus", cus);

    if (b->cus.n == 0 && b->functions > 0) {
        ranges = json_array();

        for (i = 0; i < b->ranges.n; i++) {
            rg = b->ranges.elts[i];

            r = json_object();
            snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long) rg->start);
            json_object_set_new(r, "start", json_string(hex));
            snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long) rg->end);
            json_object_set_new(r, "end", json_string(hex));
            json_object_set_new(r, "opt", json_string(ngxl_opt_name(rg->opt)));
            json_object_set_new(r, "evidence", json_string("machine-code"));
            json_array_append_new(ranges, r);
        }

        json_object_set_new(o, "ranges", ranges);
    }

    return o;
}
