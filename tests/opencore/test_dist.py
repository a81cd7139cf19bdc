"""make dist: the archive's contents by the rules in tools/dist/make-dist, its checksums, its install and
uninstall scripts run from a temporary folder against a fake OSX-KVM checkout, and the message when no kext
can be built."""
import hashlib
import os
import plistlib
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, load, our_entries, run
from osxkvm_tree import make_kext

VERSION = (REPO / "VERSION").read_text().strip()
NAME = f"virtio-gpu-macos-{VERSION}"
FIXED_FILES = {"install.sh", "uninstall.sh", "README.txt", "LICENSE", "CHANGELOG.md", "VERSION", "SHA256SUMS",
               "bin/oc-image", "bin/oc-kext", "bin/virtio-gpu-launch-opts",
               "virtio-gpu.kext/Contents/Info.plist", "virtio-gpu.kext/Contents/MacOS/virtio-gpu"}


def tracked(prefix):
    out = subprocess.run(["git", "-C", REPO, "ls-files", "--", prefix], capture_output=True, text=True, check=True)
    return {line[len(prefix):] for line in out.stdout.splitlines()}


def release_kext(folder, version=VERSION):
    kext = make_kext(folder)
    info = kext / "Contents" / "Info.plist"
    info.write_bytes(plistlib.dumps({**plistlib.loads(info.read_bytes()), "CFBundleVersion": version}))
    return kext


def make_dist(out, *extra, env=None):
    return run(["make", "-C", REPO, "--no-print-directory", "dist", f"DIST_OUT={out}", *extra], env=env or {})


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dist")
    kext = release_kext(tmp / "kext")
    result = make_dist(tmp / "out", f"KEXT={kext}")
    assert result.returncode == 0, result.stderr
    return tmp / "out" / f"{NAME}.tar.gz", kext


def unpack(archive, dest):
    """As a user would: tar in an empty folder."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "xzf", archive], cwd=dest, check=True)
    return dest / NAME


def files_under(root):
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_contents_follow_the_rules(archive, tmp_path):
    path, kext = archive
    root = unpack(path, tmp_path)
    files = files_under(root)
    agent = {f"agent/{f}" for f in tracked("agent/")}
    overrides = {f"DisplayOverrides/{f}" for f in tracked("macos/DisplayOverrides/")}
    core = set(subprocess.run(["sh", REPO / "agent/macos/build.sh", "--core-files"], capture_output=True,
                              text=True, check=True).stdout.split())
    assert agent, "agent/ has tracked files, so the archive has an agent/"
    assert files == FIXED_FILES | agent | overrides | core
    assert (root / "virtio-gpu.kext/Contents/MacOS/virtio-gpu").read_bytes() == \
        (kext / "Contents/MacOS/virtio-gpu").read_bytes()
    assert (root / "VERSION").read_text().strip() == VERSION
    for name in ("install.sh", "uninstall.sh", "bin/oc-image", "bin/oc-kext"):
        assert os.access(root / name, os.X_OK), name


def test_the_agents_portable_sources_compile_from_the_archive(archive, tmp_path):
    """The archive alone builds the agent on a Mac: here, every portable file it compiles (the
    macOS front end needs Apple's frameworks) compiles from the unpacked archive with nothing else
    (with build.sh's -Icore: includes name the core's room)."""
    root = unpack(archive[0], tmp_path)
    for src in ("agent/clip_logic.c", "agent/clip_pump.c", "agent/follow_logic.c", "agent/vdagent.c",
                "agent/vdagent_codec.c"):
        result = subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Icore", "-c", src, "-o",
                                 str(tmp_path / "x.o")], cwd=root, capture_output=True, text=True)
        assert result.returncode == 0, f"{src}: {result.stderr}"


def test_checksums_cover_every_file(archive, tmp_path):
    root = unpack(archive[0], tmp_path)
    listed = {}
    for line in (root / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    assert set(listed) == files_under(root) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name


def test_the_archive_is_reproducible(archive, tmp_path):
    path, kext = archive
    assert make_dist(tmp_path, f"KEXT={kext}").returncode == 0
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_install_and_uninstall_scripts_from_the_unpacked_archive(archive, tmp_path, osx_kvm):
    root = unpack(archive[0], tmp_path / "unpacked")
    result = run([root / "install.sh", osx_kvm.root], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reader = osx_kvm.reader()
    assert len(our_entries(reader.config())) == 1
    assert reader.read_binary("EFI/OC/Kexts/virtio-gpu.kext/Contents/MacOS/virtio-gpu") == \
        (root / "virtio-gpu.kext/Contents/MacOS/virtio-gpu").read_bytes()
    assert (osx_kvm.efi / "OC/Kexts/virtio-gpu.kext/Contents/MacOS/virtio-gpu").is_file()
    assert len(our_entries(load(osx_kvm.config))) == 1

    result = run([root / "uninstall.sh", osx_kvm.root], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert our_entries(osx_kvm.reader().config()) == []
    assert osx_kvm.config.read_bytes() == osx_kvm.original_config


def test_install_refuses_a_damaged_archive(archive, tmp_path, osx_kvm):
    root = unpack(archive[0], tmp_path / "unpacked")
    (root / "virtio-gpu.kext/Contents/MacOS/virtio-gpu").write_bytes(b"truncated")
    result = run([root / "install.sh", osx_kvm.root])
    assert result.returncode != 0 and "SHA256SUMS" in result.stderr
    assert osx_kvm.image.read_bytes() == osx_kvm.original


def test_a_kext_of_another_version_is_refused(tmp_path):
    kext = release_kext(tmp_path / "kext", version="0.0.9")
    result = make_dist(tmp_path / "out", f"KEXT={kext}")
    assert result.returncode != 0 and "0.0.9" in result.stderr
    assert not (tmp_path / "out" / f"{NAME}.tar.gz").exists()


def test_without_a_kext_toolchain_dist_says_what_to_do(tmp_path):
    env = {"MACKERNELSDK": str(tmp_path / "none"), "KEXT_MIRROR": str(tmp_path / "none"),
           "KEXT_CACHE": str(tmp_path / "cache"), "CCTOOLS_PORT": "", "LD64": "",
           "HOME": str(tmp_path)}
    result = make_dist(tmp_path / "out", f"BUILD={tmp_path / 'build'}", env=env)
    assert result.returncode != 0
    assert "make dist KEXT=/path/to/virtio-gpu.kext" in result.stderr
    assert not (tmp_path / "out").exists()


def kext_toolchain_ready():
    """True when the Linux kext build finds its inputs already prepared (no network, no ld64 build)."""
    tool = REPO / "tools" / "kext-build" / "kext-toolchain"
    cache = os.environ.get("KEXT_CACHE", os.path.expanduser("~/.cache/virtio-gpu-kext"))
    has_ld64 = any((p / "bin" / "ld").exists() for p in Path(cache).glob("ld64-*"))
    return has_ld64 and run([tool, "sdk"]).returncode == 0


@pytest.mark.skipif(not kext_toolchain_ready(),
                    reason="kext toolchain not prepared here (make kext-fetch; see tools/kext-build/README.md)")
def test_dist_builds_the_real_kext_through_make_kext(tmp_path):
    result = make_dist(tmp_path / "out")
    assert result.returncode == 0, result.stderr
    root = unpack(tmp_path / "out" / f"{NAME}.tar.gz", tmp_path / "unpacked")
    binary = (root / "virtio-gpu.kext/Contents/MacOS/virtio-gpu").read_bytes()
    assert binary[:4] == bytes.fromhex("cffaedfe"), "a 64-bit Mach-O"
    info = plistlib.loads((root / "virtio-gpu.kext/Contents/Info.plist").read_bytes())
    assert info["CFBundleVersion"] == VERSION
