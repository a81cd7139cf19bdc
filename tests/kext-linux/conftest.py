"""Shared helpers for the Linux kext build tests: the toolchain (skip when absent) and probe builds."""
import os
import subprocess
from pathlib import Path

import pytest

from tests.skip_policy import missing

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools" / "kext-build"
FIXTURE_REL = "tests/kext-linux/fixture"  # make runs in the repository root

PROBE_ID = "org.virtio-gpu-macos.probe"
PROBE_VERSION = "1.2.3d4"
PROBE_LIBRARIES = {"com.apple.iokit.IOPCIFamily": "2.9", "com.apple.kpi.iokit": "19.0",
                   "com.apple.kpi.libkern": "19.0"}
# mk/macos.mk's KEXT_CFLAGS/KEXT_CXXFLAGS apply unchanged; only the preprocessor flags are the probe's.
PROBE_CPPFLAGS = "-DKERNEL -DAPPLE -DNeXT"


def run(cmd, env=None, **kw):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([str(c) for c in cmd], cwd=REPO, env=full_env, capture_output=True,
                          text=True, **kw)


def toolchain_path(what, env=None):
    """Path from kext-toolchain (may build ld64 once), or None with the tool's explanation."""
    result = run([TOOLS / "kext-toolchain", what], env=env, timeout=900)
    if result.returncode == 2:
        return None, result.stderr.strip()
    assert result.returncode == 0, result.stderr
    return result.stdout.strip(), ""


@pytest.fixture(scope="session")
def toolchain():
    """{'sdk', 'ld64', 'releases'} paths; skips the test with kext-toolchain's message when one is missing."""
    paths = {}
    for what in ("sdk", "ld64", "releases"):
        paths[what], why = toolchain_path(what)
        if paths[what] is None:
            reason = why.splitlines()[0].removeprefix("kext-toolchain: ")
            missing(f"Linux kext build: {reason} (see tools/kext-build/README.md, or make kext-fetch)", external=True)
    return paths


def plist_text(libraries):
    """The probe's Info.plist, spelled out: mk/macos.mk's placeholder filling has nothing to do."""
    libs = "".join(f"<key>{k}</key><string>{v}</string>" for k, v in sorted(libraries.items()))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
            "<key>CFBundleExecutable</key><string>virtio-gpu</string>"
            f"<key>CFBundleIdentifier</key><string>{PROBE_ID}</string>"
            "<key>CFBundleInfoDictionaryVersion</key><string>6.0</string>"
            "<key>CFBundlePackageType</key><string>KEXT</string>"
            f"<key>CFBundleVersion</key><string>{PROBE_VERSION}</string>"
            f"<key>OSBundleLibraries</key><dict>{libs}</dict></dict></plist>\n")


def build_probe(build_dir, defines=(), libraries=PROBE_LIBRARIES):
    """make kext on the probe driver (mk/macos.mk's rules, the probe's sources and plist) into
    build_dir; returns the bundle path."""
    build_dir.mkdir(parents=True, exist_ok=True)
    plist = build_dir / "Info.plist.in"
    plist.write_text(plist_text(libraries))
    cppflags = " ".join([PROBE_CPPFLAGS] + [f"-D{d}" for d in defines])
    result = run(["make", "--no-print-directory", "kext", f"BUILD={build_dir}",
                  f"KEXT_CXX_SRCS={FIXTURE_REL}/Probe.cpp", f"KEXT_C_SRCS={FIXTURE_REL}/probe_c.c",
                  f"KEXT_CPPFLAGS={cppflags}",
                  f"KEXT_BUNDLE_ID={PROBE_ID}", f"KEXT_VERSION={PROBE_VERSION}",
                  f"KEXT_INFO_PLIST={plist}"], timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return build_dir / "virtio-gpu.kext"


def kext_check(bundle, toolchain, *extra):
    return run([TOOLS / "kext-check", bundle, "--sdk", toolchain["sdk"], "--releases", toolchain["releases"],
                *extra], timeout=300)
