/*
 * ngxlint: which nginx version a configuration is for, from `nginx -v`.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"


extern char  **environ;


int
ngxl_version_of_binary(const char *bin, ngxl_version_t *v)
{
    int                          fd[2], status, rc;
    char                         buf[512], *p, *e;
    pid_t                        pid;
    size_t                       len;
    ssize_t                      n;
    posix_spawn_file_actions_t   fa;
    char                        *argv[3];

    if (pipe(fd) == -1) {
        return NGXL_ERROR;
    }

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);

    argv[0] = (char *) bin;
    argv[1] = (char *) "-v";
    argv[2] = NULL;

    rc = strchr(bin, '/') ? posix_spawn(&pid, bin, &fa, NULL, argv, environ)
                          : posix_spawnp(&pid, bin, &fa, NULL, argv, environ);

    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);

    if (rc != 0) {
        close(fd[0]);
        return NGXL_ERROR;
    }

    len = 0;

    while (len < sizeof(buf) - 1) {
        n = read(fd[0], buf + len, sizeof(buf) - 1 - len);

        if (n == -1 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            break;
        }

        len += (size_t) n;
    }

    buf[len] = '\0';
    close(fd[0]);

    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
        /* void */
    }

    /* "nginx version: nginx/1.22.1", "... openresty/1.21.4.1" */

    p = strstr(buf, "version: ");
    if (p == NULL) {
        return NGXL_ERROR;
    }

    p = strchr(p, '/');
    if (p == NULL) {
        return NGXL_ERROR;
    }

    p++;

    for (e = p; (*e >= '0' && *e <= '9') || *e == '.'; e++) { /* void */ }
    *e = '\0';

    /* OpenResty's fourth number is its own */
    e = p;
    for (rc = 0; *e; e++) {
        if (*e == '.' && ++rc == 3) {
            *e = '\0';
            break;
        }
    }

    return ngxl_version_parse(p, v);
}
