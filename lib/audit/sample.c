/*
 * ngxlint: the workers' connections, sampled.
 *
 * Each sample reads the TCP table of every network namespace a master is
 * in (NETLINK_SOCK_DIAG, every state but TIME_WAIT; else /proc/PID/net/tcp
 * and tcp6), and the socket inodes of the workers' fds just before and,
 * when a connection is not known yet, just after.  A connection (a socket
 * inode) to a destination's server is a worker's when one of its fds
 * holds it, or, failing that (it closed in between, or the fds cannot be
 * read), when only one master sends to that address and the socket's
 * owner is that master's worker user.
 *
 * A connection kept alive is seen sample after sample; one opened per
 * request lives for about a request and is seen once, if at all.  So the
 * counts of connections new since the sample before, and of those still
 * there, tell a connection storm from a pool; connections opened and
 * closed between two samples are not seen at all, and the counts seen are
 * lower bounds.  The namespace's TCP ActiveOpens counter (connect()s) over
 * the same time gives the total, which is shared among the destinations
 * in proportion to their short-lived connections seen: an estimate.
 * TIME_WAIT entries toward a destination's servers are counted in the
 * first sample and once after the last; they exist only when this side
 * closed first, and carry no inode to tell whose they are.
 *
 * The samples come every 10 ms (or seconds / 200), and never take more
 * than half the time: on a busy host a table read is slow.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"


#define NGXL_SAMPLE_ENOUGH  10     /* samples to judge churn by          */
#define NGXL_SAMPLE_LIVE  (((1u << 13) - 2)                               \
                           & ~((1u << NGXL_TCP_TIME_WAIT)                  \
                               | (1u << NGXL_TCP_CLOSE)))


typedef struct ngxl_route_s  ngxl_route_t;

/* who sends to an address: every (master, destination) pair */
struct ngxl_route_s {
    ngxl_audit_t        *a;
    int32_t              master;
    ngxl_audit_dest_t   *d;
    size_t               di;            /* d's index in a->dests         */
    ngxl_route_t        *next;
};


typedef struct {
    uint64_t             ino;
    ngxl_ep_t            remote;
    int32_t              master;        /* -1: not a master's             */
    int32_t              net;
    ngxl_audit_dest_t   *dest;
    unsigned             first;
    unsigned             last;
    unsigned             n;
    uint32_t             data0;         /* data segments sent, first seen */
    unsigned             data_seen:1;   /* tcp_info came with it          */
    unsigned             reused:1;      /* it sent again: more requests   */
    unsigned             by_addr:1;
    unsigned             decided:1;
    unsigned             pending:1;
} ngxl_conn_t;


typedef struct {
    char                 dir[512];      /* "/proc/PID/net"                */
    char                 id[96];        /* the namespace, as ns/net names it */
    pid_t                pid;
    ngxl_vec_t           masters;       /* ngxl_audit_t *                 */
    ngxl_tcp_table_t     table;
    ngxl_hmap_t          routes;        /* endpoint bytes: ngxl_route_t * */
    ngxl_hmap_t          tw;            /* TIME_WAIT 4-tuples seen        */
    uint64_t             opens0;
    uint64_t             opens1;
    unsigned             snmp0:1;
    unsigned             snmp1:1;
    unsigned             failed:1;
    unsigned             ours:1;        /* the namespace this process is in */
    int                  diag;          /* NETLINK_SOCK_DIAG for it, or -1 */
    double               t0;
    double               t1;
    unsigned             long_new;      /* outbound, any process          */
    unsigned             once;
    uint64_t             listening[1024];   /* ports, this sample         */
} ngxl_net_t;


typedef struct {
    unsigned            *cur;           /* per destination, this sample   */
    unsigned            *tw;
    unsigned            *last_first;    /* the last new one's sample + 1  */
    size_t               cap;
    int32_t              index;
} ngxl_mstate_t;


typedef struct {
    ngxl_audit_host_t   *h;
    ngxl_pool_t          pool;
    ngxl_vec_t           nets;          /* ngxl_net_t *                   */
    ngxl_imap_t          owners;        /* inode: master index            */
    ngxl_imap_t          index;         /* inode: conns index + 1         */
    ngxl_conn_t         *conns;
    size_t               nconns;
    size_t               cconns;
    ngxl_buf_t           scratch;
    int                  self_diag;     /* ours, or -1                    */
    unsigned             tw:1;          /* TIME_WAIT counted this time    */
    unsigned             tw_only:1;     /* ... and nothing else           */
    unsigned             k;             /* the sample being taken         */
    double               start;
    double               t_first;
    double               t_last;
} ngxl_sampler_t;


static double
ngxl_sample_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}


static void
ngxl_sample_sleep(double s)
{
    struct timespec  ts;

    if (s <= 0) {
        return;
    }

    ts.tv_sec = (time_t) s;
    ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        /* void */
    }
}


/* the key of an endpoint in the routes map: v6, address, port */

#define NGXL_EP_KEY  19

static char *
ngxl_sample_key(ngxl_pool_t *pool, const ngxl_ep_t *ep, char *buf)
{
    char  *k;

    k = pool ? ngxl_pnalloc(pool, NGXL_EP_KEY) : buf;

    k[0] = (char) ep->v6;
    memcpy(k + 1, ep->addr, 16);
    memcpy(k + 17, &ep->port, 2);

    return k;
}


static ngxl_mstate_t *
ngxl_sample_mstate(ngxl_audit_t *a)
{
    size_t          cap;
    ngxl_mstate_t  *ms;

    ms = a->priv;

    if (a->dests.n > ms->cap) {
        cap = a->dests.n * 2 + 8;

        ms->cur = realloc(ms->cur, cap * sizeof(unsigned));
        ms->tw = realloc(ms->tw, cap * sizeof(unsigned));
        ms->last_first = realloc(ms->last_first, cap * sizeof(unsigned));

        if (ms->cur == NULL || ms->tw == NULL || ms->last_first == NULL) {
            ngxl_oom();
        }

        memset(ms->cur + ms->cap, 0, (cap - ms->cap) * sizeof(unsigned));
        memset(ms->tw + ms->cap, 0, (cap - ms->cap) * sizeof(unsigned));
        memset(ms->last_first + ms->cap, 0,
               (cap - ms->cap) * sizeof(unsigned));
        ms->cap = cap;
    }

    return ms;
}


static void
ngxl_sample_route(ngxl_sampler_t *s, ngxl_net_t *net, ngxl_audit_t *a,
    ngxl_audit_dest_t *d, size_t di, const ngxl_ep_t *ep)
{
    char          buf[NGXL_EP_KEY], *key;
    ngxl_route_t *r, *head;

    key = ngxl_sample_key(NULL, ep, buf);
    head = ngxl_hmap_get(&net->routes, key, NGXL_EP_KEY);

    for (r = head; r; r = r->next) {
        if (r->a == a && r->d == d) {
            return;
        }
    }

    r = ngxl_palloc(&s->pool, sizeof(ngxl_route_t));
    r->a = a;
    r->master = ((ngxl_mstate_t *) a->priv)->index;
    r->d = d;
    r->di = di;

    if (head) {
        r->next = head->next;
        head->next = r;

    } else {
        ngxl_hmap_put(&net->routes, ngxl_sample_key(&s->pool, ep, NULL),
                      NGXL_EP_KEY, r);
    }
}


static ngxl_route_t *
ngxl_sample_routes(ngxl_net_t *net, const ngxl_ep_t *ep)
{
    char  buf[NGXL_EP_KEY];

    return ngxl_hmap_get(&net->routes, ngxl_sample_key(NULL, ep, buf),
                         NGXL_EP_KEY);
}


/* the socket inodes of a master and its workers, into s->owners */

static void
ngxl_sample_fds(ngxl_sampler_t *s, ngxl_audit_t *a, int master)
{
    size_t          i;
    ngxl_mstate_t  *ms;

    if (a->fds_unreadable) {
        return;
    }

    ms = a->priv;

    if (master && ngxl_audit_fd_inodes(s->h->opts->proc, a->pid, &s->owners,
                                       ms->index)
                  != NGXL_OK)
    {
        if (errno == EACCES || errno == EPERM) {
            a->fds_unreadable = 1;
            ngxl_audit_problem(a, "%s/%d/fd: %s: its connections are told by "
                               "address and user only", s->h->opts->proc,
                               (int) a->pid, strerror(errno));
        }
        return;
    }

    for (i = 0; i < a->nworkers; i++) {
        if (ngxl_audit_fd_inodes(s->h->opts->proc, a->workers[i], &s->owners,
                                 ms->index)
            != NGXL_OK)
        {
            if (errno == ENOENT) {
                a->workers_changed = 1;

            } else if (errno == EACCES || errno == EPERM) {
                a->fds_unreadable = 1;
                ngxl_audit_problem(a, "%s/%d/fd (a worker): %s: its "
                                   "connections are told by address and "
                                   "user only", s->h->opts->proc,
                                   (int) a->workers[i], strerror(errno));
                return;
            }
        }
    }
}


static int
ngxl_sample_snmp(ngxl_sampler_t *s, ngxl_net_t *net, uint64_t *n)
{
    char  path[560];

    snprintf(path, sizeof(path), "%s/snmp", net->dir);

    if (ngxl_audit_read(path, 1 << 20, &s->scratch) != NGXL_OK) {
        return NGXL_ERROR;
    }

    return ngxl_tcp_active_opens(s->scratch.data, s->scratch.len, n);
}


/*
 * Whether PID's network namespace is ours, when its ns/net link cannot be
 * read (another user's process): a socket of its TCP table is in ours
 */

static int
ngxl_sample_same_net(ngxl_sampler_t *s, pid_t pid)
{
    int               same;
    char              dir[512];
    size_t            i;
    ngxl_imap_t       ours;
    ngxl_tcp_table_t  theirs, mine;

    if (s->self_diag < 0) {
        return 0;
    }

    memset(&theirs, 0, sizeof(ngxl_tcp_table_t));
    memset(&mine, 0, sizeof(ngxl_tcp_table_t));
    memset(&ours, 0, sizeof(ngxl_imap_t));

    snprintf(dir, sizeof(dir), "%s/%d/net", s->h->opts->proc, (int) pid);
    same = 0;

    if (ngxl_tcp_table_read(&theirs, dir, &s->scratch) == NGXL_OK
        && ngxl_sockdiag_read(s->self_diag, NGXL_SAMPLE_LIVE, &mine,
                              &s->scratch)
           == NGXL_OK)
    {
        for (i = 0; i < mine.n; i++) {
            ngxl_imap_put(&ours, mine.e[i].inode, 1);
        }

        for (i = 0; i < theirs.n && !same; i++) {
            same = ngxl_imap_get(&ours, theirs.e[i].inode) != NULL;
        }
    }

    ngxl_imap_free(&ours);
    ngxl_tcp_table_free(&theirs);
    ngxl_tcp_table_free(&mine);

    return same;
}


/* the network namespaces: one table read serves every master in one */

static void
ngxl_sample_nets(ngxl_sampler_t *s)
{
    char            path[512], id[96], self[96], err[256];
    size_t          i, k, d, e;
    ssize_t         n;
    ngxl_net_t     *net;
    ngxl_audit_t   *a;
    ngxl_mstate_t  *ms;
    ngxl_audit_dest_t *dest;

    snprintf(path, sizeof(path), "%s/self/ns/net", s->h->opts->proc);
    n = readlink(path, self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';

    s->self_diag = ngxl_sockdiag_open(NULL, err, sizeof(err));

    for (i = 0; i < s->h->masters.n; i++) {
        a = s->h->masters.elts[i];

        ms = ngxl_palloc(&s->pool, sizeof(ngxl_mstate_t));
        ms->index = (int32_t) i;
        a->priv = ms;

        snprintf(path, sizeof(path), "%s/%d/ns/net", s->h->opts->proc,
                 (int) a->pid);
        n = readlink(path, id, sizeof(id) - 1);

        if (n > 0) {
            id[n] = '\0';

        } else if (self[0] && ngxl_sample_same_net(s, a->pid)) {
            snprintf(id, sizeof(id), "%s", self);

        } else {
            /* unknown: a namespace of its own, read through its pid */
            snprintf(id, sizeof(id), "pid %d", (int) a->pid);
        }

        net = NULL;

        for (k = 0; k < s->nets.n; k++) {
            net = s->nets.elts[k];

            if (strcmp(net->id, id) == 0) {
                break;
            }

            net = NULL;
        }

        if (net == NULL) {
            net = ngxl_palloc(&s->pool, sizeof(ngxl_net_t));
            snprintf(net->dir, sizeof(net->dir), "%s/%d/net",
                     s->h->opts->proc, (int) a->pid);
            snprintf(net->id, sizeof(net->id), "%s", id);
            net->pid = a->pid;
            net->ours = self[0] && strcmp(self, id) == 0;
            net->diag = -1;

            if (net->ours && s->self_diag >= 0) {
                net->diag = dup(s->self_diag);

            } else if (!net->ours && n > 0) {
                net->diag = ngxl_sockdiag_open(path, err, sizeof(err));
            }

            ngxl_hmap_init(&net->routes, 0);
            ngxl_hmap_init(&net->tw, 0);
            ngxl_vec_push(&s->nets, net);
        }

        ngxl_vec_push(&net->masters, a);
        ngxl_sample_mstate(a);

        for (d = 0; d < a->dests.n; d++) {
            dest = a->dests.elts[d];

            for (e = 0; e < dest->servers.n; e++) {
                ngxl_sample_route(s, net, a, dest, d, dest->servers.elts[e]);
            }
        }
    }
}


static ngxl_conn_t *
ngxl_sample_conn(ngxl_sampler_t *s, uint64_t ino, int32_t net)
{
    int32_t      *ix;
    ngxl_conn_t  *c;

    ix = ngxl_imap_get(&s->index, ino);

    if (ix) {
        return &s->conns[*ix - 1];
    }

    if (s->nconns >= NGXL_AUDIT_MAX_CONNS) {
        return NULL;
    }

    if (s->nconns == s->cconns) {
        s->cconns = s->cconns ? s->cconns * 2 : 1024;
        c = realloc(s->conns, s->cconns * sizeof(ngxl_conn_t));
        if (c == NULL) {
            ngxl_oom();
        }
        s->conns = c;
    }

    c = &s->conns[s->nconns++];
    memset(c, 0, sizeof(ngxl_conn_t));
    c->ino = ino;
    c->master = -1;
    c->net = net;
    c->first = s->k;

    ngxl_imap_put(&s->index, ino, (int32_t) s->nconns);

    return c;
}


/* an address the configuration does not name: a destination of its own */

static ngxl_audit_dest_t *
ngxl_sample_other(ngxl_sampler_t *s, ngxl_net_t *net, ngxl_audit_t *a,
    const ngxl_ep_t *ep)
{
    char                text[64];
    size_t              i;
    ngxl_ep_t          *copy;
    ngxl_audit_dest_t  *d;

    ngxl_ep_text(ep, text, sizeof(text));

    for (i = 0; i < a->dests.n; i++) {
        d = a->dests.elts[i];

        if (d->kind == NGXL_DEST_OTHER && strcmp(d->name, text) == 0) {
            return d;
        }
    }

    if (a->dests.n >= 4096) {
        return NULL;
    }

    d = ngxl_palloc(a->pool, sizeof(ngxl_audit_dest_t));
    d->kind = NGXL_DEST_OTHER;
    d->name = ngxl_pstrndup(a->pool, text, strlen(text));
    d->flow.estimate = -1;

    copy = ngxl_palloc(a->pool, sizeof(ngxl_ep_t));
    *copy = *ep;
    ngxl_vec_push(&d->servers, copy);
    ngxl_vec_push(&a->dests, d);

    ngxl_sample_mstate(a);
    ngxl_sample_route(s, net, a, d, a->dests.n - 1, ep);

    return d;
}


static int
ngxl_sample_inbound(const ngxl_net_t *net, size_t nlisten,
    const ngxl_ep_t *local)
{
    size_t                   i;
    const ngxl_tcp_entry_t  *e;
    static const uint8_t     any[16];

    if (!(net->listening[local->port >> 6] & (1ull << (local->port & 63)))) {
        return 0;
    }

    for (i = 0; i < nlisten; i++) {
        e = &net->table.e[i];

        if (e->local.port == local->port
            && (memcmp(e->local.addr, any, 16) == 0
                || ngxl_ep_eq(&e->local, local)))
        {
            return 1;
        }
    }

    return 0;
}


static void
ngxl_sample_decide(ngxl_sampler_t *s, ngxl_net_t *net, ngxl_conn_t *c,
    const ngxl_tcp_entry_t *e, int last_chance)
{
    int32_t        *owner, found;
    unsigned        n;
    ngxl_route_t   *r, *only;
    ngxl_audit_t   *a;

    owner = ngxl_imap_get(&s->owners, c->ino);

    if (owner) {
        c->master = *owner;
        c->decided = 1;
        a = s->h->masters.elts[c->master];

        for (r = ngxl_sample_routes(net, &e->remote); r; r = r->next) {
            if (r->a == a && r->d->kind != NGXL_DEST_OTHER) {
                c->dest = r->d;
                break;
            }
        }

        if (c->dest == NULL) {
            c->dest = ngxl_sample_other(s, net, a, &e->remote);
        }

        return;
    }

    if (!last_chance) {
        return;
    }

    /* no fd holds it: the one master sending there, as its worker user */

    only = NULL;
    n = 0;
    found = -1;

    for (r = ngxl_sample_routes(net, &e->remote); r; r = r->next) {
        if (r->d->kind == NGXL_DEST_OTHER || !r->a->worker_uid_known
            || r->a->worker_uid != e->uid)
        {
            continue;
        }

        if (r->master != found) {
            n++;
            found = r->master;
            only = r;
        }
    }

    c->decided = 1;

    if (n == 1) {
        c->master = only->master;
        c->dest = only->d;
        c->by_addr = 1;
    }
}


/*
 * The sockets of the namespace: every state but TIME_WAIT each time;
 * TIME_WAIT (there may be tens of thousands) in the first sample and once
 * after the last: each lives 60 s, longer than a sample, so the second
 * count holds every one the sample saw made
 */

static int
ngxl_sample_table(ngxl_sampler_t *s, ngxl_net_t *net)
{
    uint32_t  states;

    net->table.n = 0;

    if (net->diag >= 0) {
        states = s->tw_only ? 0 : NGXL_SAMPLE_LIVE;

        if (s->tw) {
            states |= 1u << NGXL_TCP_TIME_WAIT;
        }

        if (ngxl_sockdiag_read(net->diag, states, &net->table, &s->scratch)
            == NGXL_OK)
        {
            return NGXL_OK;
        }

        /* from now on, the text tables */
        close(net->diag);
        net->diag = -1;
        net->table.n = 0;
    }

    return ngxl_tcp_table_read(&net->table, net->dir, &s->scratch);
}


static void
ngxl_sample_net(ngxl_sampler_t *s, ngxl_net_t *net, int32_t ni)
{
    int                 fresh;
    char                key[2 * NGXL_EP_KEY];
    size_t              i, nlisten, npending;
    ngxl_conn_t        *c;
    ngxl_route_t       *r;
    ngxl_audit_t       *a;
    ngxl_mstate_t      *ms;
    ngxl_tcp_entry_t   *e;

    if (net->failed) {
        return;
    }

    for (i = 0; i < net->masters.n && !s->tw_only; i++) {
        ngxl_sample_fds(s, net->masters.elts[i], s->k == 0);
    }

    if (ngxl_sample_table(s, net) != NGXL_OK) {
        for (i = 0; i < net->masters.n; i++) {
            a = net->masters.elts[i];
            a->net_unreadable = 1;
            ngxl_audit_problem(a, "%s/tcp: %s: its connections are not "
                               "sampled", net->dir, strerror(errno));
        }

        net->failed = 1;
        return;
    }

    /* the listening sockets first: what goes to them is inbound */

    nlisten = 0;
    memset(net->listening, 0, sizeof(net->listening));

    for (i = 0; i < net->table.n; i++) {
        if (net->table.e[i].state == NGXL_TCP_LISTEN) {
            ngxl_tcp_entry_t  tmp = net->table.e[nlisten];

            net->table.e[nlisten++] = net->table.e[i];
            net->table.e[i] = tmp;
            net->listening[net->table.e[nlisten - 1].local.port >> 6]
                |= 1ull << (net->table.e[nlisten - 1].local.port & 63);
        }
    }

    npending = 0;

    for (i = nlisten; i < net->table.n; i++) {
        e = &net->table.e[i];

        if (e->state == NGXL_TCP_TIME_WAIT) {
            r = s->tw ? ngxl_sample_routes(net, &e->remote) : NULL;

            if (r == NULL) {
                continue;
            }

            ngxl_sample_key(NULL, &e->local, key);
            ngxl_sample_key(NULL, &e->remote, key + NGXL_EP_KEY);
            fresh = 0;

            if (ngxl_hmap_get(&net->tw, key, 2 * NGXL_EP_KEY) == NULL
                && net->tw.n < NGXL_AUDIT_MAX_CONNS)
            {
                char  *k = ngxl_pnalloc(&s->pool, 2 * NGXL_EP_KEY);

                memcpy(k, key, 2 * NGXL_EP_KEY);
                ngxl_hmap_put(&net->tw, k, 2 * NGXL_EP_KEY, (void *) 1);
                fresh = s->k > 0;
            }

            for ( /* void */ ; r; r = r->next) {
                ms = r->a->priv;
                ms->tw[r->di]++;

                if (fresh) {
                    r->d->flow.tw_new++;
                }
            }

            continue;
        }

        if (s->tw_only || e->inode == 0 || e->state == NGXL_TCP_CLOSE
            || ngxl_sample_inbound(net, nlisten, &e->local))
        {
            continue;
        }

        c = ngxl_sample_conn(s, e->inode, ni);

        if (c == NULL) {
            continue;
        }

        c->remote = e->remote;
        c->last = s->k;
        c->n++;

        /* a request sent after the first one seen: the connection is
           reused (a one-shot one sends once, then waits and closes) */
        if (e->data_known) {
            c->data_seen = 1;

            if (c->data0 == 0) {
                c->data0 = e->data_out;

            } else if (e->data_out > c->data0) {
                c->reused = 1;
            }
        }

        if (!c->decided) {
            ngxl_sample_decide(s, net, c, e, 0);

            if (!c->decided) {
                c->pending = 1;
                npending++;
            }
        }
    }

    /* the connections no fd held a moment ago: the fds again, then the
       address */

    if (npending) {
        for (i = 0; i < net->masters.n; i++) {
            ngxl_sample_fds(s, net->masters.elts[i], 0);
        }
    }

    for (i = nlisten; i < net->table.n; i++) {
        e = &net->table.e[i];

        if (s->tw_only || e->state == NGXL_TCP_TIME_WAIT || e->inode == 0) {
            continue;
        }

        c = NULL;

        if (npending) {
            int32_t  *ix = ngxl_imap_get(&s->index, e->inode);

            c = ix ? &s->conns[*ix - 1] : NULL;

            if (c && c->pending && c->last == s->k) {
                c->pending = 0;
                ngxl_sample_decide(s, net, c, e, 1);
            }

        } else {
            int32_t  *ix = ngxl_imap_get(&s->index, e->inode);

            c = ix ? &s->conns[*ix - 1] : NULL;
        }

        if (c && c->last == s->k && c->master >= 0 && c->dest) {
            a = s->h->masters.elts[c->master];
            ms = ngxl_sample_mstate(a);

            for (r = ngxl_sample_routes(net, &e->remote); r; r = r->next) {
                if (r->d == c->dest) {
                    ms->cur[r->di]++;
                    break;
                }
            }
        }
    }

    /* the most at once, per destination */

    for (i = 0; i < net->masters.n; i++) {
        size_t              d;
        ngxl_audit_dest_t  *dest;

        a = net->masters.elts[i];
        ms = ngxl_sample_mstate(a);

        for (d = 0; d < a->dests.n; d++) {
            dest = a->dests.elts[d];

            if (!s->tw_only && ms->cur[d] > dest->flow.most) {
                dest->flow.most = ms->cur[d];
            }

            if (ms->tw[d] > dest->flow.tw_most) {
                dest->flow.tw_most = ms->tw[d];
            }

            ms->cur[d] = 0;
            ms->tw[d] = 0;
        }
    }
}


static void
ngxl_sample_once(ngxl_sampler_t *s)
{
    size_t       i;
    double       t;
    ngxl_net_t  *net;

    t = ngxl_sample_now();

    if (s->k == 0) {
        s->t_first = t;
    }

    s->t_last = t;

    for (i = 0; i < s->nets.n; i++) {
        net = s->nets.elts[i];

        ngxl_sample_net(s, net, (int32_t) i);
    }
}


/* the figures, from each connection's first and last sample */

static void
ngxl_sample_figures(ngxl_sampler_t *s)
{
    size_t              i, k;
    double              seconds, rest;
    unsigned            last;
    ngxl_net_t         *net;
    ngxl_conn_t        *c;
    ngxl_audit_t       *a;
    ngxl_mstate_t      *ms;
    ngxl_audit_dest_t  *d;
    ngxl_audit_flow_t  *f;

    last = s->k ? s->k - 1 : 0;
    seconds = s->t_last - s->t_first;

    for (i = 0; i < s->nconns; i++) {
        c = &s->conns[i];
        net = s->nets.elts[c->net];

        /* seen once, though the next sample could have seen it again:
           short-lived (one first seen in the last sample says nothing) */
        if (c->first > 0 && c->n >= 2) {
            net->long_new++;
        } else if (c->first > 0 && c->last < last) {
            net->once++;
        }

        if (c->master < 0 || c->dest == NULL) {
            continue;
        }

        a = s->h->masters.elts[c->master];
        ms = a->priv;
        f = &c->dest->flow;

        f->seen++;
        f->sightings += c->n;
        f->carried += c->n - 1;

        if (c->by_addr) {
            f->by_addr++;
        } else {
            f->by_fd++;
        }

        if (c->first == 0 && c->last == last) {
            f->kept++;
        }

        if (c->last < last) {
            f->gone++;
        }

        if (c->first > 0) {
            f->opened++;

            if (c->n == 1 && c->last < last) {
                f->once++;
            }

            if (!c->reused && (c->n == 1 || c->data_seen)) {
                f->single++;
            }

            for (k = 0; k < a->dests.n; k++) {
                if (a->dests.elts[k] == c->dest) {
                    break;
                }
            }

            if (k < a->dests.n && ms->last_first[k] != c->first + 1) {
                ms->last_first[k] = c->first + 1;
                f->intervals++;

                if (f->intervals == 1) {
                    f->first_new = c->first;
                }

                f->last_new = c->first;
            }
        }
    }

    /*
     * The short-lived connections no fd and no address alone could place
     * (several masters send there as one user): shared among the masters
     * sending there, as those placed were
     */

    for (i = 0; i < s->nconns; i++) {
        double         sum;
        ngxl_route_t  *r;

        c = &s->conns[i];

        if (c->master >= 0 || c->first == 0 || c->n != 1 || c->last == last)
        {
            continue;
        }

        net = s->nets.elts[c->net];
        sum = 0;
        k = 0;

        for (r = ngxl_sample_routes(net, &c->remote); r; r = r->next) {
            sum += r->d->flow.once;
            k++;
        }

        for (r = ngxl_sample_routes(net, &c->remote); r; r = r->next) {
            r->d->flow.share += sum > 0 ? r->d->flow.once / sum
                                        : 1.0 / (double) k;
        }
    }

    /* the namespace's connect()s, shared */

    for (i = 0; i < s->nets.n; i++) {
        net = s->nets.elts[i];

        for (k = 0; k < net->masters.n; k++) {
            size_t  j;

            a = net->masters.elts[k];
            a->samples = s->k;
            a->seconds = seconds;
            a->active_opens = -1;
            a->netlink = net->diag >= 0;

            if (!net->snmp0 || !net->snmp1 || net->t1 <= net->t0
                || net->opens1 < net->opens0)
            {
                continue;
            }

            a->active_opens = (double) (net->opens1 - net->opens0)
                              / (net->t1 - net->t0);

            rest = (double) (net->opens1 - net->opens0)
                   - (double) net->long_new;

            if (rest < 0) {
                rest = 0;
            }

            for (j = 0; j < a->dests.n; j++) {
                d = a->dests.elts[j];
                f = &d->flow;

                f->estimate = (double) (f->opened - f->once);

                if (net->once) {
                    f->estimate += rest * (f->once + f->share) / net->once;
                }
            }
        }
    }
}


/* --status-url: the master whose socket listens on its port */

static void
ngxl_sample_status_owner(ngxl_sampler_t *s)
{
    char            err[256];
    size_t          i, k;
    int32_t        *owner;
    ngxl_ep_t       ep;
    ngxl_net_t     *net;
    ngxl_audit_t   *claimed;
    ngxl_pool_t     pool;
    ngxl_tcp_entry_t *e;

    if (s->h->opts->status_url == NULL) {
        return;
    }

    ngxl_pool_init(&pool);

    if (ngxl_audit_url_parse(&pool, s->h->opts->status_url, &ep, NULL, NULL,
                             err, sizeof(err))
        != NGXL_OK)
    {
        ngxl_pool_free(&pool);
        return;
    }

    ngxl_pool_free(&pool);
    claimed = NULL;

    for (i = 0; i < s->nets.n && claimed == NULL; i++) {
        net = s->nets.elts[i];

        if (!net->ours || net->failed) {
            continue;
        }

        for (k = 0; k < net->table.n; k++) {
            e = &net->table.e[k];

            if (e->state != NGXL_TCP_LISTEN || e->local.port != ep.port) {
                continue;
            }

            owner = ngxl_imap_get(&s->owners, e->inode);

            if (owner) {
                claimed = s->h->masters.elts[*owner];
                break;
            }
        }
    }

    if (claimed == NULL && s->h->masters.n == 1) {
        claimed = s->h->masters.elts[0];
    }

    if (claimed == NULL) {
        ngxl_vec_push(&s->h->problems,
                      ngxl_psprintf(&s->h->pool, "--status-url %s: no nginx "
                                    "master's socket listens on port %u (as "
                                    "far as its fds can be read): not read",
                                    s->h->opts->status_url, ep.port));
        return;
    }

    /* the URL given replaces the one its configuration has; the other
       masters keep theirs */
    claimed->status_url = (char *) s->h->opts->status_url;
    claimed->status_host = NULL;
    claimed->status_dir = NULL;
}


/*
 * An auto-found status location: read only when its master's socket
 * listens there, and from the master's network namespace.
 */

static const char *
ngxl_sample_status_where(ngxl_sampler_t *s, ngxl_audit_t *a)
{
    char            err[256];
    size_t          i, k;
    int32_t        *owner;
    ngxl_ep_t       ep;
    ngxl_net_t     *net;
    ngxl_pool_t     pool;
    ngxl_mstate_t  *ms;
    ngxl_tcp_entry_t *e;

    ms = a->priv;
    ngxl_pool_init(&pool);

    if (ngxl_audit_url_parse(&pool, a->status_url, &ep, NULL, NULL, err,
                             sizeof(err))
        != NGXL_OK)
    {
        ngxl_pool_free(&pool);
        ngxl_audit_problem(a, "var_index_status: %s", err);
        return NULL;
    }

    ngxl_pool_free(&pool);

    for (i = 0; i < s->nets.n; i++) {
        net = s->nets.elts[i];

        for (k = 0; k < net->masters.n; k++) {
            if (net->masters.elts[k] == a) {
                break;
            }
        }

        if (k == net->masters.n) {
            continue;
        }

        if (net->failed) {
            return net->ours ? "" : NULL;
        }

        for (k = 0; k < net->table.n; k++) {
            e = &net->table.e[k];

            if (e->state != NGXL_TCP_LISTEN || e->local.port != ep.port) {
                continue;
            }

            owner = ngxl_imap_get(&s->owners, e->inode);

            if (owner && *owner != ms->index) {
                ngxl_audit_problem(a, "var_index_status at %s: another "
                                   "nginx master listens there: not read",
                                   a->status_url);
                return NULL;
            }

            if (net->ours) {
                return "";
            }

            return ngxl_psprintf(&s->pool, "%s/%d/ns/net", s->h->opts->proc,
                                 (int) net->pid);
        }

        ngxl_audit_problem(a, "var_index_status at %s: nothing listens on "
                           "port %u in its network namespace: not read",
                           a->status_url, ep.port);
        return NULL;
    }

    return NULL;
}


int
ngxl_audit_churns(const ngxl_audit_t *a, const ngxl_audit_flow_t *f)
{
    if (a->samples < 3 || f->opened < 3 || f->intervals < 2) {
        return 0;
    }

    /* sustained: not one burst, but new ones a third of the sample apart
       or more */
    if ((f->last_new - f->first_new) * 3 < a->samples - 1) {
        return 0;
    }

    /* one request each: most of the new ones are gone by the next sample,
       or, seen longer (a slow upstream), never sent a second request */
    return f->single * 2 >= f->opened;
}


void
ngxl_audit_sample(ngxl_audit_host_t *h)
{
    size_t           i;
    double           interval, seconds, began, took, end;
    const char     **where;
    ngxl_net_t      *net;
    ngxl_audit_t    *a;
    ngxl_sampler_t   s;
    ngxl_mstate_t   *ms;

    memset(&s, 0, sizeof(ngxl_sampler_t));
    s.h = h;
    ngxl_pool_init(&s.pool);
    ngxl_buf_init(&s.scratch);

    ngxl_sample_nets(&s);

    seconds = h->opts->seconds;

    if (seconds < 0.1) {
        seconds = 0.1;
    }

    if (seconds > NGXL_AUDIT_MAX_SECONDS) {
        seconds = NGXL_AUDIT_MAX_SECONDS;
    }

    /* a first look at the tables: the status endpoints' owners */

    s.tw = 0;

    for (i = 0; i < s.nets.n; i++) {
        net = s.nets.elts[i];

        ngxl_sample_net(&s, net, (int32_t) i);
    }

    ngxl_sample_status_owner(&s);

    where = calloc(h->masters.n + 1, sizeof(char *));
    if (where == NULL) {
        ngxl_oom();
    }

    for (i = 0; i < h->masters.n; i++) {
        a = h->masters.elts[i];

        if (a->status_url) {
            where[i] = ngxl_sample_status_where(&s, a);

            if (where[i]) {
                ngxl_audit_status_read(a, where[i][0] ? where[i] : NULL, 0);
            }
        }
    }

    /* the samples proper: start afresh */

    s.nconns = 0;
    ngxl_imap_free(&s.index);

    for (i = 0; i < h->masters.n; i++) {
        size_t              d;
        ngxl_audit_dest_t  *dest;

        a = h->masters.elts[i];

        for (d = 0; d < a->dests.n; d++) {
            dest = a->dests.elts[d];
            memset(&dest->flow, 0, sizeof(ngxl_audit_flow_t));
            dest->flow.estimate = -1;
        }
    }

    for (i = 0; i < s.nets.n; i++) {
        net = s.nets.elts[i];
        ngxl_hmap_free(&net->tw);
        ngxl_hmap_init(&net->tw, 0);
        net->snmp0 = ngxl_sample_snmp(&s, net, &net->opens0) == NGXL_OK;
        net->t0 = ngxl_sample_now();
    }

    interval = seconds / 200;

    if (interval < 0.01) {
        interval = 0.01;
    }

    s.start = ngxl_sample_now();
    end = s.start + seconds;

    for (s.k = 0; s.k < NGXL_AUDIT_MAX_SAMPLES; /* void */) {
        began = ngxl_sample_now();
        s.tw = s.k == 0;
        ngxl_sample_once(&s);
        s.k++;

        took = ngxl_sample_now() - began;

        if (ngxl_sample_now() >= end && s.k >= 2) {
            break;
        }

        /* at most half the time reading: a busy host's tables are big */
        took = took > interval - took ? took : interval - took;

        if (ngxl_sample_now() + took > end) {
            took = end - ngxl_sample_now();
        }

        ngxl_sample_sleep(took);
    }

    for (i = 0; i < s.nets.n; i++) {
        net = s.nets.elts[i];
        net->snmp1 = ngxl_sample_snmp(&s, net, &net->opens1) == NGXL_OK;
        net->t1 = ngxl_sample_now();
    }

    /* TIME_WAIT again: those made during the sample are all still there */
    s.tw = 1;
    s.tw_only = 1;

    for (i = 0; i < s.nets.n; i++) {
        ngxl_sample_net(&s, s.nets.elts[i], (int32_t) i);
    }

    ngxl_sample_figures(&s);

    for (i = 0; i < h->masters.n; i++) {
        a = h->masters.elts[i];

        if (a->status_url && where[i]) {
            ngxl_audit_status_read(a, where[i][0] ? where[i] : NULL, 1);
        }

        if (a->samples < NGXL_SAMPLE_ENOUGH && !a->net_unreadable) {
            ngxl_audit_problem(a, "only %u samples in %.1f s (its TCP table, "
                               "read from %s, is slow to read): too few to "
                               "judge connection churn; give a longer "
                               "--sample", a->samples, a->seconds,
                               a->netlink ? "netlink" : "/proc/PID/net/tcp");
        }

        if (a->workers_changed) {
            ngxl_audit_problem(a, "workers of master %d ended during the "
                               "sample (a reload?): their successors' "
                               "connections were told by address only",
                               (int) a->pid);
        }

        ms = a->priv;
        free(ms->cur);
        free(ms->tw);
        free(ms->last_first);
        a->priv = NULL;
    }

    free(where);

    for (i = 0; i < s.nets.n; i++) {
        net = s.nets.elts[i];
        ngxl_tcp_table_free(&net->table);

        if (net->diag >= 0) {
            close(net->diag);
        }

        ngxl_hmap_free(&net->routes);
        ngxl_hmap_free(&net->tw);
        ngxl_vec_free(&net->masters);
    }

    ngxl_vec_free(&s.nets);

    if (s.self_diag >= 0) {
        close(s.self_diag);
    }

    ngxl_imap_free(&s.owners);
    ngxl_imap_free(&s.index);
    free(s.conns);
    ngxl_buf_free(&s.scratch);
    ngxl_pool_free(&s.pool);
}
