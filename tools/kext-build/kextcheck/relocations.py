"""Relocations the kernel's kext linker (kxld, libkern/kxld/kxld_reloc.c) can apply on x86_64."""
from collections import Counter

NAMES = {0: "UNSIGNED", 1: "SIGNED", 2: "BRANCH", 3: "GOT_LOAD", 4: "GOT", 5: "SUBTRACTOR",
         6: "SIGNED_1", 7: "SIGNED_2", 8: "SIGNED_4", 9: "TLV"}
# (type, pc-relative) kxld accepts, per patched size: 32-bit fields and 64-bit fields.
_ALLOWED = {
    2: {(1, True), (6, True), (7, True), (8, True), (2, True), (3, True), (4, True), (5, False)},
    3: {(0, False), (5, False)},
}


def describe(reloc):
    name = NAMES.get(reloc.type, f"type{reloc.type}")
    return f"{name}{'/pcrel' if reloc.pcrel else ''}/{8 << reloc.length}bit"


def summary(relocs):
    """'686 UNSIGNED/64bit, 156 BRANCH/pcrel/32bit': the kinds present, for the report."""
    counts = Counter(describe(r) for r in relocs)
    return ", ".join(f"{n} {kind}" for kind, n in counts.most_common()) or "none"


def problems(relocs):
    bad = Counter(describe(r) for r in relocs
                  if (r.type, r.pcrel) not in _ALLOWED.get(r.length, set()))
    return [f"{n} relocation(s) {kind}: kxld cannot apply them" for kind, n in sorted(bad.items())]
