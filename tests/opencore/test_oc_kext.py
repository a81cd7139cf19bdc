"""oc-kext on OpenCore config.plist files: real ones (OSX-KVM's, OpenCore's samples) and synthetic ones."""
import os
import plistlib
import stat

import pytest

from conftest import (REAL_CONFIGS, assert_valid_entry, copy_writable, load, our_entries, real_config, run,
                      synthetic_config_tree, without_our_entries, write_plist)


@pytest.fixture(params=["synthetic", *REAL_CONFIGS])
def config(request, tmp_path):
    """A writable config.plist in a fresh directory, plus the pristine bytes it started with."""
    if request.param == "synthetic":
        path = write_plist(tmp_path / "config.plist", synthetic_config_tree())
    else:
        path = copy_writable(real_config(request.param), tmp_path / "config.plist")
    return path


def oc(oc_kext, *args):
    return run([oc_kext, *args])


def test_install_adds_one_correct_entry_and_keeps_everything_else(oc_kext, config):
    before = load(config)
    result = oc(oc_kext, "install", config)
    assert result.returncode == 0, result.stderr
    after = load(config)
    entries = our_entries(after)
    assert len(entries) == 1
    assert_valid_entry(entries[0])
    assert without_our_entries(after) == before
    assert after["Kernel"]["Add"][-1] == entries[0], "new entry goes after the user's kexts"


def test_install_keeps_key_order_and_format(oc_kext, config):
    original = config.read_bytes()
    oc(oc_kext, "install", config)
    after = config.read_bytes()
    assert after.startswith(b"<?xml"), "XML input must stay XML"
    assert list(plistlib.loads(after, dict_type=dict)) == list(plistlib.loads(original, dict_type=dict))
    assert list(load(config)["Kernel"]) == list(plistlib.loads(original)["Kernel"])


def test_install_twice_changes_no_byte_and_keeps_backup(oc_kext, config):
    original = config.read_bytes()
    assert oc(oc_kext, "install", config).returncode == 0
    backup = config.with_name("config.plist.bak")
    assert backup.read_bytes() == original
    installed = config.read_bytes()
    second = oc(oc_kext, "install", config)
    assert second.returncode == 0, second.stderr
    assert config.read_bytes() == installed
    assert backup.read_bytes() == original, "a no-op run must not overwrite the backup"


def test_uninstall_restores_the_original_tree(oc_kext, config):
    before = load(config)
    assert oc(oc_kext, "install", config).returncode == 0
    result = oc(oc_kext, "uninstall", config)
    assert result.returncode == 0, result.stderr
    assert load(config) == before


def test_dry_run_writes_nothing_but_says_what_would_change(oc_kext, config):
    original = config.read_bytes()
    result = oc(oc_kext, "--dry-run", "install", config)
    assert result.returncode == 0, result.stderr
    assert "virtio-gpu.kext" in result.stdout
    assert config.read_bytes() == original
    assert sorted(os.listdir(config.parent)) == ["config.plist"]


@pytest.mark.parametrize("style", ["dict", "string"])
def test_wrong_uefi_driver_entry_is_removed(oc_kext, tmp_path, style):
    tree = synthetic_config_tree()
    drivers = tree["UEFI"]["Drivers"]
    wrong = ({"Path": "virtio-gpu.kext", "Enabled": True, "Arguments": "", "Comment": "", "LoadEarly": False}
             if style == "dict" else "virtio-gpu.kext")
    if style == "string":
        drivers[:] = [d["Path"] for d in drivers]  # old configs: plain path strings
    kept = list(drivers)
    drivers.insert(1, wrong)
    config = write_plist(tmp_path / "config.plist", tree)
    result = oc(oc_kext, "install", config)
    assert result.returncode == 0, result.stderr
    assert "UEFI" in result.stdout and "Drivers" in result.stdout
    after = load(config)
    assert after["UEFI"]["Drivers"] == kept
    assert len(our_entries(after)) == 1


def test_virtio_gpu_efi_driver_is_not_mistaken_for_the_kext(oc_kext, tmp_path):
    tree = synthetic_config_tree()
    tree["UEFI"]["Drivers"].append({"Path": "VirtioGpuDxe.efi", "Enabled": True, "Arguments": "", "Comment": "",
                                    "LoadEarly": False})
    config = write_plist(tmp_path / "config.plist", tree)
    assert oc(oc_kext, "install", config).returncode == 0
    assert load(config)["UEFI"]["Drivers"] == tree["UEFI"]["Drivers"]


def test_stale_and_duplicate_entries_become_one_correct_entry_in_place(oc_kext, tmp_path):
    tree = synthetic_config_tree()
    stale = {"Arch": "Any", "BundlePath": "virtio-gpu.kext", "Comment": "old", "Enabled": False,
             "ExecutablePath": "Contents/MacOS/virtio-gpu", "MaxKernel": "", "MinKernel": "20.0.0",
             "PlistPath": "Contents/Info.plist"}
    tree["Kernel"]["Add"].insert(0, stale)
    tree["Kernel"]["Add"].append(dict(stale))
    config = write_plist(tmp_path / "config.plist", tree)
    assert oc(oc_kext, "install", config).returncode == 0
    add = load(config)["Kernel"]["Add"]
    assert len(add) == 2
    assert_valid_entry(add[0])
    assert add[1]["BundlePath"] == "Lilu.kext"


def test_missing_kernel_add_is_created(oc_kext, tmp_path):
    tree = synthetic_config_tree()
    del tree["Kernel"]["Add"]
    config = write_plist(tmp_path / "config.plist", tree)
    assert oc(oc_kext, "install", config).returncode == 0
    after = load(config)
    assert len(after["Kernel"]["Add"]) == 1
    assert_valid_entry(after["Kernel"]["Add"][0])


def test_binary_plist_stays_binary(oc_kext, tmp_path):
    config = write_plist(tmp_path / "config.plist", synthetic_config_tree(), fmt=plistlib.FMT_BINARY)
    before = load(config)
    assert oc(oc_kext, "install", config).returncode == 0
    assert config.read_bytes().startswith(b"bplist00")
    assert without_our_entries(load(config)) == before


def test_uninstall_of_a_config_without_our_entry_changes_nothing(oc_kext, synthetic_config):
    original = synthetic_config.read_bytes()
    assert oc(oc_kext, "uninstall", synthetic_config).returncode == 0
    assert synthetic_config.read_bytes() == original


def without(tree, *path):
    *parents, last = path
    node = tree
    for key in parents:
        node = node[key]
    del node[last]
    return tree


BAD_INPUTS = {
    "malformed-xml": lambda: plistlib.dumps(synthetic_config_tree())[:-40],
    "not-xml-at-all": lambda: b"this is not a property list\n",
    "empty-file": lambda: b"",
    "missing-kernel": lambda: plistlib.dumps(without(synthetic_config_tree(), "Kernel")),
    "kernel-not-dict": lambda: plistlib.dumps({**synthetic_config_tree(), "Kernel": ["Add"]}),
    "kernel-add-not-array": lambda: plistlib.dumps(
        {**synthetic_config_tree(), "Kernel": {"Add": {"BundlePath": "Lilu.kext"}}}),
    "root-is-array": lambda: plistlib.dumps([synthetic_config_tree()]),
}


@pytest.mark.parametrize("action", ["install", "uninstall"])
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_and_left_byte_identical(oc_kext, tmp_path, case, action):
    config = tmp_path / "config.plist"
    config.write_bytes(BAD_INPUTS[case]())
    original = config.read_bytes()
    result = oc(oc_kext, action, config)
    assert result.returncode != 0
    assert "error" in result.stderr and str(config) in result.stderr
    assert config.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["config.plist"], "no backup or temp file may be left behind"


def test_bad_input_message_names_the_problem(oc_kext, tmp_path):
    config = tmp_path / "config.plist"
    config.write_bytes(BAD_INPUTS["kernel-add-not-array"]())
    assert "not an array" in oc(oc_kext, "install", config).stderr
    config.write_bytes(BAD_INPUTS["missing-kernel"]())
    assert "Kernel" in oc(oc_kext, "install", config).stderr


@pytest.mark.parametrize("read_only", ["file", "directory"])
def test_read_only_target_is_refused_and_left_byte_identical(oc_kext, tmp_path, read_only):
    folder = tmp_path / "oc"
    folder.mkdir()
    config = write_plist(folder / "config.plist", synthetic_config_tree())
    original = config.read_bytes()
    target = config if read_only == "file" else folder
    mode = stat.S_IMODE(target.stat().st_mode)
    target.chmod(mode & ~0o222)
    try:
        result = oc(oc_kext, "install", config)
    finally:
        target.chmod(mode)
    assert result.returncode != 0
    assert "not writable" in result.stderr or "read-only" in result.stderr
    assert config.read_bytes() == original
    assert sorted(os.listdir(folder)) == ["config.plist"]


def test_missing_file_and_bad_usage(oc_kext, tmp_path):
    missing = oc(oc_kext, "install", tmp_path / "nope.plist")
    assert missing.returncode != 0 and "nope.plist" in missing.stderr
    assert oc(oc_kext).returncode == 2
    assert oc(oc_kext, "frobnicate", tmp_path / "x.plist").returncode == 2
    assert oc(oc_kext, "install").returncode == 2


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_install_and_uninstall_keep_the_file_mode(oc_kext, tmp_path, mode):
    """The rewrite goes through a temporary file and a rename: its mode bits must be the original's
    (and the backup's too), whatever the umask gives a new file."""
    config = write_plist(tmp_path / "config.plist", synthetic_config_tree())
    config.chmod(mode)
    for action in ("install", "uninstall"):
        result = oc(oc_kext, action, config)
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(config.stat().st_mode) == mode, f"after {action}: {oct(config.stat().st_mode)}"
    backup = config.with_name("config.plist.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == mode, f"backup: {oct(backup.stat().st_mode)}"
