/*
 * ngxlint: SARIF 2.1.0 output (OASIS Static Analysis Results Interchange
 * Format), for code scanning services and IDEs.
 *
 * One run; tool.driver lists the rules it is given; each finding is one
 * result, its notes are relatedLocations and its edits one fix.
 *
 * Columns: the findings model counts 1-based byte columns; SARIF counts
 * characters, of a kind named by run.columnKind, which is either
 * "utf16CodeUnits" or "unicodeCodePoints" (3.14.17).  We declare
 * "unicodeCodePoints" and, where the file's text was registered with
 * ngxl_diag_source(), turn byte columns and offsets into code point ones;
 * otherwise the byte numbers are given as they are (the same for ASCII).
 */

#include <string.h>

#include "diag.h"


#define NGXL_SARIF_SCHEMA                                                     \
    "https://json.schemastore.org/sarif-2.1.0.json"
#define NGXL_SARIF_TOOL_URI    "https://github.com/ngxlint/ngxlint"
#define NGXL_SARIF_RULE_URI    NGXL_SARIF_TOOL_URI "/blob/main/rules/"
#define NGXL_SARIF_SRCROOT     "%SRCROOT%"


static const char *
ngxl_sarif_level(ngxl_severity_t sev)
{
    switch (sev) {

    case NGXL_SEV_NOTE:
        return "note";

    case NGXL_SEV_WARNING:
        return "warning";

    default:
        return "error";
    }
}


static int
ngxl_sarif_utf8_valid(const char *s)
{
    size_t                n;
    const unsigned char  *p, *last;

    p = (const unsigned char *) s;
    last = p + strlen(s);

    while (p < last) {
        n = ngxl_utf8_len(p, last);
        if (n == 0) {
            return 0;
        }

        p += n;
    }

    return 1;
}


/* a JSON string of S, "" for NULL (ngxl_json_text() repairs its UTF-8) */

static json_t *
ngxl_sarif_str(const char *s)
{
    return ngxl_json_text(s ? s : "");
}


static json_t *
ngxl_sarif_text(const char *s)
{
    json_t  *o;

    o = json_object();
    json_object_set_new(o, "text", ngxl_sarif_str(s));

    return o;
}


/* percent-encodes what a URI path may not hold as it is (RFC 3986) */

static void
ngxl_sarif_uri_path(ngxl_buf_t *b, const char *path, int colon)
{
    unsigned char  c;

    static const char  hex[] = "0123456789ABCDEF";

    for ( /* void */ ; *path; path++) {
        c = (unsigned char) *path;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=@", c)
            || (c == ':' && colon))
        {
            ngxl_buf_addc(b, (char) c);
            continue;
        }

        ngxl_buf_addc(b, '%');
        ngxl_buf_addc(b, hex[c >> 4]);
        ngxl_buf_addc(b, hex[c & 0x0f]);
    }
}


/*
 * An artifactLocation: an absolute path becomes a file:// URI; a relative
 * one stays relative, to the %SRCROOT% base (a ':' in it is encoded, lest
 * the first segment read as a scheme).
 */

static json_t *
ngxl_sarif_artifact(const char *path)
{
    int          absolute;
    json_t      *o;
    ngxl_buf_t   b;

    ngxl_buf_init(&b);

    absolute = (path[0] == '/');

    if (absolute) {
        ngxl_buf_adds(&b, "file://");
        ngxl_sarif_uri_path(&b, path, 1);

    } else {
        while (path[0] == '.' && path[1] == '/') {
            path += 2;

            while (path[0] == '/') {
                path++;
            }
        }

        ngxl_sarif_uri_path(&b, path, 0);
    }

    o = json_object();
    json_object_set_new(o, "uri", json_stringn(b.data ? b.data : "", b.len));

    if (!absolute) {
        json_object_set_new(o, "uriBaseId", json_string(NGXL_SARIF_SRCROOT));
    }

    ngxl_buf_free(&b);

    return o;
}


/* code points in [p, p + n) */

static uint32_t
ngxl_sarif_chars(const char *p, size_t n)
{
    size_t    i;
    uint32_t  chars;

    chars = 0;

    for (i = 0; i < n; i++) {
        if (((unsigned char) p[i] & 0xc0) != 0x80) {
            chars++;
        }
    }

    return chars;
}


/*
 * The code point column of the 1-based byte column COL of line LINE;
 * columns past the line's end keep their distance to it.
 */

static uint32_t
ngxl_sarif_column(const ngxl_source_t *src, uint32_t line, uint32_t col)
{
    size_t       n, len;
    const char  *p;

    if (src == NULL || line == 0 || col <= 1
        || ngxl_source_line(src, line, &p, &len) != NGXL_OK)
    {
        return col;
    }

    n = col - 1;

    if (n > len) {
        return ngxl_sarif_chars(p, len) + (uint32_t) (n - len) + 1;
    }

    return ngxl_sarif_chars(p, n) + 1;
}


/* the code point offset of byte offset OFF */

static uint32_t
ngxl_sarif_offset(const ngxl_source_t *src, uint32_t off)
{
    if (src == NULL) {
        return off;
    }

    if (off > src->len) {
        return ngxl_sarif_chars(src->data, src->len)
               + (uint32_t) (off - src->len);
    }

    return ngxl_sarif_chars(src->data, off);
}


static json_t *
ngxl_sarif_region(const ngxl_source_t *src, uint32_t line, uint32_t col,
    uint32_t end_line, uint32_t end_col)
{
    json_t  *o;

    o = json_object();

    json_object_set_new(o, "startLine", json_integer(line));

    if (col) {
        json_object_set_new(o, "startColumn",
                            json_integer(ngxl_sarif_column(src, line, col)));
    }

    if (end_line == 0) {
        end_line = line;

    } else {
        json_object_set_new(o, "endLine", json_integer(end_line));
    }

    if (end_col) {
        json_object_set_new(o, "endColumn",
                            json_integer(ngxl_sarif_column(src, end_line,
                                                           end_col)));
    }

    return o;
}


static json_t *
ngxl_sarif_location(const ngxl_diags_t *ds, const char *file, uint32_t line,
    uint32_t col, uint32_t end_line, uint32_t end_col)
{
    json_t  *phys;

    phys = json_object();
    json_object_set_new(phys, "artifactLocation", ngxl_sarif_artifact(file));

    if (line) {
        json_object_set_new(phys, "region",
                            ngxl_sarif_region(ngxl_diag_find_source(ds, file),
                                              line, col, end_line, end_col));
    }

    return phys;
}


/* a rule's SARIF name: its id in PascalCase ("conf-syntax": "ConfSyntax") */

static json_t *
ngxl_sarif_rule_name(const char *id)
{
    int         up;
    json_t     *s;
    ngxl_buf_t  b;

    ngxl_buf_init(&b);

    for (up = 1; *id; id++) {
        if (*id == '-' || *id == '_') {
            up = 1;
            continue;
        }

        ngxl_buf_addc(&b, up && *id >= 'a' && *id <= 'z' ? *id - 'a' + 'A'
                                                        : *id);
        up = 0;
    }

    s = json_stringn(b.data ? b.data : "", b.len);
    ngxl_buf_free(&b);

    return s ? s : json_string("");
}


static json_t *
ngxl_sarif_rule(const ngxl_rule_info_t *rule)
{
    json_t      *o, *help, *conf;
    ngxl_buf_t   b;

    o = json_object();

    json_object_set_new(o, "id", ngxl_sarif_str(rule->id));
    json_object_set_new(o, "name", ngxl_sarif_rule_name(rule->id));

    if (rule->summary) {
        json_object_set_new(o, "shortDescription",
                            ngxl_sarif_text(rule->summary));
        json_object_set_new(o, "fullDescription",
                            ngxl_sarif_text(rule->summary));
    }

    if (rule->doc) {
        help = json_object();
        json_object_set_new(help, "text", ngxl_sarif_str(rule->doc));
        json_object_set_new(help, "markdown", ngxl_sarif_str(rule->doc));
        json_object_set_new(o, "help", help);
    }

    ngxl_buf_init(&b);
    ngxl_buf_adds(&b, NGXL_SARIF_RULE_URI);
    ngxl_sarif_uri_path(&b, rule->id, 0);
    ngxl_buf_adds(&b, ".md");
    json_object_set_new(o, "helpUri", json_stringn(b.data, b.len));
    ngxl_buf_free(&b);

    conf = json_object();
    json_object_set_new(conf, "level",
                        json_string(ngxl_sarif_level(rule->severity)));
    json_object_set_new(o, "defaultConfiguration", conf);

    return o;
}


/*
 * The finding's edits as one fix: SARIF's fixes[] are alternatives, and
 * our edits are to be applied together.  An edit whose text is not UTF-8
 * cannot be given as insertedContent.text; then no fix is given at all.
 */

static json_t *
ngxl_sarif_fix(const ngxl_diags_t *ds, const ngxl_finding_t *f)
{
    size_t                i, k;
    json_t               *fix, *changes, *change, *repls, *repl, *region;
    const char           *file, *other;
    const ngxl_edit_t    *e;
    const ngxl_source_t  *src;

    for (i = 0; i < f->nedits; i++) {
        if (f->edits[i].text && !ngxl_sarif_utf8_valid(f->edits[i].text)) {
            return NULL;
        }
    }

    changes = json_array();

    for (i = 0; i < f->nedits; i++) {
        e = &f->edits[i];
        file = e->file ? e->file : f->file;

        if (file == NULL) {
            continue;
        }

        /* one artifactChange per file, at its first edit */

        for (k = 0; k < i; k++) {
            other = f->edits[k].file ? f->edits[k].file : f->file;

            if (other && strcmp(other, file) == 0) {
                break;
            }
        }

        if (k < i) {
            continue;
        }

        src = ngxl_diag_find_source(ds, file);
        repls = json_array();

        for (k = i; k < f->nedits; k++) {
            e = &f->edits[k];
            other = e->file ? e->file : f->file;

            if (other == NULL || strcmp(other, file) != 0) {
                continue;
            }

            if (e->line) {
                region = ngxl_sarif_region(src, e->line, e->col,
                                           e->end_line, e->end_col);

            } else {
                region = json_object();
                json_object_set_new(region, "charOffset",
                    json_integer(ngxl_sarif_offset(src, e->off)));
                json_object_set_new(region, "charLength",
                    json_integer(ngxl_sarif_offset(src, e->off + e->len)
                                 - ngxl_sarif_offset(src, e->off)));
            }

            repl = json_object();
            json_object_set_new(repl, "deletedRegion", region);
            json_object_set_new(repl, "insertedContent",
                                ngxl_sarif_text(e->text));
            json_array_append_new(repls, repl);
        }

        change = json_object();
        json_object_set_new(change, "artifactLocation",
                            ngxl_sarif_artifact(file));
        json_object_set_new(change, "replacements", repls);
        json_array_append_new(changes, change);
    }

    if (json_array_size(changes) == 0) {
        json_decref(changes);
        return NULL;
    }

    fix = json_object();
    json_object_set_new(fix, "description",
                        ngxl_sarif_text(f->hint ? f->hint : "ngxlint fix"));
    json_object_set_new(fix, "artifactChanges", changes);

    return fix;
}


static json_t *
ngxl_sarif_result(const ngxl_diags_t *ds, const ngxl_finding_t *f,
    const ngxl_rule_info_t *rules, size_t nrules)
{
    size_t              i;
    json_t             *o, *locs, *loc, *related, *fixes, *fix;
    const char         *file;
    const ngxl_note_t  *note;

    o = json_object();

    if (f->rule) {
        json_object_set_new(o, "ruleId", ngxl_sarif_str(f->rule));
    }

    for (i = 0; f->rule && i < nrules; i++) {
        if (rules[i].id && strcmp(rules[i].id, f->rule) == 0) {
            json_object_set_new(o, "ruleIndex", json_integer((json_int_t) i));
            break;
        }
    }

    json_object_set_new(o, "level", json_string(ngxl_sarif_level(f->severity)));
    json_object_set_new(o, "message", ngxl_sarif_text(f->message));

    if (f->file) {
        loc = json_object();
        json_object_set_new(loc, "physicalLocation",
                            ngxl_sarif_location(ds, f->file, f->line, f->col,
                                                f->end_line, f->end_col));
        locs = json_array();
        json_array_append_new(locs, loc);
        json_object_set_new(o, "locations", locs);
    }

    if (f->nnotes) {
        related = json_array();

        for (i = 0; i < f->nnotes; i++) {
            note = &f->notes[i];
            file = note->file ? note->file : f->file;

            loc = json_object();
            json_object_set_new(loc, "id", json_integer((json_int_t) i));

            if (file) {
                json_object_set_new(loc, "physicalLocation",
                                    ngxl_sarif_location(ds, file, note->line,
                                                        note->col, 0, 0));
            }

            json_object_set_new(loc, "message",
                                ngxl_sarif_text(note->message));
            json_array_append_new(related, loc);
        }

        json_object_set_new(o, "relatedLocations", related);
    }

    if (f->nedits) {
        fix = ngxl_sarif_fix(ds, f);

        if (fix) {
            fixes = json_array();
            json_array_append_new(fixes, fix);
            json_object_set_new(o, "fixes", fixes);
        }
    }

    /* a property bag is an object; the rule-specific fields are one */

    if (f->extra && json_is_object(f->extra)) {
        json_object_set(o, "properties", f->extra);
    }

    return o;
}


void
ngxl_emit_sarif(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    const ngxl_rule_info_t *rules, size_t nrules, ngxl_buf_t *out)
{
    size_t   i;
    json_t  *root, *runs, *run, *tool, *driver, *arr;

    driver = json_object();
    json_object_set_new(driver, "name", json_string("ngxlint"));

    if (opts && opts->version) {
        json_object_set_new(driver, "version", ngxl_sarif_str(opts->version));
    }

    json_object_set_new(driver, "informationUri",
                        json_string(NGXL_SARIF_TOOL_URI));

    arr = json_array();

    for (i = 0; i < nrules; i++) {
        json_array_append_new(arr, ngxl_sarif_rule(&rules[i]));
    }

    json_object_set_new(driver, "rules", arr);

    tool = json_object();
    json_object_set_new(tool, "driver", driver);

    run = json_object();
    json_object_set_new(run, "tool", tool);

    arr = json_array();

    for (i = 0; i < ds->findings.n; i++) {
        json_array_append_new(arr, ngxl_sarif_result(ds, ds->findings.elts[i],
                                                     rules, nrules));
    }

    json_object_set_new(run, "results", arr);
    json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));

    runs = json_array();
    json_array_append_new(runs, run);

    root = json_object();
    json_object_set_new(root, "$schema", json_string(NGXL_SARIF_SCHEMA));
    json_object_set_new(root, "version", json_string("2.1.0"));
    json_object_set_new(root, "runs", runs);

    ngxl_json_dump(root, out);
    json_decref(root);
}
