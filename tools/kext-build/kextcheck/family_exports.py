"""Export sets of the IOKit families a framebuffer driver links against, derived from headers.

IOGraphicsFamily and IOPCIFamily are kexts, not part of xnu, and neither Apple's sources nor
MacKernelSDK hold symbol lists (.exports/.tbd) for them. A family kext exports every external
symbol it defines, and it defines what its public headers declare out of line. So each release's
set is derived from that release's published headers (IOGraphics and IOPCIFamily at the tag the
release ships), with MacKernelSDK supplying the rest of IOKit: clang parses them for the kext's own
target and its JSON AST gives each declaration's Itanium-mangled name. Kept: non-inline, non-pure
functions and methods, static data members and globals, declared in the family's header directory;
plus, per polymorphic class, its vtable and both constructor/destructor variants clang may reference.

Apple publishes the headers with their `#ifndef _OPEN_SOURCE_` parts cut out (IOFramebuffer's
setProperties, agdcGTraceToken): those declarations are taken from the SDK headers (the parse
without _OPEN_SOURCE_ less the parse with it) and added to every release, unverified.

Limits: a declared method the family never defines would pass here and fail at load; an inline
header function that calls a method newer than the target macOS is not caught (its callee is
declared, so accepted)."""
import hashlib
import json
import os
import plistlib
import subprocess

from .exportset import ExportSet

# Where each family lies in its Apple source tree (the release's *_dir) and in MacKernelSDK/Headers.
FAMILIES = {
    "com.apple.iokit.IOGraphicsFamily": {
        "dir": "IOKit/graphics/",
        "headers": ["IOFramebuffer.h", "IODisplay.h", "IOGraphicsDevice.h", "IOGraphicsEngine.h",
                    "IOAccelerator.h"],
        "project": "iographics", "root": "IOGraphicsFamily", "includes": [],
        "plist": "Info-IOGraphicsFamily.plist",
    },
    "com.apple.iokit.IOPCIFamily": {
        "dir": "IOKit/pci/",
        "headers": ["IOPCIDevice.h", "IOPCIBridge.h", "IOAGPDevice.h"],
        # IOPCIFamily-370 (10.15) includes the DriverKit class header generated from IOPCIDevice.iig.
        "project": "iopcifamily", "root": "", "includes": ["Gravity/Headers"],
        "plist": "Info-IOPCIFamily.plist",
    },
}

# Newer family headers use an xnu macro the SDK (macOS 11) predates, and spell deprecations for
# more platforms than its availability macros accept; neither changes what is declared.
_PRELUDE = """#define __exported_push _Pragma("GCC visibility push(default)")
#define __exported_pop _Pragma("GCC visibility pop")
#if __has_include(<os/availability.h>)
#include <os/availability.h>
#undef API_DEPRECATED_WITH_REPLACEMENT
#define API_DEPRECATED_WITH_REPLACEMENT(...)
#endif
"""


def _probe_source(families):
    lines = [f"#include <{spec['dir']}{h}>" for spec in families.values() for h in spec["headers"]]
    return _PRELUDE + "\n".join(lines) + "\n"


def dump_ast(sdk_dir, clang, target_flags, families=FAMILIES, include_dirs=(), defines=()):
    """The JSON AST of a translation unit that includes every family header; include_dirs come
    before the SDK's headers."""
    includes = [arg for d in include_dirs for arg in ("-I", d)]
    cmd = [clang, "-x", "c++", "-std=gnu++17", "-fsyntax-only", "-nostdinc", "-nostdinc++", *includes,
           "-isystem", os.path.join(sdk_dir, "Headers"), *target_flags, *[f"-D{d}" for d in defines],
           "-Xclang", "-ast-dump=json", "-"]
    proc = subprocess.run(cmd, input=_probe_source(families), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("clang could not parse the family headers:\n" + proc.stderr[-3000:])
    return json.loads(proc.stdout)


class _FileTracker:
    """clang's JSON names a location's file only when it differs from the previous location
    printed, so walking the dump in document order recovers every declaration's file."""

    def __init__(self):
        self.current = ""

    def see(self, node):
        for key in ("loc", "range"):
            self._scan(node.get(key))

    def _scan(self, value):
        if isinstance(value, dict):
            if "file" in value:
                self.current = value["file"]
            for key in ("spellingLoc", "expansionLoc", "begin", "end"):
                self._scan(value.get(key))


def _has_body(node):
    return any(child.get("kind") == "CompoundStmt" for child in node.get("inner", []))


_FUNCTION_KINDS = {"FunctionDecl", "CXXMethodDecl", "CXXConstructorDecl", "CXXDestructorDecl"}


def _function_symbols(node, cls):
    """Mangled names a kext may import for a declared function (none if the header defines it);
    cls is the enclosing class's definitionData ({} outside a class)."""
    name = node.get("mangledName")
    if (not name or node.get("inline") or node.get("pure") or node.get("isImplicit")
            or node.get("explicitlyDeleted") or node.get("explicitlyDefaulted") or _has_body(node)):
        return []
    if node["kind"] == "CXXConstructorDecl":
        # clang names C1 (complete object); C2 is the base-object variant. An abstract class is
        # never a complete object, so compilers emit only its C2.
        base = name.replace("C1E", "C2E", 1)
        return [base] if cls.get("isAbstract") else [name, base]
    if node["kind"] == "CXXDestructorDecl":    # D1 given; D2 base-object; D0 deleting, if virtual
        variants = [name, name.replace("D1E", "D2E", 1)]
        # The JSON marks only a written `virtual`, so any polymorphic class's destructor gets D0.
        return variants + [name.replace("D1E", "D0E", 1)] if cls.get("isPolymorphic") else variants
    return [name]


def _vtable_symbol(class_path):
    """__ZTV<class>: the vtable's name for the class nested as class_path."""
    encoded = "".join(f"{len(part)}{part}" for part in class_path)
    return "__ZTV" + (f"N{encoded}E" if len(class_path) > 1 else encoded)


def _entered_class(node, classes):
    """The class path inside node if it is a class definition, else None."""
    if node.get("kind") == "CXXRecordDecl" and node.get("completeDefinition") and node.get("name"):
        return classes + [(node["name"], node.get("definitionData", {}))]
    return None


def _collect(node, tracker, in_family, classes, out):
    """Walks the AST in document order; classes is the enclosing [(name, definitionData)]."""
    tracker.see(node)
    kind = node.get("kind")
    mine = in_family(tracker.current)
    if mine and kind in _FUNCTION_KINDS:
        out.update(_function_symbols(node, classes[-1][1] if classes else {}))
    elif mine and kind == "VarDecl" and node.get("mangledName") and not _has_body(node):
        if node.get("storageClass") in ("static", "extern") or classes:
            out.add(node["mangledName"])
    inner = _entered_class(node, classes)
    if inner and mine and inner[-1][1].get("isPolymorphic"):
        out.add(_vtable_symbol([name for name, _ in inner]))
    for child in node.get("inner", []):
        _collect(child, tracker, in_family, inner or classes, out)


def symbols_from_ast(ast, header_dir):
    """Symbols declared (not defined) in headers whose path contains header_dir."""
    out = set()
    _collect(ast, _FileTracker(), lambda path: header_dir in path, [], out)
    return out


def _sdk_header_dir(sdk_dir, spec):
    return os.path.join(sdk_dir, "Headers", spec["dir"])


def _release_header_dir(release, spec):
    return os.path.join(getattr(release, spec["project"] + "_dir"), spec["root"], spec["dir"])


def _family_symbols(sdk_dir, clang, target_flags, header_dirs, include_dirs=(), defines=()):
    """{bundle id: symbols} declared in each family's header directory (header_dirs[bundle id])."""
    ast = dump_ast(sdk_dir, clang, target_flags, FAMILIES, include_dirs, defines)
    return {bundle_id: symbols_from_ast(ast, header_dirs[bundle_id]) for bundle_id in FAMILIES}


def closed_source_symbols(sdk_dir, clang, target_flags):
    """{bundle id: symbols} the SDK headers declare only where _OPEN_SOURCE_ is not defined."""
    dirs = {bundle_id: _sdk_header_dir(sdk_dir, spec) for bundle_id, spec in FAMILIES.items()}
    full = _family_symbols(sdk_dir, clang, target_flags, dirs)
    published = _family_symbols(sdk_dir, clang, target_flags, dirs, defines=["_OPEN_SOURCE_"])
    return {bundle_id: full[bundle_id] - published[bundle_id] for bundle_id in FAMILIES}


def release_symbols(sdk_dir, clang, target_flags, release):
    """{bundle id: symbols} declared by the family headers the release publishes."""
    include_dirs, dirs = [], {}
    for bundle_id, spec in FAMILIES.items():
        root = getattr(release, spec["project"] + "_dir")
        include_dirs += [os.path.join(root, spec["root"])] + [os.path.join(root, d) for d in spec["includes"]]
        dirs[bundle_id] = _release_header_dir(release, spec)
    return _family_symbols(sdk_dir, clang, target_flags, dirs, include_dirs)


def versions(release, spec):
    """(CFBundleVersion, OSBundleCompatibleVersion) from the family's Info plist at the release's
    tag; Apple's build fills a $(CURRENT_PROJECT_VERSION) placeholder with the tag's version."""
    root = getattr(release, spec["project"] + "_dir")
    with open(os.path.join(root, spec["plist"]), "rb") as f:
        info = plistlib.load(f)
    version = info["CFBundleVersion"]
    if version.startswith("$("):
        version = getattr(release, spec["project"] + "_tag").split("-", 1)[1]
    return version, info["OSBundleCompatibleVersion"]


def load_release_sets(release, closed, symbols):
    """{bundle id: ExportSet} of the release: its published declarations (symbols, from
    release_symbols) plus the SDK's closed-source ones (closed, from closed_source_symbols)."""
    sets = {}
    for bundle_id, spec in FAMILIES.items():
        version, compatible = versions(release, spec)
        tag = getattr(release, spec["project"] + "_tag")
        source = f"{tag} headers {spec['dir']} + {len(closed[bundle_id])} closed-source SDK declarations"
        sets[bundle_id] = ExportSet(bundle_id, version, compatible, source,
                                    symbols[bundle_id] | closed[bundle_id], from_headers=True)
    return sets


class SymbolCache:
    """Derived symbol sets on disk (a JSON file each), keyed by everything they derive from: this
    module's code, clang, its flags and the contents of the family headers. One parse of the
    headers takes seconds; the check needs two per release."""

    def __init__(self, directory, sdk_dir, clang, target_flags):
        self.directory = directory
        with open(__file__, encoding="utf-8") as f:
            self.base = [f.read(), sdk_dir, clang, *target_flags]

    def get(self, header_dirs, compute):
        """compute() -> {bundle id: set}, or the stored result for the same inputs."""
        if not self.directory:
            return compute()
        path = os.path.join(self.directory, self._key(header_dirs) + ".json")
        try:
            with open(path, encoding="utf-8") as f:
                return {bundle_id: set(names) for bundle_id, names in json.load(f).items()}
        except (OSError, ValueError):
            pass
        result = compute()
        os.makedirs(self.directory, exist_ok=True)
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({bundle_id: sorted(names) for bundle_id, names in result.items()}, f)
        os.replace(tmp, path)
        return result

    def _key(self, header_dirs):
        digest = hashlib.sha256("\0".join(self.base).encode())
        for top in header_dirs:
            for root, _, files in sorted(os.walk(top)):
                for name in sorted(files):
                    path = os.path.join(root, name)
                    digest.update(path.encode() + b"\0")
                    with open(path, "rb") as f:
                        digest.update(f.read())
        return digest.hexdigest()[:32]
