"""Which imported symbols the kext uses from code, and which only fill slots of its own vtables.

The difference matters for symbols of the families, whose lists are derived from headers: kxld
fills a vtable slot whose symbol the family lacks from the parent class's own vtable, but a call
or address taken from code needs the family to export that very symbol on the target macOS."""


def _vtable_ranges(macho):
    """(start, end) of each vtable (__ZTV* symbol) the kext defines, end = next symbol's address."""
    defined = sorted((s.value, s.n_sect, s.name) for s in macho.symbols if s.in_section)
    ranges = []
    for i, (addr, sect, name) in enumerate(defined):
        if name.startswith("__ZTV"):
            later = [a for a, n_sect, _ in defined[i + 1:] if n_sect == sect and a > addr]
            section = macho.sections[sect - 1]
            ranges.append((addr, min(later) if later else section.addr + section.size))
    return ranges


def used_from_code(macho):
    """Names bound by external relocations that lie outside the kext's vtables."""
    ranges = _vtable_ranges(macho)
    return {r.symbol for r in macho.relocations
            if r.symbol and not any(start <= r.address < end for start, end in ranges)}
