"""close releases everything the driver holds (host resources, its own memory); init works again."""
from tests.harness.steps import CREATE_2D, SET_SCANOUT, UNREF, init, stats


def test_close_releases_everything_and_init_works_again(boot, screens):
    vm = boot(gpu_props={"max_outputs": 2})
    init(vm)
    baseline = stats(vm)
    screen = screens(vm)
    screen.mode(0, 1024, 768, seed=1)
    screen.mode(0, 1366, 768, seed=2)
    screen.mode(1, 640, 480, seed=3)
    vm.guest.ok("cursor 0 0 0 10 10 4")
    vm.guest.ok("rectasync 0 5 0 1 100 100 200 200 50 50")
    vm.guest.ok("waitidle")
    mark = vm.trace.mark()
    vm.guest.ok("close")
    created = len(vm.trace.since(0, {CREATE_2D}))
    released = len(vm.trace.since(0, {UNREF}))
    assert created == released, f"after close the host still holds {created - released} of {created} resources"
    turned_off = {e["id"] for e in vm.trace.since(mark, {SET_SCANOUT}) if e["res"] == 0}
    assert turned_off == {0, 1}, f"close should turn both scanouts off, turned off: {sorted(turned_off)}"
    init(vm)
    again = stats(vm)
    for key in ("core_heap", "core_dma"):
        assert again[key] == baseline[key], \
            f"{key}: {baseline[key]} bytes after the first init, {again[key]} after close + init (leak)"
    screen.mode(0, 800, 600, seed=6)
    screen.check(0, "after-reinit")
