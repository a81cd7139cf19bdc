"""The capability sets virglrenderer itself offers, asked over its vtest socket (no guest, no QEMU).

Debian's `virgl_test_server` (package virgl-server, virglrenderer 0.10.4, the same library QEMU's
virtio-gpu-gl-pci renders with) serves the vtest protocol on a Unix socket: every message is two
little-endian u32 words, a length and a command id, then the body.  We send CREATE_RENDERER (8;
length in bytes, a NUL-terminated name), PROTOCOL_VERSION (11) asking for 3, then GET_CAPSET
(16; body: capset id, version) for each id and version; the answer's body is a validity word and,
when valid, the capset's bytes.  A capset's max version is the highest version answered valid.

Two facts of this host that made earlier attempts fail:
- the server's `--socket-path` takes its value only as `--socket-path=PATH`; written as two words
  the path becomes the replay-file argument, the server tries to open it and exits with
  "No such file or directory" before it ever listens;
- there is no /dev/dri here: `--use-egl-surfaceless` makes Mesa fall back to llvmpipe, as QEMU's
  `egl-headless,rendernode=/dev/null` does.
"""
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

SERVER = "virgl_test_server"
CREATE_RENDERER, PROTOCOL_VERSION, GET_CAPSET = 8, 11, 16
CAPSET_IDS = (1, 2)          # VIRGL, VIRGL2
MAX_VERSION_TRIED = 8


class VtestUnavailable(Exception):
    """The server could not be started or did not answer; the message says why."""


def _recv(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise VtestUnavailable(f"vtest server closed the connection after {len(data)} of {n} bytes")
        data += chunk
    return data


def _send(sock, cmd, body, length=None):
    sock.sendall(struct.pack("<II", len(body) // 4 if length is None else length, cmd) + body)


def _answer(sock, cmd):
    length, got = struct.unpack("<II", _recv(sock, 8))
    if got != cmd:
        raise VtestUnavailable(f"vtest answered command {got} to command {cmd}")
    return _recv(sock, 4 * length)


def _capset(sock, capset_id, version):
    """The capset's bytes at this version, or None when the renderer does not offer it."""
    _send(sock, GET_CAPSET, struct.pack("<II", capset_id, version))
    body = _answer(sock, GET_CAPSET)
    return body[4:] if struct.unpack_from("<I", body)[0] else None


def query(sock):
    """{capset id: (max version, bytes at the max version)} for the ids the renderer offers."""
    name = b"vgpu-capset-check\0"
    _send(sock, CREATE_RENDERER, name, length=len(name))
    _send(sock, PROTOCOL_VERSION, struct.pack("<I", 3))
    version = struct.unpack("<I", _answer(sock, PROTOCOL_VERSION))[0]
    if version < 3:
        raise VtestUnavailable(f"vtest server speaks protocol {version}; GET_CAPSET needs 3")
    caps = {}
    for capset_id in CAPSET_IDS:
        best = None
        for v in range(1, MAX_VERSION_TRIED + 1):
            data = _capset(sock, capset_id, v)
            if data is None:
                break
            best = (v, data)
        if best:
            caps[capset_id] = best
    return caps


def renderer_capsets(timeout=20.0):
    """Start a private virgl_test_server, ask it, stop it.  Raises VtestUnavailable with the reason."""
    binary = shutil.which(SERVER)
    if not binary:
        raise FileNotFoundError(f"{SERVER} not found (Debian package virgl-server)")
    workdir = Path(tempfile.mkdtemp(prefix="vgpu-vtest-"))
    path = workdir / "vtest.sock"
    env = dict(os.environ, EGL_PLATFORM="surfaceless")
    server = subprocess.Popen([binary, "--no-loop-or-fork", "--use-egl-surfaceless", f"--socket-path={path}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    try:
        deadline = time.monotonic() + timeout
        while not path.exists():
            if server.poll() is not None:
                output = server.stdout.read().decode(errors="replace")[-600:]
                raise VtestUnavailable(f"{SERVER} exited {server.returncode} before listening: {output}")
            if time.monotonic() > deadline:
                raise VtestUnavailable(f"{SERVER} did not listen on {path} within {timeout:.0f} s")
            time.sleep(0.05)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            try:
                return query(sock)
            except OSError as exc:
                raise VtestUnavailable(f"{SERVER} did not answer: {exc}") from exc
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)
