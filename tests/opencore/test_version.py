"""One version: the VERSION file. The kext's Info.plist and kmod_info (as mk/macos.mk generates them),
the tools' --version, and the release archive's name all carry it."""
import plistlib
import re
import subprocess

import pytest

from conftest import REPO, run

VERSION = (REPO / "VERSION").read_text().strip()


def test_version_is_a_kext_version():
    # CFBundleVersion of a kext: up to three dot-separated numbers (xnu's OSKext version parser).
    assert re.fullmatch(r"\d{1,4}\.\d{1,2}\.\d{1,2}", VERSION), VERSION


def test_generated_kext_files_carry_it(tmp_path):
    build = tmp_path / "build"
    result = run(["make", "-C", REPO, "--no-print-directory", f"BUILD={build}",
                  f"{build}/macos/Info.plist", f"{build}/macos/kmod_info.c"])
    assert result.returncode == 0, result.stderr
    info = plistlib.loads((build / "macos" / "Info.plist").read_bytes())
    assert info["CFBundleVersion"] == VERSION
    assert info.get("CFBundleShortVersionString", VERSION) == VERSION
    assert re.search(r'\.version\s*=\s*"([^"]*)"', (build / "macos" / "kmod_info.c").read_text()).group(1) == VERSION


@pytest.mark.parametrize("tool", ["tools/opencore/oc-image", "tools/launch/virtio-gpu-launch-opts", "oc-kext"])
def test_tools_print_it(tool, oc_kext):
    path = oc_kext if tool == "oc-kext" else REPO / tool
    result = run([path, "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == VERSION


def test_make_prints_the_archive_name():
    result = subprocess.run(["make", "-C", REPO, "--no-print-directory", "-s", "dist-name"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"virtio-gpu-macos-{VERSION}"
