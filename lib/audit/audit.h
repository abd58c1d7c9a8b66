/*
 * ngxlint: the audit of the nginx masters running on this host, read-only.
 *
 *   audit.c    the masters and their workers (/proc), and for each: its
 *              binary (/proc/PID/exe), root, configuration; its Lua checks
 *   proc.c     titles and their arguments, where nginx found its
 *              configuration (ngx_process_options()), fds' socket inodes
 *   root.c     reading inside another root (a container's /proc/PID/root):
 *              its configuration and its Lua, in a chroot()ed child
 *   dest.c     where a configuration sends connections: each upstream's
 *              servers, the pass directives with an address of their own;
 *              and where its var_index_status is served
 *   tcp.c      the TCP table: NETLINK_SOCK_DIAG, or /proc/PID/net/tcp{,6};
 *              and snmp's ActiveOpens
 *   sample.c   the workers' connections, sampled: opened, kept, gone, and
 *              TIME_WAIT toward the same servers
 *   status.c   var_index_status over HTTP/1.0, on loopback only
 *
 * Nothing here signals, writes to, or changes another process: /proc and
 * files are read, the kernel's socket table is queried, and the only
 * traffic is a GET on loopback to the status location, at the start and
 * at the end of the sample.  Children (a chroot(), a setns()) are this
 * process's own, read only, and are waited for with a bound.
 */

#ifndef NGXL_AUDIT_H
#define NGXL_AUDIT_H

#include <sys/types.h>

#include "../check.h"


typedef struct ngxl_audit_s  ngxl_audit_t;


/* a TCP endpoint; an IPv4-mapped IPv6 address is kept as IPv4 */

typedef struct {
    uint8_t              v6;
    uint8_t              addr[16];      /* IPv4: the first 4 bytes       */
    uint16_t             port;
} ngxl_ep_t;

int ngxl_ep_eq(const ngxl_ep_t *a, const ngxl_ep_t *b);
int ngxl_ep_loopback(const ngxl_ep_t *ep);
/* "127.0.0.1:8080", "[::1]:8080" into BUF */
char *ngxl_ep_text(const ngxl_ep_t *ep, char *buf, size_t len);
/* an address literal ("10.0.0.1", "::1", "[::1]") into EP (port kept) */
int ngxl_ep_parse_addr(const char *s, size_t len, ngxl_ep_t *ep);


/* what the samples showed of the connections to one destination */

typedef struct {
    unsigned             seen;          /* distinct connections           */
    unsigned             opened;        /* first seen after sample 0      */
    unsigned             gone;          /* last seen before the last one  */
    unsigned             kept;          /* seen in every sample           */
    unsigned             once;          /* opened, seen in one sample (not
                                           the last): short-lived        */
    unsigned             single;        /* opened, sent one request only:
                                           seen once, or never sending
                                           again while seen (tcp_info)   */
    unsigned             sightings;     /* connections x samples          */
    unsigned             carried;       /* ... already there the sample
                                           before                        */
    unsigned             intervals;     /* intervals with new ones        */
    unsigned             first_new;     /* the samples of the first and   */
    unsigned             last_new;      /* the last new one               */
    unsigned             most;          /* most at once                   */
    unsigned             by_fd;         /* told ours by a worker's fd     */
    unsigned             by_addr;       /* ... by address and uid only    */
    unsigned             tw_most;       /* TIME_WAIT toward the servers   */
    unsigned             tw_new;        /* new TIME_WAIT entries          */
    double               share;         /* of the short-lived ones no fd
                                           or address alone placed       */
    double               estimate;      /* opened, estimated from the
                                           namespace's ActiveOpens; < 0:
                                           none                          */
} ngxl_audit_flow_t;


#define NGXL_DEST_UPSTREAM  0           /* upstream NAME { server ...; }  */
#define NGXL_DEST_PASS      1           /* proxy_pass http://10.0.0.1:80; */
#define NGXL_DEST_OTHER     2           /* an address no directive names  */
#define NGXL_DEST_STREAM    3           /* stream proxying: never kept    */

typedef struct {
    int                  kind;          /* NGXL_DEST_*                    */
    const ngxl_dir_t    *dir;           /* upstream or pass; NULL: OTHER  */
    const char          *name;          /* "backend", "127.0.0.1:8080"    */
    ngxl_vec_t           servers;       /* ngxl_ep_t *                    */
    ngxl_vec_t           unresolved;    /* char *: names not in /etc/hosts */
    unsigned             keepalive:1;   /* configured to keep connections */
    ngxl_audit_flow_t    flow;
} ngxl_audit_dest_t;


typedef struct {
    char                *name;          /* without "$"                    */
    uint64_t             count;         /* as the module counts them      */
    uint64_t             during;        /* during the sample              */
    unsigned             rate_known:1;
} ngxl_audit_miss_t;


struct ngxl_audit_s {
    pid_t                pid;
    char                *title;         /* the process title              */
    char                *exe;           /* what /proc/PID/exe names       */
    unsigned             exe_deleted:1; /* replaced on disk since         */
    char                *bin_label;     /* the binary, as findings name it */
    ngxl_binary_t       *bin;           /* NULL: not read                 */
    ngxl_version_t       version;       /* major 0: unknown               */
    char                 version_source[96];

    char                *root;          /* "/proc/PID/root" when it is not
                                           ours (a container), or NULL    */
    char                *prefix;        /* nginx's prefix, with "/"       */
    char                *conf_path;     /* as nginx names it              */
    const char          *conf_how;      /* "-c", "--conf-path", ...       */
    ngxl_conf_t         *conf;          /* NULL: not read                 */
    ngxl_model_t         model;         /* of conf                        */
    void                *lua;           /* ngxl_lua_project_t *, if read  */

    pid_t               *workers;       /* the master's children          */
    size_t               nworkers;
    uid_t                worker_uid;
    unsigned             worker_uid_known:1;
    unsigned             fds_unreadable:1;
    unsigned             net_unreadable:1;
    unsigned             workers_changed:1;
    unsigned             netlink:1;     /* its table came from netlink    */

    ngxl_vec_t           dests;         /* ngxl_audit_dest_t *            */
    unsigned             samples;
    double               seconds;       /* from the first sample to the last */
    double               active_opens;  /* the namespace's, per second; <0 */

    /* var_index_status */
    char                *status_url;
    char                *status_host;   /* the Host header                */
    const ngxl_dir_t    *status_dir;    /* var_index_status, if found     */
    unsigned             status_read:1;
    size_t               nindexed;
    ngxl_vec_t           misses;        /* ngxl_audit_miss_t *, most first */
    uint64_t             other_misses;  /* the module's "other"           */

    ngxl_vec_t           problems;      /* char *: what could not be read */
    ngxl_pool_t         *pool;          /* the host's                     */
    void                *priv;          /* the sampler's                  */
};


typedef struct {
    const char          *proc;          /* "/proc" (tests: another tree)  */
    double               seconds;       /* --sample, default 2            */
    const char          *status_url;    /* --status-url, or NULL          */
    ngxl_vec_t           debug_dirs;    /* for the binaries' debug files  */
    ngxl_version_t       fallback;      /* when a binary cannot be read   */
} ngxl_audit_opts_t;


typedef struct {
    ngxl_pool_t          pool;
    char                *hostname;
    ngxl_vec_t           masters;       /* ngxl_audit_t *                 */
    ngxl_vec_t           problems;      /* char *: host-wide              */
    const ngxl_audit_opts_t *opts;
    void                *priv;
} ngxl_audit_host_t;


/*
 * Checks a --status-url: http://HOST[:PORT]/PATH where HOST is 127.x.x.x,
 * [::1] or localhost.  NGXL_ERROR with the reason in ERR otherwise.
 */
int ngxl_audit_url_check(const char *url, char *err, size_t len);

/*
 * Finds the nginx masters of the host (under opts->proc) and reads, for
 * each, what it runs: its binary, its configuration (and that
 * configuration's destinations and status location).  NGXL_ERROR only
 * when the process table itself cannot be read (h->problems says why).
 */
int ngxl_audit_scan(ngxl_audit_host_t *h, const ngxl_audit_opts_t *opts);

/* samples the masters' connections for opts->seconds, reads the status */
void ngxl_audit_sample(ngxl_audit_host_t *h);

/*
 * Whether F, sampled from A's workers, is sustained turnover: at least 3
 * new connections, in two intervals or more spread over a third of the
 * sample or more, most of them used for one request only.
 */
int ngxl_audit_churns(const ngxl_audit_t *a, const ngxl_audit_flow_t *f);

/*
 * Runs the Lua rules of USE over A's configuration and the Lua it names,
 * read in A's root (a chroot()ed child when that is another one).
 */
void ngxl_audit_check_lua(ngxl_audit_t *a, const ngxl_rule_use_t *use,
    size_t nuse, const ngxl_check_opts_t *opts, ngxl_diags_t *ds);

void ngxl_audit_host_free(ngxl_audit_host_t *h);


/* the parts, for their own tests */

/* the title's arguments, split: "nginx: master process /usr/sbin/nginx
   -c /etc/nginx/nginx.conf" gives argv[0] and the -c, -p values */
typedef struct {
    char                *argv0;
    char                *conf;          /* -c, or NULL                    */
    char                *prefix;        /* -p, or NULL                    */
} ngxl_audit_args_t;

int ngxl_audit_is_master(const char *title);
void ngxl_audit_args(ngxl_pool_t *pool, const char *title,
    ngxl_audit_args_t *args);

/* --prefix= and --conf-path= of a configure string (NULL: not there) */
char *ngxl_audit_configure_opt(ngxl_pool_t *pool, const char *configure,
    const char *name);

/*
 * Where nginx found its configuration (ngx_process_options()): PREFIX and
 * CONF from the command line, else the configure string's, else nginx's
 * defaults; CWD for a relative prefix.  Sets a->prefix, a->conf_path and
 * a->conf_how.
 */
void ngxl_audit_conf_path(ngxl_audit_t *a, const ngxl_audit_args_t *args,
    const char *configure, const char *cwd);

/* one line of /proc/net/tcp or tcp6 */
typedef struct {
    ngxl_ep_t            local;
    ngxl_ep_t            remote;
    unsigned             state;         /* the kernel's TCP_* numbers     */
    uid_t                uid;
    uint64_t             inode;
    uint32_t             data_out;      /* data segments sent (tcp_info) */
    unsigned             data_known:1;  /* ... when netlink gave it      */
} ngxl_tcp_entry_t;

#define NGXL_TCP_ESTABLISHED  1
#define NGXL_TCP_SYN_SENT     2
#define NGXL_TCP_TIME_WAIT    6
#define NGXL_TCP_CLOSE        7
#define NGXL_TCP_LISTEN       10

int ngxl_tcp_parse_line(const char *line, size_t len, int v6,
    ngxl_tcp_entry_t *e);

/* Tcp: ActiveOpens of a /proc/net/snmp text; NGXL_ERROR if absent */
int ngxl_tcp_active_opens(const char *snmp, size_t len, uint64_t *n);

/* the destinations of A's configuration (A->conf, A->model), and its
   status location; ROOT for /etc/hosts (NULL: this host's) */
void ngxl_audit_dests(ngxl_audit_t *a, const char *hosts, size_t hosts_len);
void ngxl_audit_status_find(ngxl_audit_t *a);

/* {"indexed":[...],"misses":{"name":count}} into A's misses */
int ngxl_audit_status_parse(ngxl_audit_t *a, const char *body, size_t len,
    int second, char *err, size_t errlen);

#endif /* NGXL_AUDIT_H */
