/*
 * ngxlint: reading a binary: the ELF pass, the DWARF wherever it is, and
 * the machine code when there is no DWARF.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "elf.h"
#include "debuginfo.h"


static const char  *ngxl_opt_names[] = {
    "unknown", "O0", "O1", "O2", "O3", "Os", "Oz", "Og", "Ofast",
    "optimized", "unoptimized"
};


const char *
ngxl_opt_name(ngxl_opt_t opt)
{
    return (size_t) opt < sizeof(ngxl_opt_names) / sizeof(ngxl_opt_names[0])
           ? ngxl_opt_names[opt] : "unknown";
}


const char *
ngxl_evidence_name(ngxl_evidence_t e)
{
    static const char  *names[] = { "none", "producer", "dwarf",
                                    "machine-code" };

    return names[e <= NGXL_EVIDENCE_MACHINE_CODE ? e : 0];
}


const char *
ngxl_confidence_name(ngxl_confidence_t c)
{
    static const char  *names[] = { "low", "medium", "high" };

    return names[c <= NGXL_CONF_HIGH ? c : 0];
}


int
ngxl_opt_optimized(ngxl_opt_t opt)
{
    return opt != NGXL_OPT_UNKNOWN && opt != NGXL_OPT_O0
           && opt != NGXL_OPT_UNOPTIMIZED;
}


int
ngxl_opt_unoptimized(ngxl_opt_t opt)
{
    return opt == NGXL_OPT_O0 || opt == NGXL_OPT_UNOPTIMIZED;
}


ngxl_opt_t
ngxl_opt_from_flags(const char *flags)
{
    const char  *p;
    ngxl_opt_t   opt;

    opt = NGXL_OPT_UNKNOWN;

    for (p = flags; (p = strstr(p, "-O")) != NULL; p += 2) {
        /* an option of its own: at the start or after white space */
        if (p != flags && p[-1] != ' ' && p[-1] != '\t') {
            continue;
        }

        switch (p[2]) {

        case '\0':
        case ' ':
        case '\t':
            opt = NGXL_OPT_O1;          /* a bare -O is -O1 */
            break;

        case '0':
            opt = NGXL_OPT_O0;
            break;

        case '1':
            opt = NGXL_OPT_O1;
            break;

        case '2':
            opt = NGXL_OPT_O2;
            break;

        case 's':
            opt = NGXL_OPT_OS;
            break;

        case 'z':
            opt = NGXL_OPT_OZ;
            break;

        case 'g':
            opt = NGXL_OPT_OG;
            break;

        case 'f':
            if (strncmp(p + 2, "fast", 4) == 0) {
                opt = NGXL_OPT_OFAST;
            }
            break;

        default:
            if (p[2] >= '3' && p[2] <= '9') {
                opt = NGXL_OPT_O3;      /* gcc reads -O4 and up as -O3 */
            }
            break;
        }
    }

    return opt;
}


/*
 * libelf maps the files it reads.  A file cut short while it is mapped (a
 * build rewriting it, a hostile writer) raises SIGBUS at the first page it
 * no longer has, wherever that page is read: in libelf, in libdwarf, here.
 * While a binary is read, that SIGBUS (BUS_ADRERR) jumps back to
 * ngxl_binary_read(), which fails the read: nothing goes on with bytes
 * that are gone.  What was open then (libelf's and libdwarf's handles, a
 * few descriptors) is abandoned: a bounded leak, once per such file.  Any
 * other SIGBUS gets the default action.
 */

static sigjmp_buf             ngxl_binary_jmp;
static volatile sig_atomic_t  ngxl_binary_reading;


static void
ngxl_binary_sigbus(int signo, siginfo_t *si, void *ctx)
{
    (void) ctx;

    if (si->si_code == BUS_ADRERR && ngxl_binary_reading) {
        ngxl_binary_reading = 0;
        siglongjmp(ngxl_binary_jmp, 1);
    }

    /* not a file cut under us: returning faults again, and crashes */
    (void) signal(signo, SIG_DFL);
}


static int ngxl_binary_read_file(ngxl_binary_t *b, const char *path,
    const ngxl_bin_opts_t *opts);


int
ngxl_binary_read(ngxl_binary_t *b, const char *path,
    const ngxl_bin_opts_t *opts)
{
    int               rc;
    struct sigaction  sa, old;

    memset(b, 0, sizeof(ngxl_binary_t));
    ngxl_pool_init(&b->pool);
    b->path = ngxl_pstrndup(&b->pool, path, strlen(path));

    memset(&sa, 0, sizeof(struct sigaction));
    sa.sa_sigaction = ngxl_binary_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);

    if (sigaction(SIGBUS, &sa, &old) == -1) {
        b->err = ngxl_psprintf(&b->pool, "sigaction(SIGBUS): %s",
                               strerror(errno));
        return NGXL_ERROR;
    }

    if (sigsetjmp(ngxl_binary_jmp, 1) != 0) {
        (void) sigaction(SIGBUS, &old, NULL);
        b->err = ngxl_psprintf(&b->pool, "changed while it was read (a file "
                               "it uses was cut short under us)");
        return NGXL_ERROR;
    }

    ngxl_binary_reading = 1;

    rc = ngxl_binary_read_file(b, path, opts);

    ngxl_binary_reading = 0;

    (void) sigaction(SIGBUS, &old, NULL);

    return rc;
}


static int
ngxl_binary_read_file(ngxl_binary_t *b, const char *path,
    const ngxl_bin_opts_t *opts)
{
    int            fd, rc;
    Elf           *elf;
    struct stat    st;
    ngxl_dfile_t   d, alt;

    if (elf_version(EV_CURRENT) == EV_NONE) {
        b->err = ngxl_psprintf(&b->pool, "libelf: %s", elf_errmsg(-1));
        return NGXL_ERROR;
    }

    /* O_NONBLOCK: a FIFO is refused below, never waited on */

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd == -1) {
        b->err = ngxl_psprintf(&b->pool, "%s", strerror(errno));
        return NGXL_ERROR;
    }

    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        b->err = ngxl_psprintf(&b->pool, "%s", S_ISDIR(st.st_mode)
                               ? "a directory, not an ELF file"
                               : "not a regular file");
        close(fd);
        return NGXL_ERROR;
    }

    elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);

    if (elf == NULL) {
        b->err = ngxl_psprintf(&b->pool, "not an ELF file (%s)",
                               elf_errmsg(-1));
        close(fd);
        return NGXL_ERROR;
    }

    rc = ngxl_elf_scan(b, elf);

    if (rc != NGXL_OK) {
        elf_end(elf);
        close(fd);
        return NGXL_ERROR;
    }

    if (!opts->no_dwarf && ngxl_debug_find(b, elf, opts, &d, &alt) == NGXL_OK)
    {
        (void) ngxl_dwarf_scan(b, d.elf, alt.elf, opts);

        ngxl_debug_close(&alt);

        if (d.elf != elf) {
            ngxl_debug_close(&d);
        }
    }

    /* no compilation unit to judge by: the machine code */

    if (b->cus.n == 0) {
        (void) ngxl_elf_prologues(b, elf);
    }

    elf_end(elf);
    close(fd);

    return NGXL_OK;
}


void
ngxl_binary_free(ngxl_binary_t *b)
{
    ngxl_vec_free(&b->needed);
    ngxl_vec_free(&b->instrumentation);
    ngxl_vec_free(&b->comments);
    ngxl_vec_free(&b->tried);
    ngxl_vec_free(&b->cus);
    ngxl_vec_free(&b->ranges);
    ngxl_pool_free(&b->pool);
}
