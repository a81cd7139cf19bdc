"""kext-check must fail on kexts the kernel would refuse. Each test builds the probe driver (a tiny
IOService) in a variant into its own temp dir; the unchanged probe is the control that passes.
A problem found on every checked macOS release is reported once, naming the first and the last."""
import plistlib
import shutil

import pytest

from kextcheck import references, releases
from kextcheck.macho import MachO

from conftest import PROBE_ID, PROBE_LIBRARIES, PROBE_VERSION, build_probe, kext_check, run


@pytest.fixture(scope="module")
def on_all(toolchain):
    """Prefix of a problem every release has: 'all 12 releases (macOS 10.15 (xnu-...) to ...)'."""
    table = releases.read(toolchain["releases"])
    return (f"all {len(table)} releases (macOS {table[0].label} ({table[0].xnu_tag}) to "
            f"macOS {table[-1].label} ({table[-1].xnu_tag})): ")


def problems(result):
    return [line.strip()[len("PROBLEM "):] for line in result.stdout.splitlines()
            if line.strip().startswith("PROBLEM ")]


def test_unchanged_probe_passes(tmp_path, toolchain):
    bundle = build_probe(tmp_path)
    result = kext_check(bundle, toolchain, "--expect-bundle-id", PROBE_ID, "--expect-version", PROBE_VERSION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"kmod_info: name '{PROBE_ID}' version '{PROBE_VERSION}'" in result.stdout
    assert "unresolved 0" in result.stdout and "kext-check: PASS" in result.stdout
    # Probe.cpp calls configRead16 (inline in the SDK: extendedConfigRead16) and OSDynamicCast
    # (IOPCIDevice::metaClass); its vtable slots inherited from IOService are not code uses.
    assert "2 symbols, 2 used from code\n      from code: __ZN11IOPCIDevice20extendedConfigRead16Ey " \
           "__ZN11IOPCIDevice9metaClassE\n" in result.stdout
    code = references.used_from_code(MachO((bundle / "Contents/MacOS/virtio-gpu").read_bytes()))
    # -fapple-kext: super::start(provider) is called through IOService's vtable, not by name.
    assert {"_IOLog", "__ZTV9IOService"} <= code
    assert not {"__ZN9IOService5startEPS_", "__ZN9IOService4stopEPS_"} & code


def test_call_to_unexported_kernel_function_fails(tmp_path, toolchain, on_all):
    result = kext_check(build_probe(tmp_path, ["PROBE_UNEXPORTED"]), toolchain)
    assert result.returncode == 1
    assert problems(result) == [on_all + "undefined symbol _kernel_memory_allocate: "
                                "not exported by any KPI or family the check knows"]


def test_kpi_symbol_from_a_library_not_named_fails(tmp_path, toolchain, on_all):
    result = kext_check(build_probe(tmp_path, ["PROBE_UNLISTED_KPI"]), toolchain)
    assert result.returncode == 1
    assert problems(result) == [on_all + "undefined symbol _kalloc: exported by com.apple.kpi.unsupported, "
                                "which OSBundleLibraries does not name"]


def test_symbol_a_later_release_removed_fails_naming_those_releases(tmp_path, toolchain):
    """vfs_setnoswap: com.apple.kpi.bsd exports it on 10.15 (xnu-6153.11.26 config/BSDKernel.exports:687);
    xnu-7195.50.7.100.1 (macOS 11.0.1) moved it to config/Private.exports:937, where it stays (15.5: :1368)."""
    libraries = dict(PROBE_LIBRARIES, **{"com.apple.kpi.bsd": "19.0"})
    result = kext_check(build_probe(tmp_path, ["PROBE_REMOVED_LATER"], libraries), toolchain)
    assert result.returncode == 1
    later = ", ".join(r.name for r in releases.read(toolchain["releases"]) if not r.label.startswith("10."))
    assert later.startswith("macOS 11.0.1 (xnu-7195.50.7.100.1), macOS 11.5 (xnu-7195.141.2), ")
    assert problems(result) == [f"{later}: undefined symbol _vfs_setnoswap: exported only by "
                                "com.apple.kpi.private, which a third-party kext cannot link against"]


def test_symbol_added_after_10_15_fails_naming_10_15(tmp_path, toolchain):
    result = kext_check(build_probe(tmp_path, ["PROBE_ADDED_LATER"]), toolchain)
    assert result.returncode == 1
    assert problems(result) == ["macOS 10.15 (xnu-6153.11.26), macOS 10.15.6 (xnu-6153.141.1): undefined symbol "
                                "_IOMallocPageableZero: not exported by any KPI or family the check knows"]


def test_family_method_newer_than_the_release_fails_naming_it(tmp_path, toolchain):
    result = kext_check(build_probe(tmp_path, ["PROBE_FAMILY_ADDED_LATER"]), toolchain)
    assert result.returncode == 1
    assert problems(result) == ["macOS 10.15 (xnu-6153.11.26): undefined symbol __ZN11IOPCIDevice11MemoryRead8EhyPh: "
                                "not exported by any KPI or family the check knows"]


def test_128_bit_division_fails_naming_the_helper(tmp_path, toolchain, on_all):
    result = kext_check(build_probe(tmp_path, ["PROBE_DIV128"]), toolchain)
    assert result.returncode == 1
    assert len(problems(result)) == 1
    assert problems(result)[0].startswith(on_all + "undefined symbol ___udivti3: compiler helper")


def test_complex_multiply_fails_naming_the_helper(tmp_path, toolchain, on_all):
    result = kext_check(build_probe(tmp_path, ["PROBE_COMPLEX_MUL"]), toolchain)
    assert result.returncode == 1
    assert len(problems(result)) == 1
    assert problems(result)[0].startswith(on_all + "undefined symbol ___muldc3: compiler helper")


def test_thread_local_variable_fails(tmp_path, toolchain, on_all):
    result = kext_check(build_probe(tmp_path, ["PROBE_THREAD_LOCAL"]), toolchain)
    assert result.returncode == 1
    found = problems(result)
    assert "section __DATA,__thread_vars present: the kernel has no thread-local storage" in found
    assert on_all + "undefined symbol __tlv_bootstrap: not exported by any KPI or family the check knows" in found


def test_family_symbols_need_the_family_in_the_plist(tmp_path, toolchain, on_all):
    libraries = {k: v for k, v in PROBE_LIBRARIES.items() if k != "com.apple.iokit.IOPCIFamily"}
    result = kext_check(build_probe(tmp_path, libraries=libraries), toolchain)
    assert result.returncode == 1
    assert on_all + "undefined symbol __ZN11IOPCIDevice9metaClassE: exported by com.apple.iokit.IOPCIFamily, " \
           "which OSBundleLibraries does not name" in problems(result)


def test_library_version_newer_than_10_15_fails(tmp_path, toolchain):
    result = kext_check(build_probe(tmp_path, libraries=dict(PROBE_LIBRARIES, **{"com.apple.kpi.iokit": "20.0"})),
                        toolchain)
    assert result.returncode == 1
    # Refused by both 10.15 kernels (Darwin 19.0.0 and 19.6.0); macOS 11.0.1 is Darwin 20.1.0.
    assert problems(result) == [
        "macOS 10.15 (xnu-6153.11.26): com.apple.kpi.iokit: asks for 20.0, but the checked export set is "
        "version 19.0.0 accepting 7.0 to 19.0.0",
        "macOS 10.15.6 (xnu-6153.141.1): com.apple.kpi.iokit: asks for 20.0, but the checked export set is "
        "version 19.6.0 accepting 7.0 to 19.6.0"]


def test_private_kpi_is_refused(tmp_path, toolchain, on_all):
    result = kext_check(build_probe(tmp_path, libraries=dict(PROBE_LIBRARIES, **{"com.apple.kpi.private": "19.0"})),
                        toolchain)
    assert result.returncode == 1
    assert problems(result)[0].startswith(on_all + "com.apple.kpi.private: Apple-internal KPI")


def test_kmod_info_must_agree_with_the_plist(tmp_path, toolchain):
    bundle = build_probe(tmp_path)
    plist_path = bundle / "Contents" / "Info.plist"
    info = plistlib.loads(plist_path.read_bytes())
    info["CFBundleVersion"] = "9.9.9"
    plist_path.write_bytes(plistlib.dumps(info))
    result = kext_check(bundle, toolchain)
    assert result.returncode == 1
    assert problems(result) == [f"kmod_info.version is '{PROBE_VERSION}', Info.plist says '9.9.9'"]


def link(toolchain, *args):
    result = run([toolchain["ld64"], "-Z", "-arch", "x86_64", "-macos_version_min", "10.15", *args])
    assert result.returncode == 0, result.stderr


def test_user_space_bundle_link_is_not_a_kext(tmp_path, toolchain):
    """The same objects linked as a dyld bundle: stubs, dyld info, a dylib load command."""
    bundle = build_probe(tmp_path)
    objects = sorted(str(p) for p in (tmp_path / "kext-linux" / "obj").rglob("*.o"))
    # ld64 insists on some dylib for a bundle; this install name is one it does not question.
    (tmp_path / "stub.c").write_text("void stub(void) {}\n")
    assert run(["clang", "-target", "x86_64-apple-macos10.15", "-c", "-o", tmp_path / "stub.o",
                tmp_path / "stub.c"]).returncode == 0
    link(toolchain, "-dylib", "-install_name", "/usr/lib/system/libsystem_kernel.dylib",
         "-o", tmp_path / "libstub.dylib", tmp_path / "stub.o")
    link(toolchain, "-bundle", "-undefined", "dynamic_lookup", "-o",
         bundle / "Contents" / "MacOS" / "virtio-gpu", *objects, tmp_path / "libstub.dylib")
    found = problems(kext_check(bundle, toolchain))
    assert "Mach-O filetype is 'BUNDLE', want KEXTBUNDLE" in found
    for cmd in ("LC_DYLD_INFO_ONLY", "LC_LOAD_DYLIB"):
        assert any(p.startswith(f"load command {cmd} present") for p in found), found
    for sect in ("__stubs", "__la_symbol_ptr"):
        assert any(p.startswith("section ") and sect in p for p in found), found


def test_missing_executable_is_reported(tmp_path, toolchain):
    bundle = build_probe(tmp_path)
    shutil.rmtree(bundle / "Contents" / "MacOS")
    result = kext_check(bundle, toolchain)
    assert result.returncode == 1
    assert problems(result) == [f"executable {bundle}/Contents/MacOS/virtio-gpu missing"]
