/*
 * ngxlint: the configuration tokenizer.
 *
 * The state machine below follows ngx_conf_read_token() rule for rule; the
 * Lua block reader follows lua-nginx-module's ngx_http_lua_conf_read_lua_token()
 * and its generated lexer.  Both simulate nginx's 4 KiB read buffer, since
 * its boundaries decide some of nginx's verdicts ("too long parameter", a
 * Lua long bracket closed too far away).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"


#define NGXL_LUA_LEFT_CURLY         1
#define NGXL_LUA_RIGHT_CURLY        2
#define NGXL_LUA_LEFT_LBRACKET_STR  3
#define NGXL_LUA_LEFT_LBRACKET_CMT  4
#define NGXL_LUA_RIGHT_LBRACKET     5
#define NGXL_LUA_COMMENT_LINE       6
#define NGXL_LUA_DOUBLE_QUOTED      7
#define NGXL_LUA_SINGLE_QUOTED      8

#define ngxl_lex_space(ch)                                                    \
    ((ch) == ' ' || (ch) == '\t' || (ch) == '\r' || (ch) == '\n')


/*
 * Bytes that end a run of ordinary token bytes (which change nothing but
 * the "variable" flag): in an unquoted token, in "...", and in '...'.
 */

static const unsigned char  ngxl_lex_stop_plain[256] = {
    ['\n'] = 1, ['\\'] = 1, ['$'] = 1, ['{'] = 1, [' '] = 1, ['\t'] = 1,
    ['\r'] = 1, [';'] = 1
};

static const unsigned char  ngxl_lex_stop_dq[256] = {
    ['\n'] = 1, ['\\'] = 1, ['$'] = 1, ['{'] = 1, ['"'] = 1
};

static const unsigned char  ngxl_lex_stop_sq[256] = {
    ['\n'] = 1, ['\\'] = 1, ['$'] = 1, ['{'] = 1, ['\''] = 1
};


static void ngxl_lex_error(ngxl_lex_t *lx, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ngxl_lex_push(ngxl_lex_t *lx, size_t raw, size_t start,
    size_t end, char quote, uint32_t line, uint32_t col);
static void ngxl_lex_comment(ngxl_lex_t *lx, size_t off, size_t end,
    uint32_t line, uint32_t col);
static void ngxl_lex_advance(ngxl_lex_t *lx, size_t to, int count_nginx);
static int ngxl_lex_lua_token(ngxl_lex_t *lx, uint32_t ctx_line,
    size_t ctx_off);
static int ngxl_lex_lua_match(const char *p, size_t n, size_t *m0,
    size_t *m1);
static const char *ngxl_lex_find(const char *s, const char *last,
    const char *pat, size_t n);


void
ngxl_lex_init(ngxl_lex_t *lx, ngxl_pool_t *pool, const char *data, size_t len)
{
    memset(lx, 0, sizeof(ngxl_lex_t));

    lx->pool = pool;
    lx->data = data;
    lx->len = len;
    lx->line = 1;
    lx->nline = 1;
}


void
ngxl_lex_free(ngxl_lex_t *lx)
{
    free(lx->toks);
    free(lx->comments);
    lx->toks = NULL;
    lx->comments = NULL;
}


static void
ngxl_lex_error(ngxl_lex_t *lx, size_t off, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(lx->err, sizeof(lx->err), fmt, ap);
    va_end(ap);

    lx->err_line = lx->nline;
    lx->err_off = (uint32_t) off;
}


/* nginx prints the character itself; we keep the message printable */

static const char *
ngxl_lex_char(char ch, char *buf)
{
    unsigned char  c = (unsigned char) ch;

    if (c >= 0x20 && c < 0x7f) {
        buf[0] = ch;
        buf[1] = '\0';

    } else {
        snprintf(buf, 8, "\\x%02x", c);
    }

    return buf;
}


int
ngxl_lex_next(ngxl_lex_t *lx)
{
    char        ch, cbuf[8];
    size_t      start, raw, comment;
    const char *p, *q;
    const unsigned char  *stop;
    uint32_t    start_nline, tline, tcol, cline, ccol;
    unsigned    found, need_space, last_space, sharp_comment, variable;
    unsigned    quoted, s_quoted, d_quoted;
    const char *data;

    found = 0;
    need_space = 0;
    last_space = 1;
    sharp_comment = 0;
    variable = 0;
    quoted = 0;
    s_quoted = 0;
    d_quoted = 0;

    lx->ntoks = 0;
    lx->ncomments = 0;

    data = lx->data;
    start = lx->pos;
    start_nline = lx->nline;
    raw = start;
    comment = start;
    tline = lx->line;
    tcol = 1;
    cline = lx->line;
    ccol = 1;

    for ( ;; ) {

        if (lx->pos >= lx->win_end) {

            if (lx->win_end >= lx->len) {

                if (sharp_comment) {
                    ngxl_lex_comment(lx, comment, lx->len, cline, ccol);
                }

                if (lx->ntoks > 0 || !last_space) {
                    ngxl_lex_error(lx, lx->len, "unexpected end of file, "
                                   "expecting \";\" or \"}\"");
                    return NGXL_LEX_ERROR;
                }

                return NGXL_LEX_FILE_DONE;
            }

            if (lx->pos - start == NGXL_CONF_BUFFER) {
                lx->nline = start_nline;

                if (d_quoted || s_quoted) {
                    ngxl_lex_error(lx, start - 1, "too long parameter, probably "
                                   "missing terminating \"%c\" character",
                                   d_quoted ? '"' : '\'');

                } else {
                    ngxl_lex_error(lx, start, "too long parameter \"%.10s...\""
                                   " started", data + start);
                }

                return NGXL_LEX_ERROR;
            }

            lx->win_end = start + NGXL_CONF_BUFFER;

            if (lx->win_end > lx->len) {
                lx->win_end = lx->len;
            }
        }

        ch = data[lx->pos++];

        if (ch == '\n') {
            lx->nline++;
            lx->line++;
            lx->line_start = lx->pos;

            if (sharp_comment) {
                sharp_comment = 0;
                ngxl_lex_comment(lx, comment, lx->pos - 1, cline, ccol);
            }
        }

        if (sharp_comment) {
            /* the rest of the comment, up to the buffer's end */
            p = memchr(data + lx->pos, '\n', lx->win_end - lx->pos);
            lx->pos = p ? (size_t) (p - data) : lx->win_end;
            continue;
        }

        if (quoted) {
            quoted = 0;
            continue;
        }

        if (need_space) {
            if (ngxl_lex_space(ch)) {
                last_space = 1;
                need_space = 0;
                continue;
            }

            if (ch == ';' || ch == '{') {
                lx->term = (uint32_t) (lx->pos - 1);
                lx->term_line = lx->line;
                lx->term_col = (uint32_t) (lx->pos - lx->line_start);
                return ch == ';' ? NGXL_LEX_OK : NGXL_LEX_BLOCK_START;
            }

            if (ch == ')') {
                last_space = 1;
                need_space = 0;

            } else {
                ngxl_lex_error(lx, lx->pos - 1, "unexpected \"%s\"",
                               ngxl_lex_char(ch, cbuf));
                return NGXL_LEX_ERROR;
            }
        }

        if (last_space) {

            start = lx->pos - 1;
            start_nline = lx->nline;

            if (ngxl_lex_space(ch)) {
                continue;
            }

            raw = start;
            tline = lx->line;
            tcol = (uint32_t) (start - lx->line_start + 1);

            switch (ch) {

            case ';':
            case '{':
                if (lx->ntoks == 0) {
                    ngxl_lex_error(lx, start, "unexpected \"%c\"", ch);
                    return NGXL_LEX_ERROR;
                }

                lx->term = (uint32_t) start;
                lx->term_line = tline;
                lx->term_col = tcol;

                return ch == '{' ? NGXL_LEX_BLOCK_START : NGXL_LEX_OK;

            case '}':
                if (lx->ntoks != 0) {
                    ngxl_lex_error(lx, start, "unexpected \"}\"");
                    return NGXL_LEX_ERROR;
                }

                lx->term = (uint32_t) start;
                lx->term_line = tline;
                lx->term_col = tcol;

                return NGXL_LEX_BLOCK_DONE;

            case '#':
                sharp_comment = 1;
                comment = start;
                cline = tline;
                ccol = tcol;
                continue;

            case '\\':
                quoted = 1;
                last_space = 0;
                continue;

            case '"':
                start++;
                d_quoted = 1;
                last_space = 0;
                continue;

            case '\'':
                start++;
                s_quoted = 1;
                last_space = 0;
                continue;

            case '$':
                variable = 1;
                last_space = 0;
                continue;

            default:
                last_space = 0;
            }

        } else {
            if (ch == '{' && variable) {
                continue;
            }

            variable = 0;

            if (ch == '\\') {
                quoted = 1;
                continue;
            }

            if (ch == '$') {
                variable = 1;
                continue;
            }

            if (d_quoted) {
                if (ch == '"') {
                    d_quoted = 0;
                    need_space = 1;
                    found = 1;
                }

            } else if (s_quoted) {
                if (ch == '\'') {
                    s_quoted = 0;
                    need_space = 1;
                    found = 1;
                }

            } else if (ngxl_lex_space(ch) || ch == ';' || ch == '{') {
                last_space = 1;
                found = 1;
            }

            if (found) {
                found = 0;

                ngxl_lex_push(lx, raw, start, lx->pos - 1,
                              need_space ? data[raw] : 0, tline, tcol);

                if (ch == ';' || ch == '{') {
                    lx->term = (uint32_t) (lx->pos - 1);
                    lx->term_line = lx->line;
                    lx->term_col = (uint32_t) (lx->pos - lx->line_start);
                    return ch == ';' ? NGXL_LEX_OK : NGXL_LEX_BLOCK_START;
                }

                continue;
            }

            /* a run of ordinary bytes: nothing to do but move on */

            stop = d_quoted ? ngxl_lex_stop_dq
                            : s_quoted ? ngxl_lex_stop_sq : ngxl_lex_stop_plain;

            for (p = data + lx->pos, q = data + lx->win_end;
                 p < q && !stop[(unsigned char) *p];
                 p++)
            {
                /* void */
            }

            lx->pos = (size_t) (p - data);
        }
    }
}


/*
 * Keeps the token [start, end) with nginx's unescaping (\" \' \\ \t \r \n);
 * a token without backslashes points into the file's bytes.
 */

static void
ngxl_lex_push(ngxl_lex_t *lx, size_t raw, size_t start, size_t end,
    char quote, uint32_t line, uint32_t col)
{
    char        *dst, *value;
    size_t       n;
    ngxl_tok_t  *t;
    const char  *src, *last;

    if (lx->ntoks == lx->ctoks) {
        n = lx->ctoks ? lx->ctoks * 2 : 16;

        t = realloc(lx->toks, n * sizeof(ngxl_tok_t));
        if (t == NULL) {
            ngxl_oom();
        }

        lx->toks = t;
        lx->ctoks = n;
    }

    t = &lx->toks[lx->ntoks++];

    t->off = (uint32_t) raw;
    t->len = (uint32_t) (quote ? end + 1 - raw : end - raw);
    t->line = line;
    t->col = col;
    t->quote = quote;

    src = lx->data + start;
    last = lx->data + end;

    if (memchr(src, '\\', (size_t) (last - src)) == NULL) {
        t->value = src;
        t->vlen = (uint32_t) (last - src);
        return;
    }

    value = ngxl_palloc(lx->pool, (size_t) (last - src) + 1);

    for (dst = value; src < last; /* void */) {

        if (*src == '\\') {
            switch (src[1]) {

            case '"':
            case '\'':
            case '\\':
                src++;
                break;

            case 't':
                *dst++ = '\t';
                src += 2;
                continue;

            case 'r':
                *dst++ = '\r';
                src += 2;
                continue;

            case 'n':
                *dst++ = '\n';
                src += 2;
                continue;
            }
        }

        *dst++ = *src++;
    }

    *dst = '\0';

    t->value = value;
    t->vlen = (uint32_t) (dst - value);
}


static void
ngxl_lex_comment(ngxl_lex_t *lx, size_t off, size_t end, uint32_t line,
    uint32_t col)
{
    size_t           n;
    ngxl_comment_t  *c;

    if (end > off && lx->data[end - 1] == '\r') {
        end--;
    }

    if (lx->ncomments == lx->ccomments) {
        n = lx->ccomments ? lx->ccomments * 2 : 8;

        c = realloc(lx->comments, n * sizeof(ngxl_comment_t));
        if (c == NULL) {
            ngxl_oom();
        }

        lx->comments = c;
        lx->ccomments = n;
    }

    c = &lx->comments[lx->ncomments++];

    c->off = (uint32_t) off;
    c->end = (uint32_t) end;
    c->line = line;
    c->col = col;
}


/* moves pos to TO, counting lines; nginx's counter only if COUNT_NGINX */

static void
ngxl_lex_advance(ngxl_lex_t *lx, size_t to, int count_nginx)
{
    const char  *p, *last;

    p = lx->data + lx->pos;
    last = lx->data + to;

    while ((p = memchr(p, '\n', (size_t) (last - p))) != NULL) {
        p++;
        lx->line++;
        lx->line_start = (size_t) (p - lx->data);

        if (count_nginx) {
            lx->nline++;
        }
    }

    lx->pos = to;
}


int
ngxl_lex_lua_block(ngxl_lex_t *lx)
{
    int       rc, level;
    size_t    body, ctx_off;
    uint32_t  ctx_line;

    level = 1;
    body = lx->pos;
    ctx_line = lx->nline;
    ctx_off = lx->pos - 1;

    for ( ;; ) {
        rc = ngxl_lex_lua_token(lx, ctx_line, ctx_off);

        switch (rc) {

        case NGXL_LEX_ERROR:
            return NGXL_LEX_ERROR;

        case NGXL_LUA_LEFT_CURLY:
            ctx_line = lx->nline;
            ctx_off = lx->pos - 1;
            level++;
            break;

        case NGXL_LUA_RIGHT_CURLY:
            if (--level == 0) {
                lx->lua_off = (uint32_t) body;
                lx->lua_len = (uint32_t) (lx->pos - 1 - body);
                lx->term = (uint32_t) (lx->pos - 1);
                lx->term_line = lx->line;
                lx->term_col = (uint32_t) (lx->pos - lx->line_start);
                return NGXL_LEX_OK;
            }
            break;

        default:
            break;
        }
    }
}


/*
 * CTX_LINE and CTX_OFF: the last "{" seen, where lua-nginx-module reports
 * an unterminated block
 */

static int
ngxl_lex_lua_token(ngxl_lex_t *lx, uint32_t ctx_line, size_t ctx_off)
{
    int          rc;
    char         pat[NGXL_CONF_BUFFER + 2];
    size_t       start, m0, m1, n, plen;
    uint32_t     start_nline;
    const char  *p, *q;

    start = lx->pos;
    start_nline = lx->nline;

    for ( ;; ) {

        if (lx->pos >= lx->win_end
            || (lx->win_end - lx->pos < NGXL_CONF_BUFFER / 2
                && lx->win_end < lx->len))
        {
            if (lx->win_end >= lx->len) {
                lx->nline = ctx_line;
                goto eof;
            }

            if (lx->win_end - start == NGXL_CONF_BUFFER) {
                lx->nline = start_nline;
                goto too_long;
            }

            lx->win_end = start + NGXL_CONF_BUFFER;

            if (lx->win_end > lx->len) {
                lx->win_end = lx->len;
            }
        }

        rc = ngxl_lex_lua_match(lx->data + lx->pos, lx->win_end - lx->pos,
                                &m0, &m1);

        if (rc < 0) {
            /*
             * no token in the buffer: lua-nginx-module drops these bytes
             * without counting their lines, and refills from where it was
             */

            if (lx->win_end >= lx->len) {
                lx->nline = ctx_line;
                goto eof;
            }

            if (lx->win_end - lx->pos == NGXL_CONF_BUFFER) {
                lx->nline = start_nline;
                goto too_long;
            }

            start = lx->pos;
            n = lx->win_end;

            lx->win_end = lx->pos + NGXL_CONF_BUFFER;

            if (lx->win_end > lx->len) {
                lx->win_end = lx->len;
            }

            ngxl_lex_advance(lx, n, 0);

            continue;
        }

        if (rc == NGXL_LUA_LEFT_LBRACKET_STR
            || rc == NGXL_LUA_LEFT_LBRACKET_CMT)
        {
            ngxl_lex_advance(lx, lx->pos + m0, 1);
            m1 -= m0;

            /* the closing bracket: "]" "="* "]" of the opening's level */

            p = lx->data + lx->pos;

            if (rc == NGXL_LUA_LEFT_LBRACKET_CMT) {
                p += 2;
            }

            plen = (size_t) (lx->data + lx->pos + m1 - p);

            pat[0] = ']';
            memcpy(pat + 1, p + 1, plen - 2);
            pat[plen - 1] = ']';
            pat[plen] = '\0';

            q = ngxl_lex_find(lx->data + lx->pos + m1,
                              lx->data + lx->win_end, pat, plen);

            if (q == NULL) {
                ngxl_lex_error(lx, lx->pos, "Lua code block missing the "
                               "closing long bracket \"%s\", the inlined "
                               "Lua code may be too long", pat);
                return NGXL_LEX_ERROR;
            }

            m1 = (size_t) (q + plen - (lx->data + lx->pos));
        }

        ngxl_lex_advance(lx, lx->pos + m1, 1);

        return rc;
    }

eof:

    ngxl_lex_error(lx, ctx_off, "unexpected end of file, expecting "
                   "terminating characters for lua code block");
    return NGXL_LEX_ERROR;

too_long:

    ngxl_lex_error(lx, start, "too long lua code block, probably missing "
                   "terminating characters");
    return NGXL_LEX_ERROR;
}


/* "[" "="* "[" at p, within n bytes: its length, or 0 */

static size_t
ngxl_lex_lbracket(const char *p, size_t n)
{
    size_t  i;

    if (n < 2 || p[0] != '[') {
        return 0;
    }

    for (i = 1; i < n && p[i] == '='; i++) { /* void */ }

    return (i < n && p[i] == '[') ? i + 1 : 0;
}


/* a quoted Lua string at p: no line breaks, backslash escapes */

static size_t
ngxl_lex_lua_string(const char *p, size_t n)
{
    char    quote;
    size_t  i;

    quote = p[0];

    for (i = 1; i < n; i++) {

        if (p[i] == quote) {
            return i + 1;
        }

        if (p[i] == '\n') {
            return 0;
        }

        if (p[i] == '\\') {
            if (i + 1 >= n || p[i + 1] == '\n') {
                return 0;
            }
            i++;
        }
    }

    return 0;
}


/*
 * The leftmost of lua-nginx-module's eight token patterns in [p, p + n);
 * at one position the first pattern in its list wins:
 *   {  }  [=*[  --[=*[  ]=*]  --[^\n]*  "..."  '...'
 */

static int
ngxl_lex_lua_match(const char *p, size_t n, size_t *m0, size_t *m1)
{
    size_t       i, k;
    const char  *nl;

    for (i = 0; i < n; i++) {

        switch (p[i]) {

        case '{':
            *m0 = i;
            *m1 = i + 1;
            return NGXL_LUA_LEFT_CURLY;

        case '}':
            *m0 = i;
            *m1 = i + 1;
            return NGXL_LUA_RIGHT_CURLY;

        case '[':
            k = ngxl_lex_lbracket(p + i, n - i);
            if (k) {
                *m0 = i;
                *m1 = i + k;
                return NGXL_LUA_LEFT_LBRACKET_STR;
            }
            break;

        case '-':
            if (i + 1 >= n || p[i + 1] != '-') {
                break;
            }

            *m0 = i;

            k = ngxl_lex_lbracket(p + i + 2, n - i - 2);
            if (k) {
                *m1 = i + 2 + k;
                return NGXL_LUA_LEFT_LBRACKET_CMT;
            }

            nl = memchr(p + i, '\n', n - i);
            *m1 = nl ? (size_t) (nl - p) : n;
            return NGXL_LUA_COMMENT_LINE;

        case ']':
            for (k = i + 1; k < n && p[k] == '='; k++) { /* void */ }

            if (k < n && p[k] == ']') {
                *m0 = i;
                *m1 = k + 1;
                return NGXL_LUA_RIGHT_LBRACKET;
            }
            break;

        case '"':
        case '\'':
            k = ngxl_lex_lua_string(p + i, n - i);
            if (k) {
                *m0 = i;
                *m1 = i + k;
                return p[i] == '"' ? NGXL_LUA_DOUBLE_QUOTED
                                   : NGXL_LUA_SINGLE_QUOTED;
            }
            break;

        default:
            break;
        }
    }

    return -1;
}


/* the first PAT (N bytes) entirely inside [s, last), or NULL */

static const char *
ngxl_lex_find(const char *s, const char *last, const char *pat, size_t n)
{
    const char  *p;

    while (last - s >= (ptrdiff_t) n) {
        p = memchr(s, pat[0], (size_t) (last - s) - n + 1);
        if (p == NULL) {
            return NULL;
        }

        if (memcmp(p, pat, n) == 0) {
            return p;
        }

        s = p + 1;
    }

    return NULL;
}
