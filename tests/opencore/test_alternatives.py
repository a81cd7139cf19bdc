"""README "Among the alternatives": the table names each option the issue weighs this driver against, and
what this machine can check about them holds: stock QEMU 7.2 has virtio-vga and virtio-gpu-pci but neither
apple-gfx-pci (QEMU 10, macOS hosts) nor reims-vgpu-pci (a patched QEMU)."""
import re
import shutil
import subprocess

import pytest

from conftest import REPO

README = (REPO / "README.md").read_text()
QEMU = shutil.which("qemu-system-x86_64")


def table_rows():
    section = README.split("### Among the alternatives\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")][1:]


def test_every_alternative_has_a_row_saying_what_it_needs_and_gives():
    rows = table_rows()
    for name in ("This driver", "reims-vgpu", "apple-gfx-pci", "vmware-svga", "VGA"):
        row = next((r for r in rows if name in r.split("|")[1]), None)
        assert row, f"no row for {name}"
        _, option, needs, gives, _ = row.split("|")
        assert needs.strip() and gives.strip()
    assert "no Metal" in next(r for r in rows if "This driver" in r)


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86 is not installed")
def test_stock_qemu_devices():
    out = subprocess.run([QEMU, "-device", "help"], capture_output=True, text=True, timeout=60).stdout
    names = set(re.findall(r'^name "([^"]+)"', out, re.M))
    assert {"virtio-vga", "virtio-gpu-pci"} <= names
    assert "apple-gfx-pci" not in names and "reims-vgpu-pci" not in names
    version = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
    assert "version 7.2" in version, "the table's 'tested' line names QEMU 7.2"
