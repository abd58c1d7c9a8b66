/*
 * ngxlint: the ELF pass (libelf): hardening, notes, links, instrumentation,
 * and the strings nginx compiles in.
 *
 * libelf checks headers and section bounds; what is read from inside a
 * section (notes, the dynamic table, strings) is bounds-checked here.
 */

#define _GNU_SOURCE           /* memmem() */

#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include "elf.h"


#ifndef NT_GNU_PROPERTY_TYPE_0
#define NT_GNU_PROPERTY_TYPE_0            5
#endif
#ifndef GNU_PROPERTY_X86_FEATURE_1_AND
#define GNU_PROPERTY_X86_FEATURE_1_AND    0xc0000002
#endif
#ifndef DF_1_PIE
#define DF_1_PIE                          0x08000000
#endif

#define NGXL_ELF_MAX_NEEDED   4096


static char *
ngxl_elf_hex(ngxl_pool_t *pool, const unsigned char *p, size_t n)
{
    size_t       i;
    char        *s;
    static const char  digits[] = "0123456789abcdef";

    s = ngxl_palloc(pool, n * 2 + 1);

    for (i = 0; i < n; i++) {
        s[i * 2] = digits[p[i] >> 4];
        s[i * 2 + 1] = digits[p[i] & 0xf];
    }

    return s;
}


/* a NUL-terminated string inside [p, p + n), copied; NULL if unterminated */

static char *
ngxl_elf_str(ngxl_pool_t *pool, const char *p, size_t n)
{
    const char  *e;

    e = memchr(p, '\0', n);
    if (e == NULL) {
        return NULL;
    }

    return ngxl_pstrndup(pool, p, (size_t) (e - p));
}


static void
ngxl_elf_instrumented(ngxl_binary_t *b, const char *what)
{
    ngxl_vec_push(&b->instrumentation, ngxl_pstrndup(&b->pool, what,
                                                     strlen(what)));
}


/* the functions _FORTIFY_SOURCE replaces with a checked __*_chk twin */

static const char  *ngxl_elf_fortifiable[] = {
    "memcpy", "memmove", "mempcpy", "memset", "stpcpy", "stpncpy", "strcpy",
    "strncpy", "strcat", "strncat", "sprintf", "snprintf", "vsprintf",
    "vsnprintf", "printf", "fprintf", "vprintf", "vfprintf", "dprintf",
    "read", "pread", "pread64", "recv", "recvfrom", "fgets", "gets",
    "realpath", "getcwd", "readlink", "wcscpy", "wmemcpy", "syslog",
    "poll", "ppoll", "confstr", "getgroups", "ttyname_r", "gethostname",
    NULL
};


/* an undefined (imported) or defined symbol name says what was linked in */

static void
ngxl_elf_symbol(ngxl_binary_t *b, const char *name, int undefined)
{
    size_t  n;

    if (strcmp(name, "__stack_chk_fail") == 0
        || strcmp(name, "__stack_chk_fail_local") == 0)
    {
        b->stack_protector = 1;
        return;
    }

    n = strlen(name);

    if (undefined && n > 6 && name[0] == '_' && name[1] == '_'
        && strcmp(name + n - 4, "_chk") == 0
        && strncmp(name, "__stack_chk", 11) != 0)
    {
        b->fortify++;
        return;
    }

    if (undefined) {
        const char  **f;

        for (f = ngxl_elf_fortifiable; *f; f++) {
            if (strcmp(name, *f) == 0) {
                b->fortifiable++;
                return;
            }
        }
    }

    if (strncmp(name, "__asan_", 7) == 0 && !b->asan) {
        b->asan = 1;
        ngxl_elf_instrumented(b, "__asan_* symbols (AddressSanitizer)");

    } else if (strncmp(name, "__ubsan_", 8) == 0 && !b->ubsan) {
        b->ubsan = 1;
        ngxl_elf_instrumented(b, "__ubsan_* symbols (UndefinedBehaviorSanitizer)");

    } else if (strncmp(name, "__tsan_", 7) == 0 && !b->tsan) {
        b->tsan = 1;
        ngxl_elf_instrumented(b, "__tsan_* symbols (ThreadSanitizer)");

    } else if ((strcmp(name, "mcount") == 0 || strcmp(name, "_mcount") == 0
                || strcmp(name, "__fentry__") == 0)
               && undefined && !b->mcount)
    {
        b->mcount = 1;
        ngxl_elf_instrumented(b, "mcount (built with -pg)");

    } else if (strncmp(name, "__cyg_profile_func_", 19) == 0
               && !b->cyg_profile)
    {
        b->cyg_profile = 1;
        ngxl_elf_instrumented(b, "__cyg_profile_func_* "
                              "(built with -finstrument-functions)");

    } else if (strncmp(name, "__gcov_", 7) == 0 && !b->gcov) {
        b->gcov = 1;
        ngxl_elf_instrumented(b, "__gcov_* symbols (built with --coverage)");

    } else if (strncmp(name, "__llvm_profile_", 15) == 0
               && !b->llvm_profile)
    {
        b->llvm_profile = 1;
        ngxl_elf_instrumented(b, "__llvm_profile_* symbols "
                              "(built with -fprofile-instr-generate)");
    }
}


static void
ngxl_elf_symbols(ngxl_binary_t *b, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh)
{
    size_t      i, n;
    GElf_Sym    sym;
    Elf_Data   *data;
    const char *name;

    if (sh->sh_entsize == 0) {
        return;
    }

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL) {
        return;
    }

    n = data->d_size / sh->sh_entsize;

    for (i = 0; i < n; i++) {
        if (gelf_getsym(data, (int) i, &sym) == NULL) {
            break;
        }

        if (sym.st_name == 0) {
            continue;
        }

        name = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (name == NULL) {
            continue;
        }

        ngxl_elf_symbol(b, name, sym.st_shndx == SHN_UNDEF);
    }
}


static void
ngxl_elf_dynamic(ngxl_binary_t *b, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh)
{
    size_t      i, n;
    GElf_Dyn    dyn;
    Elf_Data   *data;
    const char *s;

    if (sh->sh_entsize == 0) {
        return;
    }

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL) {
        return;
    }

    n = data->d_size / sh->sh_entsize;

    for (i = 0; i < n; i++) {
        if (gelf_getdyn(data, (int) i, &dyn) == NULL
            || dyn.d_tag == DT_NULL)
        {
            break;
        }

        switch (dyn.d_tag) {

        case DT_NEEDED:
            s = elf_strptr(elf, sh->sh_link, dyn.d_un.d_val);
            if (s == NULL || b->needed.n >= NGXL_ELF_MAX_NEEDED) {
                break;
            }

            ngxl_vec_push(&b->needed, ngxl_pstrndup(&b->pool, s, strlen(s)));

            if (strncmp(s, "libasan", 7) == 0 || strncmp(s, "libubsan", 8) == 0
                || strncmp(s, "libtsan", 7) == 0)
            {
                b->asan |= s[3] == 'a';
                b->ubsan |= s[3] == 'u';
                b->tsan |= s[3] == 't';
                ngxl_vec_push(&b->instrumentation,
                              ngxl_psprintf(&b->pool, "NEEDED %s", s));
            }
            break;

        case DT_RPATH:
        case DT_RUNPATH:
            s = elf_strptr(elf, sh->sh_link, dyn.d_un.d_val);
            if (s) {
                s = ngxl_pstrndup(&b->pool, s, strlen(s));
                if (dyn.d_tag == DT_RPATH) {
                    b->rpath = (char *) s;
                } else {
                    b->runpath = (char *) s;
                }
            }
            break;

        case DT_BIND_NOW:
            b->bind_now = 1;
            break;

        case DT_TEXTREL:
            b->textrel = 1;
            break;

        case DT_FLAGS:
            if (dyn.d_un.d_val & DF_BIND_NOW) {
                b->bind_now = 1;
            }
            if (dyn.d_un.d_val & DF_TEXTREL) {
                b->textrel = 1;
            }
            break;

        case DT_FLAGS_1:
            if (dyn.d_un.d_val & DF_1_NOW) {
                b->bind_now = 1;
            }
            if (dyn.d_un.d_val & DF_1_PIE) {
                b->pie = 1;
            }
            break;

        default:
            break;
        }
    }
}


static void
ngxl_elf_notes(ngxl_binary_t *b, Elf_Scn *scn)
{
    size_t       off, name_off, desc_off, p;
    uint32_t     type, sz;
    GElf_Nhdr    nh;
    Elf_Data    *data;
    const unsigned char  *d;

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL) {
        return;
    }

    off = 0;

    while (off < data->d_size) {
        off = gelf_getnote(data, off, &nh, &name_off, &desc_off);
        if (off == 0) {
            break;
        }

        if (nh.n_namesz != 4 || name_off + 4 > data->d_size
            || memcmp((char *) data->d_buf + name_off, "GNU", 4) != 0
            || desc_off + nh.n_descsz > data->d_size)
        {
            continue;
        }

        d = (const unsigned char *) data->d_buf + desc_off;

        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_descsz > 0
            && nh.n_descsz <= 64)
        {
            b->build_id = ngxl_elf_hex(&b->pool, d, nh.n_descsz);

        } else if (nh.n_type == NT_GNU_PROPERTY_TYPE_0) {
            /* pr_type (4), pr_datasz (4), data, padded to 8 on ELF64 */
            for (p = 0; p + 8 <= nh.n_descsz; /* void */) {
                memcpy(&type, d + p, 4);
                memcpy(&sz, d + p + 4, 4);

                if (sz > nh.n_descsz - p - 8) {
                    break;
                }

                if (type == GNU_PROPERTY_X86_FEATURE_1_AND && sz >= 4) {
                    uint32_t  bits;

                    memcpy(&bits, d + p + 8, 4);
                    b->cet_ibt = (bits & 1) != 0;
                    b->cet_shstk = (bits & 2) != 0;
                }

                p += 8 + ((sz + (b->elf64 ? 7u : 3u)) & ~(b->elf64 ? 7u : 3u));
            }
        }
    }
}


/* ".gnu_debuglink": a name, padding to 4, a CRC32 in the file's byte order */

static void
ngxl_elf_debuglink(ngxl_binary_t *b, Elf *elf, Elf_Scn *scn)
{
    size_t         n;
    uint32_t       crc;
    Elf_Data      *data;
    GElf_Ehdr      eh;
    unsigned char *c;

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL || data->d_size < 8) {
        return;
    }

    b->debuglink = ngxl_elf_str(&b->pool, data->d_buf, data->d_size - 4);
    if (b->debuglink == NULL || b->debuglink[0] == '\0'
        || strchr(b->debuglink, '/') != NULL)
    {
        b->debuglink = NULL;
        return;
    }

    n = (strlen(b->debuglink) + 4) & ~(size_t) 3;
    if (n + 4 > data->d_size) {
        b->debuglink = NULL;
        return;
    }

    c = (unsigned char *) data->d_buf + n;

    if (gelf_getehdr(elf, &eh) && eh.e_ident[EI_DATA] == ELFDATA2MSB) {
        crc = (uint32_t) c[0] << 24 | (uint32_t) c[1] << 16
              | (uint32_t) c[2] << 8 | c[3];
    } else {
        crc = (uint32_t) c[3] << 24 | (uint32_t) c[2] << 16
              | (uint32_t) c[1] << 8 | c[0];
    }

    b->debuglink_crc = crc;
}


static void
ngxl_elf_altlink(ngxl_binary_t *b, Elf_Scn *scn)
{
    size_t     n;
    Elf_Data  *data;

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL) {
        return;
    }

    b->altlink = ngxl_elf_str(&b->pool, data->d_buf, data->d_size);
    if (b->altlink == NULL) {
        return;
    }

    n = strlen(b->altlink) + 1;

    if (data->d_size > n && data->d_size - n <= 64) {
        b->altlink_id = ngxl_elf_hex(&b->pool,
                                     (unsigned char *) data->d_buf + n,
                                     data->d_size - n);
    }
}


static void
ngxl_elf_comment(ngxl_binary_t *b, Elf_Scn *scn)
{
    const char  *p, *last, *e;
    Elf_Data    *data;

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL) {
        return;
    }

    p = data->d_buf;
    last = p + data->d_size;

    while (p < last && b->comments.n < 64) {
        e = memchr(p, '\0', (size_t) (last - p));
        if (e == NULL) {
            e = last;
        }

        if (e > p) {
            ngxl_vec_push(&b->comments, ngxl_pstrndup(&b->pool, p,
                                                      (size_t) (e - p)));
        }

        p = e + 1;
    }
}


/* nginx's "nginx version: nginx/X.Y.Z" and "configure arguments: ..." */

static void
ngxl_elf_strings(ngxl_binary_t *b, Elf_Scn *scn)
{
    size_t       n;
    const char  *p, *last, *e, *s;
    Elf_Data    *data;

    data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL) {
        return;
    }

    p = data->d_buf;
    last = p + data->d_size;

    if (b->nginx_configure == NULL) {
        s = memmem(p, data->d_size, "configure arguments:", 20);

        if (s) {
            s += 20;
            e = memchr(s, '\0', (size_t) (last - s));
            if (e) {
                n = (size_t) (e - s);
                while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) {
                    n--;
                }
                while (n && *s == ' ') {
                    s++;
                    n--;
                }
                b->nginx_configure = ngxl_pstrndup(&b->pool, s, n);
            }
        }
    }

    if (b->nginx_version == NULL) {
        s = memmem(p, data->d_size, "nginx version: ", 15);

        if (s) {
            s = memchr(s, '/', (size_t) (last - s) < 64
                               ? (size_t) (last - s) : 64);
            if (s) {
                for (e = ++s; e < last && ((*e >= '0' && *e <= '9')
                                           || *e == '.'); e++)
                {
                    /* void */
                }

                if (e > s) {
                    b->nginx_version = ngxl_pstrndup(&b->pool, s,
                                                     (size_t) (e - s));
                }
            }
        }
    }

    /* absolute *.gcda paths survive strip: a gcov build */

    if (!b->gcov && memmem(p, data->d_size, ".gcda", 6) != NULL) {
        b->gcov = 1;
        ngxl_elf_instrumented(b, "*.gcda paths (built with --coverage)");
    }
}


int
ngxl_elf_scan(ngxl_binary_t *b, Elf *elf)
{
    size_t       i, nph, shstrndx;
    GElf_Ehdr    eh;
    GElf_Phdr    ph;
    GElf_Shdr    sh;
    Elf_Scn     *scn;
    const char  *name;
    int          interp, symtab;

    if (elf_kind(elf) != ELF_K_ELF) {
        b->err = ngxl_pstrndup(&b->pool, "not an ELF file", 15);
        return NGXL_ERROR;
    }

    if (gelf_getehdr(elf, &eh) == NULL) {
        b->err = ngxl_psprintf(&b->pool, "bad ELF header: %s",
                               elf_errmsg(-1));
        return NGXL_ERROR;
    }

    b->is_elf = 1;
    b->elf64 = gelf_getclass(elf) == ELFCLASS64;
    b->machine = eh.e_machine;

    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        b->err = ngxl_psprintf(&b->pool, "an ELF %s, not an executable or "
                               "a shared object",
                               eh.e_type == ET_REL ? "object file"
                               : eh.e_type == ET_CORE ? "core file"
                               : "file of unknown type");
        return NGXL_ERROR;
    }

    /* program headers */

    interp = 0;

    if (elf_getphdrnum(elf, &nph) == 0) {
        for (i = 0; i < nph; i++) {
            if (gelf_getphdr(elf, (int) i, &ph) == NULL) {
                break;
            }

            switch (ph.p_type) {
            case PT_INTERP:
                interp = 1;
                break;
            case PT_GNU_RELRO:
                b->relro = 1;
                break;
            case PT_GNU_STACK:
                b->has_gnu_stack = 1;
                b->nx_stack = (ph.p_flags & PF_X) == 0;
                break;
            default:
                break;
            }
        }
    }

    if (eh.e_type == ET_DYN) {
        if (interp) {
            b->pie = 1;
        } else {
            b->shared = 1;
        }
    }

    /* sections */

    if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
        b->err = ngxl_psprintf(&b->pool, "bad section header table: %s",
                               elf_errmsg(-1));
        return NGXL_ERROR;
    }

    symtab = 0;

    for (scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (gelf_getshdr(scn, &sh) == NULL) {
            continue;
        }

        name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (name == NULL) {
            name = "";
        }

        if (sh.sh_type == SHT_NOBITS) {
            continue;
        }

        if ((sh.sh_flags & SHF_EXECINSTR) && sh.sh_type == SHT_PROGBITS) {
            b->text_bytes += sh.sh_size;
        }

        switch (sh.sh_type) {

        case SHT_DYNAMIC:
            ngxl_elf_dynamic(b, elf, scn, &sh);
            break;

        case SHT_DYNSYM:
            ngxl_elf_symbols(b, elf, scn, &sh);
            break;

        case SHT_SYMTAB:
            symtab = 1;
            ngxl_elf_symbols(b, elf, scn, &sh);
            break;

        case SHT_NOTE:
            ngxl_elf_notes(b, scn);
            break;

        default:
            break;
        }

        if (strcmp(name, ".gnu_debuglink") == 0) {
            ngxl_elf_debuglink(b, elf, scn);

        } else if (strcmp(name, ".gnu_debugaltlink") == 0) {
            ngxl_elf_altlink(b, scn);

        } else if (strcmp(name, ".comment") == 0) {
            ngxl_elf_comment(b, scn);

        } else if (strcmp(name, ".debug_info") == 0) {
            b->has_dwarf = sh.sh_size > 0;

            if (sh.sh_flags & SHF_COMPRESSED) {
                b->compressed_dwarf = 1;
            }

        } else if (strcmp(name, ".zdebug_info") == 0) {
            b->has_dwarf = sh.sh_size > 0;
            b->compressed_dwarf = 1;

        } else if (strncmp(name, "__llvm_prf_", 11) == 0
                   || strcmp(name, "__llvm_covmap") == 0)
        {
            if (!b->llvm_profile) {
                b->llvm_profile = 1;
                ngxl_elf_instrumented(b, "__llvm_prf_* sections "
                                      "(built with -fprofile-instr-generate)");
            }

        } else if ((sh.sh_flags & SHF_ALLOC) && !(sh.sh_flags & SHF_EXECINSTR)
                   && sh.sh_type == SHT_PROGBITS
                   && (strncmp(name, ".rodata", 7) == 0
                       || strcmp(name, ".data") == 0))
        {
            ngxl_elf_strings(b, scn);
        }
    }

    b->stripped = !symtab;

    return NGXL_OK;
}
