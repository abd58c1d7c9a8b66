/*
 * ngxlint: pools, buffers, vectors and whole-file reading.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"


#define NGXL_POOL_CHUNK  (64 * 1024)
#define NGXL_POOL_LARGE  (2 * 1024 * 1024)      /* a huge page */

struct ngxl_pool_chunk_s {
    ngxl_pool_chunk_t  *next;
    size_t              size;
    size_t              used;
    /* max_align_t keeps the payload aligned for any type */
    max_align_t         data[];
};


void
ngxl_oom(void)
{
    static const char  msg[] = "ngxlint: out of memory\n";

    (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
    abort();
}


void
ngxl_pool_init(ngxl_pool_t *pool)
{
    pool->chunk = NULL;
    pool->total = 0;
}


void
ngxl_pool_free(ngxl_pool_t *pool)
{
    ngxl_pool_chunk_t  *c, *next;

    for (c = pool->chunk; c; c = next) {
        next = c->next;
        free(c);
    }

    pool->chunk = NULL;
    pool->total = 0;
}


void *
ngxl_palloc(ngxl_pool_t *pool, size_t size)
{
    void  *p;

    p = ngxl_pnalloc(pool, size);
    memset(p, 0, size);

    return p;
}


void *
ngxl_pnalloc(ngxl_pool_t *pool, size_t size)
{
    size_t              asize, csize;
    ngxl_pool_chunk_t  *c;
    char               *p;

    asize = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);

    if (asize < size) {
        ngxl_oom();
    }

    c = pool->chunk;

    if (c == NULL || c->size - c->used < asize) {
        /*
         * small pools stay small; a pool that grows gets 2 MiB chunks,
         * aligned so that the kernel can back them with huge pages (a
         * large configuration's tree is hundreds of MiB: page faults were
         * a third of the time)
         */

        if (asize > NGXL_POOL_CHUNK / 4) {
            csize = asize;
            c = malloc(sizeof(ngxl_pool_chunk_t) + csize);

        } else if (pool->total < 4 * NGXL_POOL_LARGE) {
            csize = NGXL_POOL_CHUNK - sizeof(ngxl_pool_chunk_t);
            c = malloc(NGXL_POOL_CHUNK);

        } else {
            csize = NGXL_POOL_LARGE - sizeof(ngxl_pool_chunk_t);
            c = aligned_alloc(NGXL_POOL_LARGE, NGXL_POOL_LARGE);
#ifdef MADV_HUGEPAGE
            if (c) {
                (void) madvise(c, NGXL_POOL_LARGE, MADV_HUGEPAGE);
            }
#endif
        }

        if (c == NULL) {
            ngxl_oom();
        }

        c->size = csize;
        c->used = 0;

        if (asize == csize && pool->chunk) {
            /* a large block: keep the current chunk for small ones */
            c->next = pool->chunk->next;
            pool->chunk->next = c;

        } else {
            c->next = pool->chunk;
            pool->chunk = c;
        }
    }

    p = (char *) c->data + c->used;
    c->used += asize;
    pool->total += asize;

    return p;
}


char *
ngxl_pstrndup(ngxl_pool_t *pool, const char *s, size_t len)
{
    char  *p;

    p = ngxl_palloc(pool, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';

    return p;
}


char *
ngxl_psprintf(ngxl_pool_t *pool, const char *fmt, ...)
{
    int       n;
    char     *p;
    va_list   ap;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);

    if (n < 0) {
        return ngxl_pstrndup(pool, "", 0);
    }

    p = ngxl_palloc(pool, (size_t) n + 1);

    va_start(ap, fmt);
    vsnprintf(p, (size_t) n + 1, fmt, ap);
    va_end(ap);

    return p;
}


void
ngxl_buf_init(ngxl_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}


void
ngxl_buf_free(ngxl_buf_t *b)
{
    free(b->data);
    ngxl_buf_init(b);
}


void
ngxl_buf_reserve(ngxl_buf_t *b, size_t more)
{
    size_t   cap;
    char    *p;

    if (b->cap - b->len > more) {
        return;
    }

    cap = b->cap ? b->cap : 256;

    while (cap - b->len <= more) {
        if (cap > SIZE_MAX / 2) {
            ngxl_oom();
        }
        cap *= 2;
    }

    p = realloc(b->data, cap);
    if (p == NULL) {
        ngxl_oom();
    }

    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
}


void
ngxl_buf_add(ngxl_buf_t *b, const void *p, size_t n)
{
    ngxl_buf_reserve(b, n);

    if (n) {
        memcpy(b->data + b->len, p, n);
    }

    b->len += n;
    b->data[b->len] = '\0';
}


void
ngxl_buf_addc(ngxl_buf_t *b, char c)
{
    ngxl_buf_add(b, &c, 1);
}


void
ngxl_buf_adds(ngxl_buf_t *b, const char *s)
{
    ngxl_buf_add(b, s, strlen(s));
}


void
ngxl_buf_vprintf(ngxl_buf_t *b, const char *fmt, va_list ap)
{
    int      n;
    va_list  cp;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);

    if (n <= 0) {
        return;
    }

    ngxl_buf_reserve(b, (size_t) n);
    vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
    b->len += (size_t) n;
}


void
ngxl_buf_printf(ngxl_buf_t *b, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    ngxl_buf_vprintf(b, fmt, ap);
    va_end(ap);
}


void
ngxl_vec_push(ngxl_vec_t *v, void *p)
{
    size_t   cap;
    void   **e;

    if (v->n == v->cap) {
        cap = v->cap ? v->cap * 2 : 8;

        e = realloc(v->elts, cap * sizeof(void *));
        if (e == NULL) {
            ngxl_oom();
        }

        v->elts = e;
        v->cap = cap;
    }

    v->elts[v->n++] = p;
}


void
ngxl_vec_free(ngxl_vec_t *v)
{
    free(v->elts);
    v->elts = NULL;
    v->n = 0;
    v->cap = 0;
}


static uint32_t
ngxl_hmap_hash(const char *key, size_t len, int nocase)
{
    size_t    i;
    uint32_t  h;
    unsigned char  c;

    /* FNV-1a */
    h = 2166136261u;

    for (i = 0; i < len; i++) {
        c = (unsigned char) key[i];

        if (nocase && c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }

        h = (h ^ c) * 16777619u;
    }

    return h;
}


static int
ngxl_hmap_eq(const ngxl_hslot_t *s, const char *key, size_t len, int nocase)
{
    size_t         i;
    unsigned char  a, b;

    if (s->len != len) {
        return 0;
    }

    if (!nocase) {
        return memcmp(s->key, key, len) == 0;
    }

    for (i = 0; i < len; i++) {
        a = (unsigned char) s->key[i];
        b = (unsigned char) key[i];

        if ((a | (a >= 'A' && a <= 'Z' ? 0x20 : 0))
            != (b | (b >= 'A' && b <= 'Z' ? 0x20 : 0)))
        {
            return 0;
        }
    }

    return 1;
}


void
ngxl_hmap_init(ngxl_hmap_t *h, int nocase)
{
    h->slots = NULL;
    h->n = 0;
    h->cap = 0;
    h->nocase = nocase ? 1 : 0;
}


void
ngxl_hmap_free(ngxl_hmap_t *h)
{
    free(h->slots);
    h->slots = NULL;
    h->n = 0;
    h->cap = 0;
}


void *
ngxl_hmap_get(const ngxl_hmap_t *h, const char *key, size_t len)
{
    size_t         i;
    uint32_t       hash;
    ngxl_hslot_t  *s;

    if (h->cap == 0) {
        return NULL;
    }

    hash = ngxl_hmap_hash(key, len, h->nocase);

    for (i = hash & (h->cap - 1); ; i = (i + 1) & (h->cap - 1)) {
        s = &h->slots[i];

        if (s->key == NULL) {
            return NULL;
        }

        if (s->hash == hash && ngxl_hmap_eq(s, key, len, h->nocase)) {
            return s->value;
        }
    }
}


void *
ngxl_hmap_put(ngxl_hmap_t *h, const char *key, size_t len, void *value)
{
    void          *old;
    size_t         i, k, cap;
    uint32_t       hash;
    ngxl_hslot_t  *s, *slots;

    if ((h->n + 1) * 2 > h->cap) {
        cap = h->cap ? h->cap * 2 : 16;

        slots = calloc(cap, sizeof(ngxl_hslot_t));
        if (slots == NULL) {
            ngxl_oom();
        }

        for (k = 0; k < h->cap; k++) {
            if (h->slots[k].key == NULL) {
                continue;
            }

            for (i = h->slots[k].hash & (cap - 1); slots[i].key;
                 i = (i + 1) & (cap - 1))
            {
                /* void */
            }

            slots[i] = h->slots[k];
        }

        free(h->slots);
        h->slots = slots;
        h->cap = cap;
    }

    hash = ngxl_hmap_hash(key, len, h->nocase);

    for (i = hash & (h->cap - 1); ; i = (i + 1) & (h->cap - 1)) {
        s = &h->slots[i];

        if (s->key == NULL) {
            s->key = key;
            s->len = len;
            s->hash = hash;
            s->value = value;
            h->n++;
            return NULL;
        }

        if (s->hash == hash && ngxl_hmap_eq(s, key, len, h->nocase)) {
            old = s->value;
            s->value = value;
            return old;
        }
    }
}


const char *
ngxl_strerror(int err)
{
    return err == NGXL_ENOTREG ? "not a regular file" : strerror(err);
}


int
ngxl_read_rest(int fd, size_t max, ngxl_buf_t *out)
{
    char     *p;
    size_t    size;
    ssize_t   n;

    for ( ;; ) {
        if (out->cap - out->len <= 1) {
            /* more room: twice as much, never much more than MAX */
            size = out->cap == 0 ? 65536
                   : out->cap < max / 2 ? out->cap * 2 : max + 2;

            if (size <= out->cap) {
                errno = EFBIG;
                return NGXL_ERROR;
            }

            p = realloc(out->data, size);

            if (p == NULL) {
                errno = ENOMEM;
                return NGXL_ERROR;
            }

            out->data = p;
            out->cap = size;
        }

        n = read(fd, out->data + out->len, out->cap - out->len - 1);

        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            return NGXL_ERROR;
        }

        if (n == 0) {
            break;
        }

        out->len += (size_t) n;

        if (out->len > max) {
            errno = EFBIG;
            return NGXL_ERROR;
        }
    }

    out->data[out->len] = '\0';

    return NGXL_OK;
}


int
ngxl_read_file(const char *path, size_t max, ngxl_buf_t *out)
{
    int          fd, err;
    size_t       size;
    struct stat  st;

    /* O_NONBLOCK: a FIFO without a writer would block open() for ever */

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd == -1) {
        return NGXL_ERROR;
    }

    if (fstat(fd, &st) == -1) {
        goto failed;
    }

    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto failed;
    }

    if (!S_ISREG(st.st_mode)) {
        errno = NGXL_ENOTREG;
        goto failed;
    }

    if ((uint64_t) st.st_size > max) {
        errno = EFBIG;
        goto failed;
    }

    /*
     * what it says it has, the NUL and one byte to see the end by without
     * growing (doubling would ask for twice a large file); a file too large
     * for the memory we may use is an error, not an abort
     */

    ngxl_buf_init(out);

    size = (size_t) st.st_size + 2;
    out->data = malloc(size);

    if (out->data == NULL) {
        errno = ENOMEM;
        goto failed;
    }

    out->cap = size;

    if (ngxl_read_rest(fd, max, out) != NGXL_OK) {
        err = errno;
        ngxl_buf_free(out);
        errno = err;
        goto failed;
    }

    close(fd);

    return NGXL_OK;

failed:

    err = errno;
    close(fd);
    errno = err;

    return NGXL_ERROR;
}
