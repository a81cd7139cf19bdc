"""Fixtures for the QEMU end-to-end tests: the guest binary, booted machines, failure evidence."""
import os
import shutil
from pathlib import Path

import pytest

from tests.harness.compare import failure_dir
from tests.harness.machine import Machine, MachineConfig
from tests.harness.screens import Screens
from tests.harness.steps import KICK, NOTIFY
from tests.skip_policy import missing

REPO = Path(__file__).resolve().parents[2]
GUEST_ELF = Path(os.environ.get("VGPU_GUEST_ELF", REPO / "build" / "guest" / "vgpu-guest.elf"))


@pytest.fixture(scope="session")
def guest_elf():
    if not GUEST_ELF.is_file():
        missing(f"guest binary not built: {GUEST_ELF} is missing "
                    "(`make build/guest/vgpu-guest.elf`, or `make test-e2e` builds it)")
    return GUEST_ELF


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _failed(node):
    return any(getattr(node, f"report_{when}", None) is not None and getattr(node, f"report_{when}").failed
               for when in ("setup", "call"))


def _keep_evidence(machine, test_name, index):
    """Serial transcript, trace and QEMU's stderr of a failed test, next to its images."""
    target = failure_dir() / f"{test_name}-qemu{index}"
    target.mkdir(parents=True, exist_ok=True)
    if machine.guest is not None:
        (target / "serial.txt").write_text("\n".join(machine.guest.transcript) + "\n")
    (target / "command.txt").write_text(" ".join(machine.argv) + "\n")
    for name in ("trace.log", "qemu.err"):
        if (machine.workdir / name).exists():
            shutil.copy(machine.workdir / name, target / name)
    return target


@pytest.fixture
def boot(guest_elf, request):
    """boot(**MachineConfig fields) → a Machine whose guest said READY; stopped after the test."""
    machines = []

    def start(**config):
        config.setdefault("trace", ("virtio_gpu_*", KICK, NOTIFY))
        machine = Machine(MachineConfig(kernel=guest_elf, **config))
        machine.start()
        machines.append(machine)
        return machine

    yield start
    for index, machine in enumerate(machines):
        if _failed(request.node):
            where = _keep_evidence(machine, request.node.name, index)
            print(f"evidence of the failed run kept in {where}")
        machine.stop()


@pytest.fixture
def screens(request):
    """screens(machine) → a Screens checker whose failure images are named after this test."""
    return lambda machine: Screens(machine, request.node.name)
