#!/usr/bin/python3
"""Write hand-built EDIDs (hand-*.bin) that exercise what QEMU's generator never emits:
EDID 1.2 rules (aspect code 00 = 1:1, preferred only with feature bit 1), interlaced detailed
timings, every established timing bit, the 12-bit field limits, a second detailed timing.
Built byte by byte from the VESA E-EDID layout, independent of core/gpu/edid.c.

Usage: make-handmade-samples.py [outdir]
"""
import os
import sys

HEADER = bytes([0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00])
UNUSED_STD = bytes([0x01, 0x01])


def base(revision, features=0x0A):
    b = bytearray(128)
    b[0:8] = HEADER
    b[8:10] = bytes([0x04, 0x43])            # PNP "ABC": (1<<10)|(2<<5)|3
    b[10:12] = bytes([0x78, 0x56])           # product 0x5678, little-endian
    b[16], b[17] = 1, 20                     # week 1 of 2010
    b[18], b[19] = 1, revision
    b[20] = 0x80                             # digital input
    b[24] = features
    for i in range(8):
        b[38 + 2 * i:40 + 2 * i] = UNUSED_STD
    return b


def dtd(clock_10khz, ha, hb, va, vb, interlaced=False):
    d = bytearray(18)
    d[0:2] = clock_10khz.to_bytes(2, "little")
    d[2], d[3], d[4] = ha & 0xFF, hb & 0xFF, (ha >> 8) << 4 | hb >> 8
    d[5], d[6], d[7] = va & 0xFF, vb & 0xFF, (va >> 8) << 4 | vb >> 8
    d[8], d[9], d[10] = 8, 8, 0x11           # small sync offsets/widths, all within blanking
    d[17] = 0x18 | (0x80 if interlaced else 0)
    return d


def name(text):
    d = bytearray(18)
    d[3] = 0xFC
    t = text.encode() + b"\n"
    t += b" " * (13 - len(t))
    d[5:18] = t[:13]
    return d


def dummy():
    d = bytearray(18)
    d[3] = 0x10
    return d


def finish(b, descriptors, std=(), est=(0, 0, 0)):
    for i, (b0, b1) in enumerate(std):
        b[38 + 2 * i:40 + 2 * i] = bytes([b0, b1])
    b[35:38] = bytes(est)
    descriptors = list(descriptors) + [dummy()] * (4 - len(descriptors))
    for i, d in enumerate(descriptors):
        b[54 + 18 * i:72 + 18 * i] = d
    b[127] = (-sum(b[:127])) & 0xFF
    return bytes(b)


SAMPLES = {
    # EDID 1.2 without the preferred bit: aspect 00 means 1:1; 1080i detailed timing.
    "hand-1.2-interlaced.bin": finish(
        base(2, features=0x08),
        [dtd(7425, 1920, 280, 540, 22, interlaced=True), name("Old CRT")],
        std=[(0x81, 0x00), (0x61, 0x40), (0xD1, 0xCF)], est=(0xFF, 0xFF, 0x80)),
    # EDID 1.3: two detailed timings, the first preferred; 12-bit maxima in the second.
    "hand-1.3-two-dtd.bin": finish(
        base(3),
        [dtd(14850, 1920, 280, 1080, 45), dtd(65535, 4095, 4095, 4095, 4095), name("Two Timings")],
        std=[(0x81, 0x00), (0x81, 0x80), (0x81, 0x40), (0x81, 0xC0), (0xA9, 0x4F)],
        est=(0x21, 0x08, 0x00)),
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for fname, blob in SAMPLES.items():
        path = os.path.join(outdir, fname)
        with open(path, "wb") as f:
            f.write(blob)
        print(path)


if __name__ == "__main__":
    main()
