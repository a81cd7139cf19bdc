"""Device reset behind the driver's back: `vgpu_recover` must bring back mode, pixels and cursor."""
from tests.harness.steps import CREATE_2D, CURSOR, SET_SCANOUT, XFER, init


def test_reset_restores_mode_pixels_and_cursor(boot, screens):
    vm = boot(gpu_props={"max_outputs": 2})
    init(vm)
    screen = screens(vm)
    screen.mode(0, 1024, 768, seed=1)
    screen.rect(0, 500, 300, 200, 100, seed=2)
    screen.mode(1, 640, 480, seed=3)
    vm.guest.ok("cursor 0 1 2 30 40 5")
    screen.check_all("before-reset")
    mark = vm.trace.mark()
    vm.guest.ok("reset", timeout=120)
    names = [e.name for e in vm.trace.since(mark, {CREATE_2D, SET_SCANOUT, XFER})]
    assert names.count(SET_SCANOUT) >= 2 and names.count(XFER) >= 2, \
        f"after the reset the device must be given both scanouts again, trace: {names}"
    screen.check_all("after-reset")
    # The cursor queue is handled by QEMU after the guest's OK (no response), so wait for the trace.
    cursor = vm.trace.wait_for(mark, CURSOR)
    assert cursor and cursor[-1]["res"] != 0 and (cursor[-1]["x"], cursor[-1]["y"]) == (30, 40), \
        f"cursor not restored: {[e.line for e in cursor]}"
    screen.rect(0, 0, 0, 64, 64, seed=4)
    screen.check_all("usable-after-reset")
