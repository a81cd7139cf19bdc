"""oc-image refuses what it must not touch: an image a running VM has open (QEMU 7.2 started on it,
read-only with snapshot=on as OSX-KVM's scripts do, and writable), a disk with internal snapshots, a
disk far larger than an OpenCore image. Each time the image stays byte-identical."""
import shutil
import subprocess
import time

import pytest

from conftest import REPO, run

QEMU = shutil.which("qemu-system-x86_64")


def install(osx_kvm, oc_kext, image=None):
    return run([REPO / "tools/opencore/oc-image", "install", "--image", image or osx_kvm.image,
                "--oc-kext", oc_kext, "--kext", osx_kvm.kext])


def wait_until_open(proc, image):
    """QEMU has opened the image once its fd list shows it (or it died)."""
    for _ in range(100):
        if proc.poll() is not None:
            pytest.fail(f"QEMU exited: {proc.stderr.read()}")
        fds = run(["ls", "-l", f"/proc/{proc.pid}/fd"]).stdout
        if str(image.resolve()) in fds:
            return
        time.sleep(0.1)
    pytest.fail("QEMU never opened the image")


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86 is not installed")
@pytest.mark.parametrize("drive_opts", ["snapshot=on", "snapshot=off"], ids=["snapshot", "writable"])
def test_running_vm_is_detected_and_nothing_changes(osx_kvm, oc_kext, drive_opts):
    proc = subprocess.Popen([QEMU, "-M", "q35", "-accel", "tcg", "-display", "none", "-S", "-nodefaults",
                             "-drive", f"id=oc,if=none,format=qcow2,{drive_opts},file={osx_kvm.image}",
                             "-device", "ich9-ahci,id=sata", "-device", "ide-hd,bus=sata.2,drive=oc"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_open(proc, osx_kvm.image)
        result = install(osx_kvm, oc_kext)
    finally:
        proc.kill()
        proc.wait()
    assert result.returncode != 0
    assert "running VM" in result.stderr and str(proc.pid) in result.stderr
    assert osx_kvm.image.read_bytes() == osx_kvm.original and not osx_kvm.backup.exists()
    after = install(osx_kvm, oc_kext)
    assert after.returncode == 0, "after the VM is gone the install goes ahead"
    assert "when QEMU next starts" in after.stdout


def test_image_with_internal_snapshots_is_refused(osx_kvm, oc_kext):
    assert run(["qemu-img", "snapshot", "-c", "before-upgrade", osx_kvm.image]).returncode == 0
    snapshotted = osx_kvm.image.read_bytes()
    result = install(osx_kvm, oc_kext)
    assert result.returncode != 0 and "snapshots" in result.stderr
    assert osx_kvm.image.read_bytes() == snapshotted


def test_a_disk_the_size_of_a_macos_disk_is_refused(osx_kvm, oc_kext):
    big = osx_kvm.opencore / "mac_hdd_ng.img"
    assert run(["qemu-img", "create", "-q", "-f", "qcow2", big, "64G"]).returncode == 0
    before = big.read_bytes()
    result = install(osx_kvm, oc_kext, image=big)
    assert result.returncode != 0 and "macOS disk" in result.stderr
    assert big.read_bytes() == before
