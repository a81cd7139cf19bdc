"""The HiDPI display override (macos/DisplayOverrides) against QEMU's own EDID and its own rules:
the folder and keys name the vendor and product IODisplay reads from the EDID QEMU 7.2 generates
(tests/unit/edid_samples/qemu-*.bin, decoded here from the VESA layout), and every
scale-resolutions entry is a 2x backing size of a distinct logical size."""
import pathlib
import plistlib
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "macos/DisplayOverrides"
SAMPLES = sorted((ROOT / "tests/unit/edid_samples").glob("qemu-*.bin"))


def edid_ids(blob):
    """EDID bytes 8-9: the PNP id packed big-endian (what IODisplay calls DisplayVendorID);
    bytes 10-11: the product code, little-endian (DisplayProductID)."""
    return blob[8] << 8 | blob[9], blob[10] | blob[11] << 8


def override_files():
    return [p for p in OVERRIDES.glob("DisplayVendorID-*/DisplayProductID-*") if p.is_file()]


def test_qemu_samples_exist_and_agree():
    assert SAMPLES, "QEMU EDID samples missing"
    assert len({edid_ids(s.read_bytes()) for s in SAMPLES}) == 1


def test_the_override_names_qemus_display():
    vendor, product = edid_ids(SAMPLES[0].read_bytes())
    files = override_files()
    assert len(files) == 1
    f = files[0]
    assert f.parent.name == f"DisplayVendorID-{vendor:x}" and f.name == f"DisplayProductID-{product:x}"
    d = plistlib.loads(f.read_bytes())
    assert d["DisplayVendorID"] == vendor and d["DisplayProductID"] == product


def test_scale_resolutions_are_2x_backings_of_distinct_sizes():
    d = plistlib.loads(override_files()[0].read_bytes())
    logical = []
    for entry in d["scale-resolutions"]:
        assert len(entry) == 16
        w, h, flags, hidpi = struct.unpack(">IIII", entry)
        assert (flags, hidpi) == (0x1, 0x200000)
        assert w % 2 == 0 and h % 2 == 0 and 2 * 640 <= w <= 3840 and 2 * 480 <= h <= 2160
        logical.append((w // 2, h // 2))
    assert logical and len(set(logical)) == len(logical)
