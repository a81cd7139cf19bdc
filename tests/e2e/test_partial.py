"""Partial updates: only the rectangle changes on screen, and only it is transferred and flushed.

Before each update the guest's `fill` paints the whole framebuffer *memory* with another seed without
telling the driver; whatever the driver transfers beyond the rectangle then shows that seed.
"""
from tests.harness.steps import FLUSH, XFER, init, kicks, rect_of, scanout_resource, stats

RECT = (123, 45, 301, 157)       # odd offsets and sizes so an off-by-one shows


def test_rect_update_changes_and_flushes_only_the_rectangle(boot, screens):
    vm = boot()
    init(vm)
    screen = screens(vm)
    screen.mode(0, 1366, 768, seed=1)    # 1366 * 4 bytes a row: a wrong stride moves the rectangle
    resource = scanout_resource(vm.trace, 0)
    mark = vm.trace.mark()
    vm.guest.ok("fill 0 0 0 1366 768 9")
    assert vm.trace.since(mark, {XFER, FLUSH}) == [], "fill writes memory only"
    screen.check(0, "memory-only-fill-not-shown")
    screen.rect(0, *RECT, seed=2)
    events = vm.trace.since(mark, {XFER, FLUSH})
    assert [e.name for e in events] == [XFER, FLUSH], \
        f"one transfer then one flush expected, trace says:\n" + "\n".join(e.line for e in events)
    assert events[0]["res"] == resource and events[1]["res"] == resource
    assert rect_of(events[1]) == RECT, f"flushed {rect_of(events[1])}, updated {RECT}"
    screen.check(0, "rect")


def test_async_rects_with_one_notification_then_wait_idle(boot, screens):
    vm = boot()
    init(vm)
    screen = screens(vm)
    screen.mode(0, 1366, 768, seed=1)
    # Not (0, 0, full width, h): QEMU 7.2 copies the whole resource for a transfer with offset 0,
    # x 0, y 0 and the full width, whatever its height. A full-width row lower down takes the row path.
    rects = [(0, 1, 1366, 1), (700, 300, 66, 400), (1365, 767, 1, 1), (5, 600, 1000, 33)]
    vm.guest.ok("fill 0 0 0 1366 768 9")
    before = stats(vm)
    mark = vm.trace.mark()
    vm.guest.ok("rectasync 0 7 " + " ".join(f"{x} {y} {w} {h}" for x, y, w, h in rects))
    after_submit = stats(vm)
    vm.guest.ok("waitidle")
    after_wait = stats(vm)
    screen.painted(0, rects, seed=7)
    for key in ("errors", "async_errors"):
        assert after_wait[key] == before[key], f"fenced responses reported {key}: {before} -> {after_wait}"
    rung = len(kicks(vm.trace, mark, 0))                                # QEMU saw the control queue kicked
    skipped = after_submit["skipped"] - before["skipped"]               # event index: no kick was needed
    assert rung + skipped == 1 and rung == after_submit["notifies"] - before["notifies"], \
        f"the batch of {len(rects)} rects should ring (or skip) the doorbell once: QEMU saw {rung} kicks, " \
        f"the guest says {after_submit['notifies'] - before['notifies']} rung, {skipped} skipped"
    flushed = [rect_of(e) for e in vm.trace.since(mark, {FLUSH})]
    assert flushed == rects, f"flushed {flushed}, queued {rects}"
    assert len(vm.trace.since(mark, {XFER})) == len(rects)
    screen.check(0, "async-rects")
