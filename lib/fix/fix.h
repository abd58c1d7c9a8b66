/*
 * ngxlint: applying fixes: to a fixed point, checked, and written safely.
 */

#ifndef NGXL_FIX_FIX_H
#define NGXL_FIX_FIX_H

#include "../check.h"


typedef struct {
    char            *path;       /* as the configuration names it         */
    char            *orig;       /* the bytes as first read               */
    size_t           orig_len;
    char            *data;       /* the bytes after the fixes             */
    size_t           len;
} ngxl_fix_file_t;


typedef struct {
    ngxl_vec_t       files;      /* ngxl_fix_file_t *, those that change  */
    ngxl_vec_t       dirs;       /* char *: the directories of every file
                                    read, for ngxl_fix_write()'s sweep    */
    size_t           swept;      /* temporary files of killed runs removed */
    size_t           applied;    /* edits applied in all                  */
    size_t           rounds;
    char             err[1024];
} ngxl_fix_t;


/*
 * Runs the rules in USE over the configuration PATH and applies their
 * fixes, then runs them again on the result, until no fix is left (fixes
 * can make others possible: a new keepalive upstream needs HTTP/1.1).
 * Refuses a configuration with syntax errors, and any result that does
 * not parse as cleanly as the original.  Nothing is written.
 */
int ngxl_fix_run(ngxl_fix_t *fx, const char *path,
    const ngxl_conf_opts_t *co, const ngxl_rule_use_t *use, size_t nuse,
    const ngxl_check_opts_t *ko);

void ngxl_fix_free(ngxl_fix_t *fx);

/*
 * First removes, from the directories of every file the configuration
 * read, the temporary files of an earlier run that was killed (its
 * process gone: fx->swept counts them).  Then writes the changed files:
 * each to a temporary file in its directory
 * (fsync, the original's mode and owner), after checking that no file
 * changed on disk since it was read, then renamed over the originals; a
 * failure at any step leaves every file as it was.  Symbolic links are
 * followed to the real file.  BACKUP, when not NULL, keeps each original
 * as PATH + BACKUP.
 */
int ngxl_fix_write(ngxl_fix_t *fx, const char *backup);

#endif /* NGXL_FIX_FIX_H */
