"""The two lanes a GL program can run in, and running one program in a lane.

Mesa 22.3's virgl winsys connects to /tmp/.virgl_test and reads no variable for another path, so a
lane is a directory holding that socket, and each program runs in its own mount namespace with the
lane's directory mounted over /tmp (unshare; needs root).  The reference lane is virglrenderer's
virgl_test_server; the driver lane is QEMU's virtio-gpu-gl-pci with the test guest serving vtest
(guest/vtestsrv.c) and tools/vtest-bridge in front of it.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

PIGLIT_BIN = Path("/usr/lib/x86_64-linux-gnu/piglit/bin")
GL_ENV = {"PIGLIT_PLATFORM": "surfaceless_egl", "GALLIUM_DRIVER": "virpipe", "LIBGL_ALWAYS_SOFTWARE": "1"}
SOCKET = ".virgl_test"
RESULT_RE = re.compile(rb'PIGLIT: \{"result": "(\w+)"')


def skip_or_fail(who):
    """None when a lane can run; else the exit status of the project's skip policy
    (scripts/skip-or-fail.sh): a missing Debian package is a project input (fails with CI=true),
    running without root is the host's limit (always a skip, with its reason)."""
    missing = missing_tools()
    if not missing:
        return None
    kind = "external" if missing == [ROOT_NEEDED] else "project"
    policy = Path(__file__).resolve().parents[2] / "scripts" / "skip-or-fail.sh"
    return subprocess.run([str(policy), kind, who, "missing " + "; ".join(missing)]).returncode


ROOT_NEEDED = "root (a mount namespace per program puts the lane's socket at /tmp/.virgl_test)"


def missing_tools():
    """What this machine lacks to run a lane (empty when nothing)."""
    need = [("virgl_test_server", "virgl-server"), ("unshare", "util-linux"), ("qemu-system-x86_64", "qemu-system-x86")]
    out = [f"{tool} (Debian {pkg})" for tool, pkg in need if not shutil.which(tool)]
    if not PIGLIT_BIN.is_dir():
        out.append(f"{PIGLIT_BIN} (Debian piglit)")
    if os.geteuid() != 0:
        out.append(ROOT_NEEDED)
    return out


def wait_for(path, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if Path(path).exists():
            return True
        time.sleep(0.05)
    return False


class Lane:
    """A directory with the socket; start() brings the server up, stop() takes it down."""
    name = ""

    def __init__(self, workdir):
        self.dir = Path(tempfile.mkdtemp(prefix=f"lane-{self.name}-", dir=workdir))
        self.procs = []

    def spawn(self, argv, log):
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        return p

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        self.procs = []

    def run(self, argv, timeout=60, kill_after=None):
        """Run one program in this lane: (outcome, seconds, output).  kill_after: SIGKILL it then."""
        inner = " ".join(_quote(a) for a in argv)
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               f"mount --bind {_quote(str(self.dir))} /tmp && exec {inner}"]
        env = dict(os.environ, **GL_ENV)
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            out, _ = p.communicate(timeout=kill_after if kill_after is not None else timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            return ("killed" if kill_after is not None else "timeout"), time.monotonic() - t0, out
        return classify(p.returncode, out), time.monotonic() - t0, out


def classify(rc, out):
    """piglit's own verdict when it printed one and exited normally; else a crash."""
    found = RESULT_RE.findall(out)
    if rc < 0 or rc > 128 or not found:
        return "crash"
    verdict = found[-1].decode()
    return verdict if verdict in ("pass", "fail", "skip", "warn") else "fail"


def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class ReferenceLane(Lane):
    name = "reference"

    def start(self):
        self.log = open(self.dir.parent / "reference-server.log", "w")
        self.spawn(["virgl_test_server", "--use-egl-surfaceless", f"--socket-path={self.dir / SOCKET}"], self.log)
        if not wait_for(self.dir / SOCKET, 10):
            raise RuntimeError("virgl_test_server did not create its socket")


class DriverLane(Lane):
    """QEMU + the guest serving vtest + the bridge.  closed_lines() reads the guest's accounting."""
    name = "driver"

    def __init__(self, workdir, bridge, guest_elf, memory_mb=1024):
        super().__init__(workdir)
        self.bridge, self.guest_elf, self.memory_mb = bridge, guest_elf, memory_mb
        self.link = self.dir.parent / "vtest-link.sock"
        self.bridge_log = self.dir.parent / "bridge.log"
        self.serial = self.dir.parent / "guest-serial.txt"

    def qemu_argv(self):
        return ["qemu-system-x86_64", "-machine", "q35", "-m", str(self.memory_mb), "-nodefaults",
                "-accel", os.environ.get("VGPU_E2E_ACCEL", "tcg"),
                "-display", "egl-headless,rendernode=/dev/null", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-device", "virtio-gpu-gl-pci",
                "-device", "virtio-serial-pci,id=vser0",
                "-chardev", f"socket,id=vt,path={self.link},server=on,wait=off",
                "-device", "virtserialport,bus=vser0.0,chardev=vt,name=org.osxkvm.vtest.0",
                "-kernel", str(self.guest_elf), "-append", "script=gl on;init;vtest serve",
                "-serial", f"file:{self.serial}"]

    def start(self, before_bridge=None):
        """before_bridge(lane): runs while the link is free (the bridge holds it once started)."""
        self.qemu_log = open(self.dir.parent / "qemu.log", "w")
        self.spawn(self.qemu_argv(), self.qemu_log)
        if not wait_for(self.link, 20) or not self._serving(30):
            raise RuntimeError(f"the guest did not start serving vtest; see {self.serial}")
        if before_bridge:
            before_bridge(self)
        self.blog = open(self.bridge_log, "w")
        self.spawn([str(self.bridge), "--guest", str(self.link), "--listen", str(self.dir / SOCKET),
                    "--log", str(self.bridge_log)], self.blog)
        if not wait_for(self.dir / SOCKET, 30):
            raise RuntimeError(f"the bridge did not listen; see {self.bridge_log}")

    def _serving(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.serial.exists() and b'is "org.osxkvm.vtest.0"' in self.serial.read_bytes():
                return True
            time.sleep(0.1)
        return False

    def _log_lines(self):
        return self.bridge_log.read_text(errors="replace").splitlines() if self.bridge_log.exists() else []

    def accepted(self):
        """Programs that connected so far (each gets a `closed` line once the guest released it)."""
        return sum(1 for line in self._log_lines() if line.startswith("accepted "))

    def closed_lines(self):
        """One dict per program the guest released (the bridge's `closed` log lines), in order."""
        return [dict(kv.split("=", 1) for kv in line.split()[1:])
                for line in self._log_lines() if line.startswith("closed ")]

    def wait_closed(self, seconds=60):
        """Every program that connected released: the `closed` lines, in order."""
        end = time.monotonic() + seconds
        while True:
            want, lines = self.accepted(), self.closed_lines()
            if len(lines) >= want or time.monotonic() > end:
                return lines
            time.sleep(0.05)
