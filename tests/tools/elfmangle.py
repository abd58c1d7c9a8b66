#!/usr/bin/env python3
"""elfmangle.py: hostile variants of a real ELF file, for tests/e2e/hostile-elf.sh.

    elfmangle.py KIND BASE OUTDIR PREFIX [SEED]

writes OUTDIR/PREFIX-<variant> files made from BASE (an ELF64 little-endian
file) and prints their names, one a line.  KIND:

    trunc      cut at every section boundary, and a byte either side; at the
               program and section header tables
    shpast     the file cut at each section's start, the section header
               table appended: every later section points past the end
    ehdr       e_shoff, e_shnum, e_shstrndx, e_shentsize, e_phoff, e_phnum
               and e_ident lies
    sections   per section: zero, huge and past-the-end sizes and offsets,
               entry sizes, links and names that lie, changed types
    overlap    sections on top of each other, the header table on top of
               the DWARF, a section spanning the whole file
    dwarf      random bit flips (seeded, bounded count) and stamped bytes in
               .debug_info, .debug_abbrev, .debug_str, .debug_line (and
               .debug_line_str, .debug_rnglists, .debug_loclists, .debug_aranges)
    chdr       SHF_COMPRESSED sections whose Elf64_Chdr lies (size, type,
               alignment, a cut header, a corrupt stream); .zdebug_* whose
               "ZLIB" size lies
    notes      notes whose name and descriptor sizes lie

    elfmangle.py debuglink FILE NAME CRC [OWN]
               rewrites FILE's .gnu_debuglink in place to name NAME with
               CRC (hex), then appends 4 bytes so that FILE's own CRC32 is
               OWN (hex, default CRC): a file that is its own debug file,
               or two files that are each other's

Nothing here is random but the bit flips, and those come from SEED (default 9).
"""

import os
import random
import struct
import sys
import zlib

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
CHDR = struct.Struct("<IIQQ")

SHT_NOBITS = 8
SHT_NOTE = 7
SHT_DYNAMIC = 6
SHT_STRTAB = 3
SHT_SYMTAB = 2
SHF_COMPRESSED = 0x800

HUGE = [1 << 31, 1 << 32, 1 << 40, 1 << 63, (1 << 64) - 1]


class Elf:
    def __init__(self, data):
        self.data = bytearray(data)
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError("not an ELF64 little-endian file")
        f = EHDR.unpack_from(data, 0)
        (self.ident, self.type, self.machine, self.version, self.entry,
         self.phoff, self.shoff, self.flags, self.ehsize, self.phentsize,
         self.phnum, self.shentsize, self.shnum, self.shstrndx) = f
        self.sh = []
        for i in range(self.shnum):
            self.sh.append(list(SHDR.unpack_from(data, self.shoff + i * 64)))
        st = self.sh[self.shstrndx]
        self.names = []
        for s in self.sh:
            o = st[4] + s[0]
            e = data.index(b"\0", o)
            self.names.append(data[o:e].decode("latin-1"))

    def index(self, name):
        try:
            return self.names.index(name)
        except ValueError:
            return None


def put_ehdr(buf, field, value):
    """field: one of the Elf64_Ehdr members after e_ident."""
    offs = {"e_type": (16, "<H"), "e_machine": (18, "<H"),
            "e_version": (20, "<I"), "e_phoff": (32, "<Q"),
            "e_shoff": (40, "<Q"), "e_ehsize": (52, "<H"),
            "e_phentsize": (54, "<H"), "e_phnum": (56, "<H"),
            "e_shentsize": (58, "<H"), "e_shnum": (60, "<H"),
            "e_shstrndx": (62, "<H")}
    o, fmt = offs[field]
    struct.pack_into(fmt, buf, o, value & ((1 << (8 * struct.calcsize(fmt))) - 1))


SH_FIELDS = {"name": 0, "type": 1, "flags": 2, "addr": 3, "offset": 4,
             "size": 5, "link": 6, "info": 7, "addralign": 8, "entsize": 9}


def put_shdr(elf, buf, i, field, value, shoff=None):
    s = list(elf.sh[i])
    s[SH_FIELDS[field]] = value & ((1 << 64) - 1) if SH_FIELDS[field] in (2, 3, 4, 5, 8, 9) \
        else value & 0xffffffff
    SHDR.pack_into(buf, (elf.shoff if shoff is None else shoff) + i * 64, *s)


class Out:
    def __init__(self, outdir, prefix):
        self.outdir = outdir
        self.prefix = prefix
        self.seen = set()

    def write(self, name, data):
        name = "%s-%s" % (self.prefix, name)
        if name in self.seen:
            return
        self.seen.add(name)
        with open(os.path.join(self.outdir, name), "wb") as f:
            f.write(data)
        print(name)


def kind_trunc(elf, out):
    size = len(elf.data)
    cuts = set()
    for s in elf.sh:
        if s[1] == SHT_NOBITS or s[5] == 0:
            continue
        for at in (s[4], s[4] + s[5]):
            for d in (-1, 0, 1):
                cuts.add(at + d)
    for at in (elf.phoff + elf.phnum * elf.phentsize, elf.shoff,
               elf.shoff + 64, elf.shoff + elf.shnum * 64 // 2):
        for d in (-1, 0, 1):
            cuts.add(at + d)
    for n in sorted(c for c in cuts if 0 < c < size):
        out.write("trunc-%d" % n, elf.data[:n])


def kind_shpast(elf, out):
    table = elf.data[elf.shoff:elf.shoff + elf.shnum * 64]
    starts = sorted(set(s[4] for s in elf.sh
                        if s[1] != SHT_NOBITS and s[5] > 0 and 64 < s[4] < elf.shoff))
    for at in starts:
        at8 = (at + 7) & ~7
        b = bytearray(elf.data[:at]) + bytearray(at8 - at) + table
        put_ehdr(b, "e_shoff", at8)
        out.write("shpast-%d" % at, b)


def kind_ehdr(elf, out):
    size = len(elf.data)
    lies = [
        ("e_shoff", [0, 1, 3, size, size - 1, size - 32, elf.shoff + 1,
                     elf.shoff - 64, elf.shoff + 64] + HUGE),
        ("e_shnum", [0, 1, 2, elf.shnum - 1, elf.shnum + 1, elf.shnum + 100,
                     0xff00, 0xffff]),
        ("e_shstrndx", [0, 1, elf.shnum, elf.shnum + 1, 0xfeff, 0xffff]),
        ("e_shentsize", [0, 1, 32, 63, 65, 128, 0xffff]),
        ("e_phoff", [0, 1, size, size - 8] + HUGE),
        ("e_phnum", [0, elf.phnum + 1, 0xfff0, 0xffff]),
        ("e_phentsize", [0, 1, 55, 0xffff]),
        ("e_ehsize", [0, 0xffff]),
        ("e_type", [0, 1, 4, 0xffff]),
        ("e_version", [0, 2]),
    ]
    for field, values in lies:
        for v in values:
            b = bytearray(elf.data)
            put_ehdr(b, field, v)
            out.write("%s-%x" % (field, v), b)
    # SHN_XINDEX / PN_XNUM: the real numbers are in section 0, and lie there
    for field, sh_field, vals in (("e_shstrndx", "link", [0, elf.shnum + 5, 0xffffffff]),
                                  ("e_shnum", "size", [0, elf.shnum + 5, 1 << 40, (1 << 64) - 1]),
                                  ("e_phnum", "info", [0, 0xffffffff])):
        for v in vals:
            b = bytearray(elf.data)
            put_ehdr(b, field, 0xffff if field != "e_shnum" else 0)
            put_shdr(elf, b, 0, sh_field, v)
            out.write("%s-ext-%s-%x" % (field, sh_field, v), b)
    for i, v in ((4, 0), (4, 3), (5, 0), (5, 2), (5, 3), (6, 0), (6, 9), (7, 0xff)):
        b = bytearray(elf.data)
        b[i] = v
        out.write("ident%d-%x" % (i, v), b)


INTERESTING = [".interp", ".note.gnu.build-id", ".note.gnu.property", ".dynsym", ".dynstr",
               ".dynamic", ".text", ".rodata", ".eh_frame_hdr", ".eh_frame",
               ".gnu_debuglink", ".gnu_debugaltlink", ".comment", ".symtab", ".strtab",
               ".shstrtab", ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line",
               ".debug_line_str", ".debug_rnglists", ".debug_loclists", ".debug_aranges",
               ".data"]


def kind_sections(elf, out):
    size = len(elf.data)
    for name in INTERESTING:
        i = elf.index(name)
        if i is None:
            continue
        tag = name.lstrip(".").replace(".", "_")
        muts = [("size", 0), ("size", 1), ("size", 7), ("size", size),
                ("size", size - elf.sh[i][4] + 1), ("size", 1 << 32),
                ("size", 1 << 63), ("size", (1 << 64) - 1),
                ("offset", size), ("offset", size - 1), ("offset", 1 << 63),
                ("offset", (1 << 64) - 8),
                ("entsize", 0), ("entsize", 1), ("entsize", 1 << 63),
                ("link", 0xffffffff), ("link", elf.shnum), ("link", i),
                ("name", 0xffffffff), ("name", 0xfffff),
                ("type", SHT_NOBITS), ("type", SHT_NOTE), ("type", SHT_DYNAMIC),
                ("type", SHT_SYMTAB), ("type", SHT_STRTAB),
                ("flags", elf.sh[i][2] | SHF_COMPRESSED),
                ("addralign", 1 << 63), ("addralign", 3)]
        for field, v in muts:
            b = bytearray(elf.data)
            put_shdr(elf, b, i, field, v)
            out.write("%s-%s-%x" % (tag, field, v), b)


def kind_overlap(elf, out):
    size = len(elf.data)
    pairs = [(".debug_abbrev", ".debug_info"), (".debug_info", ".debug_abbrev"),
             (".debug_str", ".debug_info"), (".debug_line", ".debug_str"),
             (".debug_info", ".debug_line"), (".debug_line_str", ".debug_info"),
             (".dynstr", ".dynsym"), (".dynsym", ".dynstr"), (".strtab", ".symtab"),
             (".symtab", ".text"), (".shstrtab", ".strtab"), (".shstrtab", ".text"),
             (".dynamic", ".text"), (".dynamic", ".dynstr"),
             (".note.gnu.build-id", ".debug_str"), (".note.gnu.build-id", ".text"),
             (".gnu_debuglink", ".dynstr"), (".eh_frame_hdr", ".debug_info"),
             (".eh_frame_hdr", ".eh_frame"), (".eh_frame", ".eh_frame_hdr"),
             (".rodata", ".text"), (".comment", ".rodata")]
    for a, c in pairs:
        ia, ic = elf.index(a), elf.index(c)
        if ia is None or ic is None:
            continue
        b = bytearray(elf.data)
        put_shdr(elf, b, ia, "offset", elf.sh[ic][4])
        out.write("overlap-%s-on-%s" % (a.strip("."), c.strip(".")), b)
        # and grown to cover everything after it
        b2 = bytearray(b)
        put_shdr(elf, b2, ia, "size", size - elf.sh[ic][4])
        out.write("overlap-%s-over-%s" % (a.strip("."), c.strip(".")), b2)
    for a in (".debug_info", ".debug_str", ".shstrtab", ".dynamic", ".symtab",
              ".text", ".eh_frame_hdr"):
        ia = elf.index(a)
        if ia is None:
            continue
        b = bytearray(elf.data)
        put_shdr(elf, b, ia, "offset", 0)
        put_shdr(elf, b, ia, "size", size)
        out.write("whole-file-%s" % a.strip("."), b)
    # every debug section at one offset
    di = elf.index(".debug_info")
    if di is not None:
        b = bytearray(elf.data)
        for i, n in enumerate(elf.names):
            if n.startswith(".debug_"):
                put_shdr(elf, b, i, "offset", elf.sh[di][4])
        out.write("overlap-all-debug", b)
    # the section header table on top of the DWARF (or the code)
    for a in (".debug_info", ".debug_str", ".text"):
        ia = elf.index(a)
        if ia is None:
            continue
        b = bytearray(elf.data)
        put_ehdr(b, "e_shoff", elf.sh[ia][4])
        out.write("shdrs-on-%s" % a.strip("."), b)
    # every section header a copy of one
    for a in (".debug_info", ".dynamic", ".shstrtab"):
        ia = elf.index(a)
        if ia is None:
            continue
        b = bytearray(elf.data)
        for i in range(1, elf.shnum):
            SHDR.pack_into(b, elf.shoff + i * 64, *elf.sh[ia])
        out.write("all-sections-are-%s" % a.strip("."), b)


DEBUG = [(".debug_info", 12), (".debug_abbrev", 10), (".debug_str", 6),
         (".debug_line", 6), (".debug_line_str", 3), (".debug_rnglists", 3),
         (".debug_loclists", 3), (".debug_aranges", 3)]


def kind_dwarf(elf, out, seed):
    rng = random.Random(seed)
    for name, count in DEBUG:
        i = elf.index(name)
        if i is None or elf.sh[i][5] == 0 or elf.sh[i][2] & SHF_COMPRESSED:
            continue
        off, size = elf.sh[i][4], elf.sh[i][5]
        tag = name.strip(".")
        for k in range(count):
            b = bytearray(elf.data)
            flips = rng.randint(1, 48)
            for _ in range(flips):
                p = off + rng.randrange(size)
                b[p] ^= 1 << rng.randrange(8)
            out.write("%s-flip%d-x%d" % (tag, k, flips), b)
        # stamped bytes: 0xff (a 64-bit length escape, absurd offsets), 0x00,
        # at the start and in the middle
        for at in (0, size // 2, max(0, size - 8)):
            for v in (0xff, 0x00, 0x80):
                b = bytearray(elf.data)
                n = min(32, size - at)
                b[off + at:off + at + n] = bytes([v]) * n
                out.write("%s-stamp%02x-at%d" % (tag, v, at), b)
        # a unit length that claims more than the section has
        if name in (".debug_info", ".debug_line", ".debug_aranges",
                    ".debug_rnglists", ".debug_loclists"):
            for v in (size + 1, 0xfffffff0, 0xffffffff):
                b = bytearray(elf.data)
                struct.pack_into("<I", b, off, v)
                out.write("%s-unitlen-%x" % (tag, v), b)


def kind_chdr(elf, out, seed):
    rng = random.Random(seed)
    for i, name in enumerate(elf.names):
        s = elf.sh[i]
        tag = name.strip(".")
        if s[2] & SHF_COMPRESSED and s[5] >= CHDR.size:
            off = s[4]
            typ, _res, real, align = CHDR.unpack_from(elf.data, off)
            lies = [("size", v) for v in (0, 1, real - 1, real + 1, real * 1000,
                                          1 << 32, 1 << 40, 1 << 62, 1 << 63,
                                          (1 << 64) - 1)]
            lies += [("type", v) for v in (0, 2, 3, 0xffffffff)]
            lies += [("align", v) for v in (0, 3, 1 << 63)]
            for field, v in lies:
                b = bytearray(elf.data)
                c = [typ, 0, real, align]
                c[{"type": 0, "size": 2, "align": 3}[field]] = v & ((1 << 64) - 1) \
                    if field != "type" else v
                CHDR.pack_into(b, off, *c)
                out.write("%s-chdr-%s-%x" % (tag, field, v), b)
            for n in (0, 8, CHDR.size - 1, CHDR.size, CHDR.size + 2):
                b = bytearray(elf.data)
                put_shdr(elf, b, i, "size", n)
                out.write("%s-chdr-cut-%d" % (tag, n), b)
            for k in range(3):
                b = bytearray(elf.data)
                for _ in range(rng.randint(1, 16)):
                    p = off + CHDR.size + rng.randrange(s[5] - CHDR.size)
                    b[p] ^= 1 << rng.randrange(8)
                out.write("%s-chdr-stream-flip%d" % (tag, k), b)
        elif name.startswith(".zdebug") and s[5] >= 12 and elf.data[s[4]:s[4] + 4] == b"ZLIB":
            off = s[4]
            real = struct.unpack_from(">Q", elf.data, off + 4)[0]
            for v in (0, 1, real - 1, real + 1, 1 << 32, 1 << 40, 1 << 63, (1 << 64) - 1):
                b = bytearray(elf.data)
                struct.pack_into(">Q", b, off + 4, v & ((1 << 64) - 1))
                out.write("%s-zlib-size-%x" % (tag, v & ((1 << 64) - 1)), b)
            for n in (4, 11, 12, 13):
                b = bytearray(elf.data)
                put_shdr(elf, b, i, "size", n)
                out.write("%s-zlib-cut-%d" % (tag, n), b)
            for k in range(2):
                b = bytearray(elf.data)
                for _ in range(rng.randint(1, 16)):
                    p = off + 12 + rng.randrange(s[5] - 12)
                    b[p] ^= 1 << rng.randrange(8)
                out.write("%s-zlib-stream-flip%d" % (tag, k), b)


def kind_notes(elf, out):
    for i, name in enumerate(elf.names):
        s = elf.sh[i]
        if s[1] != SHT_NOTE or s[5] < 12:
            continue
        tag = name.strip(".").replace(".", "_")
        off = s[4]
        for field, v in (("namesz", 0xffffffff), ("namesz", 0), ("namesz", 5),
                         ("descsz", 0xffffffff), ("descsz", 0xfffffff0),
                         ("descsz", 0), ("descsz", 65), ("descsz", s[5])):
            b = bytearray(elf.data)
            struct.pack_into("<I", b, off + (0 if field == "namesz" else 4), v)
            out.write("%s-%s-%x" % (tag, field, v), b)


def crc_forge(data, target):
    """4 bytes that, appended to DATA, make its CRC32 TARGET"""
    base = zlib.crc32(data)
    zero = zlib.crc32(b"\0\0\0\0", base)
    cols = []
    for bit in range(32):
        x = (1 << bit).to_bytes(4, "little")
        cols.append(zlib.crc32(x, base) ^ zero)
    # solve sum(x_bit * cols[bit]) = target ^ zero over GF(2)
    want = target ^ zero
    rows = [(cols[b], 1 << b) for b in range(32)]
    basis = []
    for v, m in rows:
        for bv, bm in basis:
            if v ^ bv < v:
                v, m = v ^ bv, m ^ bm
        if v:
            basis.append((v, m))
            basis.sort(reverse=True)
    acc, mask = want, 0
    for bv, bm in basis:
        if acc ^ bv < acc:
            acc, mask = acc ^ bv, mask ^ bm
    if acc != 0:
        raise ValueError("CRC cannot be forged")
    return mask.to_bytes(4, "little")


def debuglink(path, name, crc, own):
    with open(path, "rb") as f:
        elf = Elf(f.read())
    i = elf.index(".gnu_debuglink")
    if i is None:
        raise ValueError("%s has no .gnu_debuglink" % path)
    off, size = elf.sh[i][4], elf.sh[i][5]
    body = name.encode() + b"\0"
    body += b"\0" * ((4 - len(body) % 4) % 4)
    body += struct.pack("<I", crc)
    if len(body) > size:
        raise ValueError("name too long for the section (%d bytes)" % size)
    b = bytearray(elf.data)
    b[off:off + size] = body + b"\0" * (size - len(body))
    b += crc_forge(bytes(b), own)
    assert zlib.crc32(bytes(b)) == own
    with open(path, "wb") as f:
        f.write(b)


def main(argv):
    if len(argv) >= 5 and argv[1] == "debuglink":
        crc = int(argv[4], 16)
        debuglink(argv[2], argv[3], crc, int(argv[5], 16) if len(argv) > 5 else crc)
        return 0
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    kind, base, outdir, prefix = argv[1:5]
    seed = int(argv[5]) if len(argv) > 5 else 9
    with open(base, "rb") as f:
        elf = Elf(f.read())
    out = Out(outdir, prefix)
    if kind == "trunc":
        kind_trunc(elf, out)
    elif kind == "shpast":
        kind_shpast(elf, out)
    elif kind == "ehdr":
        kind_ehdr(elf, out)
    elif kind == "sections":
        kind_sections(elf, out)
    elif kind == "overlap":
        kind_overlap(elf, out)
    elif kind == "dwarf":
        kind_dwarf(elf, out, seed)
    elif kind == "chdr":
        kind_chdr(elf, out, seed)
    elif kind == "notes":
        kind_notes(elf, out)
    else:
        sys.stderr.write("unknown kind %s\n" % kind)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
