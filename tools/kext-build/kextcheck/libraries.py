"""OSBundleLibraries against the export sets the check knows (rules of xnu's OSKext::resolveDependencies)."""
from . import versions

KPI_PREFIX = "com.apple.kpi."
KERNEL_LIB = "com.apple.kernel"


def problems(libraries, export_sets):
    """libraries: the Info.plist's OSBundleLibraries; export_sets: {bundle id: ExportSet}."""
    out = []
    if not isinstance(libraries, dict) or not libraries:
        return ["Info.plist has no OSBundleLibraries: nothing for the kernel to link against"]
    if not any(lib.startswith(KPI_PREFIX) for lib in libraries):
        out.append(f"no {KPI_PREFIX}* library: a 64-bit kext must link against the KPIs")
    for lib, wanted in sorted(libraries.items()):
        out.extend(_one_library(lib, wanted, export_sets.get(lib)))
    return out


def _one_library(lib, wanted, exports):
    if lib == KERNEL_LIB or lib.startswith(KERNEL_LIB + "."):
        return [f"{lib}: 64-bit kexts may only depend on {KPI_PREFIX}* (the kernel refuses {lib})"]
    if exports is None:
        return [f"{lib}: no export set known for it, so its symbols cannot be checked"]
    if exports.restricted:
        return [f"{lib}: {exports.restricted}"]
    try:
        ok = versions.in_range(wanted, exports.compatible, exports.version)
    except ValueError as err:
        return [f"{lib}: {err}"]
    if not ok:
        return [f"{lib}: asks for {wanted}, but the checked export set is version {exports.version} "
                f"accepting {exports.compatible} to {exports.version}"]
    return []
