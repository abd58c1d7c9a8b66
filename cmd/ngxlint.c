/*
 * ngxlint: the command-line tool, a thin layer over lib/.
 *
 * It owns argv, stdout, stderr and exit codes:
 *   0  nothing at or above --fail-on
 *   1  findings at or above --fail-on
 *   2  a usage error, an unreadable input, or an internal error
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/conf/crossplane.h"
#include "../lib/fix/diff.h"
#include "../lib/fix/fix.h"
#include "../rules/registry.h"


#ifndef NGXL_VERSION
#define NGXL_VERSION  "0.0.0-dev"
#endif

#define NGXL_EXIT_OK        0
#define NGXL_EXIT_FINDINGS  1
#define NGXL_EXIT_ERROR     2

#define NGXL_FMT_TEXT    0
#define NGXL_FMT_JSON    1
#define NGXL_FMT_SARIF   2
#define NGXL_FMT_GITHUB  3


typedef struct {
    const char         *cmd;
    int                 format;
    ngxl_severity_t     fail_on;
    int                 color;            /* -1 auto, 0, 1 */
    unsigned            quiet:1;
    unsigned            strict:1;
    unsigned            single_file:1;
    unsigned            comments:1;
    unsigned            combine:1;
    unsigned            fix:1;
    unsigned            write:1;
    int                 indent;
    unsigned            keepalive;
    const char         *backup;
    const char         *nginx_version;
    const char         *nginx_bin;
    ngxl_version_t      version;
    char                version_source[512];
    const char         *prefix;
    const char         *context;
    const char         *from_dump;
    ngxl_vec_t          enable;           /* char * rule ids */
    ngxl_vec_t          disable;
    ngxl_vec_t          ignore;
    ngxl_vec_t          paths;
} ngxl_cli_t;


static const char  *ngxl_cli_commands[] = {
    "conf", "bin", "lua", "src", "audit", "parse", "explain", "rules", NULL
};


static void
ngxl_cli_usage(FILE *out)
{
    fprintf(out,
"usage: ngxlint [OPTIONS] [COMMAND] PATH...\n"
"\n"
"Finds what slows nginx and OpenResty down before it ships: upstreams\n"
"without keepalive, -O0 builds, unindexed hot variables.\n"
"\n"
"commands:\n"
"  conf PATH...        check nginx configurations (includes and Lua blocks)\n"
"  parse PATH          print the parsed configuration as crossplane's JSON\n"
"  bin PATH...         check ELF binaries and nginx modules\n"
"  lua PATH...         check Lua code for unindexed hot variable access\n"
"  src PATH...         check C module sources and compilation databases\n"
"  audit               check the running nginx masters of this host\n"
"  rules               list every rule\n"
"  explain RULE        print a rule's documentation\n"
"  (none)              detect each PATH: config, ELF, .lua, or a directory\n"
"\n"
"options:\n"
"  --format FMT        text (default), json, sarif, github\n"
"  --fail-on SEV       error, warning (default), note, never\n"
"  --enable RULES      only these rules (comma-separated ids)\n"
"  --disable RULES     not these rules\n"
"  --color WHEN        auto (default), always, never\n"
"  -q, --quiet         findings only: no source lines, no summary\n"
"  -p, --prefix DIR    nginx's conf prefix: relative includes resolve here\n"
"                      (default: the main configuration's directory)\n"
"  --context CTX       check a fragment as if it stood in CTX (main,\n"
"                      events, http, server, location, upstream, stream)\n"
"  --from-dump FILE    read the output of `nginx -T` (FILE or - for stdin)\n"
"  --strict            report directives no known module declares\n"
"  --nginx-version V   the nginx version the configuration is for\n"
"  --nginx BIN         ... or the version of this nginx binary (default:\n"
"                      nginx on PATH, else 1.22)\n"
"\n"
"fixes (conf):\n"
"  --fix               print the fixes as a unified diff\n"
"  --write             apply them, safely (then report what is left)\n"
"  --backup SUFFIX     with --write: keep each original as FILE+SUFFIX\n"
"  --keepalive N       the keepalive count fixes add (default 32)\n"
"  --version, --help\n"
"\n"
"parse options (as crossplane's): --single-file, --include-comments,\n"
"  --combine, --strict, --ignore DIRECTIVES, --indent N\n"
"\n"
"exit status: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
"2 usage error, unreadable input or internal error.\n");
}


static void
ngxl_cli_split(ngxl_vec_t *v, char *list)
{
    char  *p, *save;

    for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (*p) {
            ngxl_vec_push(v, p);
        }
    }
}


static int
ngxl_cli_parse(ngxl_cli_t *cli, int argc, char **argv)
{
    int    c, i;

    enum {
        OPT_FORMAT = 256, OPT_FAIL_ON, OPT_ENABLE, OPT_DISABLE, OPT_COLOR,
        OPT_VERSION, OPT_CONTEXT, OPT_FROM_DUMP, OPT_STRICT, OPT_SINGLE,
        OPT_COMMENTS, OPT_COMBINE, OPT_IGNORE, OPT_INDENT, OPT_FIX,
        OPT_WRITE, OPT_BACKUP, OPT_KEEPALIVE, OPT_NGINX_VERSION, OPT_NGINX
    };

    static const struct option  longopts[] = {
        { "format", required_argument, NULL, OPT_FORMAT },
        { "fail-on", required_argument, NULL, OPT_FAIL_ON },
        { "enable", required_argument, NULL, OPT_ENABLE },
        { "disable", required_argument, NULL, OPT_DISABLE },
        { "color", required_argument, NULL, OPT_COLOR },
        { "quiet", no_argument, NULL, 'q' },
        { "prefix", required_argument, NULL, 'p' },
        { "context", required_argument, NULL, OPT_CONTEXT },
        { "from-dump", required_argument, NULL, OPT_FROM_DUMP },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "single-file", no_argument, NULL, OPT_SINGLE },
        { "include-comments", no_argument, NULL, OPT_COMMENTS },
        { "combine", no_argument, NULL, OPT_COMBINE },
        { "ignore", required_argument, NULL, OPT_IGNORE },
        { "indent", required_argument, NULL, OPT_INDENT },
        { "fix", no_argument, NULL, OPT_FIX },
        { "write", no_argument, NULL, OPT_WRITE },
        { "backup", required_argument, NULL, OPT_BACKUP },
        { "keepalive", required_argument, NULL, OPT_KEEPALIVE },
        { "nginx-version", required_argument, NULL, OPT_NGINX_VERSION },
        { "nginx", required_argument, NULL, OPT_NGINX },
        { "version", no_argument, NULL, OPT_VERSION },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };

    cli->format = NGXL_FMT_TEXT;
    cli->fail_on = NGXL_SEV_WARNING;
    cli->color = -1;
    cli->indent = -1;
    cli->keepalive = 32;

    while ((c = getopt_long(argc, argv, "qp:h", longopts, NULL)) != -1) {

        switch (c) {

        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0) {
                cli->format = NGXL_FMT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                cli->format = NGXL_FMT_JSON;
            } else if (strcmp(optarg, "sarif") == 0) {
                cli->format = NGXL_FMT_SARIF;
            } else if (strcmp(optarg, "github") == 0) {
                cli->format = NGXL_FMT_GITHUB;
            } else {
                fprintf(stderr, "ngxlint: unknown --format \"%s\" "
                        "(text, json, sarif, github)\n", optarg);
                return NGXL_ERROR;
            }
            break;

        case OPT_FAIL_ON:
            if (ngxl_severity_parse(optarg, &cli->fail_on) != NGXL_OK) {
                fprintf(stderr, "ngxlint: unknown --fail-on \"%s\" "
                        "(error, warning, note, never)\n", optarg);
                return NGXL_ERROR;
            }
            break;

        case OPT_ENABLE:
            ngxl_cli_split(&cli->enable, optarg);
            break;

        case OPT_DISABLE:
            ngxl_cli_split(&cli->disable, optarg);
            break;

        case OPT_IGNORE:
            ngxl_cli_split(&cli->ignore, optarg);
            break;

        case OPT_COLOR:
            if (strcmp(optarg, "auto") == 0) {
                cli->color = -1;
            } else if (strcmp(optarg, "always") == 0) {
                cli->color = 1;
            } else if (strcmp(optarg, "never") == 0) {
                cli->color = 0;
            } else {
                fprintf(stderr, "ngxlint: unknown --color \"%s\" "
                        "(auto, always, never)\n", optarg);
                return NGXL_ERROR;
            }
            break;

        case 'q':
            cli->quiet = 1;
            break;

        case 'p':
            cli->prefix = optarg;
            break;

        case OPT_CONTEXT:
            cli->context = optarg;
            break;

        case OPT_FROM_DUMP:
            cli->from_dump = optarg;
            break;

        case OPT_STRICT:
            cli->strict = 1;
            break;

        case OPT_SINGLE:
            cli->single_file = 1;
            break;

        case OPT_COMMENTS:
            cli->comments = 1;
            break;

        case OPT_COMBINE:
            cli->combine = 1;
            break;

        case OPT_INDENT:
            cli->indent = atoi(optarg);
            if (cli->indent < 0 || cli->indent > 31) {
                fprintf(stderr, "ngxlint: --indent takes 0 to 31\n");
                return NGXL_ERROR;
            }
            break;

        case OPT_FIX:
            cli->fix = 1;
            break;

        case OPT_WRITE:
            cli->write = 1;
            break;

        case OPT_BACKUP:
            if (optarg[0] == '\0' || strchr(optarg, '/') != NULL) {
                fprintf(stderr, "ngxlint: --backup takes a suffix such as "
                        "\".orig\"\n");
                return NGXL_ERROR;
            }
            cli->backup = optarg;
            break;

        case OPT_KEEPALIVE:
            cli->keepalive = (unsigned) strtoul(optarg, NULL, 10);
            if (cli->keepalive == 0 || cli->keepalive > 100000) {
                fprintf(stderr, "ngxlint: --keepalive takes 1 to 100000\n");
                return NGXL_ERROR;
            }
            break;

        case OPT_NGINX_VERSION:
            cli->nginx_version = optarg;
            break;

        case OPT_NGINX:
            cli->nginx_bin = optarg;
            break;

        case OPT_VERSION:
            printf("ngxlint %s\n", NGXL_VERSION);
            exit(NGXL_EXIT_OK);

        case 'h':
            ngxl_cli_usage(stdout);
            exit(NGXL_EXIT_OK);

        default:
            fprintf(stderr, "ngxlint: try \"ngxlint --help\"\n");
            return NGXL_ERROR;
        }
    }

    i = optind;

    if (i < argc) {
        for (c = 0; ngxl_cli_commands[c]; c++) {
            if (strcmp(argv[i], ngxl_cli_commands[c]) == 0) {
                cli->cmd = ngxl_cli_commands[c];
                i++;
                break;
            }
        }
    }

    for ( /* void */ ; i < argc; i++) {
        ngxl_vec_push(&cli->paths, argv[i]);
    }

    if (cli->color == -1) {
        cli->color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL
                     && !(getenv("TERM") && strcmp(getenv("TERM"), "dumb")
                          == 0);
    }

    if (cli->backup && !cli->write) {
        fprintf(stderr, "ngxlint: --backup goes with --write\n");
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


/* the nginx version rules follow: given, of a binary, or 1.22 */

static int
ngxl_cli_version(ngxl_cli_t *cli)
{
    if (cli->nginx_version) {
        if (ngxl_version_parse(cli->nginx_version, &cli->version) != NGXL_OK)
        {
            fprintf(stderr, "ngxlint: --nginx-version \"%s\" is not a "
                    "version such as 1.22.1\n", cli->nginx_version);
            return NGXL_ERROR;
        }

        snprintf(cli->version_source, sizeof(cli->version_source),
                 "--nginx-version");

    } else if (cli->nginx_bin) {
        if (ngxl_version_of_binary(cli->nginx_bin, &cli->version) != NGXL_OK)
        {
            fprintf(stderr, "ngxlint: --nginx %s: cannot tell its version "
                    "(\"%s -v\")\n", cli->nginx_bin, cli->nginx_bin);
            return NGXL_ERROR;
        }

        snprintf(cli->version_source, sizeof(cli->version_source),
                 "%s -v", cli->nginx_bin);

    } else if (ngxl_version_of_binary("nginx", &cli->version) == NGXL_OK) {
        snprintf(cli->version_source, sizeof(cli->version_source),
                 "nginx -v, on PATH");

    } else {
        cli->version.major = 1;
        cli->version.minor = 22;
        cli->version.patch = 0;
        snprintf(cli->version_source, sizeof(cli->version_source),
                 "the default: no nginx on PATH");
    }

    cli->version.source = cli->version_source;

    return NGXL_OK;
}


/* which rules run, at which severity */

static int
ngxl_cli_rules(ngxl_cli_t *cli, ngxl_rule_use_t **use, size_t *nuse)
{
    size_t              i, k, n;
    int                 on;
    ngxl_rule_use_t    *u;
    const char         *id;

    for (k = 0; k < cli->enable.n + cli->disable.n; k++) {
        id = k < cli->enable.n ? cli->enable.elts[k]
                               : cli->disable.elts[k - cli->enable.n];

        if (ngxl_rule_find(id) == NULL) {
            fprintf(stderr, "ngxlint: unknown rule \"%s\" (see "
                    "\"ngxlint rules\")\n", id);
            return NGXL_ERROR;
        }
    }

    for (n = 0; ngxl_rules[n]; n++) { /* void */ }

    u = calloc(n ? n : 1, sizeof(ngxl_rule_use_t));
    if (u == NULL) {
        ngxl_oom();
    }

    *nuse = 0;

    for (i = 0; i < n; i++) {
        on = cli->enable.n == 0;

        for (k = 0; k < cli->enable.n; k++) {
            if (strcmp(cli->enable.elts[k], ngxl_rules[i]->id) == 0) {
                on = 1;
            }
        }

        for (k = 0; k < cli->disable.n; k++) {
            if (strcmp(cli->disable.elts[k], ngxl_rules[i]->id) == 0) {
                on = 0;
            }
        }

        if (on) {
            u[*nuse].rule = ngxl_rules[i];
            u[*nuse].severity = ngxl_rules[i]->severity;
            (*nuse)++;
        }
    }

    *use = u;

    return NGXL_OK;
}


static void
ngxl_cli_write(ngxl_buf_t *out)
{
    if (out->len) {
        fwrite(out->data, 1, out->len, stdout);
    }

    fflush(stdout);
}


static int
ngxl_cli_report(ngxl_cli_t *cli, ngxl_diags_t *ds, int failed)
{
    char               vbuf[64];
    size_t             i, n, count[3];
    ngxl_buf_t         out;
    ngxl_rule_info_t  *info;
    ngxl_emit_opts_t   eo;

    memset(&eo, 0, sizeof(ngxl_emit_opts_t));
    eo.color = cli->color;
    /* "no findings" would be a lie when an input could not be read */
    eo.quiet = cli->quiet || (failed && ds->findings.n == 0);
    if (cli->version.source) {
        snprintf(vbuf, sizeof(vbuf), "%u.%u.%u", cli->version.major,
                 cli->version.minor, cli->version.patch);
        eo.nginx_version = vbuf;
        eo.nginx_source = cli->version.source;
    }
    eo.version = NGXL_VERSION;

    ngxl_diags_sort(ds);
    ngxl_buf_init(&out);

    switch (cli->format) {

    case NGXL_FMT_JSON:
        ngxl_emit_json(ds, &eo, &out);
        break;

    case NGXL_FMT_SARIF:
        for (n = 0; ngxl_rules[n]; n++) { /* void */ }

        info = calloc(n ? n : 1, sizeof(ngxl_rule_info_t));
        if (info == NULL) {
            ngxl_oom();
        }

        for (i = 0; i < n; i++) {
            info[i].id = ngxl_rules[i]->id;
            info[i].summary = ngxl_rules[i]->summary;
            info[i].doc = ngxl_rule_doc(ngxl_rules[i]->id);
            info[i].severity = ngxl_rules[i]->severity;
        }

        ngxl_emit_sarif(ds, &eo, info, n, &out);
        free(info);
        break;

    case NGXL_FMT_GITHUB:
        ngxl_emit_github(ds, &eo, &out);
        break;

    default:
        ngxl_emit_text(ds, &eo, &out);
        break;
    }

    ngxl_cli_write(&out);
    ngxl_buf_free(&out);

    if (cli->fail_on == NGXL_SEV_NEVER) {
        return NGXL_EXIT_OK;
    }

    ngxl_diags_count(ds, count);

    for (i = cli->fail_on; i <= NGXL_SEV_ERROR; i++) {
        if (count[i]) {
            return NGXL_EXIT_FINDINGS;
        }
    }

    return NGXL_EXIT_OK;
}


static int
ngxl_cli_read_dump(ngxl_cli_t *cli, ngxl_buf_t *dump)
{
    char  chunk[65536];
    size_t n;

    ngxl_buf_init(dump);

    if (strcmp(cli->from_dump, "-") != 0) {
        if (ngxl_read_file(cli->from_dump, (size_t) 1 << 31, dump)
            != NGXL_OK)
        {
            fprintf(stderr, "ngxlint: %s: %s\n", cli->from_dump,
                    strerror(errno));
            return NGXL_ERROR;
        }
        return NGXL_OK;
    }

    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        ngxl_buf_add(dump, chunk, n);
    }

    if (ferror(stdin)) {
        fprintf(stderr, "ngxlint: reading the dump from stdin: %s\n",
                strerror(errno));
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


static int
ngxl_cli_conf_opts(ngxl_cli_t *cli, ngxl_conf_opts_t *co, ngxl_buf_t *dump)
{
    memset(co, 0, sizeof(ngxl_conf_opts_t));

    co->prefix = cli->prefix;
    co->single_file = cli->single_file;
    co->start_ctx = NGXL_MAIN;

    if (cli->context) {
        co->start_ctx = ngxl_conf_ctx_parse(cli->context);

        if (co->start_ctx == 0) {
            fprintf(stderr, "ngxlint: unknown --context \"%s\" (main, "
                    "events, http, server, location, upstream, if, "
                    "limit_except, stream, mail)\n", cli->context);
            return NGXL_ERROR;
        }
    }

    if (cli->from_dump) {
        if (ngxl_cli_read_dump(cli, dump) != NGXL_OK) {
            return NGXL_ERROR;
        }

        co->dump = dump->data ? dump->data : "";
        co->dump_len = dump->len;
    }

    return NGXL_OK;
}


static void
ngxl_cli_check_opts(ngxl_cli_t *cli, ngxl_check_opts_t *ko)
{
    memset(ko, 0, sizeof(ngxl_check_opts_t));
    ko->strict = cli->strict;
    ko->version = cli->version;
    ko->keepalive = cli->keepalive;
}


/*
 * --fix and --write: the fixes of one main configuration, as a diff on
 * stdout or written in place.  Returns NGXL_EXIT_* for this input.
 */

static int
ngxl_cli_fix_one(ngxl_cli_t *cli, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse)
{
    int                 rc;
    size_t              i;
    ngxl_fix_t          fx;
    ngxl_buf_t          out;
    ngxl_fix_file_t    *f;
    ngxl_check_opts_t   ko;

    ngxl_cli_check_opts(cli, &ko);

    if (ngxl_fix_run(&fx, path, co, use, nuse, &ko) != NGXL_OK) {
        fprintf(stderr, "ngxlint: %s\n", fx.err);
        ngxl_fix_free(&fx);
        return NGXL_EXIT_ERROR;
    }

    rc = NGXL_EXIT_OK;

    if (cli->write) {
        if (ngxl_fix_write(&fx, cli->backup) != NGXL_OK) {
            fprintf(stderr, "ngxlint: %s\n", fx.err);
            rc = NGXL_EXIT_ERROR;

        } else if (fx.files.n && !cli->quiet) {
            fprintf(stderr, "ngxlint: %s: %zu fix%s written to %zu file%s\n",
                    path, fx.applied, fx.applied == 1 ? "" : "es",
                    fx.files.n, fx.files.n == 1 ? "" : "s");
        }

    } else {
        ngxl_buf_init(&out);

        for (i = 0; i < fx.files.n; i++) {
            f = fx.files.elts[i];
            ngxl_diff_unified(f->path, f->orig, f->orig_len, f->data, f->len,
                              &out);
        }

        ngxl_cli_write(&out);
        ngxl_buf_free(&out);

        rc = fx.files.n ? NGXL_EXIT_FINDINGS : NGXL_EXIT_OK;
    }

    ngxl_fix_free(&fx);

    return rc;
}


/* one main configuration: parse, check, and keep the findings */

static int
ngxl_cli_conf_one(ngxl_cli_t *cli, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse,
    ngxl_diags_t *ds, ngxl_vec_t *confs)
{
    ngxl_conf_t        *conf;
    ngxl_check_opts_t   ko;
    const ngxl_cerr_t  *e;

    conf = malloc(sizeof(ngxl_conf_t));
    if (conf == NULL) {
        ngxl_oom();
    }

    if (ngxl_conf_parse(conf, path, co) != NGXL_OK) {
        e = ngxl_conf_first_error(conf, NGXL_CERR_INCLUDE);
        fprintf(stderr, "ngxlint: %s\n", e ? e->msg : "cannot read input");
        ngxl_conf_free(conf);
        free(conf);
        return NGXL_ERROR;
    }

    ngxl_cli_check_opts(cli, &ko);

    ngxl_check_conf(use, nuse, &ko, conf, ds);

    /* the diagnostics quote the files: keep them until printed */
    ngxl_vec_push(confs, conf);

    return NGXL_OK;
}


static int
ngxl_cli_has_suffix(const char *s, const char *suffix)
{
    size_t  n, k;

    n = strlen(s);
    k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}


static int
ngxl_cli_is_elf(const char *path)
{
    FILE           *f;
    unsigned char   magic[4];
    size_t          n;

    f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }

    n = fread(magic, 1, 4, f);
    fclose(f);

    return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}


static int
ngxl_cli_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char * const *) a, *(char * const *) b);
}


/* walks DIR for configuration files: nginx.conf and *.conf */

static void
ngxl_cli_walk(const char *dir, ngxl_vec_t *configs, ngxl_vec_t *other,
    int depth)
{
    DIR            *d;
    char           *path;
    size_t          n, i;
    struct stat     st;
    struct dirent  *de;
    ngxl_vec_t      names;

    if (depth > 32) {
        return;
    }

    d = opendir(dir);
    if (d == NULL) {
        ngxl_vec_push(other, strdup(dir));
        return;
    }

    memset(&names, 0, sizeof(ngxl_vec_t));

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        ngxl_vec_push(&names, strdup(de->d_name));
    }

    closedir(d);

    if (names.n > 1) {
        qsort(names.elts, names.n, sizeof(char *), ngxl_cli_cmp_names);
    }

    for (i = 0; i < names.n; i++) {
        n = strlen(dir) + strlen(names.elts[i]) + 2;
        path = malloc(n);
        if (path == NULL) {
            ngxl_oom();
        }

        snprintf(path, n, "%s%s%s", dir,
                 ngxl_cli_has_suffix(dir, "/") ? "" : "/",
                 (char *) names.elts[i]);

        free(names.elts[i]);

        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            ngxl_cli_walk(path, configs, other, depth + 1);
            free(path);
            continue;
        }

        if (ngxl_cli_has_suffix(path, ".conf") || ngxl_cli_has_suffix(path,
                                                                "nginx.conf"))
        {
            ngxl_vec_push(configs, path);

        } else if (ngxl_cli_has_suffix(path, ".lua")
                   || (S_ISREG(st.st_mode) && ngxl_cli_is_elf(path)))
        {
            ngxl_vec_push(other, path);

        } else {
            free(path);
        }
    }

    ngxl_vec_free(&names);
}


static int
ngxl_cli_included(ngxl_vec_t *confs, const char *path)
{
    size_t        i, k;
    ngxl_conf_t  *conf;
    ngxl_inst_t  *in;

    for (i = 0; i < confs->n; i++) {
        conf = confs->elts[i];

        for (k = 0; k < conf->insts.n; k++) {
            in = conf->insts.elts[k];

            if (in->included_by && strcmp(in->file->path, path) == 0) {
                return 1;
            }
        }
    }

    return 0;
}


static int
ngxl_cli_not_yet(const char *what, const char *path)
{
    fprintf(stderr, "ngxlint: %s: %s checks are not in this build yet\n",
            path, what);
    return NGXL_EXIT_ERROR;
}


static int
ngxl_cli_check(ngxl_cli_t *cli, int detect)
{
    int               rc, status;
    size_t            i, k, nuse;
    ngxl_buf_t        dump;
    ngxl_vec_t        confs, configs, other, dirconfs;
    ngxl_diags_t      ds, dirds;
    struct stat       st;
    const char       *path;
    ngxl_conf_opts_t  co;
    ngxl_rule_use_t  *use;

    if (cli->paths.n == 0 && cli->from_dump == NULL) {
        fprintf(stderr, "ngxlint: no input (try \"ngxlint --help\")\n");
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_cli_rules(cli, &use, &nuse) != NGXL_OK) {
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_cli_version(cli) != NGXL_OK) {
        free(use);
        return NGXL_EXIT_ERROR;
    }

    ngxl_buf_init(&dump);

    if (ngxl_cli_conf_opts(cli, &co, &dump) != NGXL_OK) {
        free(use);
        return NGXL_EXIT_ERROR;
    }

    memset(&confs, 0, sizeof(ngxl_vec_t));
    status = NGXL_EXIT_OK;

    if (cli->fix || cli->write) {
        if (cli->from_dump) {
            fprintf(stderr, "ngxlint: --fix and --write need the files "
                    "themselves, not a dump\n");
            status = NGXL_EXIT_ERROR;
            goto fixed;
        }

        for (i = 0; i < cli->paths.n; i++) {
            rc = ngxl_cli_fix_one(cli, cli->paths.elts[i], &co, use, nuse);

            if (rc > status) {
                status = rc;
            }
        }

        if (cli->fix || status == NGXL_EXIT_ERROR) {
            goto fixed;
        }

        /* --write: what is left to report, from the files as written */
    }

    ngxl_diags_init(&ds);

    if (cli->from_dump && cli->paths.n == 0) {
        if (ngxl_cli_conf_one(cli, NULL, &co, use, nuse, &ds, &confs)
            != NGXL_OK)
        {
            status = NGXL_EXIT_ERROR;
        }
    }

    for (i = 0; i < cli->paths.n; i++) {
        path = cli->paths.elts[i];

        if (!detect || cli->from_dump) {
            if (ngxl_cli_conf_one(cli, path, &co, use, nuse, &ds, &confs)
                != NGXL_OK)
            {
                status = NGXL_EXIT_ERROR;
            }
            continue;
        }

        if (stat(path, &st) == -1) {
            fprintf(stderr, "ngxlint: %s: %s\n", path, strerror(errno));
            status = NGXL_EXIT_ERROR;
            continue;
        }

        if (S_ISDIR(st.st_mode)) {
            /*
             * every config file of the tree, each checked as a main
             * configuration unless another one includes it
             */

            memset(&configs, 0, sizeof(ngxl_vec_t));
            memset(&other, 0, sizeof(ngxl_vec_t));
            memset(&dirconfs, 0, sizeof(ngxl_vec_t));

            ngxl_cli_walk(path, &configs, &other, 0);

            for (k = 0; k < other.n; k++) {
                status = ngxl_cli_not_yet(ngxl_cli_has_suffix(other.elts[k],
                                          ".lua") ? "Lua" : "binary",
                                          other.elts[k]);
                free(other.elts[k]);
            }

            ngxl_vec_free(&other);

            for (k = 0; k < configs.n; k++) {
                ngxl_diags_init(&dirds);

                rc = ngxl_cli_conf_one(cli, configs.elts[k], &co, use, nuse,
                                       &dirds, &dirconfs);
                ngxl_diags_free(&dirds);

                if (rc != NGXL_OK) {
                    status = NGXL_EXIT_ERROR;
                }
            }

            for (k = 0; k < configs.n; k++) {
                if (!ngxl_cli_included(&dirconfs, configs.elts[k])) {
                    ngxl_cli_conf_one(cli, configs.elts[k], &co, use, nuse,
                                      &ds, &confs);
                }
            }

            for (k = 0; k < dirconfs.n; k++) {
                ngxl_conf_free(dirconfs.elts[k]);
                free(dirconfs.elts[k]);
            }

            for (k = 0; k < configs.n; k++) {
                free(configs.elts[k]);
            }

            ngxl_vec_free(&dirconfs);
            ngxl_vec_free(&configs);
            continue;
        }

        if (ngxl_cli_has_suffix(path, ".lua")) {
            status = ngxl_cli_not_yet("Lua", path);
            continue;
        }

        if (ngxl_cli_is_elf(path)) {
            status = ngxl_cli_not_yet("binary", path);
            continue;
        }

        if (ngxl_cli_conf_one(cli, path, &co, use, nuse, &ds, &confs)
            != NGXL_OK)
        {
            status = NGXL_EXIT_ERROR;
        }
    }

    rc = ngxl_cli_report(cli, &ds, status != NGXL_EXIT_OK);

    if (status == NGXL_EXIT_OK) {
        status = rc;
    }

    ngxl_diags_free(&ds);

    for (i = 0; i < confs.n; i++) {
        ngxl_conf_free(confs.elts[i]);
        free(confs.elts[i]);
    }

    ngxl_vec_free(&confs);

fixed:

    ngxl_buf_free(&dump);
    free(use);

    return status;
}


/* jansson's output, gathered into 64 KiB writes (a call of 0 flushes) */

static int
ngxl_cli_sink(const char *p, size_t n, void *data)
{
    ngxl_buf_t  *b;

    b = data;

    if (n) {
        ngxl_buf_add(b, p, n);
    }

    if (b->len >= 65536 || (n == 0 && b->len)) {
        if (fwrite(b->data, 1, b->len, stdout) != b->len) {
            return -1;
        }
        b->len = 0;
    }

    return 0;
}


static int
ngxl_cli_parse_cmd(ngxl_cli_t *cli)
{
    int                 rc;
    json_t             *payload;
    ngxl_buf_t          sink;
    ngxl_buf_t          dump;
    ngxl_conf_t         conf;
    ngxl_xp_opts_t      xo;
    ngxl_conf_opts_t    co;
    const ngxl_cerr_t  *e;

    if (cli->paths.n != 1 && !(cli->paths.n == 0 && cli->from_dump)) {
        fprintf(stderr, "ngxlint: parse takes one configuration file\n");
        return NGXL_EXIT_ERROR;
    }

    ngxl_buf_init(&dump);

    if (ngxl_cli_conf_opts(cli, &co, &dump) != NGXL_OK) {
        return NGXL_EXIT_ERROR;
    }

    if (ngxl_conf_parse(&conf, cli->paths.n ? cli->paths.elts[0] : NULL,
                        &co)
        != NGXL_OK)
    {
        e = ngxl_conf_first_error(&conf, NGXL_CERR_INCLUDE);
        fprintf(stderr, "ngxlint: %s\n", e ? e->msg : "cannot read input");
        ngxl_conf_free(&conf);
        ngxl_buf_free(&dump);
        return NGXL_EXIT_ERROR;
    }

    memset(&xo, 0, sizeof(ngxl_xp_opts_t));
    xo.comments = cli->comments;
    xo.combine = cli->combine;
    xo.strict = cli->strict;
    xo.single = cli->single_file;
    xo.ignore = (const char **) cli->ignore.elts;
    xo.nignore = cli->ignore.n;

    ngxl_json_arena_begin();

    payload = ngxl_conf_crossplane(&conf, &xo);

    /* streamed: no copy of a document that can be tens of megabytes */
    ngxl_buf_init(&sink);

    if (json_dump_callback(payload, ngxl_cli_sink, &sink,
                           JSON_PRESERVE_ORDER
                           | (cli->indent > 0 ? JSON_INDENT(cli->indent)
                                              : JSON_COMPACT))
        != 0
        || ngxl_cli_sink("", 0, &sink) != 0)
    {
        fprintf(stderr, "ngxlint: writing the JSON: %s\n", strerror(errno));
        rc = NGXL_EXIT_ERROR;

    } else {
        rc = strcmp(json_string_value(json_object_get(payload, "status")),
                    "ok") == 0 ? NGXL_EXIT_OK : NGXL_EXIT_FINDINGS;
    }

    ngxl_buf_free(&sink);
    putchar('\n');
    fflush(stdout);

    json_decref(payload);
    ngxl_json_arena_end();
    ngxl_conf_free(&conf);
    ngxl_buf_free(&dump);

    return rc;
}


static int
ngxl_cli_list_rules(void)
{
    size_t  i;

    for (i = 0; ngxl_rules[i]; i++) {
        printf("%-30s %-8s %s\n", ngxl_rules[i]->id,
               ngxl_severity_name(ngxl_rules[i]->severity),
               ngxl_rules[i]->summary);
    }

    return NGXL_EXIT_OK;
}


static int
ngxl_cli_explain(ngxl_cli_t *cli)
{
    const char  *doc;

    if (cli->paths.n != 1) {
        fprintf(stderr, "ngxlint: explain takes one rule id "
                "(see \"ngxlint rules\")\n");
        return NGXL_EXIT_ERROR;
    }

    doc = ngxl_rule_doc(cli->paths.elts[0]);

    if (doc == NULL) {
        fprintf(stderr, "ngxlint: unknown rule \"%s\" (see "
                "\"ngxlint rules\")\n", (char *) cli->paths.elts[0]);
        return NGXL_EXIT_ERROR;
    }

    fputs(doc, stdout);

    return NGXL_EXIT_OK;
}


int
main(int argc, char **argv)
{
    int         rc;
    ngxl_cli_t  cli;

    memset(&cli, 0, sizeof(ngxl_cli_t));

    if (ngxl_cli_parse(&cli, argc, argv) != NGXL_OK) {
        rc = NGXL_EXIT_ERROR;

    } else if (cli.cmd == NULL) {
        rc = ngxl_cli_check(&cli, 1);

    } else if (strcmp(cli.cmd, "conf") == 0) {
        rc = ngxl_cli_check(&cli, 0);

    } else if (strcmp(cli.cmd, "parse") == 0) {
        rc = ngxl_cli_parse_cmd(&cli);

    } else if (strcmp(cli.cmd, "rules") == 0) {
        rc = ngxl_cli_list_rules();

    } else if (strcmp(cli.cmd, "explain") == 0) {
        rc = ngxl_cli_explain(&cli);

    } else {
        fprintf(stderr, "ngxlint: \"%s\" is not in this build yet\n",
                cli.cmd);
        rc = NGXL_EXIT_ERROR;
    }

    ngxl_vec_free(&cli.enable);
    ngxl_vec_free(&cli.disable);
    ngxl_vec_free(&cli.ignore);
    ngxl_vec_free(&cli.paths);

    return rc;
}
