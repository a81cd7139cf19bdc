#!/usr/bin/python3
"""check_plist.py PLIST BUNDLE_ID VERSION EXECUTABLE SRC_DIR: checks the kext's filled-in
Info.plist against what the kernel needs and against the sources: every placeholder filled, the
bundle keys the build says, and exactly two personalities, each with an IOClass the sources
define on IOService and an IOUserClientClass they define on IOUserClient: VirtioGPU matching
virtio-gpu (1AF4:1050) in the IOFramebuffer category above IONDRVFramebuffer's score (20000,
IOGraphics-600 Info-IONDRVSupport.plist), and VirtioConsole matching virtio-console (1AF4:1043,
or 1AF4:1003 as QEMU 7.2 shows it on q35).  Every driver key (VirtioGPU*) is a positive integer
the sources read, and the libraries are exactly the ones the sources use.  Prints each failure;
exit 1 if any."""
import glob
import plistlib
import re
import sys

LIBRARIES = {"com.apple.kpi.iokit", "com.apple.kpi.libkern", "com.apple.kpi.mach",
             "com.apple.iokit.IOPCIFamily", "com.apple.iokit.IOGraphicsFamily"}
NDRV_SCORE = 20000
PERSONALITIES = {
    "VirtioGPU": {"IOPCIMatching": "0x10501af4", "IOMatchCategory": "IOFramebuffer"},
    "VirtioConsole": {"IOPCIMatch": "0x10431af4 0x10031af4"},
}


def read_sources(src_dir):
    texts = []
    for path in sorted(glob.glob(src_dir + "/*.cpp")):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    return "\n".join(texts)


def defined_classes(sources):
    return {m.group(1): m.group(2)
            for m in re.finditer(r"OSDefineMetaClassAndStructors\((\w+),\s*(\w+)\)", sources)}


def check_driver_keys(name, p, sources):
    errors = []
    if defined_classes(sources).get(p.get("IOUserClientClass")) != "IOUserClient":
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
