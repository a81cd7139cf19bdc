"""Fixtures for the 3D end-to-end tests: the bare-metal guest on QEMU's virtio-gpu-gl-pci.

The harness of tests/e2e is reused as it is (imported, not copied).  QEMU renders with Mesa's
llvmpipe through `-display egl-headless,rendernode=/dev/null`; if QEMU cannot even start that
device (no EGL/Mesa, no virglrenderer) the tests skip and say why.
"""
import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))
sys.path.insert(0, str(HERE))

from harness.machine import Machine, MachineConfig  # noqa: E402

from gl3d import GL_TRACE, GlGuest  # noqa: E402

REPO = HERE.parents[1]
GUEST_ELF = Path(os.environ.get("VGPU_GUEST_ELF", REPO / "build" / "guest" / "vgpu-guest.elf"))
GL_DEVICE = "virtio-gpu-gl-pci"
GL_DISPLAY = "egl-headless,rendernode=/dev/null"


@pytest.fixture(scope="session")
def guest_elf():
    if not GUEST_ELF.is_file():
        pytest.skip(f"guest binary not built: {GUEST_ELF} is missing (`make test-3d` builds it)")
    return GUEST_ELF


def gl_config(kernel):
    return MachineConfig(kernel=kernel, gpu=GL_DEVICE, display=GL_DISPLAY, trace=GL_TRACE)


def start_or_skip(machine):
    """Start QEMU; a QEMU that exits during start-up means the 3D device cannot run here."""
    try:
        machine.start()
    except RuntimeError as exc:
        if not machine.running():
            err = (machine.workdir / "qemu.err")
            why = err.read_text(errors="replace")[-600:] if err.exists() else str(exc)
            machine.stop()
            pytest.skip(f"QEMU cannot start {GL_DEVICE} with -display {GL_DISPLAY}: {why.strip()}")
        raise
    return machine


@pytest.fixture
def gl_vm(guest_elf, request):
    """A booted guest on the 3D device, opened with VIRGL negotiated: a GlGuest."""
    machine = start_or_skip(Machine(gl_config(guest_elf)))
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
