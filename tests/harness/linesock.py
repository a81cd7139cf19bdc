"""A unix-socket connection read line by line, every read bounded by a deadline."""
import socket
import time


class LineTimeout(TimeoutError):
    """No complete line arrived before the deadline."""


class PeerClosed(ConnectionError):
    """The other side closed the connection (QEMU exited)."""


def connect_unix(path, timeout, alive=lambda: True):
    """Connect to a unix socket that QEMU is about to create; retries until `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
            return LineSocket(sock)
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if time.monotonic() > deadline or not alive():
                raise
            time.sleep(0.02)


class LineSocket:
    def __init__(self, sock):
        self._sock = sock
        self._buf = b""

    def readline(self, timeout):
        """The next line without its line ending, as text; raises LineTimeout or PeerClosed."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LineTimeout(f"no line within {timeout:.1f} s (partial: {self._buf[:200]!r})")
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                raise PeerClosed(f"connection closed (partial line: {self._buf[:200]!r})")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", errors="replace")

    def send(self, data):
        self._sock.settimeout(5)
        try:
            self._sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise PeerClosed(f"connection closed while sending ({exc})") from exc

    def close(self):
        self._sock.close()
