"""tools/README-opencore.md "Other setups": each setup's display arguments, read from the README, are
given to QEMU 7.2 (TCG, stopped at start with -S) together with what that setup itself passes, and the
VM must have the display devices the README promises, with the preferred mode asked for.

What each tool itself passes is taken from its source (named in the README): Docker-OSX's Launch.sh
has "-vga vmware" before $EXTRA; dockur/macos maps VGA=virtio,OPTS to "-device virtio-vga,OPTS";
quickemu gives macOS "-device vmware-svga,vgamem_mb=256"; libvirt makes a primary virtio model
"-device virtio-vga,max_outputs=<heads>"; Proxmox's --vga virtio a virtio-vga at pcie.0 slot 1.
"""
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

README = (REPO / "tools" / "README-opencore.md").read_text()
VIRTIO_GPU_ID = "1af4:1050"
VMWARE_SVGA_ID = "15ad:0405"
QEMU = shutil.which("qemu-system-x86_64")
pytestmark = pytest.mark.skipif(QEMU is None, reason="qemu-system-x86 is not installed")


def setup_section(title):
    return re.split(r"\n##+ ", README.split(f"### {title}\n", 1)[1], maxsplit=1)[0]


def code_blocks(title, lang):
    blocks = re.findall(rf"```{lang}\n(.*?)```", setup_section(title), re.S)
    assert blocks, f"no {lang} block under '### {title}'"
    return blocks


def start_qemu(args):
    """(display PCI lines from info pci, info qtree text) of a VM started with args."""
    result = subprocess.run([QEMU, "-M", "q35", "-accel", "tcg", "-display", "none", "-S", "-monitor", "stdio",
                             *args], input="info pci\ninfo qtree\nquit\n", capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    displays = [line for line in result.stdout.splitlines() if re.match(r"\s+(VGA|Display) controller:", line)]
    return displays, result.stdout


def gpu_properties(qtree):
    """xres, yres, max_outputs and edid of the (single) virtio-gpu-device in info qtree."""
    block = qtree.split("dev: virtio-gpu-device", 1)[1]
    props = dict(re.findall(r"^\s+(xres|yres|max_outputs|edid) = (\S+)", block, re.M)[:4])
    return {k: props[k] for k in ("xres", "yres", "max_outputs", "edid")}


EXPECTED_GPU = {"xres": "1920", "yres": "1080", "max_outputs": "1", "edid": "true"}


def assert_only_the_virtio_gpu(displays):
    assert len(displays) == 1 and VIRTIO_GPU_ID in displays[0], displays


def test_libvirt_snippet():
    root = ET.fromstring(code_blocks("libvirt / virt-manager", "xml")[0])
    model = root.find("devices/video/model")
    assert model.get("type") == "virtio" and model.get("primary") == "yes"
    ns = "{http://libvirt.org/schemas/domain/qemu/1.0}"
    extra = [arg.get("value") for arg in root.iter(f"{ns}arg")]
    libvirt_device = ["-nodefaults", "-device", f"virtio-vga,id=video0,max_outputs={model.get('heads')},bus=pcie.0,addr=0x1"]
    displays, qtree = start_qemu(libvirt_device + extra)
    assert_only_the_virtio_gpu(displays)
    assert gpu_properties(qtree) == EXPECTED_GPU


def docker_osx_extra():
    return shlex.split(re.search(r'-e EXTRA="([^"]*)"', setup_section("Docker-OSX")).group(1))


def test_docker_osx_extra_gives_one_display():
    displays, qtree = start_qemu(["-vga", "vmware", *docker_osx_extra()])
    assert_only_the_virtio_gpu(displays)
    assert gpu_properties(qtree) == EXPECTED_GPU


def test_docker_osx_without_vga_none_has_two_displays():
    """Why the README insists on -vga none."""
    extra = docker_osx_extra()
    at = extra.index("-vga")
    displays, _ = start_qemu(["-vga", "vmware", *(extra[:at] + extra[at + 2:])])
    assert len(displays) == 2


def test_proxmox_args():
    section = setup_section("Proxmox VE")
    assert "--vga virtio" in section
    args = shlex.split(re.search(r"--args '([^']*)'", section).group(1))
    displays, qtree = start_qemu(["-nodefaults", "-device", "virtio-vga,id=vga,bus=pcie.0,addr=0x1", *args])
    assert_only_the_virtio_gpu(displays)
    assert gpu_properties(qtree) == EXPECTED_GPU


def test_dockur_vga_setting():
    vga = re.search(r'-e VGA="([^"]*)"', setup_section("dockur/macos")).group(1)
    device, _, options = vga.partition(",")
    assert device == "virtio"
    displays, qtree = start_qemu(["-device", f"virtio-vga,{options}"])
    assert_only_the_virtio_gpu(displays)
    assert gpu_properties(qtree) == EXPECTED_GPU


def test_quickemu_extra_args_add_the_virtio_gpu_beside_vmware_svga():
    extra = re.search(r'extra_args="([^"]*)"', setup_section("quickemu")).group(1)
    displays, qtree = start_qemu(["-device", "vmware-svga,vgamem_mb=256", *shlex.split(extra)])
    assert len(displays) == 2
    assert any(VMWARE_SVGA_ID in d for d in displays) and any(VIRTIO_GPU_ID in d for d in displays)
    assert gpu_properties(qtree) == EXPECTED_GPU
