"""Mode switches, checked by size and pixels, and a mode the device refuses."""
from tests.harness.steps import CREATE_2D, UNREF, init

# 1366 * 4 = 5464 bytes per row: not a power of two, so a wrong stride shears the picture.
MODES = [(640, 480), (1024, 768), (1366, 768), (2560, 1600), (3840, 2160)]


def test_mode_walk_through_all_sizes(boot, screens):
    vm = boot()
    init(vm)
    screen = screens(vm)
    for seed, (width, height) in enumerate(MODES, start=10):
        screen.mode(0, width, height, seed)
        screen.check(0, f"{width}x{height}")
    screen.mode(0, 800, 600, seed=20)
    screen.check(0, "back-to-800x600")
    created = len(vm.trace.since(0, {CREATE_2D}))
    unreferenced = len(vm.trace.since(0, {UNREF}))
    assert created - unreferenced == 1, \
        f"{created} resources created, {unreferenced} released: old framebuffers leak on the host"


def test_refused_mode_keeps_the_old_one(boot, screens):
    refused = (2560, 1600)
    # 12 MiB of host memory: 1024x768 (3 MiB) + 800x600 (1.8 MiB) fit, 2560x1600 (15.6 MiB) never does.
    vm = boot(gpu_props={"max_hostmem": "12M"})
    init(vm)
    screen = screens(vm)
    screen.mode(0, 1024, 768, seed=1)
    screen.rect(0, 10, 10, 100, 100, seed=2)
    before = screen.check(0, "before")
    reply = vm.guest.request(f"mode 0 {refused[0]} {refused[1]} 3", timeout=120)
    assert not reply.ok and reply.text.startswith("VGPU_E_DEVICE"), \
        f"the device refuses {refused[0]}x{refused[1]} (max_hostmem), the driver must say so: {reply.status} {reply.text}"
    after = screen.check(0, "after-refusal")
    assert after.size == before.size
    screen.rect(0, 200, 200, 50, 50, seed=4)
    screen.check(0, "rect-after-refusal")
    screen.mode(0, 800, 600, seed=5)
    screen.check(0, "later-mode")
