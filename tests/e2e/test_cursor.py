"""The host-drawn cursor: image and hot spot through VNC's alpha cursor, position through the trace."""
import numpy as np

from harness.compare import assert_image
from harness.patterns import CURSOR_SIZE, cursor_pattern
from harness.rfb import ENCODING_ALPHA_CURSOR, RFBClient
from harness.steps import CURSOR, init


def vnc_cursor_argb(rect):
    """QEMU 7.2 sends the cursor's 32-bit words as stored, little-endian: B, G, R, A → A, R, G, B."""
    bgra = np.frombuffer(rect.payload, np.uint8).reshape(rect.h, rect.w, 4)
    return bgra[:, :, [3, 2, 1, 0]]


def cursor_events(vm, mark):
    return vm.trace.wait_for(mark, CURSOR)


def check_cursor_image(client, seed, hot, name):
    rect = client.wait_for_rect(ENCODING_ALPHA_CURSOR)
    assert (rect.w, rect.h) == (CURSOR_SIZE, CURSOR_SIZE)
    assert (rect.x, rect.y) == hot, f"hot spot {(rect.x, rect.y)}, expected {hot}"
    argb = vnc_cursor_argb(rect)
    # Compare as two RGB images (colour, then alpha replicated) to reuse the pixel reporting.
    expected = cursor_pattern(seed)
    assert_image_array(argb[:, :, 1:], expected[:, :, 1:], f"{name}-rgb")
    assert_image_array(np.repeat(argb[:, :, :1], 3, axis=2), np.repeat(expected[:, :, :1], 3, axis=2),
                       f"{name}-alpha")


def assert_image_array(actual, expected, name):
    from PIL import Image
    assert_image(Image.fromarray(np.ascontiguousarray(actual)), expected, name)


def test_cursor_set_move_hide(boot, screens, request):
    vm = boot(vnc=True)
    client = RFBClient("127.0.0.1", vm.vnc_port())
    try:
        init(vm)
        screen = screens(vm)
        screen.mode(0, 1024, 768, seed=1)
        mark = vm.trace.mark()
        vm.guest.ok("cursor 0 5 9 100 120 3")
        events = cursor_events(vm, mark)
        assert len(events) == 1 and events[0]["update"] and events[0]["res"] != 0, [e.line for e in events]
        assert (events[0]["scanout"], events[0]["x"], events[0]["y"]) == (0, 100, 120), events[0].line
        check_cursor_image(client, seed=3, hot=(5, 9), name=f"{request.node.name}-cursor3")
        screen.check(0, "cursor-not-in-framebuffer")

        mark = vm.trace.mark()
        vm.guest.ok("cursormove 0 300 200")
        events = cursor_events(vm, mark)
        assert len(events) == 1 and events[0]["move"], [e.line for e in events]
        assert (events[0]["x"], events[0]["y"]) == (300, 200), events[0].line

        mark = vm.trace.mark()
        vm.guest.ok("cursorhide 0")
        events = cursor_events(vm, mark)
        assert len(events) == 1 and events[0]["res"] == 0, f"hiding means resource 0: {[e.line for e in events]}"

        client.drain()     # hiding re-sends the old image to VNC clients; skip it
        mark = vm.trace.mark()
        vm.guest.ok("cursor 0 63 0 1023 767 4")
        events = cursor_events(vm, mark)
        assert len(events) == 1 and events[0]["update"] and events[0]["res"] != 0, [e.line for e in events]
        assert (events[0]["x"], events[0]["y"]) == (1023, 767), events[0].line
        check_cursor_image(client, seed=4, hot=(63, 0), name=f"{request.node.name}-cursor4")
    finally:
        client.close()
