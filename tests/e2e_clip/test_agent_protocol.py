"""The guest's agent against a host side played by the test over a unix-socket port, so the host
can do what QEMU never does: offer PNG, leave out the selection header, split and merge chunks,
and send malformed or oversized messages.  Every exchange is checked from both ends."""
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

import vdagent_wire as w
from cliptext import hex_args, reply_bytes

HOST_CAPS = (1 << w.CAP_CLIPBOARD_BY_DEMAND) | (1 << w.CAP_CLIPBOARD_SELECTION)
GUEST_LIMIT = (2 << 20) + 8          # the guest's message body limit (guest/cmdclip.c)

# Result codes of agent/vdagent.h, as `clip stats` reports last_error.
E_CHUNK_PORT, E_PORT_SWITCH, E_PROTOCOL, E_TOO_BIG, E_SHORT, E_LENGTH, E_SELECTION, E_TYPES = range(-1, -9, -1)


class Link:
    """One host connection to the guest's agent, with the guest's messages collected as they come."""

    def __init__(self, vm, host):
        self.vm, self.host, self.reader = vm, host, w.Reader()
        self.pool = ThreadPoolExecutor(max_workers=1)

    def until(self, want, timeout=10.0):
        return self.host.recv_messages(self.reader, want, timeout)

    def expect(self, msg_type, timeout=10.0):
        """The next message of `msg_type` the guest sends (earlier ones of other types are returned too)."""
        got = self.until(lambda m: any(t == msg_type for t, _ in m), timeout)
        return [body for t, body in got if t == msg_type][0], got

    def quiet(self, seconds):
        """Whatever the guest sends within `seconds` (expected: nothing)."""
        try:
            return self.until(lambda m: bool(m), seconds)
        except AssertionError:
            return []

    def background(self, command, timeout=60.0):
        return self.pool.submit(self.vm.guest.ok, command, timeout)

    def host_gives(self, types, answer, selection=w.SEL_CLIPBOARD, split=1024):
        """Host grabs with `types`; answers the guest's request with `answer(type)`; returns the
        guest's `clip get` reply and the type it asked for."""
        get = self.background("clip get 20000")
        self.host.send(w.grab(types, selection))
        body, _ = self.expect(w.CLIPBOARD_REQUEST)
        asked = struct.unpack("<I", body[-4:])[0]
        prefix = b"" if selection is None else w.sel(selection)
        self.host.send(w.chunks(w.message(w.CLIPBOARD, prefix + struct.pack("<I", asked) + answer(asked)), split))
        return get.result(), asked, body


@pytest.fixture(scope="module")
def link(fake_host_vm):
    vm, host = fake_host_vm
    host.connect()
    reply = vm.guest.ok("clip init")
    assert reply.int("host_open") == 1, reply.text
    lk = Link(vm, host)
    caps, _ = lk.expect(w.ANNOUNCE_CAPABILITIES)
    lk.guest_caps = caps
    host.send(w.caps(HOST_CAPS, request=False))
    vm.guest.ok("clip pump 50")
    yield lk
    lk.pool.shutdown()


def stats(link):
    return link.vm.guest.ok("clip stats")


def test_guest_announces_by_demand_and_selection_and_asks_for_ours(link):
    request, bits = struct.unpack("<II", link.guest_caps[:8])
    assert request == 1
    assert bits == HOST_CAPS, f"guest caps {bits:#x}"
    s = stats(link)
    assert s.int("caps") == 1 and s.int("host_caps") == HOST_CAPS


def test_host_text_with_non_ascii_reaches_the_guest(link):
    text = "¡Hola! ünïcödé 中文 🙂".encode()
    reply, asked, body = link.host_gives([w.TYPE_TEXT], lambda t: text)
    assert asked == w.TYPE_TEXT and body[:4] == w.sel(w.SEL_CLIPBOARD)
    assert reply.fields["kind"] == "text" and reply_bytes(reply) == text


def test_png_only_offer_is_requested_as_png(link):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
    reply, asked, _ = link.host_gives([w.TYPE_PNG], lambda t: png)
    assert asked == w.TYPE_PNG
    assert reply.fields["kind"] == "png" and reply_bytes(reply) == png


def test_text_is_preferred_when_both_are_offered(link):
    reply, asked, _ = link.host_gives([w.TYPE_PNG, w.TYPE_TEXT], lambda t: b"text wins" if t == w.TYPE_TEXT else b"png")
    assert asked == w.TYPE_TEXT and reply_bytes(reply) == b"text wins"


def test_message_in_three_byte_chunks_is_reassembled(link):
    text = bytes(range(32, 127)) * 5
    reply, _, _ = link.host_gives([w.TYPE_TEXT], lambda t: text, split=3)
    assert reply_bytes(reply) == text


def test_host_data_is_not_echoed_back_as_a_guest_grab(link):
    before = stats(link).int("local_grabs")
    link.host_gives([w.TYPE_TEXT], lambda t: b"no echo please")
    pump = link.background("clip pump 300")
    unasked = link.quiet(0.5)
    pump.result()
    assert stats(link).int("local_grabs") == before
    assert unasked == [], f"guest sent {unasked!r}"


def test_guest_grab_and_answer_to_a_host_request(link):
    text = "guest → host ✓".encode()
    link.vm.guest.ok("clip set " + hex_args(text))
    body, _ = link.expect(w.CLIPBOARD_GRAB)
    assert body == w.sel(w.SEL_CLIPBOARD) + struct.pack("<I", w.TYPE_TEXT)
    serve = link.background("clip serve 20000 1")
    link.host.send(w.request(w.TYPE_TEXT))
    data, _ = link.expect(w.CLIPBOARD)
    assert serve.result().int("answers") == 1
    assert data == w.sel(w.SEL_CLIPBOARD) + struct.pack("<I", w.TYPE_TEXT) + text


def test_request_for_a_type_the_guest_lacks_gets_empty_data(link):
    serve = link.background("clip serve 20000 1")
    link.host.send(w.request(w.TYPE_PNG))
    data, _ = link.expect(w.CLIPBOARD)
    serve.result()
    assert data == w.sel(w.SEL_CLIPBOARD) + struct.pack("<I", w.TYPE_PNG)


def test_local_change_beats_a_late_host_answer(link):
    link.host.send(w.grab([w.TYPE_TEXT]))
    link.vm.guest.ok("clip pump 100")
    link.expect(w.CLIPBOARD_REQUEST)
    link.vm.guest.ok("clip set " + hex_args(b"local wins"))
    link.expect(w.CLIPBOARD_GRAB)
    ignored = stats(link).int("ignored")
    link.host.send(w.clipboard(w.TYPE_TEXT, b"late host data"))
    link.vm.guest.ok("clip pump 200")
    assert stats(link).int("ignored") == ignored + 1
    serve = link.background("clip serve 20000 1")
    link.host.send(w.request(w.TYPE_TEXT))
    data, _ = link.expect(w.CLIPBOARD)
    serve.result()
    assert data.endswith(b"local wins")


def malformed_stream():
    """Each piece is malformed in one way but framed so that the stream stays in step."""
    junk = bytes(range(40))
    partial = w.message(w.CLIPBOARD_GRAB, w.sel(0) + struct.pack("<I", 1))[:10]
    big = w.message(w.CLIPBOARD, w.sel(0) + struct.pack("<I", 1) + b"x" * (GUEST_LIMIT - 7))
    return [
        (E_CHUNK_PORT, struct.pack("<II", 7, len(junk)) + junk),
        (E_PROTOCOL, w.frame(w.CLIPBOARD_GRAB, w.sel(0) + struct.pack("<I", 1), protocol=2)),
        (E_TOO_BIG, w.chunks(big)),
        (E_TYPES, w.grab([w.TYPE_TEXT] * 17)),
        (E_SHORT, w.frame(w.CLIPBOARD_REQUEST, b"\x00\x00")),
        (E_SELECTION, w.grab([w.TYPE_TEXT], selection=5)),
        (E_SHORT, w.frame(w.ANNOUNCE_CAPABILITIES, b"\x01\x00\x00\x00\x00\x00")),
        (E_LENGTH, w.frame(w.CLIPBOARD_RELEASE, w.sel(0) + b"\x00")),
        (E_LENGTH, struct.pack("<II", 1, len(partial)) + partial),        # the rest never comes...
        (E_PORT_SWITCH, w.chunks(w.message(99, b"unknown type"), port=2)), # ...a server-port message does
    ]


def test_malformed_and_oversized_messages_leave_the_agent_working(link):
    before = stats(link)
    for code, piece in malformed_stream():
        pump = link.background(f"clip pump {30 + len(piece) // 1000}")   # the guest reads while we send
        link.host.send(piece)
        pump.result()
        assert stats(link).int("last_error") == code, f"expected error {code} after {piece[:48]!r}"
    after = stats(link)
    assert after.int("errors") - before.int("errors") == 9
    assert after.int("ignored") - before.int("ignored") == 1        # the unknown message type
    link.host.send(w.grab([w.TYPE_TEXT], selection=w.SEL_PRIMARY))   # PRIMARY: not served
    link.vm.guest.ok("clip pump 30")
    assert stats(link).int("ignored") - after.int("ignored") == 1
    reply, _, _ = link.host_gives([w.TYPE_TEXT], lambda t: b"still alive")
    assert reply_bytes(reply) == b"still alive"
    assert stats(link).int("ctrl_errors") == 0


def test_reconnected_host_without_selection_support(link):
    link.host.close()
    link.vm.guest.ok("clip pump 100")
    link.host.connect()
    link.reader = w.Reader()
    get_caps = link.background("clip pump 300")
    body, _ = link.expect(w.ANNOUNCE_CAPABILITIES)
    get_caps.result()
    assert struct.unpack("<I", body[:4])[0] == 1, "a new host gets our caps with request set"
    link.host.send(w.caps(1 << w.CAP_CLIPBOARD_BY_DEMAND, request=True))
    text = "no selection header".encode()
    reply, asked, body = link.host_gives([w.TYPE_TEXT], lambda t: text, selection=None)
    assert body == struct.pack("<I", w.TYPE_TEXT), "request without a selection header"
    assert reply_bytes(reply) == text


def test_close_frees_everything_and_polling_mode_works_too(link):
    closed = link.vm.guest.ok("clip close")
    assert closed.fields["port_close"] == "VGPU_OK"
    assert closed.int("core_heap") == 0 and closed.int("core_dma") == 0, closed.text
    link.reader = w.Reader()
    reopened = link.vm.guest.ok("clip init irq=poll")
    assert reopened.int("host_open") == 1
    link.expect(w.ANNOUNCE_CAPABILITIES)
    link.host.send(w.caps(HOST_CAPS, request=False))
    irqs = link.vm.guest.ok("clip stats").int("hwirqs")
    reply, _, _ = link.host_gives([w.TYPE_TEXT], lambda t: "polled ✓".encode())
    assert reply_bytes(reply) == "polled ✓".encode()
    assert link.vm.guest.ok("clip stats").int("hwirqs") == irqs, "interrupts in polling mode"
