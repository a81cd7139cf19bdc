"""make opencore / uninstall-opencore on a fake OSX-KVM tree whose OpenCore.qcow2 the test builds itself.

The image mimics opencore-image-ng.sh: 384 MiB qcow2, GPT, ESP "EFI" at sectors 2048-300000 and a second
vfat partition "OpenCore". What the tools wrote is read back out of the image with sfdisk's JSON and mtools,
never by asking the code under test.
"""
import filecmp
import json
import os
import plistlib
import shutil
import stat
from pathlib import Path

import pytest

from conftest import (REAL_CONFIGS, REPO, assert_valid_entry, load, our_entries, run, synthetic_config_tree,
                      without_our_entries, write_plist)

ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
BASIC_DATA_TYPE = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
ESP_FILES = {"EFI/BOOT/BOOTx64.efi": b"boot loader stand-in", "EFI/OC/OpenCore.efi": b"OpenCore stand-in",
             "EFI/OC/Drivers/OpenRuntime.efi": b"driver stand-in", "EFI/OC/Resources/Font/readme.txt": b"fonts"}
MTOOLS_ENV = {"MTOOLS_SKIP_CHECK": "1"}


def checked(cmd, **kw):
    result = run(cmd, env=MTOOLS_ENV, **kw)
    assert result.returncode == 0, f"{cmd}: {result.stderr}"
    return result


def build_image(dest, config_bytes, workdir, esp_type=ESP_TYPE):
    raw = workdir / "disk.raw"
    checked(["truncate", "-s", "384M", raw])
    layout = (f'label: gpt\nstart=2048, size=297953, type={esp_type}, name="EFI"\n'
              f'start=302048, size=482336, type={BASIC_DATA_TYPE}, name="OpenCore"\n')
    checked(["sfdisk", "-q", raw], input=layout)
    checked(["mkfs.vfat", "-F", "32", "-s", "1", "-n", "EFI", "--offset", "2048", raw, str(297953 // 2)])
    checked(["mkfs.vfat", "-n", "OpenCore", "--offset", "302048", raw, str(482336 // 2)])
    drive = f"{raw}@@{2048 * 512}"
    for folder in ["EFI", "EFI/BOOT", "EFI/OC", "EFI/OC/ACPI", "EFI/OC/Drivers", "EFI/OC/Kexts", "EFI/OC/Tools",
                   "EFI/OC/Resources", "EFI/OC/Resources/Font"]:
        checked(["mmd", "-i", drive, f"::/{folder}"])
    (workdir / "config.plist").write_bytes(config_bytes)
    checked(["mcopy", "-i", drive, workdir / "config.plist", "::/EFI/OC/config.plist"])
    for name, data in ESP_FILES.items():
        (workdir / "payload").write_bytes(data)
        checked(["mcopy", "-i", drive, workdir / "payload", f"::/{name}"])
    checked(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, dest])
    raw.unlink()


class ImageReader:
    """Reads files out of a qcow2 OpenCore image: qemu-img to raw, sfdisk --json for the ESP, mtools."""

    def __init__(self, image, workdir):
        self.raw = workdir / "readback.raw"
        checked(["qemu-img", "convert", "-O", "raw", image, self.raw])
        table = json.loads(checked(["sfdisk", "--json", self.raw]).stdout)["partitiontable"]
        esp = next(p for p in table["partitions"] if p.get("name") == "EFI")
        self.drive = f"{self.raw}@@{esp['start'] * table.get('sectorsize', 512)}"
        self.workdir = workdir

    def read(self, path):
        return checked(["mtype", "-i", self.drive, f"::/{path}"]).stdout.encode()

    def read_binary(self, path):
        out = self.workdir / "readback.bin"
        checked(["mcopy", "-n", "-i", self.drive, f"::/{path}", out])
        return out.read_bytes()

    def exists(self, path):
        return run(["mdir", "-i", self.drive, f"::/{path}"], env=MTOOLS_ENV).returncode == 0

    def extract_dir(self, path, dest):
        dest.mkdir()
        checked(["mcopy", "-s", "-n", "-i", self.drive, f"::/{path}", dest])
        return dest / Path(path).name

    def config(self):
        return plistlib.loads(self.read_binary("EFI/OC/config.plist"))


def image_config_source():
    """OSX-KVM's own config when the shared data is there, else the synthetic one."""
    real = REAL_CONFIGS["osx-kvm"]
    return real.read_bytes() if real.is_file() else plistlib.dumps(synthetic_config_tree())


@pytest.fixture(scope="session")
def pristine_image(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("pristine")
    image = workdir / "OpenCore.qcow2"
    build_image(image, image_config_source(), workdir)
    return image


def make_kext(folder):
    contents = folder / "virtio-gpu.kext" / "Contents"
    (contents / "MacOS").mkdir(parents=True)
    plistlib.dump({"CFBundleIdentifier": "com.osx-kvm.driver.virtio-gpu", "CFBundleExecutable": "virtio-gpu",
                   "CFBundlePackageType": "KEXT"}, (contents / "Info.plist").open("wb"))
    (contents / "MacOS" / "virtio-gpu").write_bytes(bytes(range(256)) * 16)
    return folder / "virtio-gpu.kext"


class OsxKvm:
    def __init__(self, root, image_source):
        self.root = root
        self.opencore = root / "OpenCore"
        self.opencore.mkdir(parents=True)
        self.image = self.opencore / "OpenCore.qcow2"
        shutil.copyfile(image_source, self.image)
        self.original = self.image.read_bytes()
        self.backup = self.opencore / "OpenCore.qcow2.bak"
        self.kext = make_kext(root / "kext-build")

    def reader(self, name):
        folder = self.root / name
        folder.mkdir()
        return ImageReader(self.image, folder)

    def leftovers(self):
        return [p.name for p in self.opencore.iterdir() if p.name.startswith(".")]


@pytest.fixture
def osx_kvm(tmp_path, pristine_image):
    return OsxKvm(tmp_path / "OSX-KVM", pristine_image)


def make(target, osx_kvm, oc_kext, *extra):
    return run(["make", "-C", REPO, "--no-print-directory", target, f"OSX_KVM={osx_kvm.root}",
                f"KEXT={osx_kvm.kext}", f"OC_KEXT={oc_kext}", *extra])


def assert_same_tree(left, right):
    comparison = filecmp.dircmp(left, right)
    assert not comparison.left_only and not comparison.right_only and not comparison.funny_files
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    assert not mismatch and not errors
    for sub in comparison.common_dirs:
        assert_same_tree(left / sub, right / sub)


def assert_rest_of_esp_intact(reader):
    for name, data in ESP_FILES.items():
        assert reader.read_binary(name) == data, name


def test_make_opencore_puts_kext_and_entry_into_the_image(osx_kvm, oc_kext):
    before = ImageReader(osx_kvm.image, osx_kvm.root).config()
    result = make("opencore", osx_kvm, oc_kext)
    assert result.returncode == 0, result.stderr
    reader = osx_kvm.reader("after")
    info = reader.read("EFI/OC/Kexts/virtio-gpu.kext/Contents/Info.plist")
    assert b"com.osx-kvm.driver.virtio-gpu" in info
    assert_same_tree(osx_kvm.kext, reader.extract_dir("EFI/OC/Kexts/virtio-gpu.kext", osx_kvm.root / "out"))
    config = reader.config()
    assert len(our_entries(config)) == 1
    assert_valid_entry(our_entries(config)[0])
    assert without_our_entries(config) == before
    assert_rest_of_esp_intact(reader)
    assert osx_kvm.backup.read_bytes() == osx_kvm.original
    assert osx_kvm.leftovers() == []


def test_new_image_keeps_the_old_permissions(osx_kvm, oc_kext):
    os.chmod(osx_kvm.image, 0o664)
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    assert stat.S_IMODE(osx_kvm.image.stat().st_mode) == 0o664


def test_make_opencore_twice_changes_nothing(osx_kvm, oc_kext):
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    installed = osx_kvm.image.read_bytes()
    second = make("opencore", osx_kvm, oc_kext)
    assert second.returncode == 0, second.stderr
    assert osx_kvm.image.read_bytes() == installed
    assert osx_kvm.backup.read_bytes() == osx_kvm.original


def test_changed_kext_is_copied_again(osx_kvm, oc_kext):
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    binary = osx_kvm.kext / "Contents" / "MacOS" / "virtio-gpu"
    binary.write_bytes(b"newer build")
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    assert osx_kvm.reader("after").read_binary("EFI/OC/Kexts/virtio-gpu.kext/Contents/MacOS/virtio-gpu") == \
        b"newer build"


def test_uninstall_opencore_restores_an_equivalent_image(osx_kvm, oc_kext):
    before = ImageReader(osx_kvm.image, osx_kvm.root).config()
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    result = make("uninstall-opencore", osx_kvm, oc_kext)
    assert result.returncode == 0, result.stderr
    reader = osx_kvm.reader("after")
    assert not reader.exists("EFI/OC/Kexts/virtio-gpu.kext")
    assert reader.exists("EFI/OC/Kexts")
    assert reader.config() == before
    assert_rest_of_esp_intact(reader)


def test_separate_config_is_patched_and_copied_into_the_image(osx_kvm, oc_kext):
    user_config = write_plist(osx_kvm.opencore / "config.plist", synthetic_config_tree())
    original = user_config.read_bytes()
    result = make("opencore", osx_kvm, oc_kext, f"OPENCORE_CONFIG={user_config}")
    assert result.returncode == 0, result.stderr
    assert (osx_kvm.opencore / "config.plist.bak").read_bytes() == original
    assert len(our_entries(load(user_config))) == 1
    assert osx_kvm.reader("after").read_binary("EFI/OC/config.plist") == user_config.read_bytes()


def test_dry_run_leaves_the_image_alone(osx_kvm, oc_kext):
    result = run([REPO / "tools/opencore/oc-image", "install", "--dry-run", "--image", osx_kvm.image,
                  "--oc-kext", oc_kext, "--kext", osx_kvm.kext])
    assert result.returncode == 0, result.stderr
    assert "virtio-gpu.kext" in result.stdout
    assert osx_kvm.image.read_bytes() == osx_kvm.original
    assert not osx_kvm.backup.exists() and osx_kvm.leftovers() == []


def test_esp_is_found_without_the_esp_type_guid(tmp_path, oc_kext):
    source = tmp_path / "basic.qcow2"
    build_image(source, plistlib.dumps(synthetic_config_tree()), tmp_path, esp_type=BASIC_DATA_TYPE)
    osx_kvm = OsxKvm(tmp_path / "OSX-KVM", source)
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    assert len(our_entries(osx_kvm.reader("after").config())) == 1


def test_malformed_config_in_image_leaves_image_byte_identical(tmp_path, oc_kext):
    source = tmp_path / "bad.qcow2"
    build_image(source, plistlib.dumps(synthetic_config_tree())[:-30], tmp_path)
    osx_kvm = OsxKvm(tmp_path / "OSX-KVM", source)
    result = make("opencore", osx_kvm, oc_kext)
    assert result.returncode != 0
    assert "not a valid property list" in result.stderr
    assert osx_kvm.image.read_bytes() == osx_kvm.original
    assert not osx_kvm.backup.exists() and osx_kvm.leftovers() == []


def test_missing_kext_is_refused(osx_kvm, oc_kext):
    shutil.rmtree(osx_kvm.kext)
    result = make("opencore", osx_kvm, oc_kext)
    assert result.returncode != 0 and str(osx_kvm.kext) in result.stderr
    assert osx_kvm.image.read_bytes() == osx_kvm.original and not osx_kvm.backup.exists()


def test_make_opencore_needs_osx_kvm(oc_kext):
    result = run(["make", "-C", REPO, "--no-print-directory", "opencore", f"OC_KEXT={oc_kext}"])
    assert result.returncode != 0 and "OSX_KVM" in result.stderr


def test_read_only_image_directory_is_refused(osx_kvm, oc_kext):
    mode = osx_kvm.opencore.stat().st_mode
    os.chmod(osx_kvm.opencore, 0o555)
    try:
        result = make("opencore", osx_kvm, oc_kext)
    finally:
        os.chmod(osx_kvm.opencore, mode)
    assert result.returncode != 0
    assert osx_kvm.image.read_bytes() == osx_kvm.original and not osx_kvm.backup.exists()
