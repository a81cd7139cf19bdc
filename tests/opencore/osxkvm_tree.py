"""A fake OSX-KVM checkout and OpenCore images built from it the way OSX-KVM builds them.

OSX-KVM's OpenCore/opencore-image-ng.sh (read at kholia/OSX-KVM da4b23b) makes a 384 MiB qcow2 with a
GPT: partition 1 at sectors 2048-300000 (ESP type, vfat "EFI"), partition 2 from 302048 (vfat
"OpenCore"). Into the ESP it copies OpenCore/EFI/BOOT, EFI/OC/OpenCore.efi, EFI/OC/{Drivers,Kexts,ACPI,
Tools}, ../resources/OcBinaryData/Resources and the --cfg file as EFI/OC/config.plist. rebuild_image
does the same with sfdisk, mkfs.vfat and mtools (no libguestfs here). What the tools wrote is read
back with sfdisk's JSON and mtools, never by asking the code under test.
"""
import json
import plistlib
import shutil
from pathlib import Path

from conftest import REAL_CONFIGS, run, synthetic_config_tree

ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
BASIC_DATA_TYPE = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
MTOOLS_ENV = {"MTOOLS_SKIP_CHECK": "1"}
# The checkout's files (relative to OSX-KVM/) and where the image builder puts them in the ESP.
TREE_FILES = {"OpenCore/EFI/BOOT/BOOTx64.efi": b"boot loader stand-in",
              "OpenCore/EFI/OC/OpenCore.efi": b"OpenCore stand-in",
              "OpenCore/EFI/OC/Drivers/OpenRuntime.efi": b"driver stand-in",
              "OpenCore/EFI/OC/Tools/OpenShell.efi": b"shell stand-in",
              "resources/OcBinaryData/Resources/Font/readme.txt": b"fonts"}
ESP_FILES = {"EFI/BOOT/BOOTx64.efi": b"boot loader stand-in", "EFI/OC/OpenCore.efi": b"OpenCore stand-in",
             "EFI/OC/Drivers/OpenRuntime.efi": b"driver stand-in", "EFI/OC/Tools/OpenShell.efi": b"shell stand-in",
             "EFI/OC/Resources/Font/readme.txt": b"fonts"}


def checked(cmd, **kw):
    result = run(cmd, env=MTOOLS_ENV, **kw)
    assert result.returncode == 0, f"{cmd}: {result.stderr}"
    return result


def image_config_source():
    """OSX-KVM's own config when the shared data is there, else the synthetic one."""
    real = REAL_CONFIGS["osx-kvm"]
    return real.read_bytes() if real.is_file() else plistlib.dumps(synthetic_config_tree())


def make_checkout(root, config_bytes):
    """OSX-KVM's layout: OpenCore/EFI/..., OpenCore/config.plist, resources/OcBinaryData/Resources."""
    for name, data in TREE_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    for folder in ["OpenCore/EFI/OC/Kexts", "OpenCore/EFI/OC/ACPI"]:
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "OpenCore" / "config.plist").write_bytes(config_bytes)
    for entry in _kernel_add(config_bytes):  # the checkout ships the kexts its config names
        bundle = root / "OpenCore" / "EFI" / "OC" / "Kexts" / entry["BundlePath"]
        for part in (entry.get("PlistPath", ""), entry.get("ExecutablePath", "")):
            if part:
                (bundle / part).parent.mkdir(parents=True, exist_ok=True)
                (bundle / part).write_bytes(b"stand-in " + part.encode())
    return root


def _kernel_add(config_bytes):
    try:
        return plistlib.loads(config_bytes)["Kernel"]["Add"]
    except Exception:  # a deliberately malformed config names no kexts
        return []


def _copy_in(drive, source, dest):
    """guestfish copy-in: the folder itself lands inside dest."""
    checked(["mcopy", "-s", "-i", drive, source, f"::/{dest}/"])


def rebuild_image(checkout, cfg, dest, workdir, esp_type=ESP_TYPE):
    """opencore-image-ng.sh --cfg CFG --img DEST, run in OSX-KVM/OpenCore."""
    opencore = checkout / "OpenCore"
    raw = workdir / "rebuild.raw"
    checked(["truncate", "-s", "384M", raw])
    layout = (f'label: gpt\nstart=2048, size=297953, type={esp_type}, name="EFI"\n'
              f'start=302048, size=482336, type={BASIC_DATA_TYPE}, name="OpenCore"\n')
    checked(["sfdisk", "-q", raw], input=layout)
    checked(["mkfs.vfat", "-F", "32", "-s", "1", "-n", "EFI", "--offset", "2048", raw, str(297953 // 2)])
    checked(["mkfs.vfat", "-n", "OpenCore", "--offset", "302048", raw, str(482336 // 2)])
    drive = f"{raw}@@{2048 * 512}"
    # The script makes these, then copy-in merges the folders (Drivers arrives whole).
    for folder in ["EFI", "EFI/OC", "EFI/OC/Kexts", "EFI/OC/ACPI", "EFI/OC/Resources", "EFI/OC/Tools",
                   "EFI/OC/Drivers"]:
        checked(["mmd", "-i", drive, f"::/{folder}"])
    _copy_in(drive, opencore / "EFI" / "BOOT", "EFI")
    checked(["mcopy", "-i", drive, opencore / "EFI" / "OC" / "OpenCore.efi", "::/EFI/OC/"])
    for folder in ["Drivers", "Kexts", "ACPI", "Tools"]:
        source = opencore / "EFI" / "OC" / folder
        for child in sorted(source.iterdir()):
            checked(["mcopy", "-s", "-i", drive, child, f"::/EFI/OC/{folder}/"])
    for child in sorted((checkout / "resources" / "OcBinaryData" / "Resources").iterdir()):
        checked(["mcopy", "-s", "-i", drive, child, "::/EFI/OC/Resources/"])
    checked(["mcopy", "-i", drive, cfg, "::/EFI/OC/config.plist"])
    checked(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, dest])
    raw.unlink()
    return dest


class ImageReader:
    """Reads files out of a qcow2 OpenCore image: qemu-img to raw, sfdisk --json for the ESP, mtools."""

    def __init__(self, image, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        self.raw = workdir / "readback.raw"
        checked(["qemu-img", "convert", "-U", "-O", "raw", image, self.raw])
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


def missing_enabled_kexts(reader):
    """Enabled Kernel→Add entries whose bundle, executable or plist is not in EFI/OC/Kexts: what
    OpenCore cannot load (with OSX-KVM's HaltLevel a missing kext stops the boot)."""
    missing = []
    for entry in reader.config()["Kernel"]["Add"]:
        if not entry.get("Enabled"):
            continue
        bundle = f"EFI/OC/Kexts/{entry['BundlePath']}"
        for part in ("", entry.get("ExecutablePath", ""), entry.get("PlistPath", "")):
            path = f"{bundle}/{part}" if part else bundle
            if not reader.exists(path):
                missing.append(path)
    return missing


def make_kext(folder):
    contents = folder / "virtio-gpu.kext" / "Contents"
    (contents / "MacOS").mkdir(parents=True)
    plistlib.dump({"CFBundleIdentifier": "com.osx-kvm.driver.virtio-gpu", "CFBundleExecutable": "virtio-gpu",
                   "CFBundlePackageType": "KEXT"}, (contents / "Info.plist").open("wb"))
    (contents / "MacOS" / "virtio-gpu").write_bytes(bytes(range(256)) * 16)
    return folder / "virtio-gpu.kext"


class OsxKvm:
    """A copy of a pristine fake checkout (with its built image) plus a stand-in kext build."""

    def __init__(self, root, pristine_checkout):
        self.root = root
        shutil.copytree(pristine_checkout, root, symlinks=True)
        self.opencore = root / "OpenCore"
        self.image = self.opencore / "OpenCore.qcow2"
        self.config = self.opencore / "config.plist"
        self.efi = self.opencore / "EFI"
        self.original = self.image.read_bytes()
        self.original_config = self.config.read_bytes()
        self.backup = self.opencore / "OpenCore.qcow2.bak"
        self.kext = make_kext(root.parent / "kext-build")
        self._readers = 0

    def reader(self, image=None):
        self._readers += 1
        return ImageReader(image or self.image, self.root.parent / f"reader{self._readers}")

    def rebuild(self, cfg=None):
        """Regenerates the image from the checkout as OSX-KVM's users do; returns a reader of it."""
        self._readers += 1
        work = self.root.parent / f"rebuild{self._readers}"
        work.mkdir()
        image = rebuild_image(self.root, cfg or self.config, work / "OpenCore.qcow2", work)
        return ImageReader(image, work)

    def leftovers(self):
        return [p.name for p in self.opencore.iterdir() if p.name.startswith(".")] + \
            [p.name for p in (self.efi / "OC" / "Kexts").iterdir() if p.name.startswith(".")]


def pristine_checkout(root, config_bytes=None, esp_type=ESP_TYPE):
    """A fake OSX-KVM checkout whose OpenCore.qcow2 was built from its own folder and config."""
    make_checkout(root, config_bytes if config_bytes is not None else image_config_source())
    work = root.parent / f"{root.name}-build"
    work.mkdir()
    rebuild_image(root, root / "OpenCore" / "config.plist", root / "OpenCore" / "OpenCore.qcow2", work, esp_type)
    return root
