#!/usr/bin/python3
"""Regenerate the QEMU EDID samples in this directory (qemu-WxH.bin).

Debian ships no `qemu-edid`, so we read the EDID from QEMU's own generator through the
standard VGA device: with `edid=on` its MMIO BAR (BAR2) starts with the EDID blob that
qemu_edid_generate() builds from xres/yres (the same generator virtio-gpu uses).  QEMU is
started paused (-S, no firmware runs); the HMP monitor programs BAR2 through the PCI
configuration ports 0xCF8/0xCFC, enables memory decoding and dumps the blob with `xp`.

Usage: make-qemu-samples.py [outdir]     (needs qemu-system-x86_64)
"""
import os
import subprocess
import sys

SIZES = [(1280, 800), (1600, 900), (3840, 2160)]
SLOT = 2                  # PCI device number we place the VGA at
BAR2_ADDR = 0xFE000000    # an unused 32-bit MMIO address on the pc machine
BLOB_LEN = 1024          # the EDID window; the blob uses 128 bytes per block


def monitor_script():
    cfg = 0x80000000 | (SLOT << 11)
    return "\n".join([
        "o /w 0xcf8 0x%x" % (cfg | 0x18), "o /w 0xcfc 0x%x" % BAR2_ADDR,   # BAR2
        "o /w 0xcf8 0x%x" % (cfg | 0x04), "o /h 0xcfc 0x2",               # memory space enable
        "xp /%dxb 0x%x" % (BLOB_LEN, BAR2_ADDR),
        "quit", ""])


def read_edid(width, height):
    cmd = ["qemu-system-x86_64", "-M", "pc", "-S", "-display", "none", "-nodefaults",
           "-monitor", "stdio",
           "-device", "VGA,edid=on,xres=%d,yres=%d,addr=%d" % (width, height, SLOT)]
    out = subprocess.run(cmd, input=monitor_script(), capture_output=True, text=True,
                         timeout=60, check=True).stdout
    blob = bytearray()
    for line in out.splitlines():
        addr, sep, rest = line.partition(": ")
        if sep and addr.strip().startswith("00000000fe"):
            blob += bytes(int(tok, 16) for tok in rest.split())
    if len(blob) != BLOB_LEN or blob[:8] != b"\x00\xff\xff\xff\xff\xff\xff\x00":
        sys.exit("no EDID read for %dx%d (got %d bytes)" % (width, height, len(blob)))
    used = 128 * (1 + blob[126])            # keep the base block and its extensions
    return bytes(blob[:used])


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for w, h in SIZES:
        path = os.path.join(outdir, "qemu-%dx%d.bin" % (w, h))
        with open(path, "wb") as f:
            f.write(read_edid(w, h))
        print(path)


if __name__ == "__main__":
    main()
