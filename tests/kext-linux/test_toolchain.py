"""kext-toolchain: what it takes, and what it says when something is missing (no network used)."""
from pathlib import Path

import pytest

from conftest import REPO, TOOLS, run
from kextcheck import releases
from tests.skip_policy import missing

MIRROR = REPO.parent / ".mirror"
SDK_MIRROR = MIRROR / "acidanthera+MacKernelSDK" / "repo"


def toolchain(what, tmp_path, **env):
    """kext-toolchain with an empty cache and no workplace copies, plus env."""
    base = {"KEXT_CACHE": str(tmp_path / "cache"), "KEXT_MIRROR": str(tmp_path / "no-mirror"),
            "MACKERNELSDK": "", "LD64": "", "CCTOOLS_PORT": "", "XNU": ""}
    return run([TOOLS / "kext-toolchain", *what.split()], env=dict(base, **env))


@pytest.mark.parametrize("what,names", [
    ("sdk", ["MACKERNELSDK=", "05094e5e88cec7caedbfb35e8449ed0db94bf95b", "make kext-fetch"]),
    ("ld64", ["LD64=", "CCTOOLS_PORT=", "164f42296d56fd9456cb9e969ad6cf95e430cb39", "make kext-fetch"]),
    ("releases", ["XNU=", "xnu-6153.11.26", "a5e7219620fa69943647714baaf632196f37249e", "macOS 10.15",
                  "IOGRAPHICS=", "IOPCIFAMILY=", "make kext-fetch"]),
])
def test_missing_input_says_what_to_provide(tmp_path, what, names):
    result = toolchain(what, tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    for name in names:
        assert name in result.stderr


def test_make_kext_stops_with_the_instructions(tmp_path):
    result = run(["make", "--no-print-directory", "kext", f"BUILD={tmp_path / 'build'}",
                  f"KEXT_CACHE={tmp_path / 'cache'}"], env={"KEXT_MIRROR": str(tmp_path / "none")})
    assert result.returncode != 0
    assert "no MacKernelSDK found" in result.stderr and "MACKERNELSDK=" in result.stderr
    assert not (tmp_path / "build" / "virtio-gpu.kext").exists()


def test_a_checkout_is_used_as_it_is(tmp_path):
    sdk = tmp_path / "MacKernelSDK"
    (sdk / "Headers").mkdir(parents=True)
    (sdk / "Library").mkdir()
    result = toolchain("sdk", tmp_path, MACKERNELSDK=str(sdk))
    assert result.returncode == 0 and result.stdout.strip() == str(sdk)


def test_something_else_is_not_taken_for_ld64(tmp_path):
    result = toolchain("ld64", tmp_path, LD64="/bin/true")
    assert result.returncode == 2 and "not an ld64 linker" in result.stderr


def test_a_copy_without_the_pinned_commit_is_refused(tmp_path):
    empty = tmp_path / "empty.git"
    assert run(["git", "init", "-q", "--bare", empty]).returncode == 0
    result = toolchain("sdk", tmp_path, MACKERNELSDK=str(empty))
    assert result.returncode == 2
    assert f"{empty} lacks commit 05094e5e88cec7caedbfb35e8449ed0db94bf95b" in result.stderr


def test_fetch_then_extract_the_pinned_sdk(tmp_path):
    """kext-fetch's path, with the workplace's copy standing in for the network."""
    if not SDK_MIRROR.is_dir():
        missing(f"no git copy of MacKernelSDK at {SDK_MIRROR}", external=True)
    fetched = toolchain("fetch sdk", tmp_path, KEXT_SDK_URL=f"file://{SDK_MIRROR}")
    assert fetched.returncode == 0, fetched.stderr
    result = toolchain("sdk", tmp_path)
    assert result.returncode == 0, result.stderr
    sdk = Path(result.stdout.strip())
    assert sdk == tmp_path / "cache" / "MacKernelSDK-05094e5e88cec7caedbfb35e8449ed0db94bf95b"
    assert (sdk / "Headers" / "IOKit" / "IOService.h").is_file()
    assert (sdk / "Library" / "x86_64" / "libkmod.a").is_file()


def test_release_table_matches_the_sources(toolchain):
    """Each release's kernel version (pins.env) is the one its xnu says where xnu still records it
    (config/MasterVersion, gone from xnu-10002 on); each major from 10.15 to 15 has its first release."""
    table = releases.read(toolchain["releases"])
    recorded = 0
    for release in table:
        master = Path(release.xnu_dir) / "config" / "MasterVersion"
        if master.is_file():
            lines = [line.strip() for line in master.read_text().splitlines()]
            assert [line for line in lines if line and not line.startswith("#")][0] == release.kernel_version
            recorded += 1
    assert recorded >= 8
    firsts = {"10.15": "xnu-6153.11.26", "11.0.1": "xnu-7195.50.7.100.1", "12.0.1": "xnu-8019.41.5",
              "13.0": "xnu-8792.41.9", "14.0": "xnu-10002.1.13", "15.0": "xnu-11215.1.10"}
    assert firsts.items() <= {r.label: r.xnu_tag for r in table}.items()
