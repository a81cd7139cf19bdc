"""The host side of the guest's `gl` commands (guest/PROTOCOL.md, "3D"), and float32 helpers."""
import struct

from .virtio_status import negotiated

VIRGL_FEATURE = 1 << 0
GL_TRACE = ("virtio_gpu_cmd_set_scanout", "virtio_gpu_cmd_ctx_*", "virtio_gpu_cmd_res_create_3d",
            "virtio_gpu_cmd_res_unref")
FORMAT_B8G8R8A8 = 1


def f32(value):
    """The float32 nearest `value`, as a Python float (exact)."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def f32_bits(value):
    return struct.unpack("<I", struct.pack("<f", value))[0]


def unorm8(value):
    """What a UNORM8 render target stores for a float channel (round to nearest)."""
    return max(0, min(255, int(f32(value) * 255.0 + 0.5)))


def bgra_word(rgba):
    """The 32-bit little-endian word a B8G8R8A8_UNORM pixel reads back as: 0xAARRGGBB."""
    r, g, b, a = (unorm8(c) for c in rgba)
    return a << 24 | r << 16 | g << 8 | b


class GlGuest:
    """`gl on` + `init` on a booted machine, then one method per `gl` command."""

    def __init__(self, machine, opened=True):
        self.machine = machine
        self.guest = machine.guest
        if opened:
            self.open()

    def open(self):
        """`gl on` + `init`; the device offers VIRGL (conftest's gl_host), so the driver must take it."""
        self.guest.ok("gl on")
        reply = self.guest.ok("init")
        self.features = reply.int("features")
        acked = negotiated(self.machine)      # QEMU's view, not the guest's reply
        assert "VIRTIO_GPU_F_VIRGL" in acked and self.features & VIRGL_FEATURE, \
            f"the driver did not negotiate VIRTIO_GPU_F_VIRGL, which the device offers: QEMU says {sorted(acked)}, " \
            f"the guest says {reply.text}"
        return reply

    def ok(self, command, timeout=None):
        return self.guest.ok(command, timeout)

    def request(self, command, timeout=None):
        return self.guest.request(command, timeout)

    def stats(self):
        return {k: int(v, 0) for k, v in self.ok("gl stats").fields.items()}

    def target(self, width, height, fmt=FORMAT_B8G8R8A8):
        return self.ok(f"gl target {width} {height} {fmt}")

    def clear(self, rgba):
        return self.ok("gl clear " + " ".join(str(f32_bits(c)) for c in rgba))

    def triangle(self, ndc_xy, rgba):
        words = [f32_bits(v) for v in ndc_xy] + [f32_bits(c) for c in rgba]
        return self.ok("gl tri " + " ".join(str(w) for w in words))

    def read(self, box=None):
        """`gl read` → {(x, y): word} for the box read back."""
        reply = self.ok("gl read" + ("" if box is None else " " + " ".join(str(v) for v in box)), timeout=120)
        pixels = {}
        for line in reply.info:
            if "runs" not in line:
                continue
            x, y = int(line["x"]), int(line["y"])
            for run in line["runs"].split(","):
                word, count = run.split("*")
                for _ in range(int(count)):
                    pixels[(x, y)] = int(word, 16)
                    x += 1
        return pixels
