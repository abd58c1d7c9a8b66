/*
 * ngxlint: the translation units of a build: a compilation database read
 * with libclang (CMake writes the "command" form, bear the "arguments"
 * form), or nginx's own objs/Makefile; and the arguments clang is given
 * for each.
 *
 * libclang ignores an entry's "directory": the arguments get
 * -working-directory instead of a chdir(), which the threads would share.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clang-c/CXCompilationDatabase.h>

#include "csrc.h"


#define NGXL_SRC_MAX_FILE   (64 * 1024 * 1024)
#define NGXL_SRC_EXPAND     16      /* Makefile variables within variables */
#define NGXL_SRC_MAX_CMD    (64 * 1024)  /* a compile command, expanded: nginx's
                                            own are a few KB; variables that
                                            double each other are not */
#define NGXL_SRC_MAX_EXPAND (8 * 1024 * 1024)  /* all of them: bytes made,
                                            and 16 a variable looked up */


char *
ngxl_src_abspath(ngxl_pool_t *pool, const char *dir, const char *path)
{
    char        cwd[PATH_MAX], *r, *s, *d;
    size_t      n;
    ngxl_buf_t  b;

    ngxl_buf_init(&b);

    if (path[0] != '/') {
        if (dir == NULL || dir[0] != '/') {
            if (getcwd(cwd, sizeof(cwd)) == NULL) {
                cwd[0] = '\0';
            }

            ngxl_buf_adds(&b, cwd);

            if (dir && *dir) {
                ngxl_buf_addc(&b, '/');
                ngxl_buf_adds(&b, dir);
            }

        } else {
            ngxl_buf_adds(&b, dir);
        }

        ngxl_buf_addc(&b, '/');
    }

    ngxl_buf_adds(&b, path);

    /* lexically: "//" and "/./" go, "/x/../" goes */

    r = ngxl_pnalloc(pool, b.len + 2);
    d = r;

    for (s = b.data; *s; /* void */) {
        if (*s == '/') {
            while (*s == '/') {
                s++;
            }

            if (s[0] == '.' && (s[1] == '/' || s[1] == '\0')) {
                s++;
                continue;
            }

            if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0')) {
                s += 2;

                while (d > r && *--d != '/') { /* void */ }

                continue;
            }

            *d++ = '/';
            continue;
        }

        n = strcspn(s, "/");
        memcpy(d, s, n);
        d += n;
        s += n;
    }

    if (d == r) {
        *d++ = '/';
    }

    *d = '\0';
    ngxl_buf_free(&b);

    return r;
}


static int
ngxl_src_suffix(const char *file, const char *const *exts)
{
    size_t  n, k;

    n = strlen(file);

    for (k = 0; exts[k]; k++) {
        if (n > strlen(exts[k])
            && strcmp(file + n - strlen(exts[k]), exts[k]) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static int
ngxl_src_is_c(const char *file)
{
    static const char  *c[] = { ".c", NULL };

    return ngxl_src_suffix(file, c);
}


static int
ngxl_src_is_cxx(const char *file)
{
    static const char  *cxx[] = { ".cc", ".cpp", ".cxx", ".c++", ".C", NULL };

    return ngxl_src_suffix(file, cxx);
}


/* 1 when CMD starts with a compiler launcher (ccache, distcc, sccache) */

static size_t
ngxl_src_launcher(char **cmd, size_t ncmd)
{
    const char  *base;

    if (ncmd < 2) {
        return 0;
    }

    base = strrchr(cmd[0], '/');
    base = base ? base + 1 : cmd[0];

    return strcmp(base, "ccache") == 0 || strcmp(base, "distcc") == 0
           || strcmp(base, "sccache") == 0;
}


/* the arguments clang gets: the command less what is not for parsing */

static void
ngxl_src_clang_args(ngxl_src_project_t *p, ngxl_src_tu_t *tu)
{
    size_t       i, n;
    char       **args;
    const char  *a;

    args = ngxl_palloc(&p->pool, (tu->ncmd + 8) * sizeof(char *));
    n = 0;

    /* the compiler, and a launcher before it (ccache gcc ...) */

    i = ngxl_src_launcher(tu->cmd, tu->ncmd) + 1;

    for ( /* void */ ; i < tu->ncmd; i++) {
        a = tu->cmd[i];

        if (strcmp(a, "-c") == 0 || strcmp(a, "-M") == 0
            || strcmp(a, "-MM") == 0 || strcmp(a, "-MD") == 0
            || strcmp(a, "-MMD") == 0 || strcmp(a, "-MP") == 0
            || strcmp(a, "-MG") == 0 || strcmp(a, "-pipe") == 0
            || strncmp(a, "-Werror", 7) == 0
            || strcmp(a, "-pedantic-errors") == 0
            || strncmp(a, "-fdiagnostics-color", 19) == 0)
        {
            continue;
        }

        if (strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0
            || strcmp(a, "-MT") == 0 || strcmp(a, "-MQ") == 0)
        {
            i++;
            continue;
        }

        if (strncmp(a, "-o", 2) == 0 || strncmp(a, "-MF", 3) == 0
            || strncmp(a, "-MT", 3) == 0 || strncmp(a, "-MQ", 3) == 0)
        {
            continue;
        }

        if (a[0] != '-'
            && (strcmp(a, tu->abs) == 0
                || strcmp(ngxl_src_abspath(&p->pool, tu->dir, a), tu->abs)
                   == 0))
        {
            continue;           /* the source: given separately */
        }

        args[n++] = (char *) a;
    }

    if (tu->dir) {
        args[n++] = "-working-directory";
        args[n++] = (char *) tu->dir;
    }

    args[n++] = "-ferror-limit=0";
    args[n++] = "-w";
    args[n++] = "-Qunused-arguments";

    tu->args = args;
    tu->nargs = n;
}


static ngxl_src_tu_t *
ngxl_src_tu_add(ngxl_src_project_t *p, ngxl_src_origin_t origin,
    const char *file, const char *raw, const char *dir, char **cmd,
    size_t ncmd)
{
    size_t          k;
    ngxl_src_tu_t  *tu;

    tu = ngxl_palloc(&p->pool, sizeof(ngxl_src_tu_t));
    ngxl_pool_init(&tu->pool);
    tu->origin = origin;
    tu->file = file;
    tu->name = file;
    tu->dir = dir;
    tu->abs = ngxl_src_abspath(&p->pool, dir, raw);
    tu->cmd = cmd;
    tu->ncmd = ncmd;
    tu->build_file = p->build_file;
    tu->parse = ngxl_src_is_c(file);

    k = ngxl_src_launcher(cmd, ncmd) + 1;

    if (ncmd > k) {
        ngxl_src_flags(&tu->flags, cmd + k, ncmd - k, &p->pool);
    }

    ngxl_src_clang_args(p, tu);
    ngxl_vec_push(&p->tus, tu);

    return tu;
}


/* the line of each entry's "file" in the database's text */

static void
ngxl_src_db_lines(ngxl_src_project_t *p, size_t first, const char *text)
{
    size_t          i, k, len;
    uint32_t        line;
    const char     *s, *q, *v, *bol;
    ngxl_buf_t      val;
    ngxl_src_tu_t  *tu;
    char           *abs;

    ngxl_buf_init(&val);
    line = 1;
    bol = text;
    k = first;

    for (s = text; *s; s++) {
        if (*s == '\n') {
            line++;
            bol = s + 1;
            continue;
        }

        if (strncmp(s, "\"file\"", 6) != 0) {
            continue;
        }

        for (q = s + 6; *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r';
             q++)
        { /* void */ }

        if (*q != ':') {
            continue;
        }

        for (q++; *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'; q++) {
            /* void */
        }

        if (*q != '"') {
            continue;
        }

        /* the JSON string, with its common escapes */

        val.len = 0;

        for (v = q + 1; *v && *v != '"'; v++) {
            if (*v == '\\' && v[1]) {
                v++;
            }

            ngxl_buf_addc(&val, *v);
        }

        ngxl_buf_addc(&val, '\0');
        len = strlen(val.data);

        /* entries are in order, mostly: look from the last match on */

        for (i = 0; i < p->tus.n - first; i++) {
            tu = p->tus.elts[first + (k - first + i) % (p->tus.n - first)];

            if (tu->build_line) {
                continue;
            }

            abs = ngxl_src_abspath(&p->pool, tu->dir, val.data);

            if ((strlen(tu->file) == len && strcmp(tu->file, val.data) == 0)
                || strcmp(abs, tu->abs) == 0)
            {
                tu->build_line = line;
                tu->build_col = (uint32_t) (s - bol) + 1;
                tu->build_end_col = (uint32_t) (v - bol) + 2;
                k = first + (k - first + i + 1) % (p->tus.n - first);
                break;
            }
        }
    }

    ngxl_buf_free(&val);
}


static void
ngxl_src_cmake_cache(ngxl_src_project_t *p, const char *dir)
{
    char        *path, *s, *e;
    ngxl_buf_t   text;

    path = ngxl_psprintf(&p->pool, "%s/CMakeCache.txt", dir);

    if (ngxl_read_file(path, NGXL_SRC_MAX_FILE, &text) != NGXL_OK) {
        return;
    }

    p->cmake = 1;
    s = strstr(text.data, "\nCMAKE_BUILD_TYPE:");

    if (s) {
        s = strchr(s, '=');

        if (s) {
            s++;
            e = s + strcspn(s, "\r\n");
            p->build_type = ngxl_pstrndup(&p->pool, s, (size_t) (e - s));
        }
    }

    ngxl_buf_free(&text);
}


/* compile_commands.json in DIR: NGXL_OK, NGXL_ERROR (unreadable), or 1
 * (there is none) */

int
ngxl_src_read_db(ngxl_src_project_t *p, const char *dir)
{
    size_t                          i, k, n, nargs, first;
    char                          **cmd, *wd;
    const char                     *file;
    struct stat                     st;
    ngxl_buf_t                      text;
    CXString                        s;
    CXCompileCommand                c;
    CXCompileCommands               cmds;
    CXCompilationDatabase           db;
    CXCompilationDatabase_Error     err;

    p->build_file = ngxl_psprintf(&p->pool, "%s/compile_commands.json", dir);

    if (stat(p->build_file, &st) == -1) {
        p->build_file = NULL;
        return 1;
    }

    db = clang_CompilationDatabase_fromDirectory(dir, &err);

    if (err != CXCompilationDatabase_NoError || db == NULL) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool,
                      "%s: libclang cannot read it as a compilation database",
                      p->build_file));
        return NGXL_ERROR;
    }

    p->build = NGXL_SRC_BUILD_DB;
    ngxl_src_cmake_cache(p, dir);

    cmds = clang_CompilationDatabase_getAllCompileCommands(db);
    n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
    first = p->tus.n;

    for (i = 0; i < n; i++) {
        c = clang_CompileCommands_getCommand(cmds, (unsigned) i);

        s = clang_CompileCommand_getFilename(c);
        file = ngxl_pstrndup(&p->pool, clang_getCString(s),
                             strlen(clang_getCString(s)));
        clang_disposeString(s);

        if (!ngxl_src_is_c(file) && !ngxl_src_is_cxx(file)) {
            continue;           /* assembly and the like: no -O matters */
        }

        nargs = clang_CompileCommand_getNumArgs(c);
        cmd = ngxl_palloc(&p->pool, (nargs + 1) * sizeof(char *));

        for (k = 0; k < nargs; k++) {
            s = clang_CompileCommand_getArg(c, (unsigned) k);
            cmd[k] = ngxl_pstrndup(&p->pool, clang_getCString(s),
                                   strlen(clang_getCString(s)));
            clang_disposeString(s);
        }

        s = clang_CompileCommand_getDirectory(c);
        wd = ngxl_src_abspath(&p->pool, NULL, clang_getCString(s));
        clang_disposeString(s);

        /* a relative "file" is the entry's directory's: shown absolute */

        (void) ngxl_src_tu_add(p, NGXL_SRC_FROM_DB,
                               file[0] == '/'
                               ? file : ngxl_src_abspath(&p->pool, wd, file),
                               file, wd, cmd, nargs);
    }

    if (cmds) {
        clang_CompileCommands_dispose(cmds);
    }

    clang_CompilationDatabase_dispose(db);

    if (ngxl_read_file(p->build_file, NGXL_SRC_MAX_FILE, &text) == NGXL_OK) {
        if (p->tus.n > first) {
            ngxl_src_db_lines(p, first, text.data);
        }

        ngxl_buf_free(&text);
    }

    if (p->tus.n == first) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool,
                      "%s: no C or C++ translation unit in it",
                      p->build_file));
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


/* nginx's objs/Makefile */

typedef struct {
    ngxl_hmap_t         vars;       /* name: char * (raw value)          */
    ngxl_pool_t        *pool;
    size_t              budget;     /* what expanding may still cost     */
} ngxl_src_make_t;


static int
ngxl_src_expand(ngxl_src_make_t *mk, const char *s, size_t len,
    ngxl_buf_t *out, int depth)
{
    char        close;
    size_t      i, k;
    const char *v;

    for (i = 0; i < len; i++) {
        if (out->len > NGXL_SRC_MAX_CMD) {
            return NGXL_ERROR;
        }

        if (s[i] != '$') {
            /* the text up to the next "$", at once */
            v = memchr(s + i, '$', len - i);
            k = v ? (size_t) (v - s) : len;

            if (k - i > mk->budget) {
                mk->budget = 0;
                return NGXL_ERROR;
            }

            mk->budget -= k - i;
            ngxl_buf_add(out, s + i, k - i);
            i = k - 1;
            continue;
        }

        if (i + 1 == len) {
            ngxl_buf_addc(out, '$');
            continue;
        }

        if (s[i + 1] == '$') {
            ngxl_buf_addc(out, '$');
            i++;
            continue;
        }

        if (s[i + 1] != '(' && s[i + 1] != '{') {
            i++;                /* $x: a one-letter variable, never ours */
            continue;
        }

        close = s[i + 1] == '(' ? ')' : '}';

        for (k = i + 2; k < len && s[k] != close; k++) { /* void */ }

        if (k == len) {
            ngxl_buf_add(out, s + i, len - i);
            return NGXL_OK;
        }

        if (mk->budget < 16) {
            mk->budget = 0;
            return NGXL_ERROR;
        }

        mk->budget -= 16;
        v = ngxl_hmap_get(&mk->vars, s + i + 2, k - i - 2);

        if (v && depth < NGXL_SRC_EXPAND
            && ngxl_src_expand(mk, v, strlen(v), out, depth + 1) != NGXL_OK)
        {
            return NGXL_ERROR;
        }

        i = k;
    }

    return out->len > NGXL_SRC_MAX_CMD ? NGXL_ERROR : NGXL_OK;
}


/* splits a command at white space; quotes group, and go */

static char **
ngxl_src_split(ngxl_pool_t *pool, const char *s, size_t *n)
{
    char        q, **argv;
    size_t      cap;
    ngxl_buf_t  w;

    cap = 16;
    argv = ngxl_palloc(pool, cap * sizeof(char *));
    *n = 0;
    ngxl_buf_init(&w);

    for ( ;; ) {
        while (*s == ' ' || *s == '\t') {
            s++;
        }

        if (*s == '\0') {
            break;
        }

        w.len = 0;

        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '\'' || *s == '"') {
                q = *s++;

                while (*s && *s != q) {
                    if (q == '"' && *s == '\\' && s[1]) {
                        s++;
                    }

                    ngxl_buf_addc(&w, *s++);
                }

                if (*s) {
                    s++;
                }

                continue;
            }

            if (*s == '\\' && s[1]) {
                s++;
            }

            ngxl_buf_addc(&w, *s++);
        }

        if (*n + 1 == cap) {
            char  **more;

            more = ngxl_palloc(pool, 2 * cap * sizeof(char *));
            memcpy(more, argv, cap * sizeof(char *));
            argv = more;
            cap *= 2;
        }

        argv[(*n)++] = ngxl_pstrndup(pool, w.data ? w.data : "", w.len);
    }

    ngxl_buf_free(&w);

    return argv;
}


static void
ngxl_src_configure(ngxl_src_project_t *p, const char *objs)
{
    char        *path, *s, *e;
    ngxl_buf_t   text;

    path = ngxl_psprintf(&p->pool, "%s/ngx_auto_config.h", objs);

    if (ngxl_read_file(path, NGXL_SRC_MAX_FILE, &text) != NGXL_OK) {
        return;
    }

    s = strstr(text.data, "#define NGX_CONFIGURE \"");

    if (s) {
        s += sizeof("#define NGX_CONFIGURE \"") - 1;
        e = strchr(s, '"');

        if (e) {
            while (s < e && *s == ' ') {
                s++;
            }

            p->configure = ngxl_pstrndup(&p->pool, s, (size_t) (e - s));
        }
    }

    ngxl_buf_free(&text);
}


/* objs/Makefile: OBJS is the objs directory; make runs in its parent */

int
ngxl_src_read_makefile(ngxl_src_project_t *p, const char *objs)
{
    char             *root, *s, *e, *name, **cmd, *file, *shown;
    size_t            i, n, len;
    uint32_t          line, start, col;
    ngxl_buf_t        text, logical, exp;
    ngxl_vec_t        lines, starts;
    ngxl_src_make_t   mk;
    ngxl_src_tu_t    *tu;
    const char       *v;

    p->build_file = ngxl_psprintf(&p->pool, "%s/Makefile", objs);

    if (ngxl_read_file(p->build_file, NGXL_SRC_MAX_FILE, &text) != NGXL_OK) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool, "%s: %s",
                      p->build_file, strerror(errno)));
        return NGXL_ERROR;
    }

    p->build = NGXL_SRC_BUILD_MAKEFILE;
    ngxl_src_configure(p, objs);

    len = strlen(objs);
    root = ngxl_pstrndup(&p->pool, objs, len);

    while (len > 1 && root[len - 1] == '/') {
        root[--len] = '\0';
    }

    e = strrchr(root, '/');

    if (e == NULL) {
        root = ".";

    } else if (e == root) {
        root[1] = '\0';

    } else {
        *e = '\0';
    }

    /* logical lines: "\" and a new line join, with the white space after */

    memset(&lines, 0, sizeof(ngxl_vec_t));
    memset(&starts, 0, sizeof(ngxl_vec_t));
    ngxl_buf_init(&logical);
    line = 1;
    start = 1;

    for (s = text.data; *s; s++) {
        if (s[0] == '\\' && s[1] == '\n') {
            s++;
            line++;
            ngxl_buf_addc(&logical, ' ');

            while (s[1] == ' ' || s[1] == '\t') {
                s++;
            }

            continue;
        }

        if (*s == '\n') {
            ngxl_vec_push(&lines, ngxl_pstrndup(&p->pool, logical.data
                                                ? logical.data : "",
                                                logical.len));
            ngxl_vec_push(&starts, (void *) (uintptr_t) start);
            logical.len = 0;
            line++;
            start = line;
            continue;
        }

        ngxl_buf_addc(&logical, *s);
    }

    ngxl_buf_free(&logical);
    ngxl_buf_free(&text);

    mk.pool = &p->pool;
    mk.budget = NGXL_SRC_MAX_EXPAND;
    ngxl_hmap_init(&mk.vars, 0);

    for (i = 0; i < lines.n; i++) {
        s = lines.elts[i];

        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
              || *s == '_'))
        {
            continue;
        }

        n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_");
        e = s + n;

        while (*e == ' ' || *e == '\t') {
            e++;
        }

        if (*e != '=') {
            continue;
        }

        name = ngxl_pstrndup(&p->pool, s, n);
        ngxl_hmap_put(&mk.vars, name, n, e + 1);

        if (strcmp(name, "CFLAGS") == 0) {
            p->cflags_line = (uint32_t) (uintptr_t) starts.elts[i];
        }
    }

    /* "\t$(CC) -c ... -o objs/x.o src/x.c" */

    ngxl_buf_init(&exp);

    for (i = 0; i < lines.n; i++) {
        s = lines.elts[i];

        if (s[0] != '\t') {
            continue;
        }

        for (s++; *s == ' ' || *s == '\t'; s++) { /* void */ }

        col = (uint32_t) (s - (char *) lines.elts[i]) + 1;

        if (strncmp(s, "$(CC)", 5) != 0 || strstr(s, " -c ") == NULL) {
            continue;
        }

        exp.len = 0;

        if (ngxl_src_expand(&mk, s, strlen(s), &exp, 0) != NGXL_OK) {
            if (mk.budget == 0) {
                ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool,
                              "%s:%u: the compile commands expand past %u "
                              "MB: this one and those after it left out",
                              p->build_file,
                              (unsigned) (uintptr_t) starts.elts[i],
                              NGXL_SRC_MAX_EXPAND / 1024 / 1024));
                break;
            }

            ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool,
                          "%s:%u: the compile command expands past %u KB: "
                          "left out", p->build_file,
                          (unsigned) (uintptr_t) starts.elts[i],
                          NGXL_SRC_MAX_CMD / 1024));
            continue;
        }

        ngxl_buf_addc(&exp, '\0');

        cmd = ngxl_src_split(&p->pool, exp.data, &n);
        file = NULL;

        for (len = n; len > 0; len--) {
            if (ngxl_src_is_c(cmd[len - 1]) || ngxl_src_is_cxx(cmd[len - 1])) {
                file = cmd[len - 1];
                break;
            }
        }

        if (file == NULL || n < 2) {
            continue;
        }

        v = file;
        shown = strcmp(root, ".") == 0 || v[0] == '/'
                ? (char *) v : ngxl_psprintf(&p->pool, "%s/%s", root, v);

        tu = ngxl_src_tu_add(p, NGXL_SRC_FROM_MAKEFILE, shown, v,
                             ngxl_src_abspath(&p->pool, NULL, root), cmd, n);
        /* the command's "$(CC)" */
        tu->build_line = (uint32_t) (uintptr_t) starts.elts[i];
        tu->build_col = col;
        tu->build_end_col = col + 5;
    }

    ngxl_buf_free(&exp);
    ngxl_hmap_free(&mk.vars);
    ngxl_vec_free(&lines);
    ngxl_vec_free(&starts);

    if (p->tus.n == 0) {
        ngxl_vec_push(&p->problems, ngxl_psprintf(&p->pool,
                      "%s: no compile rule in it", p->build_file));
        return NGXL_ERROR;
    }

    return NGXL_OK;
}
