"""oc-kext boot-arg add|remove: one word in NVRAM→Add→<Apple GUID>→boot-args, the others untouched
(compared with plistlib), byte-for-byte undo, and the NVRAM→Delete note."""
import plistlib

import pytest

from conftest import REAL_CONFIGS, copy_writable, load, real_config, run, synthetic_config_tree, write_plist

GUID = "7C436110-AB2A-4BBB-A880-FE41995C9F82"


def args_of(path):
    return load(path)["NVRAM"]["Add"][GUID]["boot-args"]


@pytest.fixture(params=["synthetic", *REAL_CONFIGS])
def config(request, tmp_path):
    if request.param == "synthetic":
        return write_plist(tmp_path / "config.plist", synthetic_config_tree())
    return copy_writable(real_config(request.param), tmp_path / "config.plist")


def test_add_appends_once_and_remove_gives_back_the_bytes(oc_kext, config):
    original, before = config.read_bytes(), args_of(config)
    assert run([oc_kext, "boot-arg", "add", "-vgpuoff", config]).returncode == 0
    assert args_of(config) == (before + " -vgpuoff").strip()
    assert run([oc_kext, "boot-arg", "add", "-vgpuoff", config]).returncode == 0
    assert args_of(config).split().count("-vgpuoff") == 1
    rest = load(config)
    rest["NVRAM"]["Add"][GUID]["boot-args"] = before
    assert rest == plistlib.loads(original), "nothing but boot-args may change"
    assert run([oc_kext, "boot-arg", "remove", "-vgpuoff", config]).returncode == 0
    assert config.read_bytes() == original


@pytest.mark.parametrize("args,expected", [("-vgpuoff -v", "-v"), ("-v -vgpuoff keepsyms=1", "-v keepsyms=1"),
                                           ("-vgpuoffx -vgpuoff", "-vgpuoffx"), ("-vgpuoff", "")])
def test_remove_cuts_only_the_whole_word(oc_kext, tmp_path, args, expected):
    tree = synthetic_config_tree()
    tree["NVRAM"]["Add"][GUID]["boot-args"] = args
    config = write_plist(tmp_path / "config.plist", tree)
    assert run([oc_kext, "boot-arg", "remove", "-vgpuoff", config]).returncode == 0
    assert args_of(config) == expected


def test_missing_nvram_is_created_and_the_delete_note_is_printed(oc_kext, tmp_path):
    tree = synthetic_config_tree()
    del tree["NVRAM"]
    config = write_plist(tmp_path / "config.plist", tree)
    result = run([oc_kext, "boot-arg", "add", "-vgpudbg", config])
    assert result.returncode == 0, result.stderr
    assert args_of(config) == "-vgpudbg"
    assert "NVRAM→Delete" in result.stdout


@pytest.mark.parametrize("bad", ["a b", "", "-x\"y"])
def test_a_word_with_spaces_or_quotes_is_refused(oc_kext, config, bad):
    original = config.read_bytes()
    assert run([oc_kext, "boot-arg", "add", bad, config]).returncode == 2
    assert config.read_bytes() == original


def test_uninstall_after_install_gives_back_the_bytes_even_after_other_edits(oc_kext, config):
    original = config.read_bytes()
    assert run([oc_kext, "install", config]).returncode == 0
    assert run([oc_kext, "boot-arg", "add", "-vgpuoff", config]).returncode == 0
    assert run([oc_kext, "boot-arg", "remove", "-vgpuoff", config]).returncode == 0
    assert run([oc_kext, "uninstall", config]).returncode == 0
    assert config.read_bytes() == original
    assert not config.with_name("config.plist.before-virtio-gpu").exists()
