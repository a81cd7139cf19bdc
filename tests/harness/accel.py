"""Which QEMU accelerator to use: TCG unless VGPU_E2E_ACCEL says otherwise.

TCG is the default because it was measured faster for this guest on the nested-KVM test hosts
(see tests/e2e/README.md); KVM is opt-in with VGPU_E2E_ACCEL=kvm (or =auto: KVM when usable).
"""
import os

ENV_VAR = "VGPU_E2E_ACCEL"


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def choose_accel(requested=None):
    """'tcg' or 'kvm'; raises ValueError for a bad request or a forced KVM that is not usable."""
    requested = (requested or os.environ.get(ENV_VAR) or "tcg").strip().lower()
    if requested == "auto":
        return "kvm" if kvm_usable() else "tcg"
    if requested == "kvm" and not kvm_usable():
        raise ValueError(f"{ENV_VAR}=kvm but /dev/kvm cannot be opened read-write")
    if requested not in ("tcg", "kvm"):
        raise ValueError(f"{ENV_VAR} must be tcg, kvm or auto, not {requested!r}")
    return requested
