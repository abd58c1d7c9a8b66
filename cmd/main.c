/*
 * ngxlint: the command-line tool, a thin layer over lib/.
 *
 * It owns argv, stdout, stderr and exit codes:
 *   0  nothing at or above --fail-on
 *   1  findings at or above --fail-on
 *   2  a usage error, an unreadable input, or an internal error
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../rules/registry.h"


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
"  --baseline FILE     report only findings not in FILE (rule, file and\n"
"                      line content; with --update-baseline: save them)\n"
"  --no-config         ignore .ngxlint.conf (searched from the current\n"
"                      directory upwards)\n"
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
"Lua (lua):\n"
"  --list-accesses     print every ngx.var access found (json: accesses)\n"
"  --emit-index        print the directives that index the hot variables\n"
"  --dialect D         var_index (ngxlint's module) or kong\n"
"                      (lua_kong_load_var_index; the default when used)\n"
"  --hot-threshold N   a variable scoring N or more is a warning (2)\n"
"  --fix, --write      insert the directives into the main http {}\n"
"\n"
"audit (the running nginx masters of this host, read-only):\n"
"  --sample SECONDS    sample the workers' upstream connections this long\n"
"                      (default 2)\n"
"  --status-url URL    read var_index_status there (loopback only; default:\n"
"                      a location found in the configuration)\n"
"\n"
"binaries (bin):\n"
"  --list-cus          print each compilation unit's verdict (or, for\n"
"                      stripped code, the address ranges) instead\n"
"  --debug-dir DIR     where debug files are (DIR/.build-id/xx/... too)\n"
"  --debuginfod        also ask debuginfod-find (the network) for them\n"
"\n"
"C sources (src):\n"
"  -p, --prefix DIR    the build directory: compile_commands.json (CMake,\n"
"                      bear) or nginx's objs/Makefile\n"
"  -j, --jobs N        parse N translation units at a time (default: the\n"
"                      number of cores)\n"
"  --no-pch            no precompiled header for nginx's core headers\n"
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
    char  *end;

    enum {
        OPT_FORMAT = 256, OPT_FAIL_ON, OPT_ENABLE, OPT_DISABLE, OPT_COLOR,
        OPT_VERSION, OPT_CONTEXT, OPT_FROM_DUMP, OPT_STRICT, OPT_SINGLE,
        OPT_COMMENTS, OPT_COMBINE, OPT_IGNORE, OPT_INDENT, OPT_FIX,
        OPT_WRITE, OPT_BACKUP, OPT_KEEPALIVE, OPT_NGINX_VERSION, OPT_NGINX,
        OPT_LIST_CUS, OPT_DEBUG_DIR, OPT_DEBUGINFOD, OPT_LIST_ACCESSES,
        OPT_EMIT_INDEX, OPT_DIALECT, OPT_HOT_THRESHOLD, OPT_BASELINE,
        OPT_UPDATE_BASELINE, OPT_NO_CONFIG, OPT_SAMPLE, OPT_STATUS_URL,
        OPT_NO_PCH
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
        { "list-cus", no_argument, NULL, OPT_LIST_CUS },
        { "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
        { "debuginfod", no_argument, NULL, OPT_DEBUGINFOD },
        { "list-accesses", no_argument, NULL, OPT_LIST_ACCESSES },
        { "emit-index", no_argument, NULL, OPT_EMIT_INDEX },
        { "dialect", required_argument, NULL, OPT_DIALECT },
        { "hot-threshold", required_argument, NULL, OPT_HOT_THRESHOLD },
        { "baseline", required_argument, NULL, OPT_BASELINE },
        { "update-baseline", no_argument, NULL, OPT_UPDATE_BASELINE },
        { "no-config", no_argument, NULL, OPT_NO_CONFIG },
        { "sample", required_argument, NULL, OPT_SAMPLE },
        { "status-url", required_argument, NULL, OPT_STATUS_URL },
        { "jobs", required_argument, NULL, 'j' },
        { "no-pch", no_argument, NULL, OPT_NO_PCH },
        { "version", no_argument, NULL, OPT_VERSION },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };

    /* the defaults; .ngxlint.conf (read before) may have set some */
    if (!cli->configured) {
        cli->format = NGXL_FMT_TEXT;
        cli->fail_on = NGXL_SEV_WARNING;
        cli->keepalive = 32;
        cli->hot_threshold = 2;
    }

    cli->color = -1;
    cli->indent = -1;

    while ((c = getopt_long(argc, argv, "qp:hj:", longopts, NULL)) != -1) {

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

        case OPT_LIST_CUS:
            cli->list_cus = 1;
            break;

        case OPT_DEBUG_DIR:
            ngxl_vec_push(&cli->debug_dirs, optarg);
            break;

        case OPT_DEBUGINFOD:
            cli->debuginfod = 1;
            break;

        case OPT_BASELINE:
            cli->baseline = optarg;
            break;

        case OPT_UPDATE_BASELINE:
            cli->update_baseline = 1;
            break;

        case OPT_NO_CONFIG:
            break;              /* seen before the command line was read */

        case OPT_SAMPLE:
            cli->sample = strtod(optarg, &end);
            if (*end != '\0' || !(cli->sample >= 0.1 && cli->sample <= 600))
            {
                fprintf(stderr, "ngxlint: --sample takes 0.1 to 600 "
                        "seconds\n");
                return NGXL_ERROR;
            }
            break;

        case OPT_STATUS_URL:
            cli->status_url = optarg;
            break;

        case OPT_LIST_ACCESSES:
            cli->list_accesses = 1;
            break;

        case OPT_EMIT_INDEX:
            cli->emit_index = 1;
            break;

        case OPT_DIALECT:
            if (strcmp(optarg, "var_index") == 0) {
                cli->dialect = NGXL_DIALECT_VAR_INDEX;
            } else if (strcmp(optarg, "kong") == 0) {
                cli->dialect = NGXL_DIALECT_KONG;
            } else {
                fprintf(stderr, "ngxlint: unknown --dialect \"%s\" "
                        "(var_index, kong)\n", optarg);
                return NGXL_ERROR;
            }
            break;

        case OPT_HOT_THRESHOLD:
            cli->hot_threshold = (unsigned) strtoul(optarg, NULL, 10);
            if (cli->hot_threshold == 0) {
                fprintf(stderr, "ngxlint: --hot-threshold takes a number "
                        "from 1\n");
                return NGXL_ERROR;
            }
            break;

        case 'j':
            cli->jobs = (unsigned) strtoul(optarg, NULL, 10);
            if (cli->jobs == 0 || cli->jobs > 256) {
                fprintf(stderr, "ngxlint: --jobs takes 1 to 256\n");
                return NGXL_ERROR;
            }
            break;

        case OPT_NO_PCH:
            cli->no_pch = 1;
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

    if (cli->update_baseline && cli->baseline == NULL) {
        fprintf(stderr, "ngxlint: --update-baseline goes with --baseline "
                "FILE\n");
        return NGXL_ERROR;
    }

    if (cli->backup && !cli->write) {
        fprintf(stderr, "ngxlint: --backup goes with --write\n");
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


/* the nginx version rules follow: given, of a binary, or 1.22 */

int
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

int
ngxl_cli_rules(ngxl_cli_t *cli, ngxl_rule_use_t **use, size_t *nuse)
{
    size_t              i, k, n;
    int                 on;
    ngxl_rule_use_t    *u;
    const char         *id;

    for (k = 0; k < cli->enable.n + cli->disable.n + cli->severities.n; k++) {
        id = k < cli->enable.n ? cli->enable.elts[k]
             : k < cli->enable.n + cli->disable.n
             ? cli->disable.elts[k - cli->enable.n]
             : cli->severities.elts[k - cli->enable.n - cli->disable.n];

        if (k >= cli->enable.n + cli->disable.n
            && (k - cli->enable.n - cli->disable.n) % 2)
        {
            continue;           /* a severity, not a rule id */
        }

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

            /* .ngxlint.conf's "severity RULE LEVEL" */
            for (k = 0; k + 1 < cli->severities.n; k += 2) {
                if (strcmp(cli->severities.elts[k], ngxl_rules[i]->id) == 0) {
                    (void) ngxl_severity_parse(cli->severities.elts[k + 1],
                                               &u[*nuse].severity);
                }
            }

            (*nuse)++;
        }
    }

    *use = u;

    return NGXL_OK;
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
    size_t      i;
    ngxl_cli_t  cli;

    memset(&cli, 0, sizeof(ngxl_cli_t));

    cli.format = NGXL_FMT_TEXT;
    cli.fail_on = NGXL_SEV_WARNING;
    cli.keepalive = 32;
    cli.hot_threshold = 2;
    cli.configured = 1;

    if (ngxl_cli_config(&cli, argc, argv) != NGXL_OK) {
        rc = NGXL_EXIT_ERROR;

    } else if (ngxl_cli_parse(&cli, argc, argv) != NGXL_OK) {
        rc = NGXL_EXIT_ERROR;

    } else if (cli.cmd == NULL) {
        rc = ngxl_cli_check(&cli, NGXL_MODE_DETECT);

    } else if (strcmp(cli.cmd, "conf") == 0) {
        rc = ngxl_cli_check(&cli, NGXL_MODE_CONF);

    } else if (strcmp(cli.cmd, "bin") == 0) {
        rc = ngxl_cli_check(&cli, NGXL_MODE_BIN);

    } else if (strcmp(cli.cmd, "lua") == 0) {
        rc = ngxl_cli_lua(&cli);

    } else if (strcmp(cli.cmd, "audit") == 0) {
        rc = ngxl_cli_audit(&cli);

    } else if (strcmp(cli.cmd, "src") == 0) {
        rc = ngxl_cli_src(&cli);

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
    ngxl_vec_free(&cli.debug_dirs);
    ngxl_vec_free(&cli.binaries);
    ngxl_buf_free(&cli.cu_table);
    ngxl_vec_free(&cli.disable);
    ngxl_vec_free(&cli.ignore);
    ngxl_vec_free(&cli.paths);
    ngxl_vec_free(&cli.skip);
    ngxl_vec_free(&cli.severities);

    for (i = 0; i < cli.owned.n; i++) {
        free(cli.owned.elts[i]);
    }

    ngxl_vec_free(&cli.owned);

    return rc;
}
