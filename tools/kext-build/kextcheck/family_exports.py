"""Export sets of the IOKit families a framebuffer driver links against, derived from headers.

IOGraphicsFamily and IOPCIFamily are kexts, not part of xnu, and MacKernelSDK ships no symbol
lists (.tbd/.exp) for them. A family kext exports every external symbol it defines, and it
defines what its public headers declare out of line. So the set is derived from the SDK headers:
clang parses them for the kext's own target (so the SDK's availability #ifs apply) and its JSON
AST gives each declaration's Itanium-mangled name. Kept: non-inline, non-pure functions and
methods, static data members and globals, declared in the family's header directory; plus, per
polymorphic class, its vtable and both constructor/destructor variants clang may reference.

Limits: a declared method the family never defines would pass here and fail at load; an inline
header function that calls a method newer than the target macOS is not caught (its callee is
declared, so accepted); versions are not in the headers, so each family's 10.15 version is a
fact recorded below."""
import json
import os
import subprocess

from .exportset import ExportSet

# CFBundleVersion on macOS 10.15 and OSBundleCompatibleVersion of each family. Sources:
# IOGraphicsFamily: Info-IOGraphicsFamily.plist at tag IOGraphics-576.1 (apple-oss-distributions).
# IOPCIFamily: 2.9 in kextstat listings of Darwin 19.x; compatible 1.0.0b1 in its Info.plist.
FAMILIES = {
    "com.apple.iokit.IOGraphicsFamily": {
        "dir": "IOKit/graphics/",
        "headers": ["IOFramebuffer.h", "IODisplay.h", "IOGraphicsDevice.h", "IOGraphicsEngine.h",
                    "IOAccelerator.h"],
        "version": "576.1", "compatible": "1.0.0b1",
    },
    "com.apple.iokit.IOPCIFamily": {
        "dir": "IOKit/pci/",
        "headers": ["IOPCIDevice.h", "IOPCIBridge.h", "IOAGPDevice.h"],
        "version": "2.9", "compatible": "1.0.0b1",
    },
}


def _probe_source(families):
    lines = [f"#include <{spec['dir']}{h}>" for spec in families.values() for h in spec["headers"]]
    return "\n".join(lines) + "\n"


def dump_ast(sdk_dir, clang, target_flags, families=FAMILIES):
    """The JSON AST of a translation unit that includes every family header."""
    cmd = [clang, "-x", "c++", "-std=gnu++17", "-fsyntax-only", "-nostdinc", "-nostdinc++",
           "-isystem", os.path.join(sdk_dir, "Headers"), *target_flags,
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


def load_family_sets(sdk_dir, clang, target_flags):
    """{bundle id: ExportSet} for the families in FAMILIES, from one parse of their headers."""
    ast = dump_ast(sdk_dir, clang, target_flags)
    sets = {}
    for bundle_id, spec in FAMILIES.items():
        source = "MacKernelSDK headers " + spec["dir"] + "{" + ",".join(spec["headers"]) + "}"
        sets[bundle_id] = ExportSet(bundle_id, spec["version"], spec["compatible"], source,
                                    symbols_from_ast(ast, "/Headers/" + spec["dir"]), from_headers=True)
    return sets
