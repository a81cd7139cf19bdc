"""tools/launch/virtio-gpu-launch-opts: the flags it prints, and boot scripts in OSX-KVM's style it patches.

Patched scripts are run with a stand-in qemu-system-x86_64 that prints its arguments, so the test sees
exactly the command line QEMU would get with GPU_MODE=virtio (default) and GPU_MODE=legacy.
"""
import shutil
import stat
import subprocess

import pytest

from conftest import REPO, run
from tests.skip_policy import missing

TOOL = REPO / "tools" / "launch" / "virtio-gpu-launch-opts"
DISPLAY_DEVICE_NAMES = {"vmware-svga", "VGA", "virtio-vga", "virtio-gpu-pci", "qxl-vga"}

ARRAY_STYLE = """#!/usr/bin/env bash
# Boot macOS with OpenCore (written for this test in the style of OSX-KVM's OpenCore-Boot.sh)
ALLOCATED_RAM="4096" # MiB
CPU_CORES="2"
REPO_PATH="."

args=(
  -enable-kvm -m "$ALLOCATED_RAM" -cpu Penryn,kvm=on,vendor=GenuineIntel
  -machine q35
  -smp "$CPU_CORES",cores="$CPU_CORES",sockets=1
  -device ich9-ahci,id=sata
  -drive id=OpenCoreBoot,if=none,snapshot=on,format=qcow2,file="$REPO_PATH/OpenCore/OpenCore.qcow2"
  -device ide-hd,bus=sata.2,drive=OpenCoreBoot
  {display}
  # -device qxl-vga,vgamem_mb=128
  -monitor stdio
)

qemu-system-x86_64 "${{args[@]}}"
"""

CONTINUATION_STYLE = """#!/bin/bash
# Headless boot (written for this test in the style of OSX-KVM's boot-macOS-headless.sh)
MY_OPTIONS="+ssse3,+sse4.2,+popcnt,+avx,+aes,+xsave,+xsaveopt,check"
qemu-system-x86_64 -enable-kvm -m 3072 -cpu Penryn,kvm=on,"$MY_OPTIONS" \\
  -machine q35 \\
  -usb -device usb-kbd -device usb-tablet \\
  {display} \\
  -display none \\
  -vnc 0.0.0.0:1,password=on -k en-us
"""

SCRIPTS = {
    "OpenCore-Boot.sh": ARRAY_STYLE.format(display="-device vmware-svga"),
    "OpenCore-Boot-macOS.sh": ARRAY_STYLE.format(display="-device VGA,vgamem_mb=128"),
    "boot-macOS-headless.sh": CONTINUATION_STYLE.format(display="-device vmware-svga"),
}


def display_index(flags):
    """Index of the "-device" of the single display device among QEMU flags."""
    found = [i for i, f in enumerate(flags[:-1])
             if f == "-device" and flags[i + 1].split(",")[0] in DISPLAY_DEVICE_NAMES]
    assert len(found) == 1, flags
    return found[0]


def device_of(flags):
    """(device name, {property: value}) of the display device among QEMU flags."""
    name, *props = flags[display_index(flags) + 1].split(",")
    return name, dict(p.split("=", 1) for p in props)


def launch_opts(*args):
    return run([TOOL, *args])


@pytest.fixture
def fake_qemu(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    qemu = bindir / "qemu-system-x86_64"
    qemu.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    qemu.chmod(0o755)
    return bindir


def qemu_args(script, fake_qemu, **env):
    path = f"{fake_qemu}:/usr/bin:/bin"
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, cwd=script.parent,
                            env={"PATH": path, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.fixture(params=sorted(SCRIPTS))
def boot_script(request, tmp_path):
    script = tmp_path / request.param
    script.write_text(SCRIPTS[request.param])
    script.chmod(0o755)
    return script


def test_default_flags_are_virtio_vga_with_edid():
    result = launch_opts()
    assert result.returncode == 0, result.stderr
    name, props = device_of(result.stdout.split())
    assert name == "virtio-vga"
    assert props == {"max_outputs": "1", "xres": "1920", "yres": "1080", "edid": "on"}


def test_virtio_gpu_pci_flags_turn_off_the_default_vga():
    result = launch_opts("--device", "virtio-gpu-pci", "--outputs", "2", "--xres", "1280", "--yres", "800")
    assert result.returncode == 0, result.stderr
    flags = result.stdout.split()
    assert device_of(flags) == ("virtio-gpu-pci", {"max_outputs": "2", "xres": "1280", "yres": "800", "edid": "on"})
    assert "-vga" in flags and flags[flags.index("-vga") + 1] == "none"


@pytest.mark.parametrize("bad", [["--device", "vmware-svga"], ["--outputs", "0"], ["--outputs", "17"], ["--xres", "wide"],
                                 ["--yres"], ["--bogus"], ["--dry-run"]])
def test_bad_options_are_refused(bad):
    assert launch_opts(*bad).returncode != 0


@pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None, reason="qemu-system-x86 is not installed")
@pytest.mark.parametrize("outputs,accepted", [(16, True), (17, False)])
def test_output_limit_is_qemus(outputs, accepted):
    """QEMU itself takes 16 heads and refuses 17: the tool's limit is the device's."""
    result = subprocess.run(["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-display", "none", "-S",
                             "-monitor", "stdio", "-device", f"virtio-vga,max_outputs={outputs}"],
                            input="quit\n", capture_output=True, text=True, timeout=60)
    assert (result.returncode == 0) == accepted, result.stderr
    assert (launch_opts("--outputs", str(outputs)).returncode == 0) == accepted


def test_patched_script_runs_virtio_by_default_and_original_with_legacy(boot_script, fake_qemu):
    original_args = qemu_args(boot_script, fake_qemu)
    original_text = boot_script.read_text()
    result = launch_opts("--patch", boot_script)
    assert result.returncode == 0, result.stderr

    assert boot_script.with_name(boot_script.name + ".bak").read_text() == original_text
    assert boot_script.stat().st_mode & stat.S_IXUSR, "the script must stay executable"
    virtio_args = qemu_args(boot_script, fake_qemu)
    assert device_of(virtio_args) == ("virtio-vga", {"max_outputs": "1", "xres": "1920", "yres": "1080",
                                                     "edid": "on"})
    display_at = display_index(original_args)
    expected = original_args[:display_at] + ["-device", "virtio-vga,max_outputs=1,xres=1920,yres=1080,edid=on"] + \
        original_args[display_at + 2:]
    assert virtio_args == expected, "only the display device may change"
    assert qemu_args(boot_script, fake_qemu, GPU_MODE="legacy") == original_args


def test_patch_twice_is_byte_identical_and_unpatch_restores(boot_script):
    original = boot_script.read_bytes()
    assert launch_opts("--patch", boot_script).returncode == 0
    patched = boot_script.read_bytes()
    assert launch_opts("--patch", boot_script).returncode == 0
    assert boot_script.read_bytes() == patched
    assert launch_opts("--unpatch", boot_script).returncode == 0
    assert boot_script.read_bytes() == original


def test_repatching_with_other_options_switches_the_device(boot_script, fake_qemu):
    original_args = qemu_args(boot_script, fake_qemu)
    assert launch_opts("--patch", boot_script).returncode == 0
    assert launch_opts("--patch", boot_script, "--device", "virtio-gpu-pci", "--outputs", "2").returncode == 0
    args = qemu_args(boot_script, fake_qemu)
    assert device_of(args) == ("virtio-gpu-pci", {"max_outputs": "2", "xres": "1920", "yres": "1080",
                                                  "edid": "on"})
    assert qemu_args(boot_script, fake_qemu, GPU_MODE="legacy") == original_args


def test_dry_run_shows_a_diff_and_writes_nothing(boot_script):
    original = boot_script.read_bytes()
    result = launch_opts("--patch", boot_script, "--dry-run")
    assert result.returncode == 0, result.stderr
    removed = [line for line in result.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in result.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any("-device" in line for line in removed)
    assert any("virtio-vga" in line for line in added)
    assert boot_script.read_bytes() == original
    assert not boot_script.with_name(boot_script.name + ".bak").exists()


@pytest.mark.parametrize("display", ["", "-device vmware-svga\n  -device VGA,vgamem_mb=128"])
def test_script_without_exactly_one_display_device_is_refused(tmp_path, display):
    script = tmp_path / "OpenCore-Boot.sh"
    script.write_text(ARRAY_STYLE.format(display=display))
    original = script.read_bytes()
    result = launch_opts("--patch", script)
    assert result.returncode != 0 and "display" in result.stderr
    assert script.read_bytes() == original


@pytest.mark.parametrize("device", ["virtio-vga", "virtio-gpu-pci"])
def test_qemu_accepts_the_flags_and_shows_one_display(device):
    if shutil.which("qemu-system-x86_64") is None:
        missing("qemu-system-x86 is not installed (make deps installs it)")
    flags = launch_opts("--device", device, "--outputs", "2").stdout.split()
    result = subprocess.run(["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-display", "none", "-S",
                             "-monitor", "stdio", *flags],
                            input="info pci\nquit\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    display_lines = [line for line in result.stdout.splitlines()
                     if "VGA controller" in line or "Display controller" in line]
    assert len(display_lines) == 1, result.stdout
    assert "1af4:1050" in display_lines[0], "the one display must be the virtio GPU"
