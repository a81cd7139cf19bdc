"""The harness's RFB client plus the clipboard: ClientCutText / ServerCutText (RFC 6143 §7.5.6,
§7.6.4) and the extended-clipboard pseudo-encoding QEMU implements (ui/vnc-clipboard.c): a negative
length marks an extended message whose first word holds format and action flags; text travels
zlib-compressed as a big-endian u32 size followed by that many bytes.
"""
import socket
import struct
import time
import zlib

from tests.harness.rfb import (ENCODING_ALPHA_CURSOR, ENCODING_DESKTOP_SIZE, ENCODING_EXTENDED_DESKTOP_SIZE,
                         ENCODING_RAW, MSG_BELL, MSG_FRAMEBUFFER_UPDATE, MSG_SERVER_CUT_TEXT,
                         MSG_SET_ENCODINGS, RFBClient, RFBError)

ENCODING_EXTENDED_CLIPBOARD = -0x3F5E1A32      # 0xC0A1E5CE as a signed 32-bit value
MSG_CLIENT_CUT_TEXT = 6

TEXT = 1 << 0
CAPS = 1 << 24
REQUEST = 1 << 25
PEEK = 1 << 26
NOTIFY = 1 << 27
PROVIDE = 1 << 28


class ClipRFBClient(RFBClient):
    """Connects like RFBClient; with `extended`, also announces the extended clipboard."""

    def __init__(self, host, port, extended=True, timeout=10.0):
        super().__init__(host, port, timeout)
        self.extended = extended
        if extended:
            encodings = (ENCODING_RAW, ENCODING_DESKTOP_SIZE, ENCODING_EXTENDED_DESKTOP_SIZE,
                         ENCODING_ALPHA_CURSOR, ENCODING_EXTENDED_CLIPBOARD)
            self._send(struct.pack(f">BxH{len(encodings)}i", MSG_SET_ENCODINGS, len(encodings), *encodings))

    # ---- client to server ----
    def cut_text(self, data):
        """Plain ClientCutText with these bytes."""
        self._send(struct.pack(">B3xI", MSG_CLIENT_CUT_TEXT, len(data)) + data)

    def _ext(self, flags, payload=b""):
        self._send(struct.pack(">B3xiI", MSG_CLIENT_CUT_TEXT, -(4 + len(payload)), flags) + payload)

    def notify_text(self):
        self._ext(NOTIFY | TEXT)

    def request_text(self):
        self._ext(REQUEST | TEXT)

    def provide_text(self, data):
        self._ext(PROVIDE | TEXT, zlib.compress(struct.pack(">I", len(data)) + data))

    # ---- server to client ----
    def next_cut(self, timeout=10.0):
        """The next ServerCutText as ("plain", bytes) or ("ext", flags, payload); others skipped."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout(f"no ServerCutText within {timeout} s")
            self._sock.settimeout(remaining)
            (kind,) = self._recv(1)
            if kind == MSG_SERVER_CUT_TEXT:
                self._sock.settimeout(max(remaining, 30.0))    # the body of a big message follows
                (length,) = struct.unpack(">3xi", self._recv(7))
                if length >= 0:
                    return ("plain", self._recv(length))
                body = self._recv(-length)
                (flags,) = struct.unpack(">I", body[:4])
                return ("ext", flags, body[4:])
            if kind == MSG_FRAMEBUFFER_UPDATE:
                (count,) = struct.unpack(">xH", self._recv(3))
                for _ in range(count):
                    self._read_rect()
            elif kind != MSG_BELL:
                raise RFBError(f"unexpected server message type {kind}")

    def wait_ext(self, action, timeout=10.0):
        """The next extended message with `action` among its flags: (flags, payload)."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.next_cut(max(0.01, deadline - time.monotonic()))
            if msg[0] == "ext" and msg[1] & action:
                return msg[1], msg[2]


def provided_text(payload):
    """The text of an extended PROVIDE payload: zlib stream of u32 size + bytes."""
    raw = zlib.decompress(payload)
    (size,) = struct.unpack(">I", raw[:4])
    if size > len(raw) - 4:
        raise RFBError(f"PROVIDE says {size} bytes, carries {len(raw) - 4}")
    return raw[4:4 + size]
