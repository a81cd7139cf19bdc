"""The host end of the test guest's serial protocol (guest/PROTOCOL.md)."""
import time
from dataclasses import dataclass, field

from .linesock import LineTimeout, PeerClosed

LOG_PREFIX = "[VirtIO-GPU] "


class VMStopped(RuntimeError):
    """QEMU exited or stopped the guest (triple fault, KVM internal error, ...)."""


class GuestError(AssertionError):
    """The guest answered ERR, or did not answer the way the protocol says."""


@dataclass
class Reply:
    command: str
    status: str                 # "OK" or "ERR"
    text: str                   # everything after OK/ERR
    fields: dict                # key=value pairs of the final line
    info: list = field(default_factory=list)   # INFO lines (multi-line answers)
    logs: list = field(default_factory=list)   # [VirtIO-GPU] lines printed while the command ran

    @property
    def ok(self):
        return self.status == "OK"

    def int(self, key):
        return int(self.fields[key], 0)


def parse_fields(text):
    """`a=1 b=WxH` → {"a": "1", "b": "WxH"}; words without '=' are ignored."""
    return dict(word.split("=", 1) for word in text.split() if "=" in word)


class GuestConsole:
    """Sends one command line at a time and collects the guest's reply."""

    POLL = 1.0     # seconds between liveness checks while waiting for a line

    def __init__(self, conn, default_timeout=30.0, check_alive=lambda: None):
        self._conn = conn
        self.default_timeout = default_timeout
        self.check_alive = check_alive    # raises when the VM can no longer answer
        self.transcript = []    # every line both ways, "> cmd" / "< line", for failure reports
        self.logs = []          # every [VirtIO-GPU] line since boot

    def _readline(self, timeout):
        """The next line within timeout; checks every POLL seconds that the VM still runs."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._conn.readline(min(self.POLL, max(0.01, deadline - time.monotonic())))
                break
            except LineTimeout:
                if time.monotonic() >= deadline:
                    raise
                self.check_alive()
        self.transcript.append("< " + line)
        if line.startswith(LOG_PREFIX):
            self.logs.append(line)
        return line

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(max(0.01, deadline - time.monotonic()))
            if line.strip() == "READY":
                return

    def send(self, command):
        """Send a command that gets no reply (`quit`)."""
        self.transcript.append("> " + command)
        self._conn.send(command.encode() + b"\n")

    def request(self, command, timeout=None):
        """Send a command and return its Reply, OK or ERR."""
        timeout = timeout or self.default_timeout
        deadline = time.monotonic() + timeout
        reply = Reply(command, "", "", {})
        try:
            self.send(command)
        except PeerClosed as exc:
            raise GuestError(f"`{command}`: guest gone ({exc}); last lines:\n{self.tail()}") from exc
        while True:
            try:
                line = self._readline(max(0.01, deadline - time.monotonic()))
            except (LineTimeout, PeerClosed, VMStopped) as exc:
                raise GuestError(f"`{command}`: no reply ({exc}); last lines:\n{self.tail()}") from exc
            if line.startswith(LOG_PREFIX):
                reply.logs.append(line)
            elif line.startswith("INFO "):
                reply.info.append(parse_fields(line[5:]))
            elif line == "OK" or line.startswith(("OK ", "ERR ")):
                reply.status, _, reply.text = line.partition(" ")
                reply.fields = parse_fields(reply.text)
                return reply

    def ok(self, command, timeout=None):
        """Send a command that must succeed; an ERR fails the test with the guest's log."""
        reply = self.request(command, timeout)
        if not reply.ok:
            raise GuestError(f"`{command}` answered `ERR {reply.text}`; last lines:\n{self.tail()}")
        return reply

    def close(self):
        self._conn.close()

    def tail(self, n=25):
        return "\n".join(self.transcript[-n:])
