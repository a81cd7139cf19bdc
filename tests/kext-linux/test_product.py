"""The real product: `make kext` on Linux builds virtio-gpu.kext from mk/macos.mk's sources and
flags, kext-check accepts it, and the OpenCore tooling (make opencore) takes the bundle."""
import filecmp
import plistlib
import shutil

import pytest

from conftest import REPO, run
from tests import skip_policy as policy

ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
MTOOLS = {"MTOOLS_SKIP_CHECK": "1"}


@pytest.fixture(scope="module")
def product(tmp_path_factory, toolchain):
    build = tmp_path_factory.mktemp("product")
    made = run(["make", "--no-print-directory", "kext", f"BUILD={build}"], timeout=900)
    assert made.returncode == 0, made.stdout[-4000:] + made.stderr[-4000:]
    return build


def test_bundle_layout(product):
    contents = product / "virtio-gpu.kext" / "Contents"
    assert sorted(p.relative_to(contents).as_posix() for p in contents.rglob("*")) == \
        ["Info.plist", "MacOS", "MacOS/virtio-gpu"]
    info = plistlib.loads((contents / "Info.plist").read_bytes())
    assert info["CFBundleExecutable"] == "virtio-gpu" and info["CFBundlePackageType"] == "KEXT"
    assert "$(" not in (contents / "Info.plist").read_text() and "@KEXT" not in (contents / "Info.plist").read_text()


def test_kext_check_passes(product):
    """Mach-O kind and load commands, kmod_info = Info.plist = mk/macos.mk, every symbol resolved."""
    checked = run(["make", "--no-print-directory", "kext-check", f"BUILD={product}"], timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "filetype KEXTBUNDLE" in checked.stdout and ", unresolved 0" in checked.stdout


def esp_image(dest, work):
    """A qcow2 disk with one FAT ESP holding EFI/OC/config.plist, like OSX-KVM's OpenCore image."""
    raw = work / "esp.raw"
    steps = [["truncate", "-s", "64M", raw],
             ["sfdisk", "-q", raw],
             ["mkfs.vfat", "-n", "EFI", "--offset", "2048", raw, "60000"],
             ["mmd", "-i", f"{raw}@@1M", "::/EFI", "::/EFI/OC", "::/EFI/OC/Kexts"],
             ["mcopy", "-i", f"{raw}@@1M", work / "config.plist", "::/EFI/OC/config.plist"],
             ["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, dest]]
    (work / "config.plist").write_bytes(plistlib.dumps({"Kernel": {"Add": []}, "UEFI": {"Drivers": []}}))
    for cmd in steps:
        stdin = f"label: gpt\nstart=2048, size=120000, type={ESP_TYPE}, name=\"EFI\"\n" if cmd[0] == "sfdisk" else None
        result = run(cmd, env=MTOOLS, input=stdin)
        assert result.returncode == 0, f"{cmd}: {result.stderr}"
    return dest


@pytest.mark.skipif(not (REPO / "tools" / "opencore" / "oc-image").exists(), reason="no tools/opencore")
def test_make_opencore_takes_the_linux_built_bundle(product, tmp_path):
    missing = [t for t in ("qemu-img", "sfdisk", "mkfs.vfat", "mcopy", "pkg-config") if not shutil.which(t)]
    if missing:
        policy.missing(f"OpenCore image tools missing: {missing} (make deps installs them)")
    image = esp_image(tmp_path / "OpenCore.qcow2", tmp_path)
    kext = product / "virtio-gpu.kext"
    done = run(["make", "--no-print-directory", "opencore", f"BUILD={product}",
                f"OPENCORE_IMG={image}", f"KEXT={kext}"], timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # Read the image back with mtools, not through the tools under test.
    raw = tmp_path / "back.raw"
    assert run(["qemu-img", "convert", "-O", "raw", image, raw]).returncode == 0
    back = tmp_path / "back"
    back.mkdir()
    copy = run(["mcopy", "-s", "-n", "-i", f"{raw}@@1M", "::/EFI/OC/Kexts/virtio-gpu.kext", "::/EFI/OC/config.plist",
                back], env=MTOOLS)
    assert copy.returncode == 0, copy.stderr
    assert not filecmp.dircmp(kext, back / "virtio-gpu.kext").diff_files
    assert filecmp.cmp(kext / "Contents/MacOS/virtio-gpu", back / "virtio-gpu.kext/Contents/MacOS/virtio-gpu",
                       shallow=False)
    entry, = plistlib.loads((back / "config.plist").read_bytes())["Kernel"]["Add"]
    assert (kext.parent / entry["BundlePath"] / entry["ExecutablePath"]).is_file()
    assert (kext.parent / entry["BundlePath"] / entry["PlistPath"]).is_file()
