"""python3 -m tests.fuzz.capture_qemu GUEST_ELF CORPUS_DIR — seeds from a real QEMU virtio-gpu-pci.

Boots the test guest (guest/, `make guest`) with two heads, lets it run `init` and `info` (the core
asks for display info and both EDIDs), then over QMP:
  - reads the function's PCI configuration space through the q35 ECAM window (HMP `xp`),
  - saves guest RAM (`pmemsave`) and finds QEMU's own GET_DISPLAY_INFO and GET_EDID responses
    where the device wrote them, in the core's command slots,
and writes them as seeds: corpus/pci/qemu-7.2-*, corpus/resp/qemu-7.2-* (tape formats as in
mkseeds.c).  No guest change is needed.  `make fuzz-seeds-qemu`.
"""
import os
import struct
import subprocess
import sys
import tempfile
import time

from tests.harness.qmp import QMPClient

ECAM = 0xB0000000
SLOT = 1 << 15          # 00:01.0: with -nodefaults the first -device sits in slot 1
RAM = 512 << 20
RESP_DISPLAY_INFO, RESP_EDID = 0x1101, 0x1104


def config_space(qmp):
    words = []
    shown = qmp.command("human-monitor-command", **{"command-line": f"xp /64wx {ECAM + SLOT:#x}"})
    for line in shown.splitlines():
        words += [int(w, 16) for w in line.split(":")[1].split()]
    return struct.pack("<64I", *words)


def wait_for(log, text, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if os.path.exists(log) and text in open(log, errors="replace").read():
            return
        time.sleep(0.2)
    sys.exit(f"capture_qemu: '{text}' never appeared in {log}")


def find_responses(ram):
    """(type, bytes) of every well-formed display-info / EDID response in guest memory."""
    found = []
    for rtype, size in ((RESP_DISPLAY_INFO, 408), (RESP_EDID, 1056)):
        pat = struct.pack("<I", rtype)
        at = ram.find(pat)
        while at >= 0:
            body = ram[at:at + size]
            if len(body) == size and plausible(rtype, body):
                found.append((rtype, body))
            at = ram.find(pat, at + 4)
    return found


def plausible(rtype, body):
    """A display-info response whose first head is on with a sane size; an EDID response whose
    size fits the buffer and whose data starts with the EDID header."""
    if rtype == RESP_DISPLAY_INFO:
        width, height, enabled = struct.unpack_from("<III", body, 32)
        return enabled == 1 and 0 < width <= 16384 and 0 < height <= 16384
    size = struct.unpack_from("<I", body, 24)[0]
    return size <= 1024 and body[32:40] == b"\x00\xff\xff\xff\xff\xff\xff\x00"


def write(corpus, target, name, data):
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


def main():
    elf, corpus = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="capture-qemu-")
    sock, log, dump = (os.path.join(tmp, n) for n in ("qmp.sock", "serial.log", "ram.bin"))
    qemu = subprocess.Popen([
        "qemu-system-x86_64", "-machine", "q35", "-m", "512", "-nodefaults", "-display", "none",
        "-device", "virtio-gpu-pci,id=gpu0,max_outputs=2,xres=1280,yres=800",
        "-kernel", elf, "-append", "script=init irq=msix;info", "-serial", f"file:{log}",
        "-qmp", f"unix:{sock},server=on,wait=off"])
    try:
        qmp = QMPClient(sock, timeout=60)
        wait_for(log, "INFO scanout=1")
        cfg = config_space(qmp)
        qmp.command("stop")
        qmp.command("pmemsave", val=0, size=RAM, filename=dump)
        qmp.command("quit")
    finally:
        qemu.wait(timeout=30)
    bars = bytes([0x40, 12, 0x40, 0x40, 14, 0x40])   # BAR1 4 KiB (MSI-X), BAR4 16 KiB (virtio)
    write(corpus, "pci", "qemu-7.2-virtio-gpu-pci", cfg + bars)
    responses = find_responses(open(dump, "rb").read())
    seen = set()
    for rtype, body in responses:
        if body in seen:
            continue
        seen.add(body)
        if rtype == RESP_DISPLAY_INFO:
            write(corpus, "resp", f"qemu-7.2-display-info-{len(seen)}", bytes([2, 7]) + body[24:])
        else:
            size = struct.unpack_from("<I", body, 24)[0]
            write(corpus, "resp", f"qemu-7.2-edid-{len(seen)}",
                  bytes([2, 0, 7]) + struct.pack("<H", size) + body[32:32 + size])
    print(f"capture_qemu: config space and {len(seen)} distinct responses from QEMU")


if __name__ == "__main__":
    main()
