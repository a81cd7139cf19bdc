"""One QEMU run of the test guest: start paused, QMP + serial over unix sockets, teardown.

    with Machine(MachineConfig(kernel=elf, gpu_props={"max_outputs": 2})) as vm:
        vm.guest.ok("init")
        image = vm.screendump(head=1)
"""
import ctypes
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .accel import choose_accel
from .console import GuestConsole, VMStopped
from .linesock import connect_unix
from .qmp import QMPClient
from .trace import TraceLog

QEMU = "qemu-system-x86_64"
GPU_ID = "gpu0"
VNC_DISPLAYS = (40, 99)    # QEMU takes the first free display in this range (`to=`)
PR_SET_PDEATHSIG = 1       # from <linux/prctl.h>


@dataclass
class MachineConfig:
    kernel: Path                                     # None: no guest (harness self-tests)
    gpu: str = "virtio-gpu-pci"                      # or "virtio-vga"
    gpu_props: dict = field(default_factory=dict)    # e.g. {"max_outputs": 2, "vectors": 0}
    memory_mb: int = 512
    accel: str = None                                # None: choose_accel() (env or TCG)
    trace: tuple = ()                                # trace event patterns, e.g. ("virtio_gpu_*",)
    vnc: bool = False
    display: str = "none"                            # "gtk"/"sdl" for a window (demo VIEW=1)
    extra_args: tuple = ()
    boot_timeout: float = 60.0


def _die_with_parent():
    """In the child before exec: QEMU gets SIGKILL when the process that started it dies, so a
    crashed or interrupted test run leaves no VM behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _device_arg(config):
    props = "".join(f",{key}={value}" for key, value in config.gpu_props.items())
    return f"{config.gpu},id={GPU_ID}{props}"


def qemu_argv(config, workdir):
    argv = [QEMU, "-machine", "q35", "-m", str(config.memory_mb), "-nodefaults",
            "-accel", choose_accel(config.accel), "-display", config.display, "-no-reboot", "-S",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-device", _device_arg(config),
            "-qmp", f"unix:{workdir / 'qmp.sock'},server=on,wait=off",
            "-chardev", f"socket,id=ser0,path={workdir / 'serial.sock'},server=on,wait=off",
            "-serial", "chardev:ser0"]
    if config.kernel is not None:
        argv += ["-kernel", str(config.kernel)]
    if config.trace:
        (workdir / "trace-events").write_text("".join(p + "\n" for p in config.trace))
        argv += ["-trace", f"events={workdir / 'trace-events'},file={workdir / 'trace.log'}"]
    if config.vnc:
        low, high = VNC_DISPLAYS
        argv += ["-vnc", f"127.0.0.1:{low},to={high},display={GPU_ID}"]
    return argv + list(config.extra_args)


class Machine:
    def __init__(self, config, keep_dir=False):
        self.config = config
        self.workdir = Path(tempfile.mkdtemp(prefix="vgpu-e2e-"))
        self.keep_dir = keep_dir
        self.argv = qemu_argv(config, self.workdir)
        self.trace = TraceLog(self.workdir / "trace.log")
        self.proc = None
        self.qmp = None
        self.guest = None
        self.boot_seconds = None
        self._dumps = 0

    # ---- lifetime ----
    def start(self, boot=True):
        """Launch paused, connect QMP and serial; with boot: `cont` and wait for the guest's READY."""
        started = time.monotonic()
        with open(self.workdir / "qemu.out", "wb") as out, open(self.workdir / "qemu.err", "wb") as err:
            self.proc = subprocess.Popen(self.argv, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, preexec_fn=_die_with_parent)
        try:
            self.qmp = QMPClient(self.workdir / "qmp.sock", alive=self.running)
            self.guest = GuestConsole(connect_unix(self.workdir / "serial.sock", 10, self.running),
                                      check_alive=self.check_alive)
            if boot:
                self.qmp.command("cont")
                self.guest.wait_ready(self.config.boot_timeout)
        except Exception as exc:
            report = self.diagnostics()
            self.stop()
            raise RuntimeError(f"QEMU did not bring the guest up: {exc}\n{report}") from exc
        self.boot_seconds = time.monotonic() - started
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self):
        """Raise VMStopped unless QEMU runs and the guest CPU is running."""
        if not self.running():
            raise VMStopped(f"QEMU exited with status {self.proc.returncode}")
        status = self.qmp.command("query-status", timeout=5)["status"]
        if status != "running":
            raise VMStopped(f"guest is not running: QEMU status {status!r}")

    def wait_exit(self, timeout=30.0):
        """QEMU's exit status once it exits by itself (guest `quit`)."""
        return self.proc.wait(timeout)

    def stop(self):
        """QMP quit, else kill; close sockets; remove the work dir unless asked to keep it."""
        if self.running():
            try:
                self.qmp.command("quit", timeout=5)
            except Exception:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for conn in (self.qmp, self.guest):
            if conn is not None:
                conn.close()
        if not self.keep_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- host-side views ----
    def screendump(self, head=None, fmt="png", keep_as=None):
        """The scanout as QEMU shows it, as an RGB PIL image (loaded, file removed unless keep_as).

        PNG, not PPM: QEMU 7.2's PPM writer pads every row to a multiple of 4 bytes, so any width
        with width*3 % 4 != 0 (1366, say) comes out sheared when read as a standard PPM.
        """
        self._dumps += 1
        path = Path(keep_as) if keep_as else self.workdir / f"dump{self._dumps}.{fmt}"
        args = {"filename": str(path.resolve()), "device": GPU_ID, "format": fmt}
        if head is not None:
            args["head"] = head
        self.qmp.command("screendump", timeout=60, **args)
        with Image.open(path) as image:
            image = image.convert("RGB")
        if not keep_as:
            path.unlink()
        return image

    def vnc_port(self):
        return int(self.qmp.command("query-vnc")["service"])

    def diagnostics(self):
        """Command line, QEMU's stderr and the serial transcript, for failure messages."""
        err = (self.workdir / "qemu.err")
        text = err.read_text(errors="replace")[-3000:] if err.exists() else ""
        lines = [" ".join(self.argv), "qemu stderr:", text]
        if self.guest is not None:
            lines += ["serial:", self.guest.tail(40)]
        return "\n".join(lines)
