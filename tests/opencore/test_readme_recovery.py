"""The commands of tools/README-opencore.md's "If macOS does not boot" and "Updating OSX-KVM"
sections, taken from the README itself and run line by line against a fake OSX-KVM checkout at
~/OSX-KVM (HOME points into the test's folder). What each step must achieve is checked by reading
the image back with mtools and the configs with plistlib.
"""
import os
import re
import shutil
import subprocess

import pytest

from conftest import REPO, load, our_entries, run
from osxkvm_tree import OsxKvm, make_kext, pristine_checkout, rebuild_image
from test_launch_opts import ARRAY_STYLE

README = REPO / "tools" / "README-opencore.md"
APPLE_GUID = "7C436110-AB2A-4BBB-A880-FE41995C9F82"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}


def section_commands(title):
    """The shell lines of the ```sh blocks under the '## title' heading, comments dropped."""
    text = README.read_text()
    body = re.split(r"\n##+ ", text.split(f"## {title}\n", 1)[1], maxsplit=1)[0]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", body, re.S):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    assert lines, f"no commands under '## {title}'"
    return lines


class Shell:
    """Runs README lines as the user would: in the project folder, with ~ = the test's home."""

    def __init__(self, home, oc_kext, kext, fake_bin):
        self.env = dict(os.environ, HOME=str(home), KEXT=str(kext), OC_KEXT=str(oc_kext),
                        PATH=f"{fake_bin}:{os.environ['PATH']}:/usr/sbin:/sbin", **GIT_ENV)

    def __call__(self, line, ok=True):
        result = subprocess.run(["bash", "-c", line], cwd=REPO, env=self.env, capture_output=True, text=True)
        if ok:
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        return result


def boot_args(tree):
    return tree["NVRAM"]["Add"][APPLE_GUID]["boot-args"]


@pytest.fixture
def home(tmp_path, oc_kext):
    home = tmp_path / "home"
    home.mkdir()
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    qemu = fake_bin / "qemu-system-x86_64"
    qemu.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    qemu.chmod(0o755)
    kext = make_kext(tmp_path / "kext-build")
    return home, Shell(home, oc_kext, kext, fake_bin)


def add_boot_script(root):
    script = root / "OpenCore-Boot.sh"
    script.write_text(ARRAY_STYLE.format(display="-device vmware-svga"))
    script.chmod(0o755)
    return script


def test_each_recovery_step_does_what_the_readme_says(home, pristine):
    home, sh = home
    osx_kvm = OsxKvm(home / "OSX-KVM", pristine)
    add_boot_script(osx_kvm.root)
    sh("make opencore OSX_KVM=~/OSX-KVM")
    sh("tools/launch/virtio-gpu-launch-opts --patch ~/OSX-KVM/OpenCore-Boot.sh")
    installed_config = osx_kvm.config.read_bytes()
    original_args = boot_args(load(pristine / "OpenCore" / "config.plist"))
    legacy, vgpuoff, vgpuon, uninstall, restore = section_commands("If macOS does not boot")

    assert "GPU_MODE=legacy" in legacy
    args = sh(legacy).stdout.split()
    assert "vmware-svga" in args and not any("virtio" in a for a in args)

    assert "vgpuoff" in vgpuoff
    sh(vgpuoff)
    for tree in (osx_kvm.reader().config(), load(osx_kvm.config)):
        assert boot_args(tree) == original_args + " -vgpuoff"
    rebuilt = osx_kvm.rebuild()
    assert boot_args(rebuilt.config()).endswith(" -vgpuoff") and len(our_entries(rebuilt.config())) == 1
    sh(vgpuon)
    assert boot_args(osx_kvm.reader().config()) == original_args
    assert osx_kvm.config.read_bytes() == installed_config

    sh(uninstall)
    reader = osx_kvm.reader()
    assert our_entries(reader.config()) == [] and not reader.exists("EFI/OC/Kexts/virtio-gpu.kext")
    assert osx_kvm.config.read_bytes() == osx_kvm.original_config

    sh(restore)
    assert osx_kvm.image.read_bytes() == osx_kvm.original


def commit_all(repo, message):
    subprocess.run(["git", "-C", repo, "add", "-A"], check=True, env=dict(os.environ, **GIT_ENV))
    subprocess.run(["git", "-C", repo, "commit", "-qm", message], check=True, env=dict(os.environ, **GIT_ENV))


def test_update_path_pulls_and_reinstalls(tmp_path, home):
    home, sh = home
    upstream = pristine_checkout(tmp_path / "upstream" / "OSX-KVM")
    add_boot_script(upstream)
    (upstream / ".gitignore").write_text("*.bak\n")
    subprocess.run(["git", "init", "-q", upstream], check=True)
    commit_all(upstream, "OSX-KVM as it is")
    subprocess.run(["git", "clone", "-q", upstream, home / "OSX-KVM"], check=True)
    sh("make opencore OSX_KVM=~/OSX-KVM")
    sh("tools/launch/virtio-gpu-launch-opts --patch ~/OSX-KVM/OpenCore-Boot.sh")

    # Upstream moves on: a new config, an image rebuilt from it, a changed boot script.
    config = upstream / "OpenCore" / "config.plist"
    config.write_bytes(config.read_bytes().replace(b"<dict>", b"<dict>\n\t<key>#upstream</key>\n\t<string>new</string>", 1))
    work = tmp_path / "upstream-build"
    work.mkdir()
    (upstream / "OpenCore" / "OpenCore.qcow2").unlink()
    rebuild_image(upstream, config, upstream / "OpenCore" / "OpenCore.qcow2", work)
    script = upstream / "OpenCore-Boot.sh"
    script.write_text(script.read_text().replace('CPU_CORES="2"', 'CPU_CORES="4"'))
    commit_all(upstream, "upstream update")
    assert sh("git -C ~/OSX-KVM pull", ok=False).returncode != 0, "pull over local changes must fail"

    for line in section_commands("Updating OSX-KVM"):
        sh(line)

    head = subprocess.run(["git", "-C", home / "OSX-KVM", "rev-parse", "HEAD"], capture_output=True, text=True)
    upstream_head = subprocess.run(["git", "-C", upstream, "rev-parse", "HEAD"], capture_output=True, text=True)
    assert head.stdout == upstream_head.stdout
    osx_kvm_config = load(home / "OSX-KVM" / "OpenCore" / "config.plist")
    assert osx_kvm_config.get("#upstream") == "new" and len(our_entries(osx_kvm_config)) == 1
    assert (home / "OSX-KVM" / "OpenCore" / "EFI" / "OC" / "Kexts" / "virtio-gpu.kext").is_dir()
    assert 'CPU_CORES="4"' in (home / "OSX-KVM" / "OpenCore-Boot.sh").read_text()
    assert "GPU_DISPLAY_ARGS" in (home / "OSX-KVM" / "OpenCore-Boot.sh").read_text()
