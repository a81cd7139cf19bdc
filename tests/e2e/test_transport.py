"""Transport variants: interrupt modes, no indirect descriptors, no event index."""
import pytest

from tests.harness.steps import EVENT_IDX, INDIRECT_DESC, NOTIFY, init, stats
from tests.harness.virtio_status import negotiated

IRQ_CASES = {
    "msix": ({}, "msix"),
    "intx-no-msix": ({"vectors": 0}, "intx"),
    "intx-msix-unused": ({}, "intx"),
}


def draw_and_check(vm, screens, seed):
    screen = screens(vm)
    screen.mode(0, 800, 600, seed)
    screen.rect(0, 33, 44, 555, 66, seed + 1)
    screen.check(0, "drawn")
    return screen


@pytest.mark.parametrize("case", sorted(IRQ_CASES))
def test_interrupt_mode(boot, screens, case):
    props, irq = IRQ_CASES[case]
    vm = boot(gpu_props=props)
    init(vm, irq=irq)
    mark = vm.trace.mark()
    draw_and_check(vm, screens, seed=11)
    raised = len(vm.trace.since(mark, {NOTIFY}))        # QEMU's count of interrupts it raised
    counters = stats(vm)                                 # only the guest knows it took them
    assert raised > 0 and counters["hwirqs"] > 0 and counters["interrupts"] > 0, \
        f"{irq}: completions never arrived by interrupt: QEMU raised {raised}, guest {counters}"


def test_msix_refused_without_msix_vectors(boot):
    vm = boot(gpu_props={"vectors": 0})
    reply = vm.guest.request("init irq=msix")
    assert not reply.ok and reply.text.startswith("VGPU_E_UNSUPPORTED"), reply.text
    init(vm, irq="intx")


def test_polling_mode_takes_no_interrupts(boot, screens):
    vm = boot()
    init(vm, irq="poll")
    draw_and_check(vm, screens, seed=12)
    counters = stats(vm)
    assert counters["interrupts"] == 0 and counters["hwirqs"] == 0 and counters["polled"] > 0, counters


@pytest.mark.parametrize("prop, bit, name", [("indirect_desc", INDIRECT_DESC, "VIRTIO_RING_F_INDIRECT_DESC"),
                                             ("event_idx", EVENT_IDX, "VIRTIO_RING_F_EVENT_IDX")],
                         ids=["indirect_desc-off", "event_idx-off"])
def test_feature_turned_off(boot, screens, prop, bit, name):
    vm = boot(gpu_props={prop: "off"})
    features = init(vm).int("features")
    acked = negotiated(vm)                    # QEMU's view of what the driver acknowledged
    assert name not in acked and not features & bit, f"{prop}=off but negotiated: QEMU {sorted(acked)}, guest {features:#x}"
    assert "VIRTIO_F_VERSION_1" in acked, sorted(acked)
    screen = draw_and_check(vm, screens, seed=13)
    rects = [(0, 0, 10, 10), (20, 20, 10, 10), (40, 40, 10, 10)]
    vm.guest.ok("rectasync 0 15 " + " ".join(f"{x} {y} {w} {h}" for x, y, w, h in rects))
    vm.guest.ok("waitidle")
    screen.painted(0, rects, seed=15)
    screen.check(0, "async-rects")
