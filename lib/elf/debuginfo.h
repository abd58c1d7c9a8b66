/*
 * ngxlint: finding the DWARF of a binary (debuginfo.c).
 */

#ifndef NGXL_ELF_DEBUGINFO_H
#define NGXL_ELF_DEBUGINFO_H

#include <libelf.h>

#include "elf.h"

typedef struct {
    int          fd;
    Elf         *elf;
    const char  *path;
} ngxl_dfile_t;

/*
 * The file with B's DWARF (possibly B's own ELF) into D, and its dwz file
 * into ALT (ALT->elf NULL when there is none).  NGXL_ERROR: none found;
 * b->tried says where it looked.
 */
int ngxl_debug_find(ngxl_binary_t *b, Elf *elf, const ngxl_bin_opts_t *opts,
    ngxl_dfile_t *d, ngxl_dfile_t *alt);

/* closes what ngxl_debug_find() opened (not B's own ELF) */
void ngxl_debug_close(ngxl_dfile_t *d);

int ngxl_debug_open_dwo(ngxl_binary_t *b, const char *comp_dir,
    const char *dwo, Elf **elf, int *fd);

#endif /* NGXL_ELF_DEBUGINFO_H */
