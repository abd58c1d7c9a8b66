/*
 * ngxlint: the directive table.
 *
 * One row per (directive, module) as the module declares it in its
 * ngx_command_t array: the contexts it is allowed in and the argument
 * counts it takes, with the same meaning as nginx's NGX_CONF_* bits.
 * The rows themselves live in directives.def (an X-macro list).
 */

#ifndef NGXL_CONF_DIRECTIVES_H
#define NGXL_CONF_DIRECTIVES_H

#include <stddef.h>
#include <stdint.h>

/* contexts: where a directive may appear (our own bits, one per context) */
#define NGXL_MAIN          0x00000001u  /* NGX_MAIN_CONF (core modules)   */
#define NGXL_EVENT         0x00000002u  /* events { }                     */
#define NGXL_HTTP_MAIN     0x00000004u  /* http { }                       */
#define NGXL_HTTP_SRV      0x00000008u  /* http { server { } }            */
#define NGXL_HTTP_LOC      0x00000010u  /* location { }                   */
#define NGXL_HTTP_UPS      0x00000020u  /* http { upstream { } }          */
#define NGXL_HTTP_SIF      0x00000040u  /* server { if () { } }           */
#define NGXL_HTTP_LIF      0x00000080u  /* location { if () { } }         */
#define NGXL_HTTP_LMT      0x00000100u  /* limit_except { }               */
#define NGXL_STREAM_MAIN   0x00000200u  /* stream { }                     */
#define NGXL_STREAM_SRV    0x00000400u  /* stream { server { } }          */
#define NGXL_STREAM_UPS    0x00000800u  /* stream { upstream { } }        */
#define NGXL_MAIL_MAIN     0x00001000u  /* mail { }                       */
#define NGXL_MAIL_SRV      0x00002000u  /* mail { server { } }            */
#define NGXL_ANY           0x00003fffu  /* NGX_ANY_CONF: everywhere       */

/* argument counts: nginx's own NGX_CONF_* values */
#define NGXL_NOARGS        0x00000001u
#define NGXL_TAKE1         0x00000002u
#define NGXL_TAKE2         0x00000004u
#define NGXL_TAKE3         0x00000008u
#define NGXL_TAKE4         0x00000010u
#define NGXL_TAKE5         0x00000020u
#define NGXL_TAKE6         0x00000040u
#define NGXL_TAKE7         0x00000080u
#define NGXL_BLOCK         0x00000100u
#define NGXL_FLAG          0x00000200u
#define NGXL_ARGS_ANY      0x00000400u
#define NGXL_1MORE         0x00000800u
#define NGXL_2MORE         0x00001000u

#define NGXL_TAKE12        (NGXL_TAKE1|NGXL_TAKE2)
#define NGXL_TAKE13        (NGXL_TAKE1|NGXL_TAKE3)
#define NGXL_TAKE23        (NGXL_TAKE2|NGXL_TAKE3)
#define NGXL_TAKE34        (NGXL_TAKE3|NGXL_TAKE4)
#define NGXL_TAKE123       (NGXL_TAKE1|NGXL_TAKE2|NGXL_TAKE3)
#define NGXL_TAKE1234      (NGXL_TAKE1|NGXL_TAKE2|NGXL_TAKE3|NGXL_TAKE4)

/* how the body of a block directive is read */
#define NGXL_BODY_DIRECTIVES  0  /* ordinary directives                  */
#define NGXL_BODY_HANDLER     1  /* cf->handler: types, map, geo, ...:
                                    every line is data, "{" is an error  */
#define NGXL_BODY_LUA         2  /* *_by_lua_block: raw Lua code          */

typedef struct {
    const char  *name;
    const char  *module;      /* e.g. "ngx_http_proxy_module"             */
    uint32_t     contexts;    /* NGXL_MAIN ... NGXL_MAIL_SRV              */
    uint32_t     args;        /* NGXL_NOARGS ... NGXL_BLOCK               */
    uint8_t      body;        /* NGXL_BODY_*                              */
} ngxl_dirdef_t;

/* the whole table, sorted by name (stable within a name) */
extern const ngxl_dirdef_t  ngxl_dirdefs[];
extern const size_t         ngxl_ndirdefs;

/* the first row of NAME, or NULL; rows of one name are consecutive */
const ngxl_dirdef_t *ngxl_dirdef_first(const char *name, size_t len);

/* whether NARGS arguments (the name not counted) fit the row's args */
int ngxl_dirdef_args_ok(const ngxl_dirdef_t *d, size_t nargs);

/*
 * whether nginx takes NAME once per block: its slot refuses a second value
 * ("is duplicate"; lib/conf/once.def)
 */
int ngxl_dirdef_once(const char *name, size_t len);

#endif /* NGXL_CONF_DIRECTIVES_H */
