#!/usr/bin/python3
"""Compare core/gpu/edid.c's modes (edid_dump output) with edid-decode's report of the base block.

usage: compare_edid_decode.py EDID_FILE DECODE_TXT DUMP_TXT     exit 0 when they agree

Rules (why they are not plain equality):
- Detailed timings: same size, refresh within 1 mHz (edid-decode prints Hz with 6 decimals).
- Standard and established timings carry only a nominal integer rate; edid-decode prints the
  exact DMT/CVT rate, we keep the nominal one: same size, rates less than 1 Hz apart.
- EDID < 1.3, standard aspect code 00: the spec (and Linux) read it as 1:1; edid-decode 2022
  looks the code up in the DMT table (16:10).  We expect the 1:1 size there.
- Preferred: edid-decode's first DTD when EDID >= 1.3, or when it says the first detailed
  timing is preferred (feature bit 1, EDID < 1.3).
"""
import re
import sys

TIMING = re.compile(r"^    \S.*?:\s+(\d+)x(\d+)i?\s+([\d.]+) Hz")
SECTIONS = {"Established Timings I & II:": "est", "Standard Timings:": "std",
            "Detailed Timing Descriptors:": "dtd"}


def decode_base_block(text):
    """(revision, preferred_flag_text_seen, [(kind, w, h, hz)]) from edid-decode's Block 0."""
    revision, said_preferred, timings, kind = None, False, [], None
    for line in text.splitlines():
        if line.startswith("Block 1") or line.startswith("----------------") and timings:
            break
        m = re.search(r"EDID Structure Version & Revision: 1\.(\d+)", line)
        if m:
            revision = int(m.group(1))
        if "First detailed timing is the preferred timing" in line:
            said_preferred = True
        if line.startswith("  ") and not line.startswith("   "):
            kind = SECTIONS.get(line.strip())
        m = TIMING.match(line)
        if kind and m:
            timings.append((kind, int(m.group(1)), int(m.group(2)), float(m.group(3))))
    return revision, said_preferred, timings


def apply_square_rule(blob, revision, timings):
    """EDID < 1.3: replace edid-decode's reading of aspect-00 standard timings by w x w."""
    if revision >= 3:
        return timings
    square = []
    for i in range(8):
        b0, b1 = blob[38 + 2 * i], blob[39 + 2 * i]
        if b0 > 1 and b1 >> 6 == 0:
            square.append(((b0 + 31) * 8, (b1 & 0x3F) + 60))
    out = []
    for kind, w, h, hz in timings:
        hit = next((s for s in square if kind == "std" and s[0] == w and round(hz) == s[1]), None)
        if hit:
            square.remove(hit)
            h = w
        out.append((kind, w, h, hz))
    return out


def matches(expected, mode):
    kind, w, h, hz = expected
    mw, mh, mhz, _ = mode
    tolerance = 1 if kind == "dtd" else 999
    return (w, h) == (mw, mh) and abs(mhz - round(hz * 1000)) <= tolerance


def compare(blob, decode_text, dump_text):
    lines = dump_text.split("\n")
    if not lines[0].startswith("ok"):
        return ["parser rejected it: " + lines[0]]
    modes = [tuple(int(x) for x in l.split()) for l in lines[1:] if l.strip()]
    revision, said_preferred, timings = decode_base_block(decode_text)
    timings = apply_square_rule(blob, revision, timings)
    errors = ["edid-decode lists %s %dx%d@%.3f, parser does not" % t
              for t in timings if not any(matches(t, m) for m in modes)]
    errors += ["parser lists %dx%d@%dmHz, edid-decode does not" % m[:3]
               for m in modes if not any(matches(t, m) for t in timings)]
    dtds = [t for t in timings if t[0] == "dtd"]
    want = dtds[0] if dtds and (revision >= 3 or said_preferred) else None
    got = [m for m in modes if m[3]]
    if want and not (got and got[0] is modes[0] and len(got) == 1 and matches(want, got[0])):
        errors.append("preferred should be %dx%d@%.3f, parser has %s" % (want[1:] + (got,)))
    if not want and got:
        errors.append("parser prefers %s, edid-decode names no preferred timing" % (got,))
    return errors


def main():
    with open(sys.argv[1], "rb") as f:
        blob = f.read()
    with open(sys.argv[2]) as f:
        decode_text = f.read()
    with open(sys.argv[3]) as f:
        dump_text = f.read()
    errors = compare(blob, decode_text, dump_text)
    for e in errors:
        print("  " + e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
