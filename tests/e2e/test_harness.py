"""Checks of the harness itself, against QEMU with no guest: they run before the guest exists.

The pattern generator is checked against a scalar transcription of guest/PROTOCOL.md; the QMP,
trace and VNC paths against behaviour recorded in qemu-testbed-facts.md.
"""
import numpy as np
import pytest
from PIL import Image

from tests.harness.accel import choose_accel
from tests.harness.compare import mismatch_report
from tests.harness.machine import Machine, MachineConfig
from tests.harness.patterns import cursor_pattern, screen_pattern, with_rects
from tests.harness.qmp import QMPError
from tests.harness.rfb import ENCODING_EXTENDED_DESKTOP_SIZE, RFBClient
from tests.harness.trace import parse_line


def protocol_pixel(x, y, s):
    """PROTOCOL.md's screen formula, one pixel, plain integers."""
    return ((3 * x + 37 * s) % 256, (5 * y + 59 * s) % 256, ((x ^ y) + 101 * s) % 256)


def protocol_cursor_pixel(cx, cy, s):
    """The cursor formula, as R, G, B, A."""
    alpha = 255 if (cx + cy + s) % 7 != 0 else 0
    return ((4 * cx + s) % 256, (4 * cy + 2 * s) % 256, (cx * cy + 3 * s) % 256, alpha)


@pytest.mark.parametrize("seed", [0, 1, 7, 255, 1000])
def test_screen_pattern_follows_the_protocol_formula(seed):
    width, height = 3840, 2160
    image = screen_pattern(width, height, seed)
    rng = np.random.default_rng(seed)
    points = [(0, 0), (width - 1, height - 1), (1365, 767), (256, 511)]
    points += [(int(x), int(y)) for x, y in zip(rng.integers(0, width, 200), rng.integers(0, height, 200))]
    for x, y in points:
        assert tuple(image[y, x]) == protocol_pixel(x, y, seed), (x, y)


def test_cursor_pattern_follows_the_protocol_formula():
    image = cursor_pattern(5)
    for cy in range(64):
        for cx in range(64):
            assert tuple(image[cy, cx]) == protocol_cursor_pixel(cx, cy, 5)


def test_with_rects_changes_only_the_rectangle():
    old = screen_pattern(64, 48, 1)
    new = with_rects(old, [(10, 20, 5, 3)], 2)
    assert tuple(new[20, 10]) == protocol_pixel(10, 20, 2)
    assert tuple(new[22, 14]) == protocol_pixel(14, 22, 2)
    assert tuple(new[23, 14]) == protocol_pixel(14, 23, 1)
    assert tuple(new[20, 15]) == protocol_pixel(15, 20, 1)
    assert np.count_nonzero(np.any(new != old, axis=2)) <= 15


def test_mismatch_report_finds_a_single_wrong_pixel():
    expected = screen_pattern(100, 50, 3)
    actual = expected.copy()
    actual[17, 42] = (1, 2, 3)
    report = mismatch_report(actual, expected)
    assert "1 of 5000 pixels differ" in report and "(42, 17)" in report
    assert mismatch_report(expected.copy(), expected) is None
    assert "placeholder" in mismatch_report(np.zeros((480, 640, 3), np.uint8), expected)


def test_trace_line_parsing():
    event = parse_line("virtio_gpu_update_cursor scanout 0, x 100, y 60, move, res 0x0")
    assert event.name == "virtio_gpu_update_cursor"
    assert event.fields == {"scanout": 0, "x": 100, "y": 60, "move": True, "res": 0}
    event = parse_line("1234@1700000000.123456:virtio_gpu_cmd_res_flush res 0x1, w 320, h 200, x 0, y 0")
    assert (event.name, event["res"], event["w"], event["h"]) == ("virtio_gpu_cmd_res_flush", 1, 320, 200)


def test_accelerator_choice(monkeypatch):
    monkeypatch.delenv("VGPU_E2E_ACCEL", raising=False)
    assert choose_accel() == "tcg", "TCG is the measured default"
    monkeypatch.setenv("VGPU_E2E_ACCEL", "TCG")
    assert choose_accel() == "tcg"
    monkeypatch.setenv("VGPU_E2E_ACCEL", "auto")
    assert choose_accel() in ("tcg", "kvm")
    monkeypatch.setenv("VGPU_E2E_ACCEL", "hvf")
    with pytest.raises(ValueError, match="tcg, kvm or auto"):
        choose_accel()


@pytest.fixture
def bare_qemu():
    """QEMU with virtio-gpu, VNC and tracing but no guest, left paused."""
    config = MachineConfig(kernel=None, gpu_props={"max_outputs": 2}, vnc=True, trace=("vnc_msg_*",))
    machine = Machine(config)
    machine.start(boot=False)
    yield machine
    machine.stop()


def test_screendump_before_any_scanout_is_the_640x480_placeholder(bare_qemu):
    for head in (0, 1):
        assert bare_qemu.screendump(head=head).size == (640, 480)
    with pytest.raises(QMPError, match="not bound to a QemuConsole"):
        bare_qemu.screendump(head=2)


def test_screendump_png_is_written_where_asked(bare_qemu, tmp_path):
    image = bare_qemu.screendump(fmt="png", keep_as=tmp_path / "shot.png")
    assert image.size == (640, 480)
    assert Image.open(tmp_path / "shot.png").format == "PNG"


def test_vnc_set_desktop_size_is_forwarded_to_the_gpu(bare_qemu):
    client = RFBClient("127.0.0.1", bare_qemu.vnc_port())
    try:
        assert (client.width, client.height) == (640, 480)
        mark = bare_qemu.trace.mark()
        client.set_desktop_size(1024, 768)
        reply = client.wait_for_rect(ENCODING_EXTENDED_DESKTOP_SIZE)
        assert (reply.x, reply.y) == (1, 4), "ExtendedDesktopSize reply: reason 1 (this client), 4 forwarded"
        events = bare_qemu.trace.wait_for(mark, "vnc_msg_client_set_desktop_size")
        assert len(events) == 1 and "size=1024x768 screens=1" in events[0].line
    finally:
        client.close()
