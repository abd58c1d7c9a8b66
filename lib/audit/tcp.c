/*
 * ngxlint: the kernel's TCP tables, /proc/PID/net/tcp and tcp6 (those of
 * the network namespace PID is in), and its counters (snmp).
 *
 * The same, from NETLINK_SOCK_DIAG when it can be had (below).
 *
 * A line: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...";
 * addresses are the raw network-order words printed as native hex, so a
 * word read back as a native integer has the address's bytes in memory.
 */

#define _GNU_SOURCE             /* setns() */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"


int
ngxl_ep_eq(const ngxl_ep_t *a, const ngxl_ep_t *b)
{
    return a->v6 == b->v6 && a->port == b->port
           && memcmp(a->addr, b->addr, a->v6 ? 16 : 4) == 0;
}


int
ngxl_ep_loopback(const ngxl_ep_t *ep)
{
    static const uint8_t  one[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1 };

    return ep->v6 ? memcmp(ep->addr, one, 16) == 0 : ep->addr[0] == 127;
}


char *
ngxl_ep_text(const ngxl_ep_t *ep, char *buf, size_t len)
{
    char  a[INET6_ADDRSTRLEN];

    inet_ntop(ep->v6 ? AF_INET6 : AF_INET, ep->addr, a, sizeof(a));

    snprintf(buf, len, ep->v6 ? "[%s]:%u" : "%s:%u", a, ep->port);

    return buf;
}


int
ngxl_ep_parse_addr(const char *s, size_t len, ngxl_ep_t *ep)
{
    char  a[INET6_ADDRSTRLEN + 2];

    if (len && s[0] == '[') {
        if (len < 3 || s[len - 1] != ']') {
            return NGXL_ERROR;
        }
        s++;
        len -= 2;
    }

    if (len == 0 || len >= sizeof(a)) {
        return NGXL_ERROR;
    }

    memcpy(a, s, len);
    a[len] = '\0';

    memset(ep->addr, 0, sizeof(ep->addr));

    if (inet_pton(AF_INET, a, ep->addr) == 1) {
        ep->v6 = 0;
        return NGXL_OK;
    }

    if (inet_pton(AF_INET6, a, ep->addr) == 1) {
        ep->v6 = 1;

        /* ::ffff:a.b.c.d is IPv4 */
        if (memcmp(ep->addr, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) == 0) {
            memmove(ep->addr, ep->addr + 12, 4);
            memset(ep->addr + 4, 0, 12);
            ep->v6 = 0;
        }

        return NGXL_OK;
    }

    return NGXL_ERROR;
}


static int
ngxl_tcp_hex(const char *p, size_t n, uint32_t *v)
{
    size_t    i;
    uint32_t  x;
    int       c;

    x = 0;

    for (i = 0; i < n; i++) {
        c = (unsigned char) p[i];

        if (c >= '0' && c <= '9') {
            c -= '0';
        } else if (c >= 'A' && c <= 'F') {
            c = c - 'A' + 10;
        } else if (c >= 'a' && c <= 'f') {
            c = c - 'a' + 10;
        } else {
            return NGXL_ERROR;
        }

        x = (x << 4) | (uint32_t) c;
    }

    *v = x;

    return NGXL_OK;
}


/* "0100007F:1F90" (or 32 hex digits for IPv6) */

static int
ngxl_tcp_ep(const char *p, size_t n, int v6, ngxl_ep_t *ep)
{
    size_t    i, words;
    uint32_t  w, port;

    words = v6 ? 4 : 1;

    if (n != words * 8 + 5 || p[words * 8] != ':') {
        return NGXL_ERROR;
    }

    memset(ep, 0, sizeof(ngxl_ep_t));
    ep->v6 = (uint8_t) v6;

    for (i = 0; i < words; i++) {
        if (ngxl_tcp_hex(p + i * 8, 8, &w) != NGXL_OK) {
            return NGXL_ERROR;
        }

        memcpy(ep->addr + i * 4, &w, 4);
    }

    if (ngxl_tcp_hex(p + words * 8 + 1, 4, &port) != NGXL_OK) {
        return NGXL_ERROR;
    }

    ep->port = (uint16_t) port;

    if (v6 && memcmp(ep->addr, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) == 0) {
        memmove(ep->addr, ep->addr + 12, 4);
        memset(ep->addr + 4, 0, 12);
        ep->v6 = 0;
    }

    return NGXL_OK;
}


int
ngxl_tcp_parse_line(const char *line, size_t len, int v6, ngxl_tcp_entry_t *e)
{
    size_t       nf, flen[10];
    uint32_t     st;
    const char  *p, *last, *f[10];

    p = line;
    last = line + len;
    nf = 0;

    /* the first ten fields */
    while (p < last && nf < 10) {
        while (p < last && *p == ' ') {
            p++;
        }

        if (p == last) {
            break;
        }

        f[nf] = p;

        while (p < last && *p != ' ') {
            p++;
        }

        flen[nf] = (size_t) (p - f[nf]);
        nf++;
    }

    /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
    if (nf < 10 || flen[0] < 2 || f[0][flen[0] - 1] != ':') {
        return NGXL_ERROR;
    }

    if (ngxl_tcp_ep(f[1], flen[1], v6, &e->local) != NGXL_OK
        || ngxl_tcp_ep(f[2], flen[2], v6, &e->remote) != NGXL_OK
        || flen[3] != 2 || ngxl_tcp_hex(f[3], 2, &st) != NGXL_OK)
    {
        return NGXL_ERROR;
    }

    e->state = st;
    e->uid = (uid_t) strtoul(f[7], NULL, 10);
    e->data_out = 0;
    e->data_known = 0;

    /* the tenth field ends at a space or the line's end */
    e->inode = 0;

    for (p = f[9]; p < f[9] + flen[9] && *p >= '0' && *p <= '9'; p++) {
        e->inode = e->inode * 10 + (uint64_t) (*p - '0');
    }

    return NGXL_OK;
}


static void
ngxl_tcp_table_parse(ngxl_tcp_table_t *t, const char *data, size_t len,
    int v6)
{
    const char        *p, *last, *eol;
    ngxl_tcp_entry_t  *e;

    p = data;
    last = data + len;

    /* the header line */
    eol = memchr(p, '\n', (size_t) (last - p));
    p = eol ? eol + 1 : last;

    while (p < last && t->n < NGXL_AUDIT_MAX_TCP) {
        eol = memchr(p, '\n', (size_t) (last - p));

        if (eol == NULL) {
            eol = last;
        }

        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 1024;
            e = realloc(t->e, t->cap * sizeof(ngxl_tcp_entry_t));
            if (e == NULL) {
                ngxl_oom();
            }
            t->e = e;
        }

        if (ngxl_tcp_parse_line(p, (size_t) (eol - p), v6, &t->e[t->n])
            == NGXL_OK)
        {
            t->n++;
        }

        p = eol + 1;
    }
}


int
ngxl_tcp_table_read(ngxl_tcp_table_t *t, const char *dir, ngxl_buf_t *scratch)
{
    char  path[256];

    t->n = 0;

    snprintf(path, sizeof(path), "%s/tcp", dir);

    if (ngxl_audit_read(path, NGXL_AUDIT_MAX_PROCFILE, scratch) != NGXL_OK) {
        return NGXL_ERROR;
    }

    ngxl_tcp_table_parse(t, scratch->data, scratch->len, 0);

    snprintf(path, sizeof(path), "%s/tcp6", dir);

    if (ngxl_audit_read(path, NGXL_AUDIT_MAX_PROCFILE, scratch) == NGXL_OK) {
        ngxl_tcp_table_parse(t, scratch->data, scratch->len, 1);
    }

    return NGXL_OK;
}


void
ngxl_tcp_table_free(ngxl_tcp_table_t *t)
{
    free(t->e);
    memset(t, 0, sizeof(ngxl_tcp_table_t));
}


/* "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ..." and values */

int
ngxl_tcp_active_opens(const char *snmp, size_t len, uint64_t *n)
{
    size_t       col, k;
    const char  *p, *last, *eol, *head, *w;

    p = snmp;
    last = snmp + len;
    head = NULL;

    while (p < last) {
        eol = memchr(p, '\n', (size_t) (last - p));

        if (eol == NULL) {
            eol = last;
        }

        if (eol - p > 5 && memcmp(p, "Tcp: ", 5) == 0) {
            if (head == NULL) {
                head = p;

            } else {
                /* the column of ActiveOpens in the header, then here */
                w = strstr(head, " ActiveOpens ");

                if (w == NULL || w > p) {
                    return NGXL_ERROR;
                }

                /* the spaces before it, and the one at w */
                for (col = 1, k = 0; head + k < w; k++) {
                    col += head[k] == ' ';
                }

                for (k = 0; p < eol && k < col; p++) {
                    k += *p == ' ';
                }

                if (k != col || p >= eol || *p < '0' || *p > '9') {
                    return NGXL_ERROR;
                }

                *n = strtoull(p, NULL, 10);
                return NGXL_OK;
            }
        }

        p = eol + 1;
    }

    return NGXL_ERROR;
}


/*
 * NETLINK_SOCK_DIAG: the same table, from the kernel's own structures and
 * filtered by state there.  /proc/net/tcp formats every socket as text,
 * TIME_WAIT ones included: on a host with tens of thousands of them a
 * read takes a fifth of a second, longer than a connection per request
 * lives, and the samples would be too far apart to tell one from a pool.
 * A netlink socket answers for the network namespace it was made in: one
 * for another namespace is made by a child that setns()s there and hands
 * it back (SCM_RIGHTS).
 */

static int
ngxl_sockdiag_in(const char *netns, char *err, size_t errlen)
{
    int              sv[2], nsfd, s, status, fd;
    char             cbuf[CMSG_SPACE(sizeof(int))], byte;
    pid_t            pid;
    struct iovec     iov;
    struct msghdr    msg;
    struct pollfd    pfd;
    struct cmsghdr  *cm;

    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == -1) {
        snprintf(err, errlen, "socketpair(): %s", strerror(errno));
        return -1;
    }

    pid = fork();

    if (pid == -1) {
        snprintf(err, errlen, "fork(): %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }

    if (pid == 0) {
        close(sv[0]);

        nsfd = open(netns, O_RDONLY | O_CLOEXEC);
        s = -1;

        if (nsfd != -1 && setns(nsfd, CLONE_NEWNET) == 0) {
            s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
                       NETLINK_SOCK_DIAG);
        }

        byte = (char) (s == -1 ? errno : 0);
        iov.iov_base = &byte;
        iov.iov_len = 1;

        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;

        if (s != -1) {
            memset(cbuf, 0, sizeof(cbuf));
            msg.msg_control = cbuf;
            msg.msg_controllen = sizeof(cbuf);
            cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(cm), &s, sizeof(int));
        }

        (void) !sendmsg(sv[1], &msg, MSG_NOSIGNAL);
        _exit(0);
    }

    close(sv[1]);

    fd = -1;
    pfd.fd = sv[0];
    pfd.events = POLLIN;
    pfd.revents = 0;

    if (poll(&pfd, 1, 5000) == 1) {
        iov.iov_base = &byte;
        iov.iov_len = 1;

        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf;
        msg.msg_controllen = sizeof(cbuf);

        if (recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) == 1) {
            cm = CMSG_FIRSTHDR(&msg);

            if (byte == 0 && cm && cm->cmsg_type == SCM_RIGHTS) {
                memcpy(&fd, CMSG_DATA(cm), sizeof(int));

            } else {
                snprintf(err, errlen, "cannot enter %s: %s", netns,
                         strerror(byte ? byte : EPERM));
            }
        }

    } else {
        snprintf(err, errlen, "no answer from the child entering %s", netns);
        kill(pid, SIGKILL);
    }

    close(sv[0]);

    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
        /* void */
    }

    return fd;
}


int
ngxl_sockdiag_open(const char *netns, char *err, size_t errlen)
{
    int  fd;

    if (netns) {
        return ngxl_sockdiag_in(netns, err, errlen);
    }

    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

    if (fd == -1) {
        snprintf(err, errlen, "socket(NETLINK_SOCK_DIAG): %s",
                 strerror(errno));
    }

    return fd;
}


static void
ngxl_sockdiag_ep(int family, const uint32_t *addr, uint16_t port_be,
    ngxl_ep_t *ep)
{
    memset(ep, 0, sizeof(ngxl_ep_t));

    if (family == AF_INET) {
        memcpy(ep->addr, addr, 4);

    } else {
        memcpy(ep->addr, addr, 16);
        ep->v6 = 1;

        if (memcmp(ep->addr, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) == 0) {
            memmove(ep->addr, ep->addr + 12, 4);
            memset(ep->addr + 4, 0, 12);
            ep->v6 = 0;
        }
    }

    ep->port = ntohs(port_be);
}


static int
ngxl_sockdiag_family(int fd, int family, uint32_t states, ngxl_tcp_table_t *t,
    ngxl_buf_t *scratch)
{
    int                       done, len, rlen;
    size_t                    rounds;
    struct rtattr            *rta;
    ssize_t                   n;
    ngxl_tcp_entry_t         *e;
    struct nlmsghdr          *h;
    struct sockaddr_nl        nl;
    struct inet_diag_msg     *m;
    struct pollfd             pfd;
    struct {
        struct nlmsghdr          nlh;
        struct inet_diag_req_v2  r;
    } req;

    memset(&req, 0, sizeof(req));
    req.nlh.nlmsg_len = sizeof(req);
    req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nlh.nlmsg_seq = (uint32_t) family;
    req.r.sdiag_family = (uint8_t) family;
    req.r.sdiag_protocol = IPPROTO_TCP;
    req.r.idiag_states = states;
    req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);

    memset(&nl, 0, sizeof(nl));
    nl.nl_family = AF_NETLINK;

    if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *) &nl,
               sizeof(nl)) == -1)
    {
        return NGXL_ERROR;
    }

    if (scratch->cap < 65536) {
        ngxl_buf_reserve(scratch, 65536 - scratch->len);
    }

    for (done = 0, rounds = 0; !done && rounds < NGXL_AUDIT_MAX_TCP;
         rounds++)
    {
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;

        if (poll(&pfd, 1, 5000) != 1) {
            errno = ETIMEDOUT;
            return NGXL_ERROR;
        }

        n = recv(fd, scratch->data, scratch->cap, 0);

        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            return NGXL_ERROR;
        }

        len = (int) n;

        for (h = (struct nlmsghdr *) scratch->data; NLMSG_OK(h, len);
             h = NLMSG_NEXT(h, len))
        {
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }

            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr  *ne = NLMSG_DATA(h);

                errno = ne->error ? -ne->error : EIO;
                return NGXL_ERROR;
            }

            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY
                || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))
                || t->n >= NGXL_AUDIT_MAX_TCP)
            {
                continue;
            }

            m = NLMSG_DATA(h);

            if (t->n == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 1024;
                e = realloc(t->e, t->cap * sizeof(ngxl_tcp_entry_t));
                if (e == NULL) {
                    ngxl_oom();
                }
                t->e = e;
            }

            e = &t->e[t->n++];
            ngxl_sockdiag_ep(m->idiag_family, m->id.idiag_src,
                             m->id.idiag_sport, &e->local);
            ngxl_sockdiag_ep(m->idiag_family, m->id.idiag_dst,
                             m->id.idiag_dport, &e->remote);
            e->state = m->idiag_state;
            e->uid = (uid_t) m->idiag_uid;
            e->inode = m->idiag_inode;
            e->data_out = 0;
            e->data_known = 0;

            /* tcp_info: the data segments it has sent */
            rlen = (int) h->nlmsg_len
                   - (int) NLMSG_LENGTH(sizeof(struct inet_diag_msg));

            for (rta = (struct rtattr *) (m + 1); RTA_OK(rta, rlen);
                 rta = RTA_NEXT(rta, rlen))
            {
                if (rta->rta_type == INET_DIAG_INFO
                    && RTA_PAYLOAD(rta)
                       >= offsetof(struct tcp_info, tcpi_data_segs_out)
                          + sizeof(uint32_t))
                {
                    memcpy(&e->data_out, (char *) RTA_DATA(rta)
                           + offsetof(struct tcp_info, tcpi_data_segs_out),
                           sizeof(uint32_t));
                    e->data_known = 1;
                }
            }
        }
    }

    return NGXL_OK;
}


int
ngxl_sockdiag_read(int fd, uint32_t states, ngxl_tcp_table_t *t,
    ngxl_buf_t *scratch)
{
    if (ngxl_sockdiag_family(fd, AF_INET, states, t, scratch) != NGXL_OK) {
        return NGXL_ERROR;
    }

    /* no IPv6 in the namespace (or in the kernel): IPv4 only */
    (void) ngxl_sockdiag_family(fd, AF_INET6, states, t, scratch);

    return NGXL_OK;
}
