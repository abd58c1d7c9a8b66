/*
 * ngxlint: base types: a pool (arena) allocator, counted strings, a growable
 * byte buffer, and whole-file reading.  Nothing here allocates behind the
 * caller's back: every allocation names the pool or buffer it comes from.
 */

#ifndef NGXL_BASE_H
#define NGXL_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define NGXL_OK        0
#define NGXL_ERROR    -1

typedef struct {
    size_t       len;
    const char  *data;
} ngxl_str_t;

#define ngxl_string(s)   { sizeof(s) - 1, s }
#define ngxl_str_eq(a, lit)                                                   \
    ((a)->len == sizeof(lit) - 1 && memcmp((a)->data, lit, (a)->len) == 0)


/* a pool: allocations are freed together with the pool */

typedef struct ngxl_pool_chunk_s  ngxl_pool_chunk_t;

typedef struct {
    ngxl_pool_chunk_t  *chunk;
    size_t              total;     /* bytes handed out, for accounting */
} ngxl_pool_t;

void  ngxl_pool_init(ngxl_pool_t *pool);
void  ngxl_pool_free(ngxl_pool_t *pool);
void *ngxl_palloc(ngxl_pool_t *pool, size_t size);     /* zeroed; aborts on OOM */
void *ngxl_pnalloc(ngxl_pool_t *pool, size_t size);    /* not zeroed */
char *ngxl_pstrndup(ngxl_pool_t *pool, const char *s, size_t len);
char *ngxl_psprintf(ngxl_pool_t *pool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


/* a growable byte buffer, always NUL-terminated */

typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
} ngxl_buf_t;

void ngxl_buf_init(ngxl_buf_t *b);
void ngxl_buf_free(ngxl_buf_t *b);
void ngxl_buf_reserve(ngxl_buf_t *b, size_t more);
void ngxl_buf_add(ngxl_buf_t *b, const void *p, size_t n);
void ngxl_buf_addc(ngxl_buf_t *b, char c);
void ngxl_buf_adds(ngxl_buf_t *b, const char *s);
void ngxl_buf_printf(ngxl_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ngxl_buf_vprintf(ngxl_buf_t *b, const char *fmt, va_list ap);


/* a growable array of pointers */

typedef struct {
    void   **elts;
    size_t   n;
    size_t   cap;
} ngxl_vec_t;

void ngxl_vec_push(ngxl_vec_t *v, void *p);
void ngxl_vec_free(ngxl_vec_t *v);


/*
 * A hash map of byte-string keys (not copied: they must outlive the map)
 * to pointers; open addressing.  With NOCASE set, keys compare as ASCII
 * case-insensitive.
 */

typedef struct {
    const char  *key;
    size_t       len;
    uint32_t     hash;
    void        *value;
} ngxl_hslot_t;

typedef struct {
    ngxl_hslot_t  *slots;
    size_t         n;
    size_t         cap;        /* a power of two, or 0 */
    unsigned       nocase:1;
} ngxl_hmap_t;

void  ngxl_hmap_init(ngxl_hmap_t *h, int nocase);
void  ngxl_hmap_free(ngxl_hmap_t *h);
/* the value of KEY, or NULL */
void *ngxl_hmap_get(const ngxl_hmap_t *h, const char *key, size_t len);
/* sets KEY's value; returns the slot's old value (NULL if new) */
void *ngxl_hmap_put(ngxl_hmap_t *h, const char *key, size_t len, void *value);


/*
 * Reads a whole regular file into *out (NUL-terminated).  Returns NGXL_OK,
 * or NGXL_ERROR with errno set (EISDIR for a directory, EFBIG past max,
 * NGXL_ENOTREG for a FIFO, a device or a socket: those could block, or
 * never end, and are never read).  It never waits in open().
 */
int ngxl_read_file(const char *path, size_t max, ngxl_buf_t *out);

/*
 * Reads FD to its end after what OUT holds, growing OUT (to a little more
 * than MAX at most), and NUL-terminates it: for files whose size says
 * nothing (/proc).  More than MAX bytes is EFBIG; on failure errno says
 * why and OUT is left for the caller to free or reuse.
 */
int ngxl_read_rest(int fd, size_t max, ngxl_buf_t *out);

#define NGXL_ENOTREG  0x10000    /* beyond every errno */

/* strerror(), and "not a regular file" for NGXL_ENOTREG */
const char *ngxl_strerror(int err);

/* a fatal out-of-memory exit; the only place the library may stop */
void ngxl_oom(void) __attribute__((noreturn));

#endif /* NGXL_BASE_H */
