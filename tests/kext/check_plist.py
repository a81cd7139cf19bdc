#!/usr/bin/python3
"""check_plist.py PLIST BUNDLE_ID VERSION EXECUTABLE SRC_DIR: checks the kext's filled-in
Info.plist against what the kernel needs and against the sources: every placeholder filled, the
bundle keys the build says, and exactly three personalities, each with an IOClass the sources
define on IOService (and, where it has one, an IOUserClientClass they define on IOUserClient),
every class name carrying the bundle's reverse-DNS prefix: VirtioGPU matching virtio-gpu
(1AF4:1050) in the IOFramebuffer category above IONDRVFramebuffer's score (20000, IOGraphics-600
Info-IONDRVSupport.plist), VirtioGPUTransportClaim holding the same function's default category,
and VirtioConsole matching virtio-console (1AF4:1043, or 1AF4:1003 as QEMU 7.2 shows it on q35).
A personality on IOPCIDevice uses only the matching keys IOPCIFamily knows (IOPCIDevice.h), at
least one of them: any other IOPCI* key is ignored by IOPCIBridge::pciMatchNub, which then
matches every PCI device.  Which driver wins each device is tests/kext/test_matching.py's job.
Every driver key (VirtioGPU*) is a positive integer the sources read, and the libraries are
exactly the ones the sources use.  Prints each failure; exit 1 if any."""
import glob
import plistlib
import re
import sys

LIBRARIES = {"com.apple.kpi.iokit", "com.apple.kpi.libkern", "com.apple.kpi.mach",
             "com.apple.iokit.IOPCIFamily", "com.apple.iokit.IOGraphicsFamily"}
NDRV_SCORE = 20000
CLASS_PREFIX = "com_osxkvm_driver_"
# IOPCIFamily-370.0.2 IOKit/pci/IOPCIDevice.h:242-245, the keys IOPCIBridge::pciMatchNub reads.
PCI_MATCH_KEYS = {"IOPCIMatch", "IOPCIPrimaryMatch", "IOPCISecondaryMatch", "IOPCIClassMatch"}
# Other IOPCI* keys a personality may carry that are not matching keys.
PCI_OTHER_KEYS = {"IOPCITunnelCompatible", "IOPCIPauseCompatible"}
PERSONALITIES = {
    "VirtioGPU": {"IOPCIMatch": "0x10501af4", "IOMatchCategory": "IOFramebuffer"},
    "VirtioGPUTransportClaim": {"IOPCIMatch": "0x10501af4", "IOMatchCategory": None},
    "VirtioConsole": {"IOPCIMatch": "0x10431af4 0x10031af4", "IOMatchCategory": None},
}


def read_sources(src_dir):
    texts = []
    for path in sorted(glob.glob(src_dir + "/*.cpp") + glob.glob(src_dir + "/*.hpp")):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    return "\n".join(texts)


def defined_classes(sources):
    """Class name -> superclass, as the kernel sees them: the sources' short names go through
    their #define (macos/ClassNames.hpp)."""
    macros = dict(re.findall(r"^#define\s+(\w+)\s+(\w+)\s*$", sources, re.M))
    return {macros.get(m.group(1), m.group(1)): m.group(2)
            for m in re.finditer(r"OSDefineMetaClassAndStructors\((\w+),\s*(\w+)\)", sources)}


def check_matching_keys(name, p):
    errors = []
    if p.get("IOProviderClass") != "IOPCIDevice":
        return errors
    keys = {k for k in p if k.startswith("IOPCI")}
    for k in sorted(keys - PCI_MATCH_KEYS - PCI_OTHER_KEYS):
        errors.append(f"personality {name}: {k} is not a key IOPCIFamily matches on "
                      f"(known: {sorted(PCI_MATCH_KEYS)})")
    if not keys & PCI_MATCH_KEYS:
        errors.append(f"personality {name}: no PCI matching key: it would match every PCI device")
    return errors


def check_driver_keys(name, p, sources):
    errors = []
    if "IOUserClientClass" in p and \
            defined_classes(sources).get(p.get("IOUserClientClass")) != "IOUserClient":
        errors.append(f"personality {name}: IOUserClientClass {p.get('IOUserClientClass')!r} is not "
                      f"an IOUserClient subclass the sources define")
    for key, value in p.items():
        if not key.startswith("VirtioGPU"):
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            errors.append(f"personality {name}: {key} is {value!r}, expected a positive integer")
        if f'"{key}"' not in sources:
            errors.append(f"personality {name}: {key} is not read by the sources")
    return errors


def check(info, bundle_id, version, executable, sources):
    classes = defined_classes(sources)
    errors = []
    raw = plistlib.dumps(info).decode()
    if "$(" in raw or "${" in raw:
        errors.append("a placeholder was left unfilled")
    for key, want in (("CFBundleIdentifier", bundle_id), ("CFBundleVersion", version),
                      ("CFBundleExecutable", executable), ("CFBundlePackageType", "KEXT")):
        if info.get(key) != want:
            errors.append(f"{key} is {info.get(key)!r}, expected {want!r}")
    personalities = info.get("IOKitPersonalities", {})
    if set(personalities) != set(PERSONALITIES):
        errors.append(f"personalities {sorted(personalities)}, expected {sorted(PERSONALITIES)}")
    for name, p in personalities.items():
        want = {"CFBundleIdentifier": bundle_id, "IOProviderClass": "IOPCIDevice",
                **PERSONALITIES.get(name, {})}
        for key in ("IOClass", "IOUserClientClass"):
            if key in p and not str(p[key]).startswith(CLASS_PREFIX):
                errors.append(f"personality {name}: {key} {p[key]!r} lacks the prefix {CLASS_PREFIX!r}")
        errors += check_matching_keys(name, p)
        for key, value in want.items():
            if p.get(key) != value:
                errors.append(f"personality {name}: {key} is {p.get(key)!r}, expected {value!r}")
        if classes.get(p.get("IOClass")) != "IOService":
            errors.append(f"personality {name}: IOClass {p.get('IOClass')!r} is not an IOService "
                          f"subclass the sources define ({sorted(classes)})")
        if name == "VirtioGPU" and (not isinstance(p.get("IOProbeScore"), int)
                                    or p["IOProbeScore"] <= NDRV_SCORE):
            errors.append(f"personality {name}: IOProbeScore {p.get('IOProbeScore')!r} does not "
                          f"beat IONDRVFramebuffer's {NDRV_SCORE}")
        errors += check_driver_keys(name, p, sources)
    libs = info.get("OSBundleLibraries", {})
    if set(libs) != LIBRARIES:
        errors.append(f"OSBundleLibraries {sorted(libs)}, expected {sorted(LIBRARIES)}")
    for lib, ver in libs.items():
        if not re.fullmatch(r"\d+(\.\d+){0,2}", str(ver)):
            errors.append(f"{lib}: version {ver!r} is not a kext version")
    return errors


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 64
    with open(argv[1], "rb") as f:
        info = plistlib.load(f)
    errors = check(info, argv[2], argv[3], argv[4], read_sources(argv[5]))
    for e in errors:
        print(f"check_plist: {argv[1]}: {e}", file=sys.stderr)
    if not errors:
        print(f"check_plist: {argv[1]}: OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
