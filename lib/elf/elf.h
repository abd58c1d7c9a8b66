/*
 * ngxlint: what an ELF file says about how it was built.
 *
 *   ngxl_elf_open()      the ELF pass (libelf): hardening, notes, build-id,
 *                        debug links, instrumentation, nginx's own strings
 *   ngxl_elf_debug()     finding the DWARF: in the file, by build-id, by
 *                        debuglink (CRC checked), dwz alt files, .dwo files
 *   ngxl_dwarf_cus()     per compilation unit: producer, -O level, DWARF
 *                        signals (libdwarf, kept to dwarf.c)
 *   ngxl_elf_prologues() stripped code: function starts from .eh_frame_hdr
 *                        and the prologues that look unoptimised
 *
 * Every reader bounds-checks what the file says against what it has: a
 * truncated or hostile file is an error with a message, never a crash.
 */

#ifndef NGXL_ELF_H
#define NGXL_ELF_H

#include "../base/base.h"


/* optimisation levels, as recorded or judged */
typedef enum {
    NGXL_OPT_UNKNOWN = 0,
    NGXL_OPT_O0,
    NGXL_OPT_O1,
    NGXL_OPT_O2,
    NGXL_OPT_O3,
    NGXL_OPT_OS,
    NGXL_OPT_OZ,
    NGXL_OPT_OG,
    NGXL_OPT_OFAST,
    NGXL_OPT_OPTIMIZED,         /* no flags: DWARF or code says optimised */
    NGXL_OPT_UNOPTIMIZED        /* no flags: DWARF or code says -O0       */
} ngxl_opt_t;

typedef enum {
    NGXL_EVIDENCE_NONE = 0,
    NGXL_EVIDENCE_PRODUCER,
    NGXL_EVIDENCE_DWARF,
    NGXL_EVIDENCE_MACHINE_CODE
} ngxl_evidence_t;

typedef enum {
    NGXL_CONF_LOW = 0,
    NGXL_CONF_MEDIUM,
    NGXL_CONF_HIGH
} ngxl_confidence_t;

/* "O0", "O2", "optimized", "unoptimized", "unknown" ... */
const char *ngxl_opt_name(ngxl_opt_t opt);
const char *ngxl_evidence_name(ngxl_evidence_t e);
const char *ngxl_confidence_name(ngxl_confidence_t c);

/* whether OPT means the code is optimised / is not */
int ngxl_opt_optimized(ngxl_opt_t opt);
int ngxl_opt_unoptimized(ngxl_opt_t opt);

/*
 * The level a command line (or a DW_AT_producer) asks for: the last -O
 * wins, a bare -O is -O1.  NGXL_OPT_UNKNOWN when there is none.
 */
ngxl_opt_t ngxl_opt_from_flags(const char *flags);


/* one compilation unit */

typedef struct {
    char               *name;         /* DW_AT_name                       */
    char               *comp_dir;     /* DW_AT_comp_dir, or NULL          */
    char               *producer;     /* DW_AT_producer, or NULL          */
    char               *dwo;          /* split DWARF: the .dwo it names   */
    ngxl_opt_t          opt;
    ngxl_evidence_t     evidence;
    ngxl_confidence_t   confidence;
    uint64_t            code_bytes;   /* from DW_AT_high_pc / ranges      */
    unsigned            lto:1;        /* GNU GIMPLE <artificial>          */
    unsigned            sanitize:1;   /* -fsanitize= in the producer      */
    unsigned            coverage:1;   /* -fprofile-arcs / --coverage      */
    unsigned            profile:1;    /* -p / -pg                         */
    unsigned            instrument:1; /* -finstrument-functions           */
    unsigned            frame_pointer:1; /* -fno-omit-frame-pointer       */
    unsigned            recorded:1;   /* the producer records flags       */
    char               *why;          /* the DWARF signals seen, in words */
} ngxl_cu_t;


/* an address range judged by machine code */

typedef struct {
    uint64_t            start;
    uint64_t            end;
    ngxl_opt_t          opt;
    size_t              functions;    /* function starts in the range     */
} ngxl_range_t;


typedef struct {
    char               *path;
    char               *err;          /* why it could not be read         */

    /* the ELF pass */
    unsigned            is_elf:1;
    unsigned            elf64:1;
    unsigned            shared:1;     /* ET_DYN without an interpreter    */
    unsigned            pie:1;        /* ET_DYN with PT_INTERP            */
    unsigned            relro:1;      /* PT_GNU_RELRO                     */
    unsigned            bind_now:1;   /* DF_BIND_NOW / DF_1_NOW           */
    unsigned            nx_stack:1;   /* PT_GNU_STACK without PF_X        */
    unsigned            has_gnu_stack:1;
    unsigned            textrel:1;
    unsigned            stack_protector:1; /* __stack_chk_fail imported   */
    unsigned            cet_ibt:1;
    unsigned            cet_shstk:1;
    unsigned            stripped:1;   /* no .symtab                       */
    unsigned            has_dwarf:1;  /* .debug_info in the file itself   */
    unsigned            compressed_dwarf:1; /* SHF_COMPRESSED / .zdebug   */
    unsigned            exec_stack_unknown:1;
    uint16_t            machine;
    size_t              fortify;      /* *_chk imports (not stack_chk)   */
    size_t              fortifiable;  /* imports FORTIFY has _chk for     */
    char               *rpath;
    char               *runpath;
    ngxl_vec_t          needed;       /* char *                           */

    /* instrumentation without DWARF */
    ngxl_vec_t          instrumentation; /* char *: "NEEDED libasan.so.8" */
    unsigned            asan:1;
    unsigned            ubsan:1;
    unsigned            tsan:1;
    unsigned            mcount:1;
    unsigned            cyg_profile:1;
    unsigned            llvm_profile:1;
    unsigned            gcov:1;

    /* identity and debug links */
    char               *build_id;     /* hex, or NULL                     */
    char               *debuglink;    /* .gnu_debuglink name, or NULL     */
    uint32_t            debuglink_crc;
    char               *altlink;      /* .gnu_debugaltlink name           */
    char               *altlink_id;   /* ... and its build-id (hex)       */
    ngxl_vec_t          comments;     /* char *: .comment strings         */

    /* nginx's own strings */
    char               *nginx_version;    /* "1.22.1"                     */
    char               *nginx_configure;  /* "--with-debug --with-cc-opt=..." */

    /* the DWARF, wherever it was found */
    char               *debug_file;   /* the file that has it, or NULL    */
    char               *debug_how;    /* "in the file", "build-id", ...   */
    ngxl_vec_t          tried;        /* char *: what was looked at       */
    ngxl_vec_t          cus;          /* ngxl_cu_t *                      */
    char               *dwarf_err;    /* libdwarf's complaint, or NULL    */

    /* machine code, when there is no DWARF */
    ngxl_vec_t          ranges;       /* ngxl_range_t *: unoptimised runs */
    size_t              functions;    /* function starts examined         */
    size_t              flagged;      /* of those, unoptimised-looking    */
    uint64_t            text_bytes;

    ngxl_pool_t         pool;
} ngxl_binary_t;


typedef struct {
    ngxl_vec_t          debug_dirs;   /* const char *: --debug-dir        */
    const char         *sysroot_debug; /* default /usr/lib/debug          */
    unsigned            no_dwarf:1;   /* skip the DWARF (tests)          */
    unsigned            full_walk:1;  /* walk DIEs of every CU            */
} ngxl_bin_opts_t;


/*
 * Reads PATH: the ELF pass, then the DWARF (wherever it is), then the
 * machine code when no DWARF could be had.  Returns NGXL_ERROR when PATH is
 * not a readable ELF file (b->err says why); problems with the DWARF or
 * the code are recorded (b->dwarf_err) and the rest is still judged.
 */
int ngxl_binary_read(ngxl_binary_t *b, const char *path,
    const ngxl_bin_opts_t *opts);
void ngxl_binary_free(ngxl_binary_t *b);


/*
 * The --list-cus report of B as JSON: {"file","build_id","debug_file",
 * "cus":[{"name","producer","opt","evidence","confidence"}]}, and
 * "ranges" when the machine code was judged.  (jansson's json_t.)
 */
struct json_t;
struct json_t *ngxl_binary_json(const ngxl_binary_t *b);


/* the parts, for the readers' own tests */

typedef struct Elf  ngxl_elf_handle_t;   /* libelf's Elf */

int ngxl_elf_scan(ngxl_binary_t *b, ngxl_elf_handle_t *elf);
int ngxl_dwarf_scan(ngxl_binary_t *b, ngxl_elf_handle_t *elf,
    ngxl_elf_handle_t *alt, const ngxl_bin_opts_t *opts);

/*
 * Function starts from .eh_frame_hdr, and the prologues that look like
 * -O0: [endbr64] push %rbp; mov %rsp,%rbp; then an argument register
 * spilled to the frame.  Fills b->functions, b->flagged, b->ranges.
 */
int ngxl_elf_prologues(ngxl_binary_t *b, ngxl_elf_handle_t *elf);

/* whether the N bytes at P (a function's start) look like -O0's prologue */
int ngxl_elf_prologue_match(const uint8_t *p, size_t n);

#endif /* NGXL_ELF_H */
