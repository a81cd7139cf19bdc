"""Clipboard between a VNC client and the guest through QEMU's own vdagent and clipboard:
VNC client -> QEMU clipboard -> qemu-vdagent -> virtio-console port -> core/console -> agent/vdagent
-> agent/clip_logic -> the guest's pasteboard, and back."""
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from cliptext import gen_text, hex_args, reply_bytes
from rfbclip import CAPS, NOTIFY, PROVIDE, REQUEST, TEXT, ClipRFBClient, provided_text

MIB = 1 << 20
# QEMU 7.2 drops an agent message whose header + body exceed 1 MiB (ui/vdagent.c outbuf limit):
# 20 header bytes + 8 (selection, type) leave this much text per host -> guest transfer.
HOST_TO_GUEST_MAX = MIB - 28

NON_ASCII = "Grüße vom Host — naïve café, 日本語, Ελληνικά, ✓ €, 😀🚀\nzweite Zeile\ttab".encode()


@contextmanager
def vnc_client(vm, extended=True):
    client = ClipRFBClient("127.0.0.1", vm.vnc_port(), extended=extended)
    try:
        if extended:
            flags, _ = client.wait_ext(CAPS)
            assert flags & TEXT, f"QEMU's clipboard caps lack text: {flags:#x}"
        yield client
    finally:
        client.close()


@pytest.fixture
def in_background():
    """Run a guest command while the test talks VNC: in_background(vm, cmd) -> future Reply."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield lambda vm, cmd, timeout=None: pool.submit(vm.guest.ok, cmd, timeout)


def host_to_guest(vm, vnc, data, in_background, ms=30000):
    """The VNC client announces text; the guest's agent asks for it; the client provides it."""
    vnc.notify_text()
    reply = in_background(vm, f"clip get {ms}", ms / 1000 + 30)
    flags, _ = vnc.wait_ext(REQUEST, timeout=ms / 1000)
    assert flags & TEXT
    vnc.provide_text(data)
    return reply.result()


def test_vnc_text_with_non_ascii_reaches_the_guest_exactly(qemu_vm, in_background):
    with vnc_client(qemu_vm) as vnc:
        reply = host_to_guest(qemu_vm, vnc, NON_ASCII, in_background)
    assert reply.fields["kind"] == "text"
    assert reply_bytes(reply) == NON_ASCII
    assert int(reply.fields["crc"], 16) == zlib.crc32(NON_ASCII)


def test_nul_terminated_text_from_a_spec_following_client_arrives_without_the_nul(qemu_vm, in_background):
    with vnc_client(qemu_vm) as vnc:
        reply = host_to_guest(qemu_vm, vnc, NON_ASCII + b"\0", in_background)
    assert reply_bytes(reply) == NON_ASCII


def test_plain_client_cut_text_reaches_the_guest(qemu_vm):
    text = "plain ClientCutText: ça marche?".encode()
    with vnc_client(qemu_vm, extended=False) as vnc:
        vnc.cut_text(text)
        reply = qemu_vm.guest.ok("clip get 30000")
    assert reply_bytes(reply) == text


def guest_to_host(vm, vnc, set_command, in_background, ms=30000):
    """The guest's pasteboard changes; QEMU tells the client; the client asks; the agent answers."""
    vm.guest.ok(set_command, ms / 1000)
    flags, _ = vnc.wait_ext(NOTIFY, timeout=ms / 1000)
    assert flags & TEXT, f"NOTIFY without text: {flags:#x}"
    served = in_background(vm, f"clip serve {ms} 1", ms / 1000 + 30)
    vnc.request_text()
    flags, payload = vnc.wait_ext(PROVIDE, timeout=ms / 1000)
    assert served.result().int("answers") == 1
    assert flags & TEXT
    return provided_text(payload)


def test_guest_text_reaches_the_vnc_client_as_server_cut_text(qemu_vm, in_background):
    text = "vom Gast: ½ € 中文 🚀 — αβγ".encode()
    with vnc_client(qemu_vm) as vnc:
        got = guest_to_host(qemu_vm, vnc, "clip set " + hex_args(text), in_background)
    assert got == text


def test_one_mebibyte_from_guest_to_vnc_client(qemu_vm, in_background):
    expected = gen_text(MIB, 7)
    with vnc_client(qemu_vm) as vnc:
        got = guest_to_host(qemu_vm, vnc, f"clip gen {MIB} 7", in_background, ms=90000)
    assert len(got) == MIB and got == expected


def test_largest_host_text_qemu_carries_reaches_the_guest(qemu_vm, in_background):
    data = gen_text(HOST_TO_GUEST_MAX, 11)
    with vnc_client(qemu_vm) as vnc:
        reply = host_to_guest(qemu_vm, vnc, data, in_background, ms=90000)
    assert reply.int("len") == len(data)
    assert int(reply.fields["crc"], 16) == zlib.crc32(data)


def test_agent_keeps_working_after_each_direction(qemu_vm, in_background):
    with vnc_client(qemu_vm) as vnc:
        assert reply_bytes(host_to_guest(qemu_vm, vnc, b"again host", in_background)) == b"again host"
        assert guest_to_host(qemu_vm, vnc, "clip set " + hex_args(b"again guest"), in_background) == b"again guest"
    stats = qemu_vm.guest.ok("clip stats")
    assert stats.int("errors") == 0 and stats.int("dropped") == 0, stats.text
    assert stats.int("hwirqs") > 0 and stats.int("ctrl_errors") == 0, "MSI-X interrupts, clean control queue"


def test_qemu_drops_one_byte_more_and_the_agent_carries_on(qemu_vm, in_background):
    """QEMU's limit, not ours: its answer never comes, the agent's next exchange still works."""
    with vnc_client(qemu_vm) as vnc:
        vnc.notify_text()
        reply = in_background(qemu_vm, "clip get 4000", 40)
        vnc.wait_ext(REQUEST, timeout=20)
        vnc.provide_text(gen_text(HOST_TO_GUEST_MAX + 1, 3))
        with pytest.raises(AssertionError, match="no clipboard data from the host"):
            reply.result()
        assert reply_bytes(host_to_guest(qemu_vm, vnc, NON_ASCII, in_background)) == NON_ASCII
    err = (qemu_vm.workdir / "qemu.err").read_text(errors="replace")
    assert "dropping message" in err, f"QEMU did not report the drop; its stderr:\n{err[-2000:]}"
