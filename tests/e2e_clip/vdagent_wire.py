"""The SPICE agent wire format, written for the tests from spice-protocol's vd_agent.h (not from
agent/vdagent.c): chunks (le32 port, le32 size) carrying messages (le32 protocol, le32 type, le64
opaque, le32 size, body).  Used to play the host side of the port and to inject malformed input.
"""
import struct

PORT_CLIENT = 1
PROTOCOL = 1
MAX_CHUNK_PAYLOAD = 2048 - 8     # VD_AGENT_MAX_DATA_SIZE includes the chunk header

CLIPBOARD = 4
ANNOUNCE_CAPABILITIES = 6
CLIPBOARD_GRAB = 7
CLIPBOARD_REQUEST = 8
CLIPBOARD_RELEASE = 9

CAP_MOUSE_STATE = 0
CAP_CLIPBOARD_BY_DEMAND = 5
CAP_CLIPBOARD_SELECTION = 6
CAP_CLIPBOARD_GRAB_SERIAL = 17

TYPE_NONE = 0
TYPE_TEXT = 1
TYPE_PNG = 2

SEL_CLIPBOARD = 0
SEL_PRIMARY = 1


def message(msg_type, body, protocol=PROTOCOL, opaque=0):
    return struct.pack("<IIQI", protocol, msg_type, opaque, len(body)) + body


def chunks(msg, size=1024, port=PORT_CLIENT):
    """A message cut into chunks of at most `size` payload bytes (QEMU uses 1024)."""
    out = b""
    for off in range(0, len(msg), size):
        part = msg[off:off + size]
        out += struct.pack("<II", port, len(part)) + part
    return out


def frame(msg_type, body, **kw):
    return chunks(message(msg_type, body, **kw))


def sel(selection):
    return struct.pack("<B3x", selection)


def caps(bits, request):
    return frame(ANNOUNCE_CAPABILITIES, struct.pack("<II", 1 if request else 0, bits))


def grab(types, selection=SEL_CLIPBOARD):
    prefix = b"" if selection is None else sel(selection)
    return frame(CLIPBOARD_GRAB, prefix + b"".join(struct.pack("<I", t) for t in types))


def request(clip_type, selection=SEL_CLIPBOARD):
    prefix = b"" if selection is None else sel(selection)
    return frame(CLIPBOARD_REQUEST, prefix + struct.pack("<I", clip_type))


def clipboard(clip_type, data, selection=SEL_CLIPBOARD):
    prefix = b"" if selection is None else sel(selection)
    return frame(CLIPBOARD, prefix + struct.pack("<I", clip_type) + data)


def release(selection=SEL_CLIPBOARD):
    return frame(CLIPBOARD_RELEASE, b"" if selection is None else sel(selection))


class Reader:
    """Reassembles messages from the guest's byte stream; each chunk must carry the client port."""

    def __init__(self):
        self._stream = b""
        self._payload = b""

    def feed(self, data):
        """Every message completed by `data`, as (type, body) pairs."""
        self._stream += data
        while len(self._stream) >= 8:
            port, size = struct.unpack_from("<II", self._stream)
            if len(self._stream) < 8 + size:
                break
            assert port == PORT_CLIENT, f"guest sent a chunk for port {port}"
            assert size <= MAX_CHUNK_PAYLOAD, f"guest sent a {size}-byte chunk (SPICE allows {MAX_CHUNK_PAYLOAD})"
            self._payload += self._stream[8:8 + size]
            self._stream = self._stream[8 + size:]
        messages = []
        while len(self._payload) >= 20:
            protocol, msg_type, _opaque, size = struct.unpack_from("<IIQI", self._payload)
            assert protocol == PROTOCOL, f"guest sent protocol {protocol}"
            if len(self._payload) < 20 + size:
                break
            messages.append((msg_type, self._payload[20:20 + size]))
            self._payload = self._payload[20 + size:]
        return messages
