"""pci_matching.py — the stand-in for how macOS picks the drivers of a PCI function, from Apple's
published sources, so that tests can ask "who owns 1AF4:1050 on macOS 10.15 / 11+?".

- Personality keys (IOPCIFamily-370.0.2 IOKit/pci/IOPCIDevice.h:242-245) and their semantics
  (IOPCIBridge.cpp:2770-2858, the same in IOPCIFamily-726.0.5 IOPCIBridge.cpp:4490-4585):
  matching starts true and each present key must match; a key's value is a list of
  "value[&mask]" words, any of which may match; IOPCIMatch compares with the vendor/device
  register and the subsystem register, IOPCIPrimaryMatch with vendor/device only,
  IOPCISecondaryMatch with the subsystem only, IOPCIClassMatch with the class register (revision
  masked off by default, mask 0xffffff00).  An unknown key is ignored.
- IONameMatch "display" (IONDRVFramebuffer's personality) matches a function whose class is
  display (0x03): IOPCIFamily names display-class nubs "display".
- Categories (xnu-6153.11.26 iokit/Kernel/IOService.cpp:3674-3680, 3751, 3829, 3877-3931): no
  IOMatchCategory means IODefaultMatchCategory; every matching personality is probed, highest
  IOProbeScore first; in each category the best one that probes and starts wins, the rest are
  not started.
"""

DEFAULT_CATEGORY = "IODefaultMatchCategory"


class PciFunction:
    def __init__(self, vendor, device, class_code, subsys_vendor=0, subsys_device=0):
        self.vendor, self.device, self.class_code = vendor, device, class_code
        self.subsys_vendor, self.subsys_device = subsys_vendor, subsys_device

    def register(self, name):
        return {"id": self.device << 16 | self.vendor,
                "subsystem": self.subsys_device << 16 | self.subsys_vendor,
                "class": self.class_code << 8}[name]


def _match_words(words, reg, default_mask):
    for word in words.split():
        value, _, mask = word.partition("&")
        mask = int(mask, 16) if mask else default_mask
        if int(value, 16) & mask == reg & mask:
            return True
    return False


_PCI_KEYS = (("IOPCIMatch", ("id", "subsystem"), 0xFFFFFFFF),
             ("IOPCIPrimaryMatch", ("id",), 0xFFFFFFFF),
             ("IOPCISecondaryMatch", ("subsystem",), 0xFFFFFFFF),
             ("IOPCIClassMatch", ("class",), 0xFFFFFF00))


def pci_match(personality, fn):
    for key, regs, mask in _PCI_KEYS:
        if key in personality and not any(
                _match_words(personality[key], fn.register(r), mask) for r in regs):
            return False
    name = personality.get("IONameMatch")
    if name is not None and not (name == "display" and fn.class_code >> 16 == 0x03):
        return False
    return True


def winners(personalities, fn, probe=lambda p: True, start=lambda p: True):
    """{category: winning personality} for a function, as probeCandidates decides."""
    candidates = [p for p in personalities
                  if p.get("IOProviderClass") == "IOPCIDevice" and pci_match(p, fn)]
    candidates.sort(key=lambda p: -int(p.get("IOProbeScore", 0)))
    won = {}
    for p in candidates:
        if not probe(p):
            continue
        category = p.get("IOMatchCategory", DEFAULT_CATEGORY)
        if category not in won and start(p):
            won[category] = p
    return won
