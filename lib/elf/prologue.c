/*
 * ngxlint: stripped code.  Function starts come from .eh_frame_hdr (strip
 * keeps it: the unwinder needs it); each start's first bytes are matched
 * against the prologue gcc and clang emit at -O0 on x86-64:
 *
 *     [endbr64] push %rbp; mov %rsp,%rbp; [push %rbx]; [sub $n,%rsp]
 *     then, within a few register moves, an argument register (or a copy
 *     of one) stored to a negative displacement of %rbp
 *
 * Optimised code keeps its arguments in registers; at -O0 every argument
 * is spilled to the frame before the body runs.  The look-alikes in
 * optimised code are told apart: functions that push more callee-saved
 * registers (then %rdi must be spilled first and read straight back), the
 * register save area of a variadic function, and an argument spilled to
 * pass its address on.  Functions without arguments in registers are
 * never flagged.  This is a byte-pattern matcher over a handful of
 * encodings, not a disassembler.
 *
 * Measured with gcc 12 and clang 14 on nginx, lua and zlib, stripped or
 * not: 95-99.7% of the functions flagged at -O0 (the misses take no
 * argument in a register but for a handful), none at -O1, -O2, -O3, -Os
 * or -Og, 0-0.6% at -O2 -fno-omit-frame-pointer.
 *
 * Everything the file says (the header's encodings, the count, the table,
 * the section sizes) is checked against the bytes libelf hands us.
 */

#include <stdlib.h>
#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include "elf.h"


/* DW_EH_PE_*: the pointer encodings of .eh_frame_hdr (LSB 4.1, DWARF) */

#define NGXL_EH_PE_ABSPTR    0x00
#define NGXL_EH_PE_ULEB128   0x01
#define NGXL_EH_PE_UDATA2    0x02
#define NGXL_EH_PE_UDATA4    0x03
#define NGXL_EH_PE_UDATA8    0x04
#define NGXL_EH_PE_SLEB128   0x09
#define NGXL_EH_PE_SDATA2    0x0a
#define NGXL_EH_PE_SDATA4    0x0b
#define NGXL_EH_PE_SDATA8    0x0c

#define NGXL_EH_PE_PCREL     0x10
#define NGXL_EH_PE_DATAREL   0x30
#define NGXL_EH_PE_INDIRECT  0x80
#define NGXL_EH_PE_OMIT      0xff


/*
 * How many instructions after the frame set-up may come before the first
 * argument store.  gcc and clang at -O0 store an argument at once, or
 * after a few register moves (char and short arguments, structs passed in
 * registers: eight for gcc's complex double), clang's loads of arguments
 * passed on the stack, or its "movl $0,-4(%rbp)" return slot in main().
 * Only those few instruction forms are stepped over: anything else ends
 * the search, so the window's length hardly matters.
 */
#define NGXL_PRO_WINDOW      10

/* bytes of a function start handed to the matcher */
#define NGXL_PRO_BYTES       128


/* registers as the ModRM byte numbers them (plus 8 with REX.R / REX.B) */

#define NGXL_R_AX   0
#define NGXL_R_CX   1
#define NGXL_R_DX   2
#define NGXL_R_BX   3
#define NGXL_R_SP   4
#define NGXL_R_BP   5
#define NGXL_R_SI   6
#define NGXL_R_DI   7
#define NGXL_R_R8   8
#define NGXL_R_R9   9

/* the integer argument registers of the SysV ABI: rdi rsi rdx rcx r8 r9 */
#define NGXL_ARG_REGS                                                         \
    ((1u << NGXL_R_DI) | (1u << NGXL_R_SI) | (1u << NGXL_R_DX)                \
     | (1u << NGXL_R_CX) | (1u << NGXL_R_R8) | (1u << NGXL_R_R9))


typedef struct {
    uint64_t        addr;
    uint64_t        size;
    const uint8_t  *data;         /* NULL when libelf could not read it */
    size_t          len;          /* bytes of data we really have       */
    unsigned        plt:1;        /* .plt, .plt.got, .plt.sec: stubs    */
} ngxl_xsec_t;




static uint64_t
ngxl_pro_le(const uint8_t *p, size_t n)
{
    size_t    i;
    uint64_t  v;

    v = 0;

    for (i = n; i > 0; i--) {
        v = (v << 8) | p[i - 1];
    }

    return v;
}


/*
 * Reads one encoded pointer at *pos of the section (SIZE bytes at ADDR).
 * Returns NGXL_ERROR when it runs past the end or the encoding is one we
 * do not take (indirect, textrel, funcrel, aligned).
 */

static int
ngxl_pro_read_enc(const uint8_t *p, size_t size, size_t *pos, unsigned enc,
    uint64_t addr, unsigned ptr_size, uint64_t *out)
{
    size_t    at, n;
    unsigned  shift;
    uint64_t  v, field;
    uint8_t   c;

    if (enc == NGXL_EH_PE_OMIT || (enc & NGXL_EH_PE_INDIRECT)) {
        return NGXL_ERROR;
    }

    at = *pos;
    field = addr + at;

    if (at > size) {
        return NGXL_ERROR;
    }

    switch (enc & 0x0f) {

    case NGXL_EH_PE_ULEB128:
    case NGXL_EH_PE_SLEB128:
        v = 0;
        shift = 0;

        for ( ;; ) {
            if (at >= size || shift >= 64) {
                return NGXL_ERROR;
            }

            c = p[at++];
            v |= (uint64_t) (c & 0x7f) << shift;
            shift += 7;

            if ((c & 0x80) == 0) {
                break;
            }
        }

        if ((enc & 0x0f) == NGXL_EH_PE_SLEB128 && shift < 64
            && (c & 0x40))
        {
            v |= ~(uint64_t) 0 << shift;
        }

        *pos = at;
        goto apply;

    case NGXL_EH_PE_ABSPTR:
        n = ptr_size;
        break;

    case NGXL_EH_PE_UDATA2:
    case NGXL_EH_PE_SDATA2:
        n = 2;
        break;

    case NGXL_EH_PE_UDATA4:
    case NGXL_EH_PE_SDATA4:
        n = 4;
        break;

    case NGXL_EH_PE_UDATA8:
    case NGXL_EH_PE_SDATA8:
        n = 8;
        break;

    default:
        return NGXL_ERROR;
    }

    if (size - at < n) {
        return NGXL_ERROR;
    }

    v = ngxl_pro_le(p + at, n);

    /* sign-extend the signed forms */

    if ((enc & 0x08) && n < 8 && (v & ((uint64_t) 1 << (n * 8 - 1)))) {
        v |= ~(uint64_t) 0 << (n * 8);
    }

    *pos = at + n;

apply:

    switch (enc & 0x70) {

    case 0:
        break;

    case NGXL_EH_PE_PCREL:
        v += field;
        break;

    case NGXL_EH_PE_DATAREL:
        /* in .eh_frame_hdr, relative to the section's start */
        v += addr;
        break;

    default:
        return NGXL_ERROR;
    }

    if (ptr_size == 4) {
        v &= 0xffffffff;
    }

    *out = v;

    return NGXL_OK;
}


/* the size of one encoded value, or the least for the LEB128 forms */

static size_t
ngxl_pro_enc_size(unsigned enc, unsigned ptr_size)
{
    switch (enc & 0x0f) {

    case NGXL_EH_PE_ABSPTR:
        return ptr_size;

    case NGXL_EH_PE_UDATA2:
    case NGXL_EH_PE_SDATA2:
        return 2;

    case NGXL_EH_PE_UDATA4:
    case NGXL_EH_PE_SDATA4:
        return 4;

    case NGXL_EH_PE_UDATA8:
    case NGXL_EH_PE_SDATA8:
        return 8;

    default:
        return 1;
    }
}


static int
ngxl_pro_cmp_u64(const void *a, const void *b)
{
    uint64_t  x, y;

    x = *(const uint64_t *) a;
    y = *(const uint64_t *) b;

    return (x > y) - (x < y);
}


static int
ngxl_pro_cmp_sec(const void *a, const void *b)
{
    const ngxl_xsec_t  *x, *y;

    x = a;
    y = b;

    return (x->addr > y->addr) - (x->addr < y->addr);
}


/*
 * The function starts of .eh_frame_hdr: *starts (malloc'd, sorted, no
 * duplicates) and *n.  NGXL_OK with *n = 0 when the table is absent or
 * empty; NGXL_ERROR when the header is malformed.
 */

static int
ngxl_pro_starts(const uint8_t *p, size_t size, uint64_t addr,
    unsigned ptr_size, uint64_t **starts, size_t *n)
{
    size_t     pos, i, j, count, esize;
    unsigned   ptr_enc, count_enc, table_enc;
    uint64_t   v, fde, *s;

    *starts = NULL;
    *n = 0;

    if (size < 4 || p[0] != 1) {
        return NGXL_ERROR;
    }

    ptr_enc = p[1];
    count_enc = p[2];
    table_enc = p[3];
    pos = 4;

    /* eh_frame_ptr: read past it; .eh_frame itself is not parsed */

    if (ptr_enc != NGXL_EH_PE_OMIT
        && ngxl_pro_read_enc(p, size, &pos, ptr_enc, addr, ptr_size, &v)
           != NGXL_OK)
    {
        return NGXL_ERROR;
    }

    if (count_enc == NGXL_EH_PE_OMIT || table_enc == NGXL_EH_PE_OMIT) {
        /* no search table: legal, and nothing to go by */
        return NGXL_OK;
    }

    if (ngxl_pro_read_enc(p, size, &pos, count_enc, 0, ptr_size, &v)
        != NGXL_OK)
    {
        return NGXL_ERROR;
    }

    /* never more entries than the section can hold */

    esize = 2 * ngxl_pro_enc_size(table_enc, ptr_size);

    count = (size - pos) / esize;

    if (v < count) {
        count = (size_t) v;
    }

    if (count == 0) {
        return NGXL_OK;
    }

    s = malloc(count * sizeof(uint64_t));
    if (s == NULL) {
        ngxl_oom();
    }

    for (i = 0; i < count; i++) {

        if (ngxl_pro_read_enc(p, size, &pos, table_enc, addr, ptr_size,
                              &s[i])
            != NGXL_OK
            || ngxl_pro_read_enc(p, size, &pos, table_enc, addr, ptr_size,
                                 &fde)
               != NGXL_OK)
        {
            free(s);
            return NGXL_ERROR;
        }
    }

    /* sorted by the spec; not trusted */

    qsort(s, count, sizeof(uint64_t), ngxl_pro_cmp_u64);

    for (i = 0, j = 0; i < count; i++) {
        if (j == 0 || s[i] != s[j - 1]) {
            s[j++] = s[i];
        }
    }

    *starts = s;
    *n = j;

    return NGXL_OK;
}


/* ModRM with mod 01 or 10 and r/m 101: disp8/disp32(%rbp); *disp, *len */

static int
ngxl_pro_rbp_mem(const uint8_t *p, size_t n, unsigned rex, int64_t *disp,
    size_t *len)
{
    unsigned  mod, rm;

    if (n < 1) {
        return 0;
    }

    mod = p[0] >> 6;
    rm = p[0] & 7;

    if (rm != NGXL_R_BP || (rex & 1)) {
        /* with REX.B it is %r13 */
        return 0;
    }

    if (mod == 1) {
        if (n < 2) {
            return 0;
        }

        *disp = (int8_t) p[1];
        *len = 2;
        return 1;
    }

    if (mod == 2) {
        if (n < 5) {
            return 0;
        }

        *disp = (int32_t) (uint32_t) ngxl_pro_le(p + 1, 4);
        *len = 5;
        return 1;
    }

    return 0;
}


/*
 * Whether P starts the register save area of a variadic function built
 * with optimisation: argument registers from REG on stored in their order
 * to consecutive slots from DISP up (usually through %r9), then "test
 * %al,%al".  The named arguments stay in their registers (all of them
 * when they are floats: then the area starts at %rdi).  At -O0 the named
 * ones are spilled first, to slots of their own.
 */

static int
ngxl_pro_va_area(const uint8_t *p, size_t n, unsigned reg, int64_t disp)
{
    size_t           i, k, len;
    int64_t          d;
    static const uint8_t  order[] = {
        NGXL_R_DI, NGXL_R_SI, NGXL_R_DX, NGXL_R_CX, NGXL_R_R8, NGXL_R_R9
    };

    for (k = 0; k < sizeof(order) && order[k] != reg; k++) {
        /* void */
    }

    if (k == sizeof(order)) {
        return 0;
    }

    i = 0;

    for ( ;; ) {

        if (n - i >= 2 && p[i] == 0x84 && p[i + 1] == 0xc0) {
            return i > 0;
        }

        /* REX.W (48), or REX.WR (4c) for %r8 and %r9 */

        if (k == sizeof(order)
            || n - i < 3
            || p[i] != ((order[k] & 8) ? 0x4c : 0x48)
            || p[i + 1] != 0x89
            || ((p[i + 2] >> 3) & 7) != (order[k] & 7)
            || !ngxl_pro_rbp_mem(p + i + 2, n - i - 2, 0, &d, &len)
            || d != disp)
        {
            return 0;
        }

        i += 2 + len;
        k++;
        disp += 8;
    }
}


/*
 * Whether P starts "lea DISP(%rbp),%arg": the slot just stored to passed
 * by address, the one reason optimised code spills an argument.  At -O0
 * gcc computes the address in %rax first, and clang spills every other
 * argument first: only clang's functions of one argument look the same.
 */

static int
ngxl_pro_addr_taken(const uint8_t *p, size_t n, int64_t disp)
{
    size_t    len;
    int64_t   d;
    unsigned  rex, reg;

    if (n < 3 || (p[0] & 0xf0) != 0x40 || p[1] != 0x8d) {
        return 0;
    }

    rex = p[0] & 0x0f;
    reg = ((p[2] >> 3) & 7) | ((rex & 4) ? 8 : 0);

    return (NGXL_ARG_REGS & (1u << reg))
           && ngxl_pro_rbp_mem(p + 2, n - 2, rex, &d, &len)
           && d == disp;
}


/*
 * Whether P starts "mov %REG,-disp(%rbp)" (32 or 64 bits), or with LOAD
 * "mov -disp(%rbp),%any" (any width): *len, *disp.
 */

static int
ngxl_pro_spill(const uint8_t *p, size_t n, unsigned reg, int load,
    int64_t *disp, size_t *len)
{
    size_t  i, l;

    i = 0;

    if (n > 0 && (p[0] == 0x48 || (load && (p[0] & 0xf3) == 0x40))) {
        /* REX.W, and for a load REX.R too: 44 45 4c 4d */
        i = 1;
    }

    if (n - i < 2 || p[i] != (load ? 0x8b : 0x89)
        || (!load && ((p[i + 1] >> 3) & 7) != reg)
        || !ngxl_pro_rbp_mem(p + i + 1, n - i - 1, 0, disp, &l)
        || *disp >= 0)
    {
        return 0;
    }

    *len = i + 1 + l;

    return 1;
}


/*
 * Whether the code at P (N bytes) starts like a function compiled at -O0:
 * 1 or 0.  Exported for the tests.
 */

int
ngxl_elf_prologue_match(const uint8_t *p, size_t n)
{
    size_t    i, k, at, len;
    int64_t   disp, slot;
    unsigned  op, rex, opsize, rep, modrm, reg, rm, src, dst, args, pushes,
              rbx;

    i = 0;

    /* endbr64 */

    if (n >= 4 && p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e
        && p[3] == 0xfa)
    {
        i = 4;
    }

    /* push %rbp */

    if (i >= n || p[i] != 0x55) {
        return 0;
    }

    i++;

    /* mov %rsp,%rbp: 48 89 e5 (gcc, clang) or 48 8b ec */

    if (n - i < 3 || p[i] != 0x48
        || !((p[i + 1] == 0x89 && p[i + 2] == 0xe5)
             || (p[i + 1] == 0x8b && p[i + 2] == 0xec)))
    {
        return 0;
    }

    i += 3;

    /* callee-saved pushes: %rbx (53), %r12..%r15 (41 54..57) */

    rbx = 0;

    for (pushes = 0; pushes < 5 && i < n; pushes++) {

        if (p[i] == 0x53) {
            rbx = 1;
            i++;

        } else if (n - i >= 2 && p[i] == 0x41 && p[i + 1] >= 0x54
                   && p[i + 1] <= 0x57)
        {
            i += 2;

        } else {
            break;
        }
    }

    /* sub $imm8,%rsp; sub $imm32,%rsp; add $-128,%rsp (gcc's sub $128) */

    if (n - i >= 4 && p[i] == 0x48 && p[i + 1] == 0x83
        && (p[i + 2] == 0xec || (p[i + 2] == 0xc4 && p[i + 3] == 0x80)))
    {
        i += 4;

    } else if (n - i >= 7 && p[i] == 0x48 && p[i + 1] == 0x81
               && p[i + 2] == 0xec)
    {
        i += 7;
    }

    /*
     * A push of %rbx alone is common at -O0 (gcc keeps a value across a
     * call there).  More pushes are rare at -O0 (inline assembly, gcc's
     * "register" variables) and the rule with -fno-omit-frame-pointer,
     * where one argument or two are spilled and the rest kept in those
     * registers, and in -O2 functions that need a frame (alloca(), large
     * frames).  With them, ask for what only -O0 does: %rdi spilled first
     * thing...
     */

    if (pushes > 1 || (pushes == 1 && !rbx)) {

        if (!ngxl_pro_spill(p + i, n - i, NGXL_R_DI, 0, &disp, &len)) {
            return 0;
        }

        i += len;
        slot = disp;

        /*
         * ... and read back from there at once: no optimiser does that.
         * (%rsi spilled next, even to the slot just below, is not enough:
         * -O2 functions with alloca() or a large frame do it too.)
         */

        return ngxl_pro_spill(p + i, n - i, 0, 1, &disp, &len)
               && disp == slot;
    }

    /*
     * A few instructions, looking for an argument register (or a copy of
     * one) stored below %rbp.  ARGS is the set of registers that hold an
     * argument: register moves carry it along (gcc spills a char argument
     * as "mov %edi,%eax; mov %al,-0x14(%rbp)").  The order of the stores
     * is no help: gcc spills a char first argument last, clang spills
     * structs passed by value first.
     */

    args = NGXL_ARG_REGS;

    for (k = 0; k < NGXL_PRO_WINDOW && i < n; k++) {

        at = i;
        opsize = 0;
        rep = 0;
        rex = 0;

        /* legacy prefixes, then REX */

        while (i < n && (p[i] == 0x66 || p[i] == 0xf2 || p[i] == 0xf3)) {
            if (p[i] == 0x66) {
                opsize = 1;

            } else {
                rep = p[i];
            }

            i++;
        }

        if (i < n && (p[i] & 0xf0) == 0x40) {
            rex = p[i] & 0x0f;
            i++;
        }

        if (i >= n) {
            return 0;
        }

        op = p[i++];

        if (op >= 0xb8 && op <= 0xbf) {

            /* mov $imm,%reg: gcc zeroes the halves of a struct's copy */

            if (rep) {
                return 0;
            }

            dst = (op & 7) | ((rex & 1) ? 8 : 0);
            args &= ~(1u << dst);
            len = (rex & 8) ? 8 : (opsize ? 2 : 4);

            if (n - i < len) {
                return 0;
            }

            i += len;
            continue;
        }

        if (op != 0x0f && rep) {
            return 0;
        }

        if (i >= n) {
            return 0;
        }

        modrm = p[i];
        reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
        rm = (modrm & 7) | ((rex & 1) ? 8 : 0);

        switch (op) {

        case 0x88:      /* mov r8,r/m8 */
        case 0x89:      /* mov r,r/m   */
        case 0x8b:      /* mov r/m,r   */

            if ((modrm >> 6) == 3) {

                /* a register move: the argument goes where it is copied */

                if (op == 0x8b) {
                    src = rm;
                    dst = reg;

                } else {
                    src = reg;
                    dst = rm;
                }

                args = (args & ~(1u << dst)) | (((args >> src) & 1) << dst);

                i++;
                continue;
            }

            if (!ngxl_pro_rbp_mem(p + i, n - i, rex, &disp, &len)) {
                return 0;
            }

            if (op == 0x8b) {

                /* clang loads the arguments passed on the stack first */

                if (disp < 16) {
                    return 0;
                }

                args &= ~(1u << reg);

                i += len;
                continue;
            }

            /* another register stored first: not a spill */

            if (disp >= 0 || !(args & (1u << reg))) {
                return 0;
            }

            i += len;

            return !ngxl_pro_va_area(p + at, n - at, reg, disp)
                   && !ngxl_pro_addr_taken(p + i, n - i, disp);

        case 0x8d:      /* lea disp(%rbp),%reg: an argument on the stack */

            if (!ngxl_pro_rbp_mem(p + i, n - i, rex, &disp, &len)
                || disp < 16)
            {
                return 0;
            }

            args &= ~(1u << reg);

            i += len;
            continue;

        case 0xc7:      /* movl/movq $imm32,disp(%rbp): clang's slots */

            if ((reg & 7) != 0
                || !ngxl_pro_rbp_mem(p + i, n - i, rex, &disp, &len))
            {
                return 0;
            }

            len += opsize ? 2 : 4;

            if (n - i < len) {
                return 0;
            }

            i += len;
            continue;

        case 0x24:      /* and $1,%al: clang's _Bool argument */

            if (modrm != 1) {
                return 0;
            }

            i++;
            continue;

        case 0x80:      /* and $1,%r8 */

            if ((modrm >> 6) != 3 || (reg & 7) != 4 || n - i < 2
                || p[i + 1] != 1)
            {
                return 0;
            }

            i += 2;
            continue;

        case 0xdb:      /* fldt/fstpt: a long double argument, clang */

            if (!ngxl_pro_rbp_mem(p + i, n - i, rex, &disp, &len)
                || !(((reg & 7) == 5 && disp >= 16)
                     || ((reg & 7) == 7 && disp < 0)))
            {
                return 0;
            }

            i += len;
            continue;

        case 0x84:      /* test %al,%al; je: clang's variadic prologue */

            if (opsize || rex || modrm != 0xc0 || n - i < 3) {
                return 0;
            }

            i++;

            if (p[i] == 0x74) {
                i += 2;

            } else if (n - i >= 6 && p[i] == 0x0f && p[i + 1] == 0x84) {
                i += 6;

            } else {
                return 0;
            }

            continue;

        case 0x0f:

            op = modrm;
            i++;

            if (i >= n) {
                return 0;
            }

            modrm = p[i];
            reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
            rm = (modrm & 7) | ((rex & 1) ? 8 : 0);

            switch (op) {

            case 0x11:  /* movss, movsd, movups, movupd   */
            case 0x13:  /* movlps, movlpd                 */
            case 0x29:  /* movaps, movapd                 */
            case 0xd6:  /* movq (66)                      */

                if ((op == 0x13 || op == 0x29) && rep) {
                    return 0;
                }

                if (op == 0xd6 && (!opsize || rep)) {
                    return 0;
                }

                if (!ngxl_pro_rbp_mem(p + i, n - i, rex, &disp, &len)) {
                    return 0;
                }

                /* %xmm0..%xmm7 are arguments; %xmm8.. are not */

                return disp < 0 && reg < 8;

            case 0x28:  /* movaps/movapd %xmm,%xmm        */
            case 0x6e:  /* movd/movq %reg,%xmm (66)       */

                if ((modrm >> 6) != 3 || rep
                    || (op == 0x6e && !opsize))
                {
                    return 0;
                }

                i++;
                continue;

            case 0x7e:  /* movd/movq %xmm,%reg (66): gcc's small structs */

                if ((modrm >> 6) != 3 || rep || !opsize) {
                    return 0;
                }

                if (reg < 8) {
                    args |= 1u << rm;

                } else {
                    args &= ~(1u << rm);
                }

                i++;
                continue;

            default:
                return 0;
            }

        default:
            return 0;
        }
    }

    return 0;
}


/*
 * The executable sections, sorted by address: *secs (malloc'd) and *n;
 * *text their total size.
 */

static int
ngxl_pro_sections(Elf *elf, ngxl_xsec_t **secs, size_t *n, uint64_t *text)
{
    size_t        shstrndx, cap, len;
    const char   *name;
    Elf_Scn      *scn;
    Elf_Data     *data;
    GElf_Shdr     sh;
    ngxl_xsec_t  *s, *x;

    *secs = NULL;
    *n = 0;
    *text = 0;

    if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
        return NGXL_ERROR;
    }

    s = NULL;
    cap = 0;
    scn = NULL;

    while ((scn = elf_nextscn(elf, scn)) != NULL) {

        if (gelf_getshdr(scn, &sh) == NULL) {
            free(s);
            return NGXL_ERROR;
        }

        if (sh.sh_type != SHT_PROGBITS
            || (sh.sh_flags & (SHF_EXECINSTR | SHF_ALLOC))
               != (SHF_EXECINSTR | SHF_ALLOC)
            || sh.sh_size == 0)
        {
            continue;
        }

        if (*n == cap) {
            cap = cap ? cap * 2 : 16;

            x = realloc(s, cap * sizeof(ngxl_xsec_t));
            if (x == NULL) {
                ngxl_oom();
            }

            s = x;
        }

        x = &s[(*n)++];
        x->addr = sh.sh_addr;
        x->size = sh.sh_size;
        x->data = NULL;
        x->len = 0;

        /* a size that wraps the address space is cut at the top */

        if (x->addr + x->size < x->addr) {
            x->size = UINT64_MAX - x->addr;
        }

        *text += sh.sh_size;

        name = elf_strptr(elf, shstrndx, sh.sh_name);
        x->plt = (name != NULL && strncmp(name, ".plt", 4) == 0);

        if (sh.sh_flags & SHF_COMPRESSED) {
            continue;
        }

        data = elf_rawdata(scn, NULL);

        if (data != NULL && data->d_buf != NULL) {
            len = data->d_size;

            if (len > sh.sh_size) {
                len = sh.sh_size;
            }

            x->data = data->d_buf;
            x->len = len;
        }
    }

    if (*n > 1) {
        qsort(s, *n, sizeof(ngxl_xsec_t), ngxl_pro_cmp_sec);
    }

    *secs = s;

    return NGXL_OK;
}


/* the .eh_frame_hdr section's bytes and address, or NULL */

static const uint8_t *
ngxl_pro_eh_frame_hdr(Elf *elf, size_t *size, uint64_t *addr)
{
    size_t       shstrndx;
    const char  *name;
    Elf_Scn     *scn;
    Elf_Data    *data;
    GElf_Shdr    sh;

    if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
        return NULL;
    }

    scn = NULL;

    while ((scn = elf_nextscn(elf, scn)) != NULL) {

        if (gelf_getshdr(scn, &sh) == NULL) {
            return NULL;
        }

        /* gold makes it SHT_X86_64_UNWIND; GNU ld and lld SHT_PROGBITS */

        if (sh.sh_type != SHT_PROGBITS && sh.sh_type != SHT_X86_64_UNWIND) {
            continue;
        }

        name = elf_strptr(elf, shstrndx, sh.sh_name);

        if (name == NULL || strcmp(name, ".eh_frame_hdr") != 0) {
            continue;
        }

        data = elf_rawdata(scn, NULL);

        if (data == NULL || data->d_buf == NULL) {
            return NULL;
        }

        *size = data->d_size < sh.sh_size ? data->d_size : sh.sh_size;
        *addr = sh.sh_addr;

        return data->d_buf;
    }

    return NULL;
}


/* the section that holds ADDR, or NULL; SECS is sorted by address */

static const ngxl_xsec_t *
ngxl_pro_find(const ngxl_xsec_t *secs, size_t n, uint64_t addr)
{
    size_t  lo, hi, mid;

    lo = 0;
    hi = n;

    /* the last section starting at or below ADDR */

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (secs[mid].addr <= addr) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    if (lo == 0) {
        return NULL;
    }

    if (addr - secs[lo - 1].addr < secs[lo - 1].size) {
        return &secs[lo - 1];
    }

    return NULL;
}


int
ngxl_elf_prologues(ngxl_binary_t *b, ngxl_elf_handle_t *elf)
{
    int                 rc;
    char               *ident;
    size_t              i, nsecs, nstarts, hsize, off, avail;
    uint64_t            haddr, text, *starts;
    unsigned            ptr_size, match;
    GElf_Ehdr           eh;
    ngxl_range_t       *r;
    ngxl_xsec_t        *secs;
    const uint8_t      *hdr;
    const ngxl_xsec_t  *sec, *rsec;

    b->functions = 0;
    b->flagged = 0;
    b->text_bytes = 0;

    if (elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &eh) == NULL) {
        return NGXL_ERROR;
    }

    if (eh.e_machine != EM_X86_64) {
        return NGXL_OK;
    }

    ident = elf_getident(elf, NULL);

    if (ident == NULL || ident[EI_DATA] != ELFDATA2LSB) {
        return NGXL_OK;
    }

    ptr_size = (ident[EI_CLASS] == ELFCLASS32) ? 4 : 8;

    if (ngxl_pro_sections(elf, &secs, &nsecs, &text) != NGXL_OK) {
        return NGXL_ERROR;
    }

    b->text_bytes = text;

    hdr = ngxl_pro_eh_frame_hdr(elf, &hsize, &haddr);

    if (hdr == NULL || nsecs == 0) {
        free(secs);
        return NGXL_OK;
    }

    rc = ngxl_pro_starts(hdr, hsize, haddr, ptr_size, &starts, &nstarts);

    if (rc != NGXL_OK) {
        free(secs);
        return NGXL_ERROR;
    }

    /*
     * One pass in address order; R is the run being built, RSEC its
     * section: a run ends at the next unflagged start, or with its section.
     */

    r = NULL;
    rsec = NULL;

    for (i = 0; i < nstarts; i++) {

        sec = ngxl_pro_find(secs, nsecs, starts[i]);

        if (sec == NULL || sec->plt || sec->data == NULL) {
            continue;
        }

        off = starts[i] - sec->addr;

        if (off >= sec->len) {
            /* the file is cut short of this function */
            continue;
        }

        avail = sec->len - off;

        if (avail > NGXL_PRO_BYTES) {
            avail = NGXL_PRO_BYTES;
        }

        match = ngxl_elf_prologue_match(sec->data + off, avail);

        b->functions++;

        if (r != NULL && (!match || sec != rsec)) {
            r->end = (sec == rsec) ? starts[i] : rsec->addr + rsec->size;
            r = NULL;
        }

        if (!match) {
            continue;
        }

        b->flagged++;

        if (r == NULL) {
            r = ngxl_palloc(&b->pool, sizeof(ngxl_range_t));
            r->start = starts[i];
            r->opt = NGXL_OPT_UNOPTIMIZED;
            rsec = sec;

            ngxl_vec_push(&b->ranges, r);
        }

        r->functions++;
    }

    if (r != NULL) {
        r->end = rsec->addr + rsec->size;
    }

    free(starts);
    free(secs);

    return NGXL_OK;
}
