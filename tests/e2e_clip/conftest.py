"""Fixtures for the clipboard tests: the guest with a virtio-console port named com.redhat.spice.0,
wired either to QEMU's own vdagent (clipboard shared with the VNC server) or to a unix socket on
which the test plays the host side of the agent protocol.  Drives QEMU with tests/harness."""
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest

from tests.harness.machine import Machine, MachineConfig

REPO = Path(__file__).resolve().parents[2]
GUEST_ELF = Path(os.environ.get("VGPU_GUEST_ELF", REPO / "build" / "guest" / "vgpu-guest.elf"))
PORT_NAME = "com.redhat.spice.0"


@pytest.fixture(scope="session")
def guest_elf():
    if not GUEST_ELF.is_file():
        pytest.skip(f"guest binary not built: {GUEST_ELF} is missing (`make test-clipboard` builds it)")
    return GUEST_ELF


def serial_args(backend, name=PORT_NAME):
    return ("-device", "virtio-serial-pci,id=vser0",
            "-chardev", backend,
            "-device", f"virtserialport,bus=vser0.0,chardev=agent,name={name}")


def _start(elf, extra, vnc):
    machine = Machine(MachineConfig(kernel=elf, vnc=vnc, extra_args=tuple(extra)))
    machine.start()
    return machine


def _stop(machine, request):
    if getattr(request.node, "clip_failed", False) and machine.guest is not None:
        print("serial transcript:\n" + "\n".join(machine.guest.transcript[-80:]))
    machine.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if outcome.get_result().failed:
        item.parent.clip_failed = True      # the module: its machine prints the serial transcript


@pytest.fixture(scope="module")
def qemu_vm(guest_elf, request):
    """The guest with QEMU's vdagent (clipboard=on) and a VNC server; the agent is running."""
    vm = _start(guest_elf, serial_args("qemu-vdagent,id=agent,clipboard=on"), vnc=True)
    try:
        reply = vm.guest.ok("clip init")
        assert reply.int("host_open") == 1, reply.text
        yield vm
    finally:
        _stop(vm, request)


class FakeHost:
    """The host end of the agent port: a unix socket QEMU serves, read and written by the test."""

    def __init__(self, path):
        self.path = path
        self.sock = None

    def connect(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(str(self.path))
                self.sock = s
                return self
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def send(self, data, timeout=30.0):
        self.sock.settimeout(timeout)
        self.sock.sendall(data)

    def recv_messages(self, reader, want, timeout=10.0):
        """Read until `want(messages)` holds for the messages collected; returns them."""
        deadline = time.monotonic() + timeout
        got = []
        while not want(got):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"host side: condition not met within {timeout} s; got {got!r:.400}")
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            if not data:
                raise AssertionError("QEMU closed the agent socket")
            got += reader.feed(data)
        return got

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None


@pytest.fixture(scope="module")
def fake_host_vm(guest_elf, request):
    """The guest whose com.redhat.spice.0 is a unix socket: (machine, FakeHost)."""
    workdir = Path(tempfile.mkdtemp(prefix="vgpu-clip-"))
    path = workdir / "agent.sock"
    vm = _start(guest_elf, serial_args(f"socket,id=agent,path={path},server=on,wait=off"), vnc=False)
    host = FakeHost(path)
    try:
        yield vm, host
    finally:
        host.close()
        _stop(vm, request)
        shutil.rmtree(workdir, ignore_errors=True)
