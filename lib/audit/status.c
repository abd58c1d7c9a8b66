/*
 * ngxlint: reading var_index_status (ngx_http_var_index_module):
 *
 *   {"indexed":["name",...],"misses":{"name":count,...}}
 *
 * with one GET over HTTP/1.0 on a loopback TCP connection, bounded in time
 * and size.  "other" in misses is the module's count of the names it had
 * no room to keep.  Only loopback addresses are ever connected to.
 */

#define _GNU_SOURCE             /* setns() */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"


#define NGXL_STATUS_TIMEOUT  2000      /* ms, connect to the last byte */


int
ngxl_audit_url_parse(ngxl_pool_t *pool, const char *url, ngxl_ep_t *ep,
    char **path, char **host, char *err, size_t errlen)
{
    size_t       hlen;
    unsigned     port;
    const char  *h, *slash, *colon, *close;

    if (strncasecmp(url, "http://", 7) != 0) {
        snprintf(err, errlen, "\"%s\": only http:// URLs (on loopback) "
                 "are read", url);
        return NGXL_ERROR;
    }

    h = url + 7;
    slash = strchr(h, '/');
    hlen = slash ? (size_t) (slash - h) : strlen(h);
    port = 80;

    if (hlen && h[0] == '[') {
        close = memchr(h, ']', hlen);
        if (close == NULL) {
            snprintf(err, errlen, "\"%s\": no \"]\" after the address", url);
            return NGXL_ERROR;
        }

        colon = (size_t) (close - h) + 1 < hlen ? close + 1 : NULL;
        if (colon && *colon != ':') {
            colon = NULL;
        }

    } else {
        colon = memchr(h, ':', hlen);
    }

    if (colon) {
        char  *end;

        port = (unsigned) strtoul(colon + 1, &end, 10);

        if (end != h + hlen || port == 0 || port > 65535) {
            snprintf(err, errlen, "\"%s\": not a port number", url);
            return NGXL_ERROR;
        }

        hlen = (size_t) (colon - h);
    }

    memset(ep, 0, sizeof(ngxl_ep_t));

    if (hlen == 9 && strncasecmp(h, "localhost", 9) == 0) {
        ep->addr[0] = 127;
        ep->addr[3] = 1;

    } else if (ngxl_ep_parse_addr(h, hlen, ep) != NGXL_OK
               || !ngxl_ep_loopback(ep))
    {
        snprintf(err, errlen, "\"%s\": the status is read on loopback only "
                 "(127.0.0.1, [::1], localhost)", url);
        return NGXL_ERROR;
    }

    ep->port = (uint16_t) port;

    if (path) {
        *path = ngxl_pstrndup(pool, slash ? slash : "/",
                              slash ? strlen(slash) : 1);
    }

    if (host) {
        *host = ngxl_pstrndup(pool, h, hlen);
    }

    return NGXL_OK;
}


int
ngxl_audit_url_check(const char *url, char *err, size_t len)
{
    int          rc;
    ngxl_ep_t    ep;
    ngxl_pool_t  pool;

    ngxl_pool_init(&pool);
    rc = ngxl_audit_url_parse(&pool, url, &ep, NULL, NULL, err, len);
    ngxl_pool_free(&pool);

    return rc;
}


static long
ngxl_status_ms(const struct timespec *start)
{
    struct timespec  now;

    clock_gettime(CLOCK_MONOTONIC, &now);

    return (long) (now.tv_sec - start->tv_sec) * 1000
           + (now.tv_nsec - start->tv_nsec) / 1000000;
}


/* waits for EVENTS on FD until TIMEOUT_MS after START */

static int
ngxl_status_wait(int fd, short events, const struct timespec *start,
    int timeout_ms)
{
    int            rc;
    long           left;
    struct pollfd  pfd;

    for ( ;; ) {
        left = timeout_ms - ngxl_status_ms(start);

        if (left <= 0) {
            errno = ETIMEDOUT;
            return NGXL_ERROR;
        }

        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;

        rc = poll(&pfd, 1, (int) left);

        if (rc == -1 && errno == EINTR) {
            continue;
        }

        if (rc == 0) {
            errno = ETIMEDOUT;
            return NGXL_ERROR;
        }

        return rc == 1 ? NGXL_OK : NGXL_ERROR;
    }
}


int
ngxl_audit_http_get(const ngxl_ep_t *ep, const char *path, const char *host,
    int timeout_ms, ngxl_buf_t *body, char *err, size_t errlen)
{
    int                  fd, status;
    char                 req[2048], text[64];
    size_t               sent, len;
    ssize_t              n;
    socklen_t            slen;
    const char          *hdr_end, *p;
    ngxl_buf_t           resp;
    struct timespec      start;
    struct sockaddr_in   sin;
    struct sockaddr_in6  sin6;

    /* the last check before any byte leaves: loopback only */
    if (!ngxl_ep_loopback(ep)) {
        snprintf(err, errlen, "%s is not a loopback address",
                 ngxl_ep_text(ep, text, sizeof(text)));
        return NGXL_ERROR;
    }

    len = (size_t) snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n"
                            "Host: %s\r\nUser-Agent: ngxlint-audit\r\n"
                            "Accept: application/json\r\n\r\n", path, host);

    if (len >= sizeof(req) || strpbrk(path, "\r\n ") || strpbrk(host, "\r\n"))
    {
        snprintf(err, errlen, "the status path or host cannot be sent");
        return NGXL_ERROR;
    }

    clock_gettime(CLOCK_MONOTONIC, &start);

    fd = socket(ep->v6 ? AF_INET6 : AF_INET,
                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        snprintf(err, errlen, "socket(): %s", strerror(errno));
        return NGXL_ERROR;
    }

    if (ep->v6) {
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(ep->port);
        memcpy(&sin6.sin6_addr, ep->addr, 16);
        n = connect(fd, (struct sockaddr *) &sin6, sizeof(sin6));

    } else {
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons(ep->port);
        memcpy(&sin.sin_addr, ep->addr, 4);
        n = connect(fd, (struct sockaddr *) &sin, sizeof(sin));
    }

    if (n == -1 && errno != EINPROGRESS) {
        goto failed;
    }

    if (n == -1) {
        if (ngxl_status_wait(fd, POLLOUT, &start, timeout_ms) != NGXL_OK) {
            goto failed;
        }

        slen = sizeof(status);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &slen) == -1) {
            goto failed;
        }

        if (status) {
            errno = status;
            goto failed;
        }
    }

    for (sent = 0; sent < len; /* void */) {
        if (ngxl_status_wait(fd, POLLOUT, &start, timeout_ms) != NGXL_OK) {
            goto failed;
        }

        n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);

        if (n == -1) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            goto failed;
        }

        sent += (size_t) n;
    }

    ngxl_buf_init(&resp);

    for ( ;; ) {
        if (ngxl_status_wait(fd, POLLIN, &start, timeout_ms) != NGXL_OK) {
            ngxl_buf_free(&resp);
            goto failed;
        }

        ngxl_buf_reserve(&resp, 65536);
        n = recv(fd, resp.data + resp.len, resp.cap - resp.len - 1, 0);

        if (n == -1) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            ngxl_buf_free(&resp);
            goto failed;
        }

        if (n == 0) {
            break;
        }

        resp.len += (size_t) n;
        resp.data[resp.len] = '\0';

        if (resp.len > NGXL_AUDIT_MAX_BODY) {
            ngxl_buf_free(&resp);
            close(fd);
            snprintf(err, errlen, "the response is larger than %u bytes",
                     NGXL_AUDIT_MAX_BODY);
            return NGXL_ERROR;
        }
    }

    close(fd);

    /* "HTTP/1.x 200 ...", headers, "\r\n\r\n", the body */

    if (resp.len < 12 || memcmp(resp.data, "HTTP/1.", 7) != 0) {
        snprintf(err, errlen, "not an HTTP response");
        ngxl_buf_free(&resp);
        return NGXL_ERROR;
    }

    status = atoi(resp.data + 9);

    if (status != 200) {
        p = memchr(resp.data, '\r', resp.len);
        snprintf(err, errlen, "\"%.*s\"",
                 (int) ((p ? p : resp.data + resp.len) - resp.data) > 80
                 ? 80 : (int) ((p ? p : resp.data + resp.len) - resp.data),
                 resp.data);
        ngxl_buf_free(&resp);
        return NGXL_ERROR;
    }

    hdr_end = strstr(resp.data, "\r\n\r\n");

    if (hdr_end == NULL) {
        snprintf(err, errlen, "no end of the response header");
        ngxl_buf_free(&resp);
        return NGXL_ERROR;
    }

    hdr_end += 4;
    ngxl_buf_init(body);
    ngxl_buf_add(body, hdr_end, resp.len - (size_t) (hdr_end - resp.data));
    ngxl_buf_free(&resp);

    return NGXL_OK;

failed:

    snprintf(err, errlen, "%s", strerror(errno));
    close(fd);

    return NGXL_ERROR;
}


static int
ngxl_status_cmp(const void *one, const void *two)
{
    const ngxl_audit_miss_t  *a, *b;

    a = *(ngxl_audit_miss_t * const *) one;
    b = *(ngxl_audit_miss_t * const *) two;

    if (a->during != b->during) {
        return a->during > b->during ? -1 : 1;
    }

    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }

    return strcmp(a->name, b->name);
}


int
ngxl_audit_status_parse(ngxl_audit_t *a, const char *body, size_t len,
    int second, char *err, size_t errlen)
{
    size_t              i;
    json_t             *root, *indexed, *misses, *v;
    uint64_t            count;
    const char         *name;
    json_error_t        je;
    ngxl_audit_miss_t  *m;

    root = json_loadb(body, len, 0, &je);

    if (root == NULL) {
        snprintf(err, errlen, "not JSON (%s)", je.text);
        return NGXL_ERROR;
    }

    indexed = json_object_get(root, "indexed");
    misses = json_object_get(root, "misses");

    if (!json_is_object(root) || !json_is_object(misses)
        || (indexed && !json_is_array(indexed)))
    {
        snprintf(err, errlen, "not the status JSON of the var_index module "
                 "({\"indexed\":[...],\"misses\":{...}})");
        json_decref(root);
        return NGXL_ERROR;
    }

    a->nindexed = indexed ? json_array_size(indexed) : 0;

    json_object_foreach(misses, name, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0) {
            continue;
        }

        count = (uint64_t) json_integer_value(v);

        if (strcmp(name, "other") == 0) {
            a->other_misses = count;
            continue;
        }

        for (i = 0; i < a->misses.n; i++) {
            m = a->misses.elts[i];

            if (strcmp(m->name, name) == 0) {
                break;
            }
        }

        if (i == a->misses.n) {
            if (a->misses.n >= 65536) {
                continue;
            }

            m = ngxl_palloc(a->pool, sizeof(ngxl_audit_miss_t));
            m->name = ngxl_pstrndup(a->pool, name, strlen(name));
            ngxl_vec_push(&a->misses, m);

            if (second) {
                /* new since the first read: all of it during the sample */
                m->during = count;
                m->rate_known = 1;
            }

        } else if (second) {
            m->during = count >= m->count ? count - m->count : count;
            m->rate_known = 1;
        }

        m->count = count;
    }

    json_decref(root);

    if (a->misses.n > 1) {
        qsort(a->misses.elts, a->misses.n, sizeof(void *), ngxl_status_cmp);
    }

    a->status_read = 1;

    return NGXL_OK;
}


/* the GET, in the endpoint's network namespace: a child that setns()s */

static int
ngxl_status_get_in(const char *netns, const ngxl_ep_t *ep, const char *path,
    const char *host, ngxl_buf_t *body, char *err, size_t errlen)
{
    int      fd[2], nsfd, status;
    char     cerr[256];
    pid_t    pid;
    ssize_t  n;
    uint32_t rc;
    struct timespec  start;

    if (pipe2(fd, O_CLOEXEC) == -1) {
        snprintf(err, errlen, "pipe(): %s", strerror(errno));
        return NGXL_ERROR;
    }

    pid = fork();

    if (pid == -1) {
        snprintf(err, errlen, "fork(): %s", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return NGXL_ERROR;
    }

    if (pid == 0) {
        ngxl_buf_t  b;

        close(fd[0]);
        ngxl_buf_init(&b);

        nsfd = open(netns, O_RDONLY | O_CLOEXEC);

        if (nsfd == -1 || setns(nsfd, CLONE_NEWNET) == -1) {
            snprintf(cerr, sizeof(cerr), "cannot enter its network "
                     "namespace (%s): %s", netns, strerror(errno));
            rc = 1;

        } else if (ngxl_audit_http_get(ep, path, host, NGXL_STATUS_TIMEOUT,
                                       &b, cerr, sizeof(cerr))
                   != NGXL_OK)
        {
            rc = 1;

        } else {
            rc = 0;
        }

        /* a status byte, then the body or the message */
        if (write(fd[1], &rc, sizeof(rc)) == sizeof(rc)) {
            if (rc == 0) {
                (void) !write(fd[1], b.data ? b.data : "", b.len);
            } else {
                (void) !write(fd[1], cerr, strlen(cerr));
            }
        }

        _exit(0);
    }

    close(fd[1]);

    clock_gettime(CLOCK_MONOTONIC, &start);
    ngxl_buf_init(body);

    for ( ;; ) {
        if (ngxl_status_wait(fd[0], POLLIN, &start, NGXL_STATUS_TIMEOUT + 2000)
            != NGXL_OK)
        {
            kill(pid, SIGKILL);
            break;
        }

        ngxl_buf_reserve(body, 65536);
        n = read(fd[0], body->data + body->len, body->cap - body->len - 1);

        if (n == -1 && errno == EINTR) {
            continue;
        }

        if (n <= 0 || body->len + (size_t) n > NGXL_AUDIT_MAX_BODY + 4) {
            break;
        }

        body->len += (size_t) n;
        body->data[body->len] = '\0';
    }

    close(fd[0]);

    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
        /* void */
    }

    if (body->len < sizeof(rc)) {
        snprintf(err, errlen, "no answer from the child that reads it");
        ngxl_buf_free(body);
        return NGXL_ERROR;
    }

    memcpy(&rc, body->data, sizeof(rc));
    memmove(body->data, body->data + sizeof(rc), body->len - sizeof(rc));
    body->len -= sizeof(rc);
    body->data[body->len] = '\0';

    if (rc != 0) {
        snprintf(err, errlen, "%s", body->data);
        ngxl_buf_free(body);
        return NGXL_ERROR;
    }

    return NGXL_OK;
}


void
ngxl_audit_status_read(ngxl_audit_t *a, const char *netns, int second)
{
    int          rc;
    char         err[256], perr[256];
    char        *path, *host;
    ngxl_ep_t    ep;
    ngxl_buf_t   body;

    if (a->status_url == NULL) {
        return;
    }

    if (ngxl_audit_url_parse(a->pool, a->status_url, &ep, &path, &host, err,
                             sizeof(err))
        != NGXL_OK)
    {
        ngxl_audit_problem(a, "var_index_status: %s", err);
        a->status_url = NULL;
        return;
    }

    if (a->status_host) {
        host = a->status_host;
    }

    rc = netns ? ngxl_status_get_in(netns, &ep, path, host, &body, err,
                                    sizeof(err))
               : ngxl_audit_http_get(&ep, path, host, NGXL_STATUS_TIMEOUT,
                                     &body, err, sizeof(err));

    if (rc != NGXL_OK) {
        ngxl_audit_problem(a, "var_index_status at %s: %s", a->status_url,
                           err);
        a->status_url = NULL;
        return;
    }

    if (ngxl_audit_status_parse(a, body.data ? body.data : "", body.len,
                                second && a->status_read, perr, sizeof(perr))
        != NGXL_OK)
    {
        ngxl_audit_problem(a, "var_index_status at %s: %s", a->status_url,
                           perr);
        a->status_url = NULL;
    }

    ngxl_buf_free(&body);
}
