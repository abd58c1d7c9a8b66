/*
 * ngxlint: findings, and the emitters that print them (text like gcc and
 * clang, the JSON contract, SARIF 2.1.0, GitHub workflow commands).
 *
 * The library fills an ngxl_diags_t; what is done with the rendered bytes
 * (stdout, a file) is the caller's business.
 */

#ifndef NGXL_DIAG_H
#define NGXL_DIAG_H

#include <jansson.h>

#include "../base/base.h"


typedef enum {
    NGXL_SEV_NOTE = 0,
    NGXL_SEV_WARNING,
    NGXL_SEV_ERROR,
    NGXL_SEV_NEVER          /* only as a --fail-on threshold */
} ngxl_severity_t;

const char *ngxl_severity_name(ngxl_severity_t sev);
int ngxl_severity_parse(const char *name, ngxl_severity_t *sev);


typedef struct {
    const char      *file;
    uint32_t         line;
    uint32_t         col;
    const char      *message;
} ngxl_note_t;


/* a fix: replace [off, off + len) of FILE with TEXT */

typedef struct {
    const char      *file;
    uint32_t         off;
    uint32_t         len;
    const char      *text;
    /* for SARIF: the region replaced, 1-based, end exclusive */
    uint32_t         line;
    uint32_t         col;
    uint32_t         end_line;
    uint32_t         end_col;
} ngxl_edit_t;


typedef struct {
    const char      *rule;
    ngxl_severity_t  severity;
    const char      *message;
    const char      *file;          /* NULL: no file                       */
    uint32_t         line;          /* 1-based, 0: no source position      */
    uint32_t         col;
    uint32_t         end_line;
    uint32_t         end_col;       /* exclusive                           */
    const char      *hint;          /* a fix-it hint for the text output   */

    ngxl_note_t     *notes;
    size_t           nnotes;
    size_t           cnotes;

    ngxl_edit_t     *edits;
    size_t           nedits;
    size_t           cedits;

    json_t          *extra;         /* rule-specific JSON fields, or NULL  */
    size_t           seq;           /* report order, for a stable sort     */
} ngxl_finding_t;


/* a source the text emitter can quote lines from */

typedef struct {
    const char      *path;
    const char      *data;
    size_t           len;
    size_t          *lines;         /* where each line starts, or NULL     */
    size_t           nlines;
} ngxl_source_t;


typedef struct {
    ngxl_pool_t      pool;
    ngxl_vec_t       findings;      /* ngxl_finding_t *                    */
    ngxl_vec_t       sources;       /* ngxl_source_t *                     */
    ngxl_vec_t       suppressed;    /* ngxl_finding_t *: left out          */
} ngxl_diags_t;

void ngxl_diags_init(ngxl_diags_t *ds);
void ngxl_diags_free(ngxl_diags_t *ds);

ngxl_finding_t *ngxl_diag_add(ngxl_diags_t *ds, const char *rule,
    ngxl_severity_t sev, const char *file, uint32_t line, uint32_t col,
    uint32_t end_line, uint32_t end_col, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
void ngxl_diag_note(ngxl_diags_t *ds, ngxl_finding_t *f, const char *file,
    uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void ngxl_diag_edit(ngxl_diags_t *ds, ngxl_finding_t *f,
    const ngxl_edit_t *edit);
void ngxl_diag_hint(ngxl_diags_t *ds, ngxl_finding_t *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void ngxl_diag_source(ngxl_diags_t *ds, const char *path, const char *data,
    size_t len);

/* the source registered for PATH, or NULL */
const ngxl_source_t *ngxl_diag_find_source(const ngxl_diags_t *ds,
    const char *path);

/* the bytes of line LINE (1-based) of SRC, without its line feed (or CR) */
int ngxl_source_line(const ngxl_source_t *src, uint32_t line,
    const char **start, size_t *len);

/* sorts findings by file, line, column, rule (stable) */
void ngxl_diags_sort(ngxl_diags_t *ds);

void ngxl_diags_count(const ngxl_diags_t *ds, size_t count[3]);

/*
 * Leaves out the findings an inline "ngxlint: disable=RULE reason" comment
 * suppresses (on their line or the comment line above); a suppression
 * without a reason becomes a note of rule NOTE_RULE (NULL: none).
 */
void ngxl_diags_suppress(ngxl_diags_t *ds, const char *note_rule);

/* the findings as a baseline: {"ngxlint_baseline":1,"findings":[...]} */
json_t *ngxl_diags_baseline(const ngxl_diags_t *ds);

/* leaves out the findings BASELINE has (rule, file, line fingerprint) */
int ngxl_diags_apply_baseline(ngxl_diags_t *ds, json_t *baseline, char *err,
    size_t errlen);


/* emitters */

typedef struct {
    unsigned         color:1;
    unsigned         quiet:1;       /* no source lines, no summary line    */
    const char      *version;
    const char      *nginx_version; /* the nginx judged for, or NULL      */
    const char      *nginx_source;  /* and where that version came from    */
    const char      *host;          /* the host audited (json), or NULL    */
} ngxl_emit_opts_t;

/* what SARIF needs to know of each rule */
typedef struct {
    const char      *id;
    const char      *summary;
    const char      *doc;           /* Markdown                            */
    ngxl_severity_t  severity;
} ngxl_rule_info_t;

void ngxl_emit_text(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    ngxl_buf_t *out);
void ngxl_emit_json(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    ngxl_buf_t *out);
void ngxl_emit_sarif(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    const ngxl_rule_info_t *rules, size_t nrules, ngxl_buf_t *out);
void ngxl_emit_github(const ngxl_diags_t *ds, const ngxl_emit_opts_t *opts,
    ngxl_buf_t *out);

/*
 * Between begin and end, every jansson allocation comes from one pool and
 * is freed with it at the end: a large document (the JSON of a 20 MB
 * configuration has millions of values) is then built and dropped in a
 * fraction of the time.  Nothing built in between may outlive the end.
 */
void ngxl_json_arena_begin(void);
void ngxl_json_arena_end(void);

/* the length of the valid UTF-8 sequence at P (before LAST), or 0 */
size_t ngxl_utf8_len(const unsigned char *p, const unsigned char *last);

/* a JSON string of any bytes: invalid UTF-8 becomes U+FFFD; NULL: null */
json_t *ngxl_json_text(const char *s);

/* dumps a jansson value into OUT, indented, with a final line feed */
void ngxl_json_dump(json_t *v, ngxl_buf_t *out);

#endif /* NGXL_DIAG_H */
