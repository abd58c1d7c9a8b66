/*
 * The tokenizer's corners, each checked against what nginx 1.22.1 does
 * (see ../shared/notes/nginx-syntax.md).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lex.h"


/* tokenizes S completely; returns the tokens as "a|b|;|c|{|}" */

static char *
lex_all(const char *s, char *err, size_t errlen)
{
    int          rc;
    size_t       i;
    ngxl_lex_t   lx;
    ngxl_buf_t   out;
    ngxl_pool_t  pool;

    ngxl_pool_init(&pool);
    ngxl_lex_init(&lx, &pool, s, strlen(s));
    ngxl_buf_init(&out);
    err[0] = '\0';

    for ( ;; ) {
        rc = ngxl_lex_next(&lx);

        if (rc == NGXL_LEX_ERROR) {
            snprintf(err, errlen, "%u: %s", lx.err_line, lx.err);
            break;
        }

        if (rc == NGXL_LEX_FILE_DONE) {
            break;
        }

        for (i = 0; i < lx.ntoks; i++) {
            ngxl_buf_add(&out, lx.toks[i].value, lx.toks[i].vlen);
            ngxl_buf_addc(&out, '|');
        }

        ngxl_buf_adds(&out, rc == NGXL_LEX_OK ? ";|"
                            : rc == NGXL_LEX_BLOCK_START ? "{|" : "}|");
    }

    ngxl_lex_free(&lx);
    ngxl_pool_free(&pool);

    if (out.data == NULL) {
        ngxl_buf_adds(&out, "");
    }

    return out.data;
}


static void
expect(const char *input, const char *tokens, const char *error)
{
    char   err[512];
    char  *got;

    got = lex_all(input, err, sizeof(err));

    if (strcmp(got, tokens) != 0 || strcmp(err, error) != 0) {
        print_error("input: %s\n  tokens: %s (want %s)\n  error: %s "
                    "(want %s)\n", input, got, tokens, err, error);
        free(got);
        fail();
    }

    free(got);
}


static void
test_quotes(void **state)
{
    (void) state;

    /* a quote inside a token is ordinary */
    expect("a\"b\";", "a\"b\"|;|", "");
    expect("x\"y z\"w;", "x\"y|z\"w|;|", "");
    /* a closing quote needs space, ";", "{" or "}" after it ... */
    expect("\"a\"b;", "", "1: unexpected \"b\"");
    expect("\"x\"#c;", "", "1: unexpected \"#\"");
    expect("a \"x\"}", "", "1: unexpected \"}\"");
    /* ... or ")", which then starts the next token */
    expect("if ($a = \"x\") {", "if|($a|=|x|)|{|", "");
    /* escapes: \" \' \\ \t \r \n are unescaped, others kept */
    expect("a \"q\\\"t\\\\ \\t\\x\";", "a|q\"t\\ \t\\x|;|", "");
    expect("a 'it\\'s';", "a|it's|;|", "");
    /* quoted strings span lines */
    expect("a \"one\ntwo\";", "a|one\ntwo|;|", "");
    expect("a \"never closed;", "", "1: unexpected end of file, "
           "expecting \";\" or \"}\"");
}


static void
test_comments_and_variables(void **state)
{
    (void) state;

    /* "#" starts a comment only where a token starts */
    expect("a#b;", "a#b|;|", "");
    expect("z#;", "z#|;|", "");
    expect("return 200 #done;\n", "", "2: unexpected end of file, "
           "expecting \";\" or \"}\"");
    expect("a \"#x\";", "a|#x|;|", "");
    /* ${var} keeps its braces; an unquoted {3} opens a block */
    expect("set $a ${host}x;", "set|$a|${host}x|;|", "");
    expect("rewrite ^/(\\d{3})$ x;", "rewrite|^/(\\d|{|3})$|x|;|", "");
    /* ... and then the location has no opening brace */
    expect("location ~ ^/a${ }", "", "1: unexpected \"}\"");
}


static void
test_structure(void **state)
{
    (void) state;

    expect("events {}\nhttp { a b; }", "events|{|}|http|{|a|b|;|}|", "");
    expect(";", "", "1: unexpected \";\"");
    expect("{", "", "1: unexpected \"{\"");
    expect("a b }", "", "1: unexpected \"}\"");
    /* CRLF files parse like LF files */
    expect("a b;\r\nc {\r\n}\r\n", "a|b|;|c|{|}|", "");
    /* end of file is reported one line past a final line feed */
    expect("a b\n", "", "2: unexpected end of file, expecting \";\" or \"}\"");
    expect("a b", "", "1: unexpected end of file, expecting \";\" or \"}\"");
}


static void
test_buffer_limit(void **state)
{
    char    *s, *want;
    size_t   n;

    (void) state;

    /* nginx's 4 KiB buffer: a 4,000-byte token fits, 5,000 do not */

    s = malloc(6000);
    want = malloc(6000);
    assert_non_null(s);
    assert_non_null(want);

    n = (size_t) snprintf(s, 6000, "a \"");
    memset(s + n, 'x', 4000);
    strcpy(s + n + 4000, "\";");
    snprintf(want, 6000, "a|%.*s|;|", 4000, s + n);
    expect(s, want, "");

    memset(s + n, 'x', 5000);
    strcpy(s + n + 5000, "\";");
    expect(s, "", "1: too long parameter, probably missing terminating "
           "\"\"\" character");

    /* a long comment too: nginx keeps its start in the buffer */
    s[0] = '#';
    memset(s + 1, 'c', 5000);
    strcpy(s + 5001, "\na;");
    expect(s, "", "1: too long parameter \"#ccccccccc...\" started");

    free(s);
    free(want);
}


/* Lua blocks: the body after "{" up to the matching "}" */

static void
lua(const char *body_and_rest, const char *want_body, const char *error)
{
    int          rc;
    char         got[4096];
    ngxl_lex_t   lx;
    ngxl_pool_t  pool;
    char         src[8192];

    snprintf(src, sizeof(src), "content_by_lua_block {%s", body_and_rest);

    ngxl_pool_init(&pool);
    ngxl_lex_init(&lx, &pool, src, strlen(src));

    assert_int_equal(ngxl_lex_next(&lx), NGXL_LEX_BLOCK_START);
    rc = ngxl_lex_lua_block(&lx);

    if (error) {
        assert_int_equal(rc, NGXL_LEX_ERROR);
        snprintf(got, sizeof(got), "%u: %s", lx.err_line, lx.err);
        assert_string_equal(got, error);

    } else {
        assert_int_equal(rc, NGXL_LEX_OK);
        snprintf(got, sizeof(got), "%.*s", (int) lx.lua_len,
                 src + lx.lua_off);
        assert_string_equal(got, want_body);
    }

    ngxl_lex_free(&lx);
    ngxl_pool_free(&pool);
}


static void
test_lua_blocks(void **state)
{
    (void) state;

    lua(" ngx.say(1) } x;", " ngx.say(1) ", NULL);
    lua(" local t = { a = { 1 } } }", " local t = { a = { 1 } } ", NULL);
    /* braces in strings and comments do not count */
    lua(" s = \"}\" .. '{' } ", " s = \"}\" .. '{' ", NULL);
    lua(" -- }\n }", " -- }\n ", NULL);
    lua(" --[[ } ]] x = [==[ } ]] ]==] }", " --[[ } ]] x = [==[ } ]] ]==] ",
        NULL);
    /* "--[[" is a long comment even where a line comment is longer */
    lua(" ngx.say(--[[hello\") }", NULL, "1: Lua code block missing the "
        "closing long bracket \"]]\", the inlined Lua code may be too long");
    lua(" x = [=[ never }\n", NULL, "1: Lua code block missing the closing "
        "long bracket \"]=]\", the inlined Lua code may be too long");
    /* an unterminated string does not hide the braces after it */
    lua(" s = \"open\n }", " s = \"open\n ", NULL);
    /* end of file: reported at the last "{" seen */
    lua(" if x then\n t = {\n", NULL, "2: unexpected end of file, expecting "
        "terminating characters for lua code block");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_comments_and_variables),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_buffer_limit),
        cmocka_unit_test(test_lua_blocks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
