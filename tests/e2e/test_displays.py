"""Display layout from the host: EDID preferred mode, and a resize requested by a VNC client."""
from tests.harness.rfb import ENCODING_EXTENDED_DESKTOP_SIZE, RFBClient
from tests.harness.steps import info, init

EDID_BASE_BLOCK = 128


def test_edid_preferred_mode_is_picked(boot, screens):
    vm = boot(gpu_props={"edid": "on", "xres": 1600, "yres": 900})
    init(vm)
    head = info(vm)[0]
    assert head["edid"] >= EDID_BASE_BLOCK and head["edid"] % EDID_BASE_BLOCK == 0, \
        f"the driver should have read a valid EDID: {head}"
    assert head["pref"] == (1600, 900), head
    screen = screens(vm)
    assert screen.modepref(0, seed=6) == (1600, 900)
    screen.check(0, "edid-preferred")


def test_without_edid_the_host_size_is_preferred(boot, screens):
    vm = boot(gpu_props={"edid": "off", "xres": 1024, "yres": 768})
    init(vm)
    head = info(vm)[0]
    assert head["edid"] == 0 and head["pref"] == (1024, 768), head
    screen = screens(vm)
    assert screen.modepref(0, seed=8) == (1024, 768)
    screen.check(0, "no-edid-host-size")


def test_vnc_resize_reaches_the_guest_and_the_new_mode_is_shown(boot, screens):
    vm = boot(vnc=True)
    init(vm)
    screen = screens(vm)
    screen.modepref(0, seed=1)
    screen.check(0, "before-resize")
    assert vm.guest.ok("waitevent 200").fields["event"] == "0", "no display event before the resize"
    client = RFBClient("127.0.0.1", vm.vnc_port())
    try:
        client.set_desktop_size(1440, 900)
        reply = client.wait_for_rect(ENCODING_EXTENDED_DESKTOP_SIZE)
        assert (reply.x, reply.y) == (1, 4), "QEMU should forward the request to the GPU (status 4)"
        assert vm.guest.ok("waitevent 5000").fields["event"] == "1", "the display event did not reach the guest"
        head = info(vm)[0]
        assert head["host"] == (1440, 900) and head["pref"] == (1440, 900), head
        assert screen.modepref(0, seed=2) == (1440, 900)
        screen.check(0, "after-resize")
    finally:
        client.close()
