/*
 * ngxlint: what the parts of lib/audit share among themselves.
 */

#ifndef NGXL_AUDIT_INTERNAL_H
#define NGXL_AUDIT_INTERNAL_H

#include "audit.h"


/* bounds: nothing a host holds makes a loop here run unbounded */
#define NGXL_AUDIT_MAX_PROCS     (1u << 22)    /* pid_max's ceiling       */
#define NGXL_AUDIT_MAX_FDS       (1u << 20)    /* per process             */
#define NGXL_AUDIT_MAX_TCP       (1u << 22)    /* lines of a tcp table    */
#define NGXL_AUDIT_MAX_CONNS     (1u << 21)    /* connections followed    */
#define NGXL_AUDIT_MAX_SAMPLES   2000
#define NGXL_AUDIT_MAX_SECONDS   600
#define NGXL_AUDIT_MAX_BODY      (8u << 20)    /* a status response       */
#define NGXL_AUDIT_MAX_PROCFILE  (64u << 20)   /* one /proc file read     */


/* a map of 64-bit keys (socket inodes; 0 is no key) to ints */

typedef struct {
    uint64_t            *keys;
    int32_t             *vals;
    size_t               n;
    size_t               cap;           /* a power of two, or 0           */
} ngxl_imap_t;

int32_t *ngxl_imap_get(const ngxl_imap_t *m, uint64_t key);
void ngxl_imap_put(ngxl_imap_t *m, uint64_t key, int32_t val);
void ngxl_imap_free(ngxl_imap_t *m);


/* proc.c */

/* reads a /proc file into OUT (len 0 first, kept allocated): NGXL_ERROR
   with errno set */
int ngxl_audit_read(const char *path, size_t max, ngxl_buf_t *out);

/* OWNERS[inode] = OWNER for the socket fds of PID; NGXL_ERROR with errno
   when its fd directory cannot be read */
int ngxl_audit_fd_inodes(const char *proc, pid_t pid, ngxl_imap_t *owners,
    int32_t owner);

/* adds "MSG" (printf) to A's problems */
void ngxl_audit_problem(ngxl_audit_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


/* tcp.c */

typedef struct {
    ngxl_tcp_entry_t    *e;
    size_t               n;
    size_t               cap;
} ngxl_tcp_table_t;

/* DIR/tcp and DIR/tcp6 ("/proc/PID/net") into T; NGXL_ERROR with errno
   when DIR/tcp cannot be read (tcp6 may be absent) */
int ngxl_tcp_table_read(ngxl_tcp_table_t *t, const char *dir,
    ngxl_buf_t *scratch);
void ngxl_tcp_table_free(ngxl_tcp_table_t *t);

/* a NETLINK_SOCK_DIAG socket for NETNS (NULL: this process's); -1 */
int ngxl_sockdiag_open(const char *netns, char *err, size_t errlen);

/* appends the TCP sockets (IPv4, IPv6) in STATES (1 << TCP_*) to T */
int ngxl_sockdiag_read(int fd, uint32_t states, ngxl_tcp_table_t *t,
    ngxl_buf_t *scratch);


/* root.c */

/*
 * Runs FN(ARG, OUT) in a child process whose root is ROOT (chroot(), in a
 * new user namespace when that is the only way allowed), and gives its
 * OUT back.  TIMEOUT_MS bounds the wait (the child is then killed).
 */
int ngxl_audit_in_root(const char *root, int (*fn)(void *arg, ngxl_buf_t *out),
    void *arg, ngxl_buf_t *out, int timeout_ms, char *err, size_t errlen);

/* reads A's configuration in A->root: `nginx -T` text into DUMP */
int ngxl_audit_conf_dump(ngxl_audit_t *a, ngxl_buf_t *dump, char *err,
    size_t errlen);

/* findings and their sources as JSON, and back (the child's report) */
void ngxl_audit_diags_save(const ngxl_diags_t *ds, const ngxl_vec_t *problems,
    ngxl_buf_t *out);
int ngxl_audit_diags_load(ngxl_diags_t *ds, ngxl_audit_t *a, const char *data,
    size_t len);


/* status.c */

/* URL into EP, PATH and HOST (pool copies); loopback only */
int ngxl_audit_url_parse(ngxl_pool_t *pool, const char *url, ngxl_ep_t *ep,
    char **path, char **host, char *err, size_t errlen);

/* GET PATH from EP: the 200 response's body into BODY */
int ngxl_audit_http_get(const ngxl_ep_t *ep, const char *path,
    const char *host, int timeout_ms, ngxl_buf_t *body, char *err,
    size_t errlen);

/* reads A's status (A->status_url), from NETNS when not NULL (setns() in
   a child: the endpoint is in another network namespace); SECOND: the
   read at the end of the sample */
void ngxl_audit_status_read(ngxl_audit_t *a, const char *netns, int second);

#endif /* NGXL_AUDIT_INTERNAL_H */
