"""kext-check: is this kext bundle one that macOS 10.15's kernel can link and start?"""
import argparse
import os
import sys

from . import bundle as bundle_mod, family_exports, kmodinfo, libraries, load_commands, references
from . import relocations, symbols
from . import xnu_exports
from .macho import MachO, MachOError


def parse_args(argv):
    p = argparse.ArgumentParser(prog="kext-check", description=__doc__)
    p.add_argument("kext", help="path of the .kext bundle")
    p.add_argument("--sdk", required=True, help="MacKernelSDK directory (Headers/)")
    p.add_argument("--xnu", required=True, help="xnu source directory holding config/ at the target tag")
    p.add_argument("--clang", default="clang++", help="clang++ used to read the family headers")
    p.add_argument("--objdump", default="llvm-objdump")
    p.add_argument("--macos-min", default="10.15", help="oldest macOS the kext targets")
    p.add_argument("--expect-bundle-id", help="fail unless Info.plist has this CFBundleIdentifier")
    p.add_argument("--expect-version", help="fail unless Info.plist has this CFBundleVersion")
    p.add_argument("-v", "--verbose", action="store_true", help="list every symbol and load command")
    return p.parse_args(argv)


def header_flags(macos_min):
    """Flags the family headers are parsed with: those of a kext for macos_min."""
    return ["-target", f"x86_64-apple-macos{macos_min}", "-mkernel", "-fapple-kext",
            "-DKERNEL", "-DKERNEL_PRIVATE", "-DDRIVER_PRIVATE", "-DAPPLE", "-DNeXT"]


def expectation_problems(kext, args):
    out = []
    if args.expect_bundle_id and kext.bundle_id != args.expect_bundle_id:
        out.append(f"CFBundleIdentifier is {kext.bundle_id!r}, the build set {args.expect_bundle_id!r}")
    if args.expect_version and kext.version != args.expect_version:
        out.append(f"CFBundleVersion is {kext.version!r}, the build set {args.expect_version!r}")
    return out


def report_binary(found, macho, info):
    h = found.header
    print(f"== Mach-O: {h.get('magic')} {h.get('cputype')} filetype {h.get('filetype')}, "
          f"{len(found.commands)} load commands")
    print("   commands: " + " ".join(found.commands))
    print("   sections: " + " ".join(f"{seg},{sect}" for seg, sect in found.sections))
    print("   relocations: " + relocations.summary(macho.relocations))
    if info:
        print(f"== kmod_info: name {info.name!r} version {info.version!r} "
              f"info_version {info.info_version}")


def report_libraries(kext, export_sets, resolution, from_code):
    print("== OSBundleLibraries (asked for; export set version, compatible, source; symbols used)")
    for lib, wanted in sorted(kext.libraries.items()):
        s = export_sets.get(lib)
        where = f"{s.version}, >= {s.compatible}, {s.source}" if s else "unknown"
        used = sorted(name for name, owner in resolution.provider.items() if owner == lib)
        coded = [name for name in used if name in from_code]
        print(f"   {lib} {wanted}  [{where}]  {len(used)} symbols, {len(coded)} used from code")
        if s and s.from_headers and coded:
            # Only these must exist in the 10.15 family itself; vtable slots kxld fills from the parent.
            print("      from code: " + " ".join(coded))


def report_symbols(resolution, verbose):
    total = len(resolution.provider) + len(resolution.unresolved)
    print(f"== Undefined symbols: {total}, resolved {len(resolution.provider)}, "
          f"unresolved {len(resolution.unresolved)}")
    if verbose:
        for name, owner in sorted(resolution.provider.items()):
            print(f"   {name}  <- {owner}")


def check(args):
    kext = bundle_mod.open_bundle(args.kext)
    problems = bundle_mod.problems(kext) + expectation_problems(kext, args)
    print(f"kext-check: {args.kext}: {kext.bundle_id} {kext.version}, executable {kext.executable_path}")
    if os.path.isfile(kext.executable_path):   # a missing one is among the bundle problems
        problems += check_binary(kext, args)
    for p in problems:
        print(f"   PROBLEM {p}")
    print(f"kext-check: {'PASS' if not problems else f'FAIL ({len(problems)} problems)'}")
    return 0 if not problems else 1


def check_binary(kext, args):
    found = load_commands.read(args.objdump, kext.executable_path)
    if args.verbose:
        print(found.text)
    with open(kext.executable_path, "rb") as f:
        macho = MachO(f.read())
    info = kmodinfo.read(macho)
    report_binary(found, macho, info)
    export_sets = xnu_exports.load_kpi_sets(args.xnu)
    export_sets.update(family_exports.load_family_sets(args.sdk, args.clang, header_flags(args.macos_min)))
    undefined = {s.name for s in macho.symbols if s.undefined and s.external}
    resolution = symbols.resolve(undefined, kext.libraries, export_sets)
    report_libraries(kext, export_sets, resolution, references.used_from_code(macho))
    report_symbols(resolution, args.verbose)
    return (load_commands.problems(found) + relocations.problems(macho.relocations)
            + kmodinfo.problems(macho, info, kext.bundle_id, kext.version)
            + libraries.problems(kext.libraries, export_sets)
            + [f"undefined symbol {name}: {why}" for name, why in resolution.unresolved])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return check(args)
    except (ValueError, MachOError, RuntimeError, OSError) as err:
        print(f"kext-check: error: {err}", file=sys.stderr)
        return 2
