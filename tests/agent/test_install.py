"""agent/macos/install.sh and uninstall.sh, run here against a scratch root (ROOT=...) with a
stand-in `launchctl` on PATH that records its calls: what lands where, with which modes, what is
loaded, and that uninstall leaves the tree exactly as it was before install."""
import os
import pathlib
import plistlib
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "agent" / "macos"
LABEL = "com.osx-kvm.virtio-agent"
BINARY = "usr/local/bin/virtio-guest-agent"
PLIST = f"Library/LaunchAgents/{LABEL}.plist"
OVERRIDE = "Library/Displays/Contents/Resources/Overrides/DisplayVendorID-4914/DisplayProductID-1234"
OVERRIDE_SRC = pathlib.Path(__file__).resolve().parents[2] / "macos/DisplayOverrides" / \
    "DisplayVendorID-4914/DisplayProductID-1234"
UID = "501"

STAND_IN_LAUNCHCTL = """#!/bin/sh
# Records each call; like launchctl, bootout of a job that is not loaded fails.
echo "$*" >> "$LAUNCHCTL_LOG"
case "$1" in
  bootstrap) echo "$2" >> "$LAUNCHCTL_LOADED" ;;
  bootout) grep -q . "$LAUNCHCTL_LOADED" 2>/dev/null || exit 113; : > "$LAUNCHCTL_LOADED" ;;
esac
"""


@pytest.fixture
def env(tmp_path):
    root, tools = tmp_path / "root", tmp_path / "bin"
    root.mkdir()
    tools.mkdir()
    launchctl = tools / "launchctl"
    launchctl.write_text(STAND_IN_LAUNCHCTL)
    launchctl.chmod(0o755)
    binary = tmp_path / "virtio-guest-agent"
    binary.write_bytes(b"\xcf\xfa\xed\xfe stand-in agent binary")
    return {
        "root": root, "binary": binary, "log": tmp_path / "launchctl.log",
        "vars": {**os.environ, "ROOT": str(root), "AGENT_UID": UID, "PATH": f"{tools}:{os.environ['PATH']}",
                 "LAUNCHCTL_LOG": str(tmp_path / "launchctl.log"),
                 "LAUNCHCTL_LOADED": str(tmp_path / "loaded")},
    }


def run(env, script, *args, check=True):
    result = subprocess.run(["sh", str(SCRIPTS / script), *args], env=env["vars"], capture_output=True, text=True)
    if check:
        assert result.returncode == 0, f"{script} failed: {result.stdout}{result.stderr}"
    return result


def snapshot(root):
    """Every path under root with its type, mode and contents."""
    tree = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        tree[str(path.relative_to(root))] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode),
                                             path.read_bytes() if path.is_file() else None)
    return tree


def launchctl_calls(env):
    return env["log"].read_text().splitlines() if env["log"].exists() else []


def macos_like(root):
    """The directories a Mac already has (empty here)."""
    for folder in ("usr/local/bin", "Library/LaunchAgents", "Library/Application Support"):
        (root / folder).mkdir(parents=True)


def assert_installed(env):
    root = env["root"]
    binary, plist = root / BINARY, root / PLIST
    assert binary.read_bytes() == env["binary"].read_bytes()
    assert stat.S_IMODE(binary.stat().st_mode) == 0o755
    assert stat.S_IMODE(plist.stat().st_mode) == 0o644
    override = root / OVERRIDE
    assert override.read_bytes() == OVERRIDE_SRC.read_bytes(), "the HiDPI display override goes with it"
    assert stat.S_IMODE(override.stat().st_mode) == 0o644
    job = plistlib.loads(plist.read_bytes())
    assert job["Label"] == LABEL and plist.name == f"{LABEL}.plist"
    assert job["ProgramArguments"][0] == "/" + BINARY, "the LaunchAgent must start the installed binary"
    assert job["LimitLoadToSessionType"] == "Aqua" and job["RunAtLoad"] and job["KeepAlive"]


@pytest.mark.parametrize("prepare", [macos_like, lambda root: None], ids=["mac-dirs-exist", "empty-root"])
def test_install_then_uninstall_leaves_the_tree_as_it_was(env, prepare):
    prepare(env["root"])
    before = snapshot(env["root"])
    run(env, "install.sh", str(env["binary"]))
    assert_installed(env)
    assert launchctl_calls(env) == [f"bootout gui/{UID}/{LABEL}", f"bootstrap gui/{UID} {env['root'] / PLIST}"]
    run(env, "uninstall.sh")
    assert launchctl_calls(env)[-1] == f"bootout gui/{UID}/{LABEL}"
    assert snapshot(env["root"]) == before


def test_second_install_upgrades_in_place(env):
    macos_like(env["root"])
    before = snapshot(env["root"])
    run(env, "install.sh", str(env["binary"]))
    env["binary"].write_bytes(b"newer agent")
    run(env, "install.sh", str(env["binary"]))
    assert_installed(env)
    # The running copy is stopped before the new one is loaded.
    assert launchctl_calls(env)[-2:] == [f"bootout gui/{UID}/{LABEL}", f"bootstrap gui/{UID} {env['root'] / PLIST}"]
    run(env, "uninstall.sh")
    assert snapshot(env["root"]) == before


def test_nobody_logged_in_installs_without_loading(env):
    env["vars"]["AGENT_UID"] = "0"
    run(env, "install.sh", str(env["binary"]))
    assert_installed(env)
    assert launchctl_calls(env) == []


def test_missing_binary_installs_nothing(env):
    macos_like(env["root"])
    before = snapshot(env["root"])
    result = run(env, "install.sh", str(env["binary"]) + ".absent", check=False)
    assert result.returncode != 0 and "no agent binary" in result.stderr
    assert snapshot(env["root"]) == before and launchctl_calls(env) == []


def test_a_file_that_is_not_ours_is_never_overwritten(env):
    macos_like(env["root"])
    (env["root"] / BINARY).write_bytes(b"someone else's tool")
    before = snapshot(env["root"])
    result = run(env, "install.sh", str(env["binary"]), check=False)
    assert result.returncode != 0 and "not installed by this script" in result.stderr
    assert snapshot(env["root"]) == before


def test_uninstall_without_install_changes_nothing(env):
    macos_like(env["root"])
    before = snapshot(env["root"])
    run(env, "uninstall.sh")
    assert snapshot(env["root"]) == before and launchctl_calls(env) == []


def test_uninstall_keeps_a_created_directory_that_is_no_longer_empty(env):
    run(env, "install.sh", str(env["binary"]))
    (env["root"] / "usr/local/bin/other-tool").write_bytes(b"installed later by someone else")
    result = run(env, "uninstall.sh")
    assert "kept" in result.stdout
    assert sorted(str(p.relative_to(env["root"])) for p in env["root"].rglob("*")) == \
        ["usr", "usr/local", "usr/local/bin", "usr/local/bin/other-tool"]


def test_the_release_archive_layout_installs_the_display_override(env, tmp_path):
    """make dist puts agent/ and DisplayOverrides/ side by side (tools/dist/README.md): the
    installer finds the override there as well as in the source tree."""
    unpacked = tmp_path / "virtio-gpu-macos"
    shutil.copytree(SCRIPTS, unpacked / "agent" / "macos")
    shutil.copytree(OVERRIDE_SRC.parents[1], unpacked / "DisplayOverrides")
    result = subprocess.run(["sh", str(unpacked / "agent/macos/install.sh"), str(env["binary"])],
                            env=env["vars"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (env["root"] / OVERRIDE).read_bytes() == OVERRIDE_SRC.read_bytes()
