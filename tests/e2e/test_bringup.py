"""Bring-up at the device's default mode, and the same driver on virtio-vga."""
from tests.harness.steps import info, init

DEFAULT_MODE = (1280, 800)    # QEMU 7.2's virtio-gpu default display size


def test_bringup_shows_the_pattern_at_the_default_mode(boot, screens):
    vm = boot()
    reply = init(vm)
    assert reply.int("scanouts") == 1
    head = info(vm)[0]
    assert head["enabled"] == 1 and head["host"] == DEFAULT_MODE and head["pref"] == DEFAULT_MODE, head
    screen = screens(vm)
    assert screen.modepref(0, seed=1) == DEFAULT_MODE
    screen.check(0, "default-mode")
    head = info(vm)[0]
    assert head["active"] == 1 and head["mode"] == DEFAULT_MODE, head


def test_guest_quit_sets_qemu_exit_status(boot):
    vm = boot()
    vm.guest.send("quit 5")
    assert vm.wait_exit(30) == 11, "isa-debug-exit status is CODE*2+1"


def test_virtio_vga_bringup_mode_set_and_pixels(boot, screens):
    vm = boot(gpu="virtio-vga")
    init(vm)
    screen = screens(vm)
    assert screen.modepref(0, seed=2) == DEFAULT_MODE
    screen.check(0, "vga-default")
    screen.mode(0, 1024, 768, seed=3)
    screen.check(0, "vga-1024x768")
    screen.rect(0, 100, 50, 200, 120, seed=4)
    screen.check(0, "vga-rect")
