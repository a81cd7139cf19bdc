"""The host-drawn cursor: image and hot spot through VNC's alpha cursor, position through the trace."""
from tests.harness.compare import assert_array
from tests.harness.cursor import read_vnc_cursor
from tests.harness.patterns import cursor_pattern
from tests.harness.rfb import RFBClient
from tests.harness.steps import CURSOR, init


def cursor_events(vm, mark):
    # The cursor queue is handled after the guest's OK (no response): wait for the trace line.
    return vm.trace.wait_for(mark, CURSOR)


def check_cursor_image(client, seed, hot, name):
    got_hot, image = read_vnc_cursor(client)
    assert got_hot == hot, f"hot spot {got_hot}, expected {hot}"
    assert_array(image, cursor_pattern(seed), name)


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
