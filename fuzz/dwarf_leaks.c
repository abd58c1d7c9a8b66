/*
 * ngxlint fuzz support: what libdwarf 20210528 (Debian 12's) loses on its
 * own error paths, told apart from what ngxlint loses.
 *
 * ngxlint keeps libdwarf's record of its allocations off (lib/elf/dwarf.c:
 * the record costs a third of the time), and gives back every DIE, error
 * and list itself.  Some error paths of that libdwarf lose memory before
 * ngxlint can see it, and LeakSanitizer then fails fuzz_elf:
 *
 *   dwarf_child()   allocates the child DIE, then returns DW_DLV_ERROR
 *                   without freeing it when the child's abbreviation code
 *                   runs past the end of the unit (DECODE_LEB128_UWORD_CK
 *                   returns from the function).  Upstream frees it since
 *                   (src/lib/libdwarf/dwarf_die_deliv.c of libdwarf-code).
 *                   fixtures/fuzz/fuzz_elf/child-abbrev-past-unit-leak.b64
 *
 * fuzz_elf is linked with --wrap for each of these functions: the wrapper
 * watches what the allocator hands out during the call (the sanitizers'
 * malloc and free hooks) and, when the call fails, has LeakSanitizer
 * ignore what the call allocated and still holds, but for the error it
 * returns (ngxlint must give that back).  A call that succeeds is left
 * alone: a DIE it returns that ngxlint never gives back is still a leak.
 */

#include <stddef.h>
#include <stdint.h>

#include <sanitizer/allocator_interface.h>
#include <sanitizer/lsan_interface.h>

#include <libdwarf/libdwarf.h>


#define NGXL_FUZZ_WATCH_MAX  64


typedef struct {
    const volatile void  *ptr;
    size_t                size;
} ngxl_fuzz_block_t;


int __real_dwarf_child(Dwarf_Die die, Dwarf_Die *child, Dwarf_Error *err);
int __wrap_dwarf_child(Dwarf_Die die, Dwarf_Die *child, Dwarf_Error *err);


static ngxl_fuzz_block_t  ngxl_fuzz_blocks[NGXL_FUZZ_WATCH_MAX];
static size_t             ngxl_fuzz_nblocks;
static int                ngxl_fuzz_watching;
static int                ngxl_fuzz_hooked;


static void
ngxl_fuzz_on_malloc(const volatile void *ptr, size_t size)
{
    if (ngxl_fuzz_watching && ngxl_fuzz_nblocks < NGXL_FUZZ_WATCH_MAX) {
        ngxl_fuzz_blocks[ngxl_fuzz_nblocks].ptr = ptr;
        ngxl_fuzz_blocks[ngxl_fuzz_nblocks].size = size;
        ngxl_fuzz_nblocks++;
    }
}


static void
ngxl_fuzz_on_free(const volatile void *ptr)
{
    size_t  i;

    if (!ngxl_fuzz_watching) {
        return;
    }

    for (i = 0; i < ngxl_fuzz_nblocks; i++) {
        if (ngxl_fuzz_blocks[i].ptr == ptr) {
            ngxl_fuzz_blocks[i] = ngxl_fuzz_blocks[--ngxl_fuzz_nblocks];
            return;
        }
    }
}


static void
ngxl_fuzz_watch(void)
{
    if (!ngxl_fuzz_hooked) {
        (void) __sanitizer_install_malloc_and_free_hooks(ngxl_fuzz_on_malloc,
                                                         ngxl_fuzz_on_free);
        ngxl_fuzz_hooked = 1;
    }

    ngxl_fuzz_nblocks = 0;
    ngxl_fuzz_watching = 1;
}


/* the call failed: what it still holds is lost, but for the error */

static void
ngxl_fuzz_forgive(const void *error)
{
    size_t          i;
    const uint8_t  *p, *e;

    e = error;

    for (i = 0; i < ngxl_fuzz_nblocks; i++) {
        p = (const uint8_t *) ngxl_fuzz_blocks[i].ptr;

        if (e != NULL && e >= p && e < p + ngxl_fuzz_blocks[i].size) {
            continue;
        }

        __lsan_ignore_object((const void *) p);
    }
}


int
__wrap_dwarf_child(Dwarf_Die die, Dwarf_Die *child, Dwarf_Error *err)
{
    int  rc;

    ngxl_fuzz_watch();

    rc = __real_dwarf_child(die, child, err);

    ngxl_fuzz_watching = 0;

    if (rc == DW_DLV_ERROR) {
        ngxl_fuzz_forgive(err ? (const void *) *err : NULL);
    }

    return rc;
}
