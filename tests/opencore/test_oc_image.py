"""make opencore / uninstall-opencore on a fake OSX-KVM checkout whose OpenCore.qcow2 the test builds the
way OSX-KVM does (osxkvm_tree.py), read back with sfdisk and mtools.
"""
import filecmp
import os
import plistlib
import shutil
import stat

import pytest

from conftest import REPO, assert_valid_entry, load, our_entries, run, synthetic_config_tree, \
    without_our_entries, write_plist
from osxkvm_tree import BASIC_DATA_TYPE, ESP_FILES, OsxKvm, missing_enabled_kexts, pristine_checkout


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
    before = osx_kvm.reader().config()
    result = make("opencore", osx_kvm, oc_kext)
    assert result.returncode == 0, result.stderr
    reader = osx_kvm.reader()
    info = reader.read("EFI/OC/Kexts/virtio-gpu.kext/Contents/Info.plist")
    assert b"com.osx-kvm.driver.virtio-gpu" in info
    assert_same_tree(osx_kvm.kext, reader.extract_dir("EFI/OC/Kexts/virtio-gpu.kext", reader.workdir / "out"))
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
    assert osx_kvm.reader().read_binary("EFI/OC/Kexts/virtio-gpu.kext/Contents/MacOS/virtio-gpu") == \
        b"newer build"


def test_uninstall_opencore_restores_an_equivalent_image(osx_kvm, oc_kext):
    before = osx_kvm.reader().config()
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    result = make("uninstall-opencore", osx_kvm, oc_kext)
    assert result.returncode == 0, result.stderr
    reader = osx_kvm.reader()
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
    assert osx_kvm.reader().read_binary("EFI/OC/config.plist") == user_config.read_bytes()


def test_dry_run_leaves_the_image_alone(osx_kvm, oc_kext):
    result = run([REPO / "tools/opencore/oc-image", "install", "--dry-run", "--image", osx_kvm.image,
                  "--oc-kext", oc_kext, "--kext", osx_kvm.kext])
    assert result.returncode == 0, result.stderr
    assert "virtio-gpu.kext" in result.stdout
    assert osx_kvm.image.read_bytes() == osx_kvm.original
    assert not osx_kvm.backup.exists() and osx_kvm.leftovers() == []


def test_esp_is_found_without_the_esp_type_guid(tmp_path, oc_kext):
    source = pristine_checkout(tmp_path / "basic" / "OSX-KVM", plistlib.dumps(synthetic_config_tree()),
                               esp_type=BASIC_DATA_TYPE)
    osx_kvm = OsxKvm(tmp_path / "OSX-KVM", source)
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    assert len(our_entries(osx_kvm.reader().config())) == 1


def test_malformed_config_in_image_leaves_image_byte_identical(tmp_path, oc_kext):
    source = pristine_checkout(tmp_path / "bad" / "OSX-KVM", plistlib.dumps(synthetic_config_tree())[:-30])
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


# ---- the image is regenerated from OSX-KVM's folder: kext and entry must survive together ----

def assert_rebuild_has_kext_and_entry(osx_kvm, cfg=None):
    rebuilt = osx_kvm.rebuild(cfg)
    assert len(our_entries(rebuilt.config())) == 1
    assert missing_enabled_kexts(rebuilt) == [], "OpenCore would halt on a missing kext"
    assert_same_tree(osx_kvm.kext, rebuilt.extract_dir("EFI/OC/Kexts/virtio-gpu.kext", rebuilt.workdir / "out"))


@pytest.mark.parametrize("with_config", [False, True], ids=["default", "OPENCORE_CONFIG"])
def test_regenerated_image_keeps_kext_and_entry_together(osx_kvm, oc_kext, with_config):
    extra = [f"OPENCORE_CONFIG={osx_kvm.config}"] if with_config else []
    result = make("opencore", osx_kvm, oc_kext, *extra)
    assert result.returncode == 0, result.stderr
    assert missing_enabled_kexts(osx_kvm.reader()) == []
    assert_rebuild_has_kext_and_entry(osx_kvm)
    assert osx_kvm.leftovers() == []


def test_after_uninstall_a_regenerated_image_has_neither_and_the_config_is_byte_identical(osx_kvm, oc_kext):
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    result = make("uninstall-opencore", osx_kvm, oc_kext)
    assert result.returncode == 0, result.stderr
    assert osx_kvm.config.read_bytes() == osx_kvm.original_config
    assert not (osx_kvm.efi / "OC" / "Kexts" / "virtio-gpu.kext").exists()
    rebuilt = osx_kvm.rebuild()
    assert our_entries(rebuilt.config()) == [] and not rebuilt.exists("EFI/OC/Kexts/virtio-gpu.kext")
    assert missing_enabled_kexts(rebuilt) == []


def test_backup_is_the_image_before_install_even_after_update_and_uninstall(osx_kvm, oc_kext):
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    (osx_kvm.kext / "Contents" / "MacOS" / "virtio-gpu").write_bytes(b"newer build")
    assert make("opencore", osx_kvm, oc_kext).returncode == 0
    assert make("uninstall-opencore", osx_kvm, oc_kext).returncode == 0
    assert osx_kvm.backup.read_bytes() == osx_kvm.original


def test_config_elsewhere_without_an_efi_folder_is_refused(tmp_path, osx_kvm, oc_kext):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cfg = write_plist(elsewhere / "config.plist", synthetic_config_tree())
    shutil.rmtree(osx_kvm.efi)
    before = cfg.read_bytes()
    result = make("opencore", osx_kvm, oc_kext, f"OPENCORE_CONFIG={cfg}")
    assert result.returncode != 0 and "OPENCORE_EFI" in result.stderr
    assert cfg.read_bytes() == before and osx_kvm.image.read_bytes() == osx_kvm.original


def test_named_efi_folder_gets_the_kext(tmp_path, osx_kvm, oc_kext):
    moved = tmp_path / "my-efi"
    shutil.move(osx_kvm.efi, moved)
    result = make("opencore", osx_kvm, oc_kext, f"OPENCORE_CONFIG={osx_kvm.config}", f"OPENCORE_EFI={moved}")
    assert result.returncode == 0, result.stderr
    assert_same_tree(osx_kvm.kext, moved / "OC" / "Kexts" / "virtio-gpu.kext")
    assert len(our_entries(load(osx_kvm.config))) == 1


def test_dry_run_leaves_the_folder_alone(osx_kvm, oc_kext):
    result = run([REPO / "tools/opencore/oc-image", "install", "--dry-run", "--image", osx_kvm.image,
                  "--oc-kext", oc_kext, "--kext", osx_kvm.kext])
    assert result.returncode == 0, result.stderr
    assert "would copy" in result.stdout and "would update" in result.stdout
    assert osx_kvm.config.read_bytes() == osx_kvm.original_config
    assert not (osx_kvm.efi / "OC" / "Kexts" / "virtio-gpu.kext").exists() and osx_kvm.leftovers() == []


def test_tilde_paths_are_expanded(osx_kvm, oc_kext):
    home = osx_kvm.root.parent
    result = run(["make", "-C", REPO, "--no-print-directory", "opencore", "OSX_KVM=~/OSX-KVM",
                  "KEXT=~/kext-build/virtio-gpu.kext", f"OC_KEXT={oc_kext}"], env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert len(our_entries(osx_kvm.reader().config())) == 1


def test_usage_names_every_action():
    result = run([REPO / "tools/opencore/oc-image"])
    assert result.returncode == 2
    for action in ("install", "uninstall", "boot-arg add|remove", "--version"):
        assert f"oc-image {action}" in result.stderr, action
