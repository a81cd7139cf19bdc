"""Every undefined symbol of the kext must be exported by a library it names in OSBundleLibraries."""
import re
from dataclasses import dataclass, field

# compiler-rt / libgcc helper names: __<op><mode>[<digit>], mode one of the machine modes (qi hi si
# di ti: 8..128-bit integers; sf df xf tf: float..quad; sc dc xc tc: complex). The kernel exports
# none of them on x86_64; Xcode links them from libcc_kext, which no Linux toolchain provides.
_HELPER = re.compile(r"^___[a-z]+?(?:qi|hi|si|di|ti|sf|df|xf|tf|sc|dc|xc|tc){1,2}[0-9]?$")


def is_compiler_helper(name):
    return bool(_HELPER.match(name))


@dataclass
class Resolution:
    provider: dict = field(default_factory=dict)     # symbol -> bundle id that provides it
    unresolved: list = field(default_factory=list)   # (symbol, explanation)


def resolve(undefined, libraries, export_sets):
    """Resolve each undefined name against the named libraries' export sets only, as kxld does."""
    result = Resolution()
    named = [export_sets[lib] for lib in sorted(libraries) if lib in export_sets]
    for name in sorted(undefined):
        owner = next((s.bundle_id for s in named if name in s.symbols), None)
        if owner:
            result.provider[name] = owner
        else:
            result.unresolved.append((name, _explain(name, export_sets)))
    return result


def _explain(name, export_sets):
    if is_compiler_helper(name):
        return "compiler helper (128-bit integer / floating point) that only Xcode's libcc_kext provides"
    elsewhere = sorted((s for s in export_sets.values() if name in s.symbols), key=lambda s: s.bundle_id)
    names = ", ".join(s.bundle_id for s in elsewhere)
    if elsewhere and all(s.restricted for s in elsewhere):
        return f"exported only by {names}, which a third-party kext cannot link against"
    if elsewhere:
        return f"exported by {names}, which OSBundleLibraries does not name"
    return "not exported by any KPI or family the check knows"
