"""The guest follows the host's window: the display agent's policy (agent/follow_logic.c) run by the
guest's `follow` command reacts to VNC SetDesktopSize requests with mode sets, judged from the host by
screendump (against the pattern computed here) and by QEMU's trace of the commands that reached it."""
import time

from tests.harness.compare import assert_image
from tests.harness.patterns import screen_pattern
from tests.harness.resize import resize, vnc_client, wait_for_size
from tests.harness.steps import CREATE_2D, SET_SCANOUT, UNREF, init

SETTLE_S = 0.25          # agent/follow_logic.h: a burst is switched 250 ms after its last event...
BOUND_S = 1.0            # ...or 1 s after its first
HEAD1_VNC = "head1"
# Ten different sizes, none the default; the last is 1366 wide (a stride that is no power of two).
BURST = [(800, 600), (1024, 768), (1152, 864), (1280, 720), (1280, 960), (1360, 768), (1440, 900),
         (1600, 900), (1680, 1050), (1366, 768)]
BURST_GAP_S = 0.08       # 10 requests over 0.72 s


def follow_stats(vm):
    return {key: int(value) for key, value in vm.guest.ok("follow stats").fields.items()}


def wait_until(condition, message, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message


def mode_sets(events, head):
    """SET_SCANOUT of `head` to a resource (0 would turn it off), in trace order."""
    return [e for e in events if e.name == SET_SCANOUT and e["id"] == head and e["res"] != 0]


def test_vnc_resize_is_followed_and_a_manual_mode_is_respected(boot, screens):
    """host_sizes counts what the guest published: 1 at `follow on` (head 0), +1 per resize."""
    vm = boot(vnc=True)
    init(vm)
    screen = screens(vm)
    assert screen.modepref(0, seed=1) == (1280, 800)
    vm.guest.ok("follow on 7")
    client = vnc_client(vm)
    try:
        mark = vm.trace.mark()
        start = time.monotonic()
        resize(client, 1440, 900)
        image, latency = wait_for_size(vm, 0, (1440, 900), start)
        print(f"resize latency (SetDesktopSize -> first screendump at 1440x900): {latency * 1000:.0f} ms")
        assert_image(image, screen_pattern(1440, 900, 7), "follow-1440x900")
        sets = mode_sets(vm.trace.since(mark), 0)
        assert [(e["w"], e["h"]) for e in sets] == [(1440, 900)], [e.line for e in sets]

        # The host asks for 1280x800 and, before the switch falls due, the user picks 1024x768 by hand:
        # the hand-picked mode stays, past the settle time...
        mark = vm.trace.mark()
        resize(client, 1280, 800)
        wait_until(lambda: follow_stats(vm)["host_sizes"] >= 3, "the guest never saw the second resize")
        screen.mode(0, 1024, 768, seed=3)
        time.sleep(2 * SETTLE_S)
        screen.check(0, "manual-1024x768-kept")
        assert follow_stats(vm)["manual"] == 1
        sets = mode_sets(vm.trace.since(mark), 0)
        assert [(e["w"], e["h"]) for e in sets] == [(1024, 768)], [e.line for e in sets]
        # ...until the host asks for a new size.
        resize(client, 1152, 864)
        image, _ = wait_for_size(vm, 0, (1152, 864), time.monotonic())
        assert_image(image, screen_pattern(1152, 864, 7), "follow-after-manual")
    finally:
        client.close()


def test_burst_of_ten_sizes_ends_on_the_last_with_few_mode_sets(boot, screens):
    vm = boot(vnc=True)
    init(vm)
    screens(vm).modepref(0, seed=1)
    vm.guest.ok("follow on 9")
    client = vnc_client(vm)
    try:
        mark = vm.trace.mark()
        sent = []
        for width, height in BURST:
            sent.append(time.monotonic())
            client.set_desktop_size(width, height)
            time.sleep(BURST_GAP_S)
        assert sent[-1] - sent[0] < 1.0, f"the burst took {sent[-1] - sent[0]:.2f} s, not within one second"
        image, latency = wait_for_size(vm, 0, BURST[-1], sent[-1])
        time.sleep(2 * SETTLE_S)                 # room for any late switch the policy might still make
        print(f"burst: last size on screen {latency * 1000:.0f} ms after the last request")
        assert_image(vm.screendump(head=0), screen_pattern(*BURST[-1], 9), "burst-last-size")
    finally:
        client.close()
    events = vm.trace.since(mark)
    sets = mode_sets(events, 0)
    creates = [e for e in events if e.name == CREATE_2D]
    print(f"burst: {len(BURST)} sizes requested in {sent[-1] - sent[0]:.2f} s -> {len(sets)} mode set(s) "
          f"{[(e['w'], e['h']) for e in sets]}, {len(creates)} resource(s) created")
    # The policy switches once per burst: 10 requests 80 ms apart (< 250 ms settle) within < 1 s are
    # one burst, so one mode set is expected.  A host stall of > 250 ms between two requests, or one
    # that stretches the burst past the 1 s cap, can cut it in two: at most 2.  Without coalescing
    # it would be 10.
    assert 1 <= len(sets) <= 2, f"{len(sets)} mode sets for one burst: {[e.line for e in sets]}"
    assert len(creates) == len(sets), "each mode set should create exactly one resource"
    assert (sets[-1]["w"], sets[-1]["h"]) == BURST[-1]
    everything = vm.trace.since(0)
    created = sum(e.name == CREATE_2D for e in everything)
    released = sum(e.name == UNREF for e in everything)
    assert created - released == 1, f"{created} resources created, {released} released: a size leaked"


def test_resizing_head_1_leaves_head_0_alone(boot, screens):
    vm = boot(vnc=True, gpu_props={"max_outputs": 2},
              extra_args=("-vnc", f"127.0.0.1:100,to=159,id={HEAD1_VNC},display=gpu0,head=1"))
    init(vm)
    screen = screens(vm)
    assert screen.modepref(0, seed=4) == (1280, 800)
    vm.guest.ok("follow on 5")
    time.sleep(2 * SETTLE_S)                     # head 0 already shows its host size: nothing to do
    head0 = screen.check(0, "head0-before")
    client = vnc_client(vm, HEAD1_VNC)
    try:
        mark = vm.trace.mark()
        for size in [(1024, 768), (800, 600)]:
            resize(client, *size)
            image, _ = wait_for_size(vm, 1, size, time.monotonic())
            assert_image(image, screen_pattern(*size, 5), f"head1-{size[0]}x{size[1]}")
    finally:
        client.close()
    events = vm.trace.since(mark)
    assert not [e for e in events if e.name == SET_SCANOUT and e["id"] == 0], "head 0 was set again"
    assert [(e["w"], e["h"]) for e in mode_sets(events, 1)] == [(1024, 768), (800, 600)]
    after = screen.check(0, "head0-after")
    assert after.size == head0.size
