"""Shared fixtures for the OSX-KVM / OpenCore integration tests.

Expected values here come from OpenCore's schema and the project brief, not from the code under
test; plist trees are compared with Python's plistlib, a parser independent of libplist.
"""
import copy
import datetime
import os
import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.skip_policy import missing

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
REAL_CONFIGS = {
    "osx-kvm": SHARED_DATA / "osx-kvm" / "config.plist",
    "opencore-sample": SHARED_DATA / "opencore" / "Sample.plist",
    "opencore-sample-custom": SHARED_DATA / "opencore" / "SampleCustom.plist",
}
SBIN_PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"

# The Kernel→Add entry OpenCore needs for our kext (the eight keys of OpenCore's schema).
EXPECTED_ENTRY_FIXED = {
    "BundlePath": "virtio-gpu.kext",
    "ExecutablePath": "Contents/MacOS/virtio-gpu",
    "PlistPath": "Contents/Info.plist",
    "Enabled": True,
    "MinKernel": "19.0.0",
    "MaxKernel": "",
}
SCHEMA_KEYS = {"Arch", "BundlePath", "Comment", "Enabled", "ExecutablePath", "MaxKernel", "MinKernel", "PlistPath"}


def real_config(name):
    path = REAL_CONFIGS[name]
    if not path.is_file():
        missing(f"{path} is missing (../shared test data is not in a fresh clone); real-config test skipped")
    return path


def synthetic_config_tree():
    """A small OpenCore-shaped config with every plist value type and a kext of someone else's."""
    return {
        "ACPI": {"Add": [], "Delete": [], "Patch": [{"Base": "", "Count": 0, "Find": b"\x11\x22\x33\x44",
                                                     "Replace": b"", "Limit": -1, "Enabled": False}]},
        "Kernel": {
            "Add": [{"Arch": "Any", "BundlePath": "Lilu.kext", "Comment": "Patch engine", "Enabled": True,
                     "ExecutablePath": "Contents/MacOS/Lilu", "MaxKernel": "", "MinKernel": "8.0.0",
                     "PlistPath": "Contents/Info.plist"}],
            "Quirks": {"DisableIoMapper": True, "SetApfsTrimTimeout": -1},
            "Scheme": {"KernelArch": "x86_64"},
        },
        "Misc": {"Boot": {"Timeout": 5, "PickerMode": "External"}, "Stamp": datetime.datetime(2024, 7, 27, 12, 0, 0)},
        "NVRAM": {"Add": {"7C436110-AB2A-4BBB-A880-FE41995C9F82": {"boot-args": "-v keepsyms=1",
                                                                   "csr-active-config": b"\x26\x0f\x00\x00"}}},
        "UEFI": {"Drivers": [{"Path": "OpenRuntime.efi", "Enabled": True, "Arguments": "", "Comment": "",
                              "LoadEarly": False},
                             {"Path": "OpenHfsPlus.efi", "Enabled": True, "Arguments": "", "Comment": "HFS+",
                              "LoadEarly": False}]},
    }


def write_plist(path, tree, fmt=plistlib.FMT_XML):
    path.write_bytes(plistlib.dumps(tree, fmt=fmt, sort_keys=False))
    return path


def load(path):
    return plistlib.loads(Path(path).read_bytes())


def our_entries(tree):
    return [e for e in tree["Kernel"]["Add"] if isinstance(e, dict) and e.get("BundlePath") == "virtio-gpu.kext"]


def without_our_entries(tree):
    stripped = copy.deepcopy(tree)
    stripped["Kernel"]["Add"] = [e for e in stripped["Kernel"]["Add"] if e not in our_entries(tree)]
    return stripped


def assert_valid_entry(entry):
    assert set(entry) == SCHEMA_KEYS
    for key, value in EXPECTED_ENTRY_FIXED.items():
        assert entry[key] == value, key
    assert entry["Arch"] in ("x86_64", "Any")
    assert isinstance(entry["Comment"], str) and entry["Comment"]


def run(cmd, **kw):
    env = {**os.environ, "PATH": SBIN_PATH, **kw.pop("env", {})}
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, **kw)


@pytest.fixture(scope="session")
def oc_kext():
    """The oc-kext binary: $OC_KEXT (make test-opencore passes the ASan/UBSan build) or built here."""
    if os.environ.get("OC_KEXT"):
        return Path(os.environ["OC_KEXT"])
    target = "build/tools/sanitized/oc-kext"
    subprocess.run(["make", "-C", str(REPO), "--no-print-directory", target], check=True, capture_output=True)
    return REPO / target


@pytest.fixture
def synthetic_config(tmp_path):
    return write_plist(tmp_path / "config.plist", synthetic_config_tree())


def copy_writable(src, dst):
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o644)
    return dst


@pytest.fixture(scope="session")
def pristine(tmp_path_factory):
    """A fake OSX-KVM checkout with an image built from it (osxkvm_tree.py), built once."""
    from osxkvm_tree import pristine_checkout  # osxkvm_tree imports this module
    return pristine_checkout(tmp_path_factory.mktemp("pristine") / "OSX-KVM")


@pytest.fixture
def osx_kvm(tmp_path, pristine):
    """A fresh copy of the pristine checkout, plus a stand-in kext build."""
    from osxkvm_tree import OsxKvm
    return OsxKvm(tmp_path / "OSX-KVM", pristine)
