"""Dependencies on hosts without apt (Arch, Fedora, NixOS): the build checks for the commands it runs and,
with no apt to install from, names the packages instead of failing on apt-get; `make deps` leaves the
test stack out. "No apt" is a PATH that holds every command of this machine except apt-get, dpkg*."""
import os
from pathlib import Path

import pytest

from conftest import REPO, run

ENSURE_TOOLS = REPO / "scripts" / "ensure-tools.sh"
ENSURE_DEB = REPO / "scripts" / "ensure-deb.sh"
APT_COMMANDS = {"apt-get", "apt", "dpkg", "dpkg-query", "apt-cache"}


def path_without(tmp_path, hidden):
    """A bin folder of links to every command on PATH except the hidden ones."""
    bindir = tmp_path / "bin-no-apt"
    bindir.mkdir()
    for folder in os.environ["PATH"].split(":") + ["/usr/sbin", "/sbin"]:
        if not Path(folder).is_dir():
            continue
        for entry in Path(folder).iterdir():
            link = bindir / entry.name
            if entry.name not in hidden and not link.exists() and os.access(entry, os.X_OK):
                link.symlink_to(entry)
    return str(bindir)


@pytest.fixture(scope="module")
def no_apt_path(tmp_path_factory):
    return path_without(tmp_path_factory.mktemp("noapt"), APT_COMMANDS)


def test_every_tool_present_without_apt_is_fine(no_apt_path):
    result = run([ENSURE_TOOLS, "sh:dash", "make:make", "git:git"], env={"PATH": no_apt_path})
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_a_missing_tool_without_apt_is_named_with_its_package(no_apt_path):
    result = run([ENSURE_TOOLS, "make:make", "no-such-compiler-xyz:clang", "no-such-objdump-xyz:llvm"],
                 env={"PATH": no_apt_path})
    assert result.returncode == 2
    assert "no-such-compiler-xyz" in result.stderr and "clang" in result.stderr and "llvm" in result.stderr
    assert "apt-get" not in result.stderr


def test_ensure_deb_without_apt_lists_the_packages_and_goes_on(no_apt_path):
    result = run([ENSURE_DEB, "libplist-dev", "mtools"], env={"PATH": no_apt_path})
    assert result.returncode == 0
    assert "libplist-dev" in result.stderr and "mtools" in result.stderr


def test_make_kext_dependency_step_runs_without_apt(no_apt_path):
    """make kext's first step, on a host with every tool but no apt (the step used to call apt-get)."""
    result = run(["make", "-C", REPO, "--no-print-directory", "-n", "kext"], env={"PATH": no_apt_path})
    assert result.returncode == 0, result.stderr
    step = next(line for line in result.stdout.splitlines() if "ensure" in line)
    assert "ensure-tools.sh" in step
    check = run(["bash", "-c", f"cd {REPO} && {step.lstrip('@')}"], env={"PATH": no_apt_path})
    tools_here = all(run(["bash", "-c", f"command -v {t}"]).returncode == 0
                     for t in ("clang", "clang++", "llvm-objdump", "git", "python3"))
    assert (check.returncode == 0) == tools_here, check.stderr


def test_make_deps_leaves_the_test_stack_out():
    deps = run(["make", "-C", REPO, "--no-print-directory", "-n", "deps"]).stdout.split()
    deps_test = run(["make", "-C", REPO, "--no-print-directory", "-n", "deps-test"]).stdout.split()
    for build_pkg in ("libplist-dev", "mtools", "qemu-utils", "clang"):
        assert build_pkg in deps
    for test_pkg in ("python3-pytest", "python3-pil", "libcmocka-dev"):
        assert test_pkg not in deps and test_pkg in deps_test
