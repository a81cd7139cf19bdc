"""kext-check: is this kext bundle one that the kernel of every macOS release it claims can link
and start? Symbols and libraries are checked against each release's exports (--releases)."""
import argparse
import os
import sys

from . import bundle as bundle_mod, family_exports, kmodinfo, libraries, load_commands, references
from . import relocations, releases as releases_mod, symbols
from . import xnu_exports
from .macho import MachO, MachOError


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(os.environ.get("KEXT_CACHE") or os.path.join(base, "virtio-gpu-kext"), "family-exports")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="kext-check", description=__doc__)
    p.add_argument("kext", help="path of the .kext bundle")
    p.add_argument("--sdk", required=True, help="MacKernelSDK directory (Headers/)")
    p.add_argument("--releases", required=True,
                   help="table of the macOS releases to check against (kext-toolchain releases)")
    p.add_argument("--cache", default=default_cache(),
                   help="directory for derived family symbol sets ('' for none)")
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


def report_libraries(kext, release, export_sets, resolution, from_code):
    print(f"== OSBundleLibraries on {release.name} (asked for; export set version, compatible, source; "
          "symbols used)")
    for lib, wanted in sorted(kext.libraries.items()):
        s = export_sets.get(lib)
        where = f"{s.version}, >= {s.compatible}, {s.source}" if s else "unknown"
        used = sorted(name for name, owner in resolution.provider.items() if owner == lib)
        coded = [name for name in used if name in from_code]
        print(f"   {lib} {wanted}  [{where}]  {len(used)} symbols, {len(coded)} used from code")
        if s and s.from_headers and coded:
            # Only these must exist in each release's family itself; vtable slots kxld fills from the parent.
            print("      from code: " + " ".join(coded))


def report_release(release, resolution, verbose):
    total = len(resolution.provider) + len(resolution.unresolved)
    print(f"   {release.name}, {release.iographics_tag}, {release.iopcifamily_tag}: {total} undefined, "
          f"resolved {len(resolution.provider)}, unresolved {len(resolution.unresolved)}")
    if verbose:
        for name, owner in sorted(resolution.provider.items()):
            print(f"      {name}  <- {owner}")


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
    undefined = {s.name for s in macho.symbols if s.undefined and s.external}
    per_release = check_releases(kext, undefined, macho, args)
    return (load_commands.problems(found) + relocations.problems(macho.relocations)
            + kmodinfo.problems(macho, info, kext.bundle_id, kext.version) + per_release)


class ReleaseExports:
    """Export sets of each release: its KPIs, and its families (derived once, then cached)."""

    def __init__(self, args):
        self.sdk, self.clang, self.flags = args.sdk, args.clang, header_flags(args.macos_min)
        self.cache = family_exports.SymbolCache(args.cache, self.sdk, self.clang, self.flags)
        sdk_dirs = [os.path.join(self.sdk, "Headers", spec["dir"]) for spec in family_exports.FAMILIES.values()]
        self.closed = self.cache.get(sdk_dirs, lambda: family_exports.closed_source_symbols(
            self.sdk, self.clang, self.flags))

    def of(self, release):
        """{bundle id: ExportSet} on the release."""
        sets = xnu_exports.load_kpi_sets(release.xnu_dir, release.kernel_version)
        published = self.cache.get([release.iographics_dir, release.iopcifamily_dir],
                                   lambda: family_exports.release_symbols(self.sdk, self.clang, self.flags, release))
        sets.update(family_exports.load_release_sets(release, self.closed, published))
        return sets


def check_releases(kext, undefined, macho, args):
    """Libraries and symbols against each release; a problem found on several releases is
    reported once, naming them all."""
    exports = ReleaseExports(args)
    found = {}   # problem -> names of the releases that have it
    releases = releases_mod.read(args.releases)
    for i, release in enumerate(releases):
        export_sets = exports.of(release)
        resolution = symbols.resolve(undefined, kext.libraries, export_sets)
        if i == 0:
            report_libraries(kext, release, export_sets, resolution, references.used_from_code(macho))
            print(f"== Releases checked: {len(releases)}")
        report_release(release, resolution, args.verbose)
        for problem in (libraries.problems(kext.libraries, export_sets)
                        + [f"undefined symbol {name}: {why}" for name, why in resolution.unresolved]):
            found.setdefault(problem, []).append(release.name)
    return [f"{_which(names, releases)}: {problem}" for problem, names in found.items()]


def _which(names, releases):
    if len(names) == len(releases) > 1:
        return f"all {len(names)} releases ({names[0]} to {names[-1]})"
    return ", ".join(names)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return check(args)
    except (ValueError, MachOError, RuntimeError, OSError) as err:
        print(f"kext-check: error: {err}", file=sys.stderr)
        return 2
