"""Several heads, each with its own pattern, checked through screendump's `head`; disable/enable."""
import pytest

from tests.harness.steps import SET_SCANOUT, info, init

HEAD_MODES = [(1024, 768), (800, 600), (1366, 768), (640, 480)]


@pytest.mark.parametrize("outputs", [2, 4])
def test_each_head_shows_its_own_pattern(boot, screens, outputs):
    vm = boot(gpu_props={"max_outputs": outputs})
    assert init(vm).int("scanouts") == outputs
    heads = info(vm)
    assert sorted(heads) == list(range(outputs)), heads
    # QEMU 7.2 enables only the first output; the others report 0x0, disabled.
    assert heads[0]["enabled"] == 1 and heads[0]["host"] == (1280, 800), heads[0]
    for head in range(1, outputs):
        assert heads[head]["enabled"] == 0 and heads[head]["host"] == (0, 0), heads[head]
    screen = screens(vm)
    for head in range(outputs):
        width, height = HEAD_MODES[head]
        screen.mode(head, width, height, seed=30 + head)
    screen.check_all("all-heads")
    screen.rect(outputs - 1, 10, 20, 30, 40, seed=50)
    screen.check_all("after-rect-on-last-head")


def test_head_disabled_and_enabled_again(boot, screens):
    vm = boot(gpu_props={"max_outputs": 2})
    init(vm)
    screen = screens(vm)
    screen.mode(0, 1024, 768, seed=1)
    screen.mode(1, 800, 600, seed=2)
    screen.check_all("both-on")
    mark = vm.trace.mark()
    vm.guest.ok("disable 1")
    disabled = [e for e in vm.trace.since(mark, {SET_SCANOUT}) if e["id"] == 1]
    assert len(disabled) == 1 and disabled[0]["res"] == 0, \
        f"disable should be one SET_SCANOUT of head 1 to resource 0: {[e.line for e in disabled]}"
    assert info(vm)[1]["active"] == 0
    assert_disabled_head(vm.screendump(head=1), (800, 600))
    screen.check(0, "head0-while-head1-off")
    screen.mode(1, 640, 480, seed=3)
    screen.check_all("head1-back")


PLACEHOLDER_COLOURS = {(0, 0, 0), (170, 170, 170)}   # black, grey text


def assert_disabled_head(image, size):
    """QEMU 7.2 shows a disabled scanout as a placeholder of the old size: black, with the grey text
    "Display output is not active." (seen by experiment), and nothing of the old picture."""
    assert image.size == size, f"disabled head is {image.size}, expected the placeholder at {size}"
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16) or []}
    assert colours == PLACEHOLDER_COLOURS, f"disabled head shows colours other than the placeholder's: " \
        f"{sorted(colours)[:8]}"
