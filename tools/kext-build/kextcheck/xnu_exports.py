"""The kernel's KPI export sets, read from an xnu source tree's config/ directory.

xnu builds one symbol-set kext per component listed in config/Makefile (SYMBOL_COMPONENT_LIST):
component C exports the names in config/C.exports, config/C.<arch>.exports and, from xnu-7195
(macOS 11) on, config/C.<arch>.MacOSX.exports (the Makefile's EXPORTS_FILES for PLATFORM MacOSX);
its bundle id and compatible version are in config/System.kext/PlugIns/C.kext/Info.plist. Its
CFBundleVersion is the kernel (Darwin) version, which the caller gives (config/MasterVersion, which
held it, is gone from xnu-10002 on)."""
import os
import plistlib

from .exportset import ExportSet

_PLUGINS = os.path.join("config", "System.kext", "PlugIns")
_RESTRICTED = {
    "com.apple.kpi.private": "Apple-internal KPI: the kernel refuses it to kexts not signed by Apple",
}


def read_export_names(path):
    """Exported names in an xnu .exports file ('name' or 'name:internal_alias', # comments)."""
    names = set()
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                names.add(line.split(":", 1)[0].strip())
    return names


def _component_set(xnu_dir, component, arch, version):
    plist_path = os.path.join(xnu_dir, _PLUGINS, component + ".kext", "Info.plist")
    with open(plist_path, "rb") as f:
        info = plistlib.load(f)
    files = [component + ".exports", f"{component}.{arch}.exports", f"{component}.{arch}.MacOSX.exports"]
    paths = [os.path.join(xnu_dir, "config", name) for name in files]
    present = [p for p in paths if os.path.exists(p)]
    bundle_id = info["CFBundleIdentifier"]
    exports = ExportSet(bundle_id, version, info["OSBundleCompatibleVersion"],
                        "xnu config/" + " + ".join(os.path.basename(p) for p in present),
                        restricted=_RESTRICTED.get(bundle_id, ""))
    for path in present:
        exports.symbols |= read_export_names(path)
    return exports


def load_kpi_sets(xnu_dir, version, arch="x86_64"):
    """{bundle id: ExportSet} for every KPI component that has an export list; version is the
    kernel version of the release xnu_dir holds."""
    sets = {}
    for entry in sorted(os.listdir(os.path.join(xnu_dir, _PLUGINS))):
        component = entry[:-len(".kext")]
        if os.path.exists(os.path.join(xnu_dir, "config", component + ".exports")):
            exports = _component_set(xnu_dir, component, arch, version)
            sets[exports.bundle_id] = exports
    return sets
