/*
 * ngxlint fuzz support: a fuzz target reads the files of its own private
 * directory only.
 *
 * fuzz_tree writes its input as files into a private directory and reads
 * them as `ngxlint conf` does, includes followed from disk; fuzz_fix runs
 * `ngxlint lua --fix`, which reads the Lua files a configuration names
 * (*_by_lua_file, the modules of lua_package_path).  An input can name any
 * path ("../x.conf", "/etc/nginx/nginx.conf", a glob of /tmp), so what a
 * run read, and how much memory and time it took, depended on the
 * machine: one fuzz_tree input reached an unrelated 12 MB /tmp/big.conf
 * six times through a glob of "." and ".." (".*" matches both) and ran out
 * of memory (fixtures/fuzz/fuzz_tree/include-outside-tree-host-files.tree).
 *
 * Both are linked with --wrap=ngxl_read_file: a file whose real path is
 * not inside the private directory is refused as unreadable (EACCES),
 * which ngxlint reports like any file it cannot open.  Directories outside
 * are still listed (globs, the walk of a Lua search path); nothing outside
 * is read.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/base/base.h"
#include "common.h"


int __real_ngxl_read_file(const char *path, size_t max, ngxl_buf_t *out);
int __wrap_ngxl_read_file(const char *path, size_t max, ngxl_buf_t *out);


int
__wrap_ngxl_read_file(const char *path, size_t max, ngxl_buf_t *out)
{
    size_t       len;
    char         real[PATH_MAX];
    static char  root[PATH_MAX];

    /* the private directory is made once per process */

    if (root[0] == '\0'
        && (ngxl_fuzz_dir[0] == '\0' || realpath(ngxl_fuzz_dir, root) == NULL))
    {
        abort();
    }

    if (realpath(path, real) == NULL) {
        /* missing, or a loop of symlinks: the real call fails alike */
        return __real_ngxl_read_file(path, max, out);
    }

    len = strlen(root);

    if (strncmp(real, root, len) != 0 || real[len] != '/') {
        errno = EACCES;
        return NGXL_ERROR;
    }

    return __real_ngxl_read_file(path, max, out);
}
