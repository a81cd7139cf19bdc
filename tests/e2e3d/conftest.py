"""Fixtures for the 3D end-to-end tests: the bare-metal guest on QEMU's virtio-gpu-gl-pci.

The shared harness (tests/harness) drives QEMU, as in tests/e2e.  QEMU renders with Mesa's
llvmpipe through `-display egl-headless,rendernode=/dev/null`.  Whether this host can run that
device is settled once, before any guest is involved: QEMU is started paused without a guest and
asked (QMP x-query-virtio-status) whether the device offers VIRGL.  Only a host that fails that
probe skips the tests, with the reason; any later failure (a guest that never boots, a driver that
does not negotiate VIRGL) fails.
"""
import os
import shutil
from pathlib import Path

import pytest

from tests.harness.gl3d import GL_TRACE, GlGuest
from tests.harness.machine import Machine, MachineConfig
from tests.harness.virtio_status import offered as device_features
from tests.skip_policy import missing

REPO = Path(__file__).resolve().parents[2]
GUEST_ELF = Path(os.environ.get("VGPU_GUEST_ELF", REPO / "build" / "guest" / "vgpu-guest.elf"))
GL_DEVICE = "virtio-gpu-gl-pci"
GL_DISPLAY = "egl-headless,rendernode=/dev/null"


@pytest.fixture(scope="session")
def guest_elf():
    if not GUEST_ELF.is_file():
        missing(f"guest binary not built: {GUEST_ELF} is missing (`make test-3d` builds it)")
    return GUEST_ELF


def gl_config(kernel):
    return MachineConfig(kernel=kernel, gpu=GL_DEVICE, display=GL_DISPLAY, trace=GL_TRACE)


@pytest.fixture(scope="session")
def gl_host():
    """Skip unless this host's QEMU starts the 3D device and it offers VIRGL; no guest runs here."""
    machine = Machine(MachineConfig(kernel=None, gpu=GL_DEVICE, display=GL_DISPLAY))
    try:
        machine.start(boot=False)
        offered = device_features(machine)
    except RuntimeError as exc:
        missing(f"this host's QEMU cannot start {GL_DEVICE} with -display {GL_DISPLAY}: "
                    f"{str(exc)[-600:].strip()}")
    finally:
        machine.stop()
    if "VIRTIO_GPU_F_VIRGL" not in offered:
        missing(f"{GL_DEVICE} on this host does not offer VIRTIO_GPU_F_VIRGL: {offered}")
    return offered


def start_gl(guest_elf):
    """A booted guest on the 3D device; any failure to start fails the test (the host passed gl_host)."""
    return Machine(gl_config(guest_elf)).start()


@pytest.fixture
def gl_vm(guest_elf, gl_host, request):
    """A booted guest on the 3D device, opened with VIRGL negotiated: a GlGuest."""
    machine = start_gl(guest_elf)
    guest = GlGuest(machine)
    yield guest
    if any(getattr(request.node, f"rep_{w}", None) is not None and getattr(request.node, f"rep_{w}").failed
           for w in ("setup", "call")):
        keep = REPO / "out" / "e2e3d-failures" / request.node.name
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "serial.txt").write_text("\n".join(machine.guest.transcript) + "\n")
        for name in ("trace.log", "qemu.err"):
            if (machine.workdir / name).exists():
                shutil.copy(machine.workdir / name, keep / name)
        print(f"evidence kept in {keep}")
    machine.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
