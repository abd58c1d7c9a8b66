/*
 * ngxlint: the SARIF and GitHub emitters.
 *
 * The findings are built by hand, field by field, so that the test says
 * exactly what the emitters are given.  With NGXL_SARIF_OUT set, the SARIF
 * of the sample is written there too (tests/e2e/sarif-validate.sh checks it
 * with the SARIF multitool).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag.h"


/* line 3 has a two-byte "é" before "always", at byte column 28 */
static const char  ngxl_test_conf[] =
    "events {}\n"
    "http {\n"
    "    add_header X-Caf\xc3\xa9 \"1\" always;\n"
    "}\n";

static const ngxl_rule_info_t  ngxl_test_rules[] = {
    { "conf-syntax", "The configuration does not parse",
      "# conf-syntax\n\nThe configuration **does not** parse.\n",
      NGXL_SEV_ERROR },
    { "conf-include", "An include matches no file",
      "# conf-include\n\nAn `include` matches no file.\n",
      NGXL_SEV_WARNING },
    { "conf-directive", "An unknown directive",
      "# conf-directive\n\nA directive no module knows.\n",
      NGXL_SEV_NOTE },
};

#define NGXL_TEST_NRULES                                                      \
    (sizeof(ngxl_test_rules) / sizeof(ngxl_test_rules[0]))


static ngxl_finding_t *
ngxl_test_finding(ngxl_diags_t *ds, const char *rule, ngxl_severity_t sev,
    const char *file, uint32_t line, uint32_t col, uint32_t end_line,
    uint32_t end_col, const char *message)
{
    ngxl_finding_t  *f;

    f = ngxl_palloc(&ds->pool, sizeof(ngxl_finding_t));

    f->rule = rule;
    f->severity = sev;
    f->file = file;
    f->line = line;
    f->col = col;
    f->end_line = end_line;
    f->end_col = end_col;
    f->message = message;
    f->seq = ds->findings.n;

    ngxl_vec_push(&ds->findings, f);

    return f;
}


static void
ngxl_test_sample(ngxl_diags_t *ds)
{
    ngxl_source_t   *src;
    ngxl_finding_t  *f;

    memset(ds, 0, sizeof(ngxl_diags_t));
    ngxl_pool_init(&ds->pool);

    src = ngxl_palloc(&ds->pool, sizeof(ngxl_source_t));
    src->path = "conf/nginx.conf";
    src->data = ngxl_test_conf;
    src->len = sizeof(ngxl_test_conf) - 1;
    ngxl_vec_push(&ds->sources, src);

    /* 0: a range, a note, an edit by line and column, extra fields */

    f = ngxl_test_finding(ds, "conf-syntax", NGXL_SEV_ERROR,
                          "conf/nginx.conf", 3, 28, 3, 34,
                          "100% bad: a, b\nsecond line");

    f->nnotes = f->cnotes = 1;
    f->notes = ngxl_palloc(&ds->pool, sizeof(ngxl_note_t));
    f->notes[0].file = NULL;
    f->notes[0].line = 2;
    f->notes[0].col = 1;
    f->notes[0].message = "the http block starts here";

    f->nedits = f->cedits = 1;
    f->edits = ngxl_palloc(&ds->pool, sizeof(ngxl_edit_t));
    f->edits[0].file = "conf/nginx.conf";
    f->edits[0].off = 43;
    f->edits[0].len = 7;
    f->edits[0].text = "";
    f->edits[0].line = 3;
    f->edits[0].col = 27;
    f->edits[0].end_line = 3;
    f->edits[0].end_col = 34;
    f->hint = "remove \"always\"";

    f->extra = json_pack("{s:s, s:i}", "directive", "add_header", "depth", 2);

    /* 1: an absolute path, several lines, an edit by offset only */

    f = ngxl_test_finding(ds, "conf-include", NGXL_SEV_WARNING,
                          "/etc/nginx/sites,enabled/my site:1.conf",
                          10, 1, 12, 2, "include matched nothing");

    f->nedits = f->cedits = 1;
    f->edits = ngxl_palloc(&ds->pool, sizeof(ngxl_edit_t));
    f->edits[0].file = NULL;
    f->edits[0].off = 5;
    f->edits[0].len = 3;
    f->edits[0].text = "x;";

    /* 2: a rule not listed, no position, bytes that are not UTF-8 */

    ngxl_test_finding(ds, "bin-stripped", NGXL_SEV_NOTE, "objs/nginx",
                      0, 0, 0, 0, "the binary is stripped \xff");

    /* 3: no file at all */

    ngxl_test_finding(ds, "conf-syntax", NGXL_SEV_ERROR, NULL, 0, 0, 0, 0,
                      "cannot read: a\r\nb");
}


static void
ngxl_test_free(ngxl_diags_t *ds)
{
    size_t           i;
    ngxl_finding_t  *f;

    for (i = 0; i < ds->findings.n; i++) {
        f = ds->findings.elts[i];

        if (f->extra) {
            json_decref(f->extra);
        }
    }

    ngxl_vec_free(&ds->findings);
    ngxl_vec_free(&ds->sources);
    ngxl_pool_free(&ds->pool);
}


/* the value at PATH, as "runs/0/results/1/level", or NULL */

static json_t *
ngxl_test_get(json_t *v, const char *path)
{
    char         key[128];
    size_t       n;
    const char  *p, *end;

    for (p = path; v && *p; p = *end ? end + 1 : end) {
        end = strchr(p, '/');
        if (end == NULL) {
            end = p + strlen(p);
        }

        n = (size_t) (end - p);
        assert_true(n < sizeof(key));
        memcpy(key, p, n);
        key[n] = '\0';

        if (json_is_array(v)) {
            v = json_array_get(v, (size_t) strtoul(key, NULL, 10));

        } else {
            v = json_object_get(v, key);
        }
    }

    return v;
}


static const char *
ngxl_test_str(json_t *root, const char *path)
{
    json_t  *v;

    v = ngxl_test_get(root, path);
    if (!json_is_string(v)) {
        fail_msg("%s: no string", path);
    }

    return json_string_value(v);
}


static json_int_t
ngxl_test_int(json_t *root, const char *path)
{
    json_t  *v;

    v = ngxl_test_get(root, path);
    if (!json_is_integer(v)) {
        fail_msg("%s: no integer", path);
    }

    return json_integer_value(v);
}


static json_t *
ngxl_test_sarif(ngxl_diags_t *ds, int save)
{
    FILE              *fp;
    json_t            *root;
    ngxl_buf_t         out;
    const char        *path;
    json_error_t       err;
    ngxl_emit_opts_t   opts;

    memset(&opts, 0, sizeof(opts));
    opts.version = "0.1.0-test";

    ngxl_buf_init(&out);
    ngxl_emit_sarif(ds, &opts, ngxl_test_rules, NGXL_TEST_NRULES, &out);

    assert_non_null(out.data);
    assert_int_equal(out.data[out.len - 1], '\n');

    path = save ? getenv("NGXL_SARIF_OUT") : NULL;

    if (path && *path) {
        fp = fopen(path, "w");
        assert_non_null(fp);
        assert_int_equal(fwrite(out.data, 1, out.len, fp), out.len);
        assert_int_equal(fclose(fp), 0);
    }

    root = json_loads(out.data, 0, &err);
    if (root == NULL) {
        fail_msg("the SARIF does not parse: %s (line %d)", err.text,
                 err.line);
    }

    ngxl_buf_free(&out);

    return root;
}


static void
test_sarif_log(void **state)
{
    json_t        *root, *rules;
    ngxl_diags_t   ds;

    (void) state;

    ngxl_test_sample(&ds);
    root = ngxl_test_sarif(&ds, 1);

    assert_string_equal(ngxl_test_str(root, "$schema"),
                        "https://json.schemastore.org/sarif-2.1.0.json");
    assert_string_equal(ngxl_test_str(root, "version"), "2.1.0");
    assert_int_equal(json_array_size(ngxl_test_get(root, "runs")), 1);
    assert_string_equal(ngxl_test_str(root, "runs/0/columnKind"),
                        "unicodeCodePoints");

    assert_string_equal(ngxl_test_str(root, "runs/0/tool/driver/name"),
                        "ngxlint");
    assert_string_equal(ngxl_test_str(root, "runs/0/tool/driver/version"),
                        "0.1.0-test");
    assert_string_equal(
        ngxl_test_str(root, "runs/0/tool/driver/informationUri"),
        "https://github.com/ngxlint/ngxlint");

    rules = ngxl_test_get(root, "runs/0/tool/driver/rules");
    assert_int_equal(json_array_size(rules), NGXL_TEST_NRULES);

    assert_string_equal(ngxl_test_str(rules, "0/id"), "conf-syntax");
    assert_string_equal(ngxl_test_str(rules, "0/name"), "ConfSyntax");
    assert_string_equal(ngxl_test_str(rules, "0/shortDescription/text"),
                        "The configuration does not parse");
    assert_string_equal(ngxl_test_str(rules, "0/fullDescription/text"),
                        "The configuration does not parse");
    assert_string_equal(ngxl_test_str(rules, "0/help/markdown"),
                        ngxl_test_rules[0].doc);
    assert_string_equal(ngxl_test_str(rules, "0/help/text"),
                        ngxl_test_rules[0].doc);
    assert_string_equal(ngxl_test_str(rules, "0/helpUri"),
                        "https://github.com/ngxlint/ngxlint/blob/main/rules/"
                        "conf-syntax.md");
    assert_string_equal(ngxl_test_str(rules, "0/defaultConfiguration/level"),
                        "error");
    assert_string_equal(ngxl_test_str(rules, "1/id"), "conf-include");
    assert_string_equal(ngxl_test_str(rules, "1/defaultConfiguration/level"),
                        "warning");
    assert_string_equal(ngxl_test_str(rules, "2/defaultConfiguration/level"),
                        "note");

    assert_int_equal(json_array_size(ngxl_test_get(root, "runs/0/results")),
                     4);

    json_decref(root);
    ngxl_test_free(&ds);
}


static void
test_sarif_results(void **state)
{
    json_t        *root, *r;
    ngxl_diags_t   ds;

    (void) state;

    ngxl_test_sample(&ds);
    root = ngxl_test_sarif(&ds, 1);

    /* 0: columns in code points (the "é" is one), a note, a fix, extra */

    r = ngxl_test_get(root, "runs/0/results/0");
    assert_non_null(r);

    assert_string_equal(ngxl_test_str(r, "ruleId"), "conf-syntax");
    assert_int_equal(ngxl_test_int(r, "ruleIndex"), 0);
    assert_string_equal(ngxl_test_str(r, "level"), "error");
    assert_string_equal(ngxl_test_str(r, "message/text"),
                        "100% bad: a, b\nsecond line");

    assert_int_equal(json_array_size(ngxl_test_get(r, "locations")), 1);
    assert_string_equal(
        ngxl_test_str(r, "locations/0/physicalLocation/artifactLocation/uri"),
        "conf/nginx.conf");
    assert_string_equal(
        ngxl_test_str(r,
                      "locations/0/physicalLocation/artifactLocation/"
                      "uriBaseId"),
        "%SRCROOT%");
    assert_int_equal(
        ngxl_test_int(r, "locations/0/physicalLocation/region/startLine"), 3);
    assert_int_equal(
        ngxl_test_int(r, "locations/0/physicalLocation/region/startColumn"),
        27);
    assert_int_equal(
        ngxl_test_int(r, "locations/0/physicalLocation/region/endLine"), 3);
    assert_int_equal(
        ngxl_test_int(r, "locations/0/physicalLocation/region/endColumn"),
        33);

    assert_int_equal(ngxl_test_int(r, "relatedLocations/0/id"), 0);
    assert_string_equal(ngxl_test_str(r, "relatedLocations/0/message/text"),
                        "the http block starts here");
    assert_string_equal(
        ngxl_test_str(r, "relatedLocations/0/physicalLocation/"
                         "artifactLocation/uri"),
        "conf/nginx.conf");
    assert_int_equal(
        ngxl_test_int(r, "relatedLocations/0/physicalLocation/region/"
                         "startLine"),
        2);

    assert_int_equal(json_array_size(ngxl_test_get(r, "fixes")), 1);
    assert_string_equal(ngxl_test_str(r, "fixes/0/description/text"),
                        "remove \"always\"");
    assert_string_equal(
        ngxl_test_str(r, "fixes/0/artifactChanges/0/artifactLocation/uri"),
        "conf/nginx.conf");
    assert_int_equal(
        ngxl_test_int(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "deletedRegion/startLine"),
        3);
    assert_int_equal(
        ngxl_test_int(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "deletedRegion/startColumn"),
        26);
    assert_int_equal(
        ngxl_test_int(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "deletedRegion/endColumn"),
        33);
    assert_string_equal(
        ngxl_test_str(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "insertedContent/text"),
        "");

    assert_string_equal(ngxl_test_str(r, "properties/directive"),
                        "add_header");
    assert_int_equal(ngxl_test_int(r, "properties/depth"), 2);

    /* 1: a file:// URI, an offset fix with the default description */

    r = ngxl_test_get(root, "runs/0/results/1");
    assert_non_null(r);

    assert_int_equal(ngxl_test_int(r, "ruleIndex"), 1);
    assert_string_equal(ngxl_test_str(r, "level"), "warning");
    assert_string_equal(
        ngxl_test_str(r, "locations/0/physicalLocation/artifactLocation/uri"),
        "file:///etc/nginx/sites,enabled/my%20site:1.conf");
    assert_null(ngxl_test_get(r, "locations/0/physicalLocation/"
                                 "artifactLocation/uriBaseId"));
    assert_int_equal(
        ngxl_test_int(r, "locations/0/physicalLocation/region/startColumn"),
        1);
    assert_int_equal(
        ngxl_test_int(r, "locations/0/physicalLocation/region/endLine"), 12);
    assert_null(ngxl_test_get(r, "relatedLocations"));
    assert_null(ngxl_test_get(r, "properties"));

    assert_string_equal(ngxl_test_str(r, "fixes/0/description/text"),
                        "ngxlint fix");
    assert_string_equal(
        ngxl_test_str(r, "fixes/0/artifactChanges/0/artifactLocation/uri"),
        "file:///etc/nginx/sites,enabled/my%20site:1.conf");
    assert_int_equal(
        ngxl_test_int(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "deletedRegion/charOffset"),
        5);
    assert_int_equal(
        ngxl_test_int(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "deletedRegion/charLength"),
        3);
    assert_null(ngxl_test_get(r, "fixes/0/artifactChanges/0/replacements/0/"
                                 "deletedRegion/startLine"));
    assert_string_equal(
        ngxl_test_str(r, "fixes/0/artifactChanges/0/replacements/0/"
                         "insertedContent/text"),
        "x;");

    /* 2: an unlisted rule has no ruleIndex; line 0 has no region */

    r = ngxl_test_get(root, "runs/0/results/2");
    assert_non_null(r);

    assert_string_equal(ngxl_test_str(r, "ruleId"), "bin-stripped");
    assert_null(ngxl_test_get(r, "ruleIndex"));
    assert_string_equal(ngxl_test_str(r, "level"), "note");
    assert_string_equal(ngxl_test_str(r, "message/text"),
                        "the binary is stripped \xef\xbf\xbd");
    assert_string_equal(
        ngxl_test_str(r, "locations/0/physicalLocation/artifactLocation/uri"),
        "objs/nginx");
    assert_null(ngxl_test_get(r, "locations/0/physicalLocation/region"));
    assert_null(ngxl_test_get(r, "fixes"));

    /* 3: no file, no locations */

    r = ngxl_test_get(root, "runs/0/results/3");
    assert_non_null(r);

    assert_int_equal(ngxl_test_int(r, "ruleIndex"), 0);
    assert_null(ngxl_test_get(r, "locations"));

    json_decref(root);
    ngxl_test_free(&ds);
}


static void
test_sarif_empty(void **state)
{
    json_t        *root;
    ngxl_diags_t   ds;

    (void) state;

    memset(&ds, 0, sizeof(ngxl_diags_t));
    ngxl_pool_init(&ds.pool);

    root = ngxl_test_sarif(&ds, 0);

    assert_int_equal(
        json_array_size(ngxl_test_get(root, "runs/0/tool/driver/rules")),
        NGXL_TEST_NRULES);
    assert_true(json_is_array(ngxl_test_get(root, "runs/0/results")));
    assert_int_equal(json_array_size(ngxl_test_get(root, "runs/0/results")),
                     0);

    json_decref(root);
    ngxl_test_free(&ds);
}


static void
test_sarif_uris(void **state)
{
    size_t         i;
    json_t        *root, *loc;
    ngxl_diags_t   ds;

    static const struct {
        const char  *path;
        const char  *uri;
        int          base;
    } uris[] = {
        { "./conf/a.conf", "conf/a.conf", 1 },
        { "../up/b.conf", "../up/b.conf", 1 },
        { "odd:name #1.conf", "odd%3Aname%20%231.conf", 1 },
        { "d\xc3\xbcr/100%.conf", "d%C3%BCr/100%25.conf", 1 },
        { "/srv/a:b/c?.conf", "file:///srv/a:b/c%3F.conf", 0 },
    };

    (void) state;

    memset(&ds, 0, sizeof(ngxl_diags_t));
    ngxl_pool_init(&ds.pool);

    for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        ngxl_test_finding(&ds, "conf-syntax", NGXL_SEV_ERROR, uris[i].path,
                          1, 1, 1, 2, "m");
    }

    root = ngxl_test_sarif(&ds, 0);

    for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        loc = ngxl_test_get(json_array_get(ngxl_test_get(root,
                                                         "runs/0/results"),
                                           i),
                            "locations/0/physicalLocation/artifactLocation");
        assert_non_null(loc);

        assert_string_equal(ngxl_test_str(loc, "uri"), uris[i].uri);

        if (uris[i].base) {
            assert_string_equal(ngxl_test_str(loc, "uriBaseId"), "%SRCROOT%");

        } else {
            assert_null(ngxl_test_get(loc, "uriBaseId"));
        }
    }

    json_decref(root);
    ngxl_test_free(&ds);
}


static void
test_github(void **state)
{
    ngxl_buf_t         out;
    ngxl_diags_t       ds;
    ngxl_emit_opts_t   opts;

    static const char  expect[] =
        "::error file=conf/nginx.conf,line=3,col=28,endLine=3,endColumn=34,"
        "title=conf-syntax::100%25 bad: a, b%0Asecond line"
        "%0Aconf/nginx.conf:2:1: note: the http block starts here\n"

        "::warning file=/etc/nginx/sites%2Cenabled/my site%3A1.conf,"
        "line=10,endLine=12,title=conf-include::include matched nothing\n"

        "::notice file=objs/nginx,title=bin-stripped::"
        "the binary is stripped \xff\n"

        "::error title=conf-syntax::cannot read: a%0D%0Ab\n";

    (void) state;

    ngxl_test_sample(&ds);

    memset(&opts, 0, sizeof(opts));
    opts.version = "0.1.0-test";

    ngxl_buf_init(&out);
    ngxl_emit_github(&ds, &opts, &out);

    assert_non_null(out.data);
    assert_string_equal(out.data, expect);

    ngxl_buf_free(&out);
    ngxl_test_free(&ds);
}


static void
test_github_positions(void **state)
{
    ngxl_buf_t         out;
    ngxl_diags_t       ds;
    ngxl_emit_opts_t   opts;

    static const char  expect[] =
        "::warning file=a.conf,line=4,col=7,endLine=4,endColumn=7,"
        "title=r%3Ax%2Cy::point\n"
        "::warning file=a.conf,line=5,col=3,title=r::no end\n"
        "::warning file=a.conf,line=6,col=9,endLine=6,title=r::end before\n"
        "::warning file=a.conf,line=8,col=1,title=r::end line before\n"
        "::notice::no rule, no file\n";

    (void) state;

    memset(&ds, 0, sizeof(ngxl_diags_t));
    ngxl_pool_init(&ds.pool);

    ngxl_test_finding(&ds, "r:x,y", NGXL_SEV_WARNING, "a.conf", 4, 7, 4, 7,
                      "point");
    ngxl_test_finding(&ds, "r", NGXL_SEV_WARNING, "a.conf", 5, 3, 0, 0,
                      "no end");
    ngxl_test_finding(&ds, "r", NGXL_SEV_WARNING, "a.conf", 6, 9, 6, 2,
                      "end before");
    ngxl_test_finding(&ds, "r", NGXL_SEV_WARNING, "a.conf", 8, 1, 7, 4,
                      "end line before");
    ngxl_test_finding(&ds, NULL, NGXL_SEV_NOTE, NULL, 0, 0, 0, 0,
                      "no rule, no file");

    memset(&opts, 0, sizeof(opts));

    ngxl_buf_init(&out);
    ngxl_emit_github(&ds, &opts, &out);

    assert_non_null(out.data);
    assert_string_equal(out.data, expect);

    ngxl_buf_free(&out);
    ngxl_test_free(&ds);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_sarif_log),
        cmocka_unit_test(test_sarif_results),
        cmocka_unit_test(test_sarif_empty),
        cmocka_unit_test(test_sarif_uris),
        cmocka_unit_test(test_github),
        cmocka_unit_test(test_github_positions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
