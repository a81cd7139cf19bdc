"""A minimal RFB (VNC) client: handshake, then SetDesktopSize — the host-side "window resize".

Only what QEMU's VNC server needs (RFC 6143 plus the ExtendedDesktopSize extension):
version 3.8, security type None, ClientInit shared, SetEncodings, SetDesktopSize, and reading the
pseudo-encoding rectangles QEMU sends unasked (desktop size changes, the alpha cursor).
"""
import socket
import struct
import time
from collections import namedtuple

ENCODING_RAW = 0
ENCODING_DESKTOP_SIZE = -223
ENCODING_EXTENDED_DESKTOP_SIZE = -308
ENCODING_ALPHA_CURSOR = -314      # QEMU sends the cursor as 32-bit B, G, R, A words, hot spot in x/y
MSG_SET_ENCODINGS = 2
MSG_SET_DESKTOP_SIZE = 251
MSG_FRAMEBUFFER_UPDATE = 0
MSG_BELL = 2
MSG_SERVER_CUT_TEXT = 3
SECURITY_NONE = 1


class RFBError(RuntimeError):
    pass


Rect = namedtuple("Rect", "x y w h encoding payload")


class RFBClient:
    def __init__(self, host, port, timeout=10.0):
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self.width, self.height, self.name = self._handshake()
        encodings = (ENCODING_RAW, ENCODING_DESKTOP_SIZE, ENCODING_EXTENDED_DESKTOP_SIZE,
                     ENCODING_ALPHA_CURSOR)
        self._send(struct.pack(f">BxH{len(encodings)}i", MSG_SET_ENCODINGS, len(encodings), *encodings))

    def _recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self._sock.recv(n - len(data))
            if not chunk:
                raise RFBError(f"server closed the connection after {len(data)} of {n} bytes")
            data += chunk
        return data

    def _send(self, data):
        self._sock.sendall(data)

    def _handshake(self):
        version = self._recv(12)
        if not version.startswith(b"RFB 003."):
            raise RFBError(f"not an RFB server: {version!r}")
        self._send(b"RFB 003.008\n")
        (count,) = self._recv(1)
        if count == 0:
            raise RFBError("server refused the connection")
        if SECURITY_NONE not in self._recv(count):
            raise RFBError("server does not offer security type None")
        self._send(bytes([SECURITY_NONE]))
        (result,) = struct.unpack(">I", self._recv(4))
        if result != 0:
            raise RFBError(f"security handshake failed ({result})")
        self._send(b"\x01")                                  # ClientInit: shared
        width, height = struct.unpack(">HH", self._recv(4))
        self._recv(16)                                       # pixel format
        (name_len,) = struct.unpack(">I", self._recv(4))
        return width, height, self._recv(name_len).decode(errors="replace")

    def set_desktop_size(self, width, height, screen_id=0):
        """Ask for a new size with one screen covering it."""
        self._send(struct.pack(">BxHHBx", MSG_SET_DESKTOP_SIZE, width, height, 1)
                   + struct.pack(">IHHHHI", screen_id, 0, 0, width, height, 0))

    def read_update(self, timeout=10.0):
        """The rectangles of the next FramebufferUpdate as Rect tuples (other messages skipped).

        Only pseudo-encodings are parsed: this client never asks for pixel data.
        """
        self._sock.settimeout(timeout)
        while True:
            (kind,) = self._recv(1)
            if kind == MSG_FRAMEBUFFER_UPDATE:
                (count,) = struct.unpack(">xH", self._recv(3))
                return [self._read_rect() for _ in range(count)]
            self._skip_message(kind)

    def _read_rect(self):
        x, y, w, h, encoding = struct.unpack(">HHHHi", self._recv(12))
        payload = b""
        if encoding == ENCODING_EXTENDED_DESKTOP_SIZE:
            header = self._recv(4)
            payload = header + self._recv(16 * header[0])
        elif encoding == ENCODING_ALPHA_CURSOR:
            (inner,) = struct.unpack(">i", self._recv(4))
            if inner != ENCODING_RAW:
                raise RFBError(f"alpha cursor in encoding {inner}, only raw is handled")
            payload = self._recv(w * h * 4)
        elif encoding != ENCODING_DESKTOP_SIZE:
            raise RFBError(f"unexpected rectangle encoding {encoding}")
        return Rect(x, y, w, h, encoding, payload)

    def _skip_message(self, kind):
        if kind == MSG_BELL:
            return
        if kind == MSG_SERVER_CUT_TEXT:
            (length,) = struct.unpack(">3xI", self._recv(7))
            self._recv(length)
            return
        raise RFBError(f"unexpected server message type {kind}")

    def drain(self, quiet=0.3):
        """Drop every update that arrives until the server has been quiet for `quiet` seconds."""
        while True:
            try:
                self.read_update(quiet)
            except socket.timeout:
                return

    def wait_for_rect(self, encoding, timeout=10.0):
        """The next rectangle with this (pseudo-)encoding; others are dropped."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                rects = self.read_update(remaining) if remaining > 0 else None
            except socket.timeout:
                rects = None
            if rects is None:
                raise RFBError(f"no rectangle with encoding {encoding} within {timeout} s")
            for rect in rects:
                if rect.encoding == encoding:
                    return rect

    def close(self):
        self._sock.close()
