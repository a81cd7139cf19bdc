"""Capability sets read through the driver, logged, and re-parsed here independently.

The guest prints each capset's raw bytes and its own parse (core/gpu3d/virgl_caps.c).  This test decodes
the same bytes with Python's struct at the offsets of virglrenderer's struct virgl_caps_v1/v2
(src/virgl_hw.h) and the two must agree; and the ids, versions, sizes and bytes the guest read
through QEMU must be the ones virglrenderer itself offers, asked over its own vtest socket
(vtest_caps.py), with no guest and no QEMU in between.
"""
import struct

import pytest

from tests.skip_policy import missing
from vtest_caps import VtestUnavailable, renderer_capsets

V1_SIZE = 308
MASKS_V1 = {"sampler": 4, "render": 68, "depth": 132, "vertex": 196}
V2_FIELDS = {"max_2d": 484, "max_3d": 488, "max_cube": 492, "max_attribs": 356,
             "cap_bits": 392, "cap_bits_v2": 688}
V1_FIELDS = {"glsl": 264, "max_layers": 268, "max_rt": 280, "max_samples": 284, "max_viewports": 300}
LAST_FORMAT = 312


def u32(data, off):
    return struct.unpack_from("<I", data, off)[0]


def mask_count(data, off):
    bits = 0
    for word in range(16):
        value = u32(data, off + 4 * word)
        for bit in range(32):
            if value >> bit & 1 and word * 32 + bit <= LAST_FORMAT:
                bits += 1
    return bits


def capset_bytes(reply):
    """{capset id: bytes} from the capset_hex lines."""
    chunks = {}
    for line in reply.info:
        if "hex" in line:
            chunks.setdefault(int(line["id"]), []).append((int(line["off"]), bytes.fromhex(line["hex"])))
    return {cid: b"".join(part for _, part in sorted(parts)) for cid, parts in chunks.items()}


@pytest.fixture(scope="module")
def virgl_capsets():
    """{id: (max version, bytes)} from virglrenderer itself; settled before any guest boots."""
    try:
        return renderer_capsets()
    except FileNotFoundError as exc:        # the Makefile installs virgl-server
        missing(str(exc))
    except VtestUnavailable as exc:
        missing(f"virglrenderer's own capsets cannot be read on this host: {exc}", external=True)


# Bits that describe how the embedding program set virglrenderer up, not the renderer: the vtest
# server always initialises it with THREAD_SYNC | USE_EXTERNAL_BLOB (vtest/vtest_renderer.c), QEMU
# 7.2 with neither.  On this host exactly these two differ: VIRGL_CAP_ARB_BUFFER_STORAGE (cap_bits
# bit 31, QEMU has it) and VIRGL_CAP_V2_UNTYPED_RESOURCE (cap_bits_v2 bit 1, vtest has it).
EMBEDDER_BITS = {2: {392: 1 << 31, 688: 1 << 1}}


def without_embedder_bits(cid, data):
    words = bytearray(data)
    for off, mask in EMBEDDER_BITS.get(cid, {}).items():
        struct.pack_into("<I", words, off, u32(words, off) & ~mask)
    return bytes(words)


def differing_words(a, b):
    return [off for off in range(0, min(len(a), len(b)), 4) if a[off:off + 4] != b[off:off + 4]]


def test_capsets_are_what_virglrenderer_offers(virgl_capsets, gl_vm):
    reply = gl_vm.ok("gl caps", timeout=60)
    infos = {int(i["id"]): (int(i["max_version"]), int(i["max_size"])) for i in reply.info if "index" in i}
    raw = capset_bytes(reply)
    print("virglrenderer:", {cid: (v, len(data)) for cid, (v, data) in virgl_capsets.items()})
    print("guest via QEMU:", infos)

    assert sorted(infos) == sorted(virgl_capsets), "capset ids"
    for cid, (version, data) in virgl_capsets.items():
        assert infos[cid] == (version, len(data)), f"capset {cid}: (max_version, max_size)"
        guest, host = without_embedder_bits(cid, raw[cid]), without_embedder_bits(cid, data)
        assert guest == host, f"capset {cid}: words differ at byte offsets {differing_words(guest, host)}"


def test_capsets_are_read_logged_and_parsed_like_virgl_hw_h(gl_vm):
    reply = gl_vm.ok("gl caps", timeout=60)
    infos = [line for line in reply.info if "index" in line]
    parsed = next(line for line in reply.info if "glsl" in line)
    parsed["renderer"] = next(line for line in reply.info if "name" in line)["name"]
    print("capsets:", [(i["id"], i["max_version"], i["max_size"]) for i in infos])
    print("parsed:", parsed)

    ids = {int(i["id"]): i for i in infos}
    assert 1 in ids and int(ids[1]["max_size"]) == V1_SIZE, infos
    raw = capset_bytes(reply)
    for cid, info in ids.items():
        assert len(raw[cid]) == int(info["max_size"]), f"capset {cid}: bytes printed != max_size"

    best = max(ids)
    data = raw[best]
    assert int(parsed["id"]) == best and int(parsed["bytes"]) == len(data)
    assert int(parsed["max_version"]) == u32(data, 0) >= 1
    for key, off in V1_FIELDS.items():
        assert int(parsed[key]) == u32(data, off), key
    for key, off in V2_FIELDS.items():
        assert int(parsed[key], 0) == (u32(data, off) if len(data) >= off + 4 else 0), key
    assert int(parsed["render_formats"]) == mask_count(data, MASKS_V1["render"])
    assert int(parsed["sampler_formats"]) == mask_count(data, MASKS_V1["sampler"])
    renderer = data[696:760].split(b"\0")[0].decode("ascii", "replace").replace(" ", "_")
    assert parsed["renderer"] == (renderer or "-")
    assert int(parsed["clamped"]) == 0, "QEMU's llvmpipe host reports nothing out of range"
    # A virgl render target needs B8G8R8A8_UNORM (format 1) renderable: the other tests use it.
    assert u32(data, MASKS_V1["render"]) >> 1 & 1


def test_virgl_is_negotiated_only_when_asked(guest_elf, gl_host):
    """Same device, `init` without `gl on`: no VIRGL bit, and every gl command is refused."""
    from conftest import start_gl
    machine = start_gl(guest_elf)
    try:
        reply = machine.guest.ok("init")
        assert not reply.int("features") & 1, reply.text
        refused = machine.guest.request("gl caps")
        assert not refused.ok and refused.text.startswith("VGPU_E_UNSUPPORTED"), refused.text
    finally:
        machine.stop()
