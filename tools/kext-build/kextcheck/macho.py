"""Minimal reader for 64-bit little-endian Mach-O files: header, sections, symbol table."""
import struct
from dataclasses import dataclass

MH_MAGIC_64 = 0xFEEDFACF
CPU_TYPE_X86_64 = 0x01000007
MH_KEXT_BUNDLE = 0xB
LC_SYMTAB = 0x2
LC_DYSYMTAB = 0xB
LC_SEGMENT_64 = 0x19

N_STAB = 0xE0
N_TYPE = 0x0E
N_EXT = 0x01
N_UNDF = 0x0
N_SECT = 0xE


class MachOError(ValueError):
    pass


@dataclass(frozen=True)
class Section:
    segname: str
    sectname: str
    addr: int
    size: int
    offset: int  # 0 for zero-fill sections


@dataclass(frozen=True)
class Relocation:
    address: int
    type: int
    pcrel: bool
    length: int   # log2 of the size patched: 2 = 32-bit, 3 = 64-bit
    symbol: str   # the undefined symbol an external relocation binds to, "" for local ones


@dataclass(frozen=True)
class Symbol:
    name: str
    n_type: int
    n_sect: int  # 1-based section index, 0 when not in a section
    value: int

    @property
    def external(self):
        return not self.n_type & N_STAB and bool(self.n_type & N_EXT)

    @property
    def undefined(self):
        return not self.n_type & N_STAB and self.n_type & N_TYPE == N_UNDF

    @property
    def in_section(self):
        return not self.n_type & N_STAB and self.n_type & N_TYPE == N_SECT


def _cstr(raw):
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")


class MachO:
    def __init__(self, data):
        self.data = data
        if len(data) < 32:
            raise MachOError("file too short for a Mach-O header")
        (magic, self.cputype, self.cpusubtype, self.filetype, self.ncmds,
         self.sizeofcmds, self.flags, _) = struct.unpack_from("<IiiIIIII", data, 0)
        if magic != MH_MAGIC_64:
            raise MachOError(f"not a 64-bit little-endian Mach-O (magic {magic:#x})")
        self.sections = []
        self.symbols = []
        self.relocations = []  # the linked image's external and local relocations (LC_DYSYMTAB)
        self._walk_commands()

    def _walk_commands(self):
        off, dysymtab = 32, None
        for _ in range(self.ncmds):
            if off + 8 > len(self.data):
                raise MachOError("load commands run past the end of the file")
            cmd, size = struct.unpack_from("<II", self.data, off)
            if size < 8 or off + size > len(self.data):
                raise MachOError(f"bad load command size {size} at offset {off}")
            if cmd == LC_SEGMENT_64:
                self._read_segment(off)
            elif cmd == LC_SYMTAB:
                self._read_symtab(off)
            elif cmd == LC_DYSYMTAB:
                dysymtab = off
            off += size
        if dysymtab is not None:   # its relocations name symbols: read after LC_SYMTAB
            self._read_dysymtab(dysymtab)

    def _read_segment(self, off):
        nsects = struct.unpack_from("<I", self.data, off + 64)[0]
        for i in range(nsects):
            s = off + 72 + 80 * i
            sect, seg = self.data[s:s + 16], self.data[s + 16:s + 32]
            addr, size, offset = struct.unpack_from("<QQI", self.data, s + 32)
            self.sections.append(Section(_cstr(seg), _cstr(sect), addr, size, offset))

    def _read_symtab(self, off):
        symoff, nsyms, stroff, strsize = struct.unpack_from("<IIII", self.data, off + 8)
        strtab = self.data[stroff:stroff + strsize]
        for i in range(nsyms):
            strx, n_type, n_sect, _, value = struct.unpack_from("<IBBhQ", self.data, symoff + 16 * i)
            self.symbols.append(Symbol(_cstr(strtab[strx:]), n_type, n_sect, value))

    def _read_dysymtab(self, off):
        extreloff, nextrel, locreloff, nlocrel = struct.unpack_from("<IIII", self.data, off + 64)
        for table, count in ((extreloff, nextrel), (locreloff, nlocrel)):
            for i in range(count):
                address, info = struct.unpack_from("<iI", self.data, table + 8 * i)
                external = bool(info >> 27 & 1)
                symbol = self._symbol_name(info & 0xFFFFFF) if external else ""
                self.relocations.append(Relocation(address, info >> 28, bool(info >> 24 & 1),
                                                   info >> 25 & 3, symbol))

    def _symbol_name(self, index):
        if index >= len(self.symbols):
            raise MachOError(f"relocation names symbol {index}, the table has {len(self.symbols)}")
        return self.symbols[index].name

    def symbol(self, name):
        """The defined symbol called name, or None."""
        for sym in self.symbols:
            if sym.name == name and sym.in_section:
                return sym
        return None

    def read(self, sym, size):
        """size bytes of the file at the address of a defined symbol."""
        sect = self.sections[sym.n_sect - 1]
        start = sym.value - sect.addr
        if start < 0 or start + size > sect.size:
            raise MachOError(f"{sym.name}: {size} bytes at {sym.value:#x} are not inside {sect.sectname}")
        if sect.offset == 0:
            return bytes(size)
        return self.data[sect.offset + start:sect.offset + start + size]
