"""Which driver owns each QEMU virtio function, by macOS's matching rules (pci_matching.py),
with this kext's Info.plist (KEXT_PLIST, the filled-in one) against Apple's drivers:
IONDRVFramebuffer (IOGraphics-600 Info-IONDRVSupport.plist) everywhere, and, from macOS 11 on,
AppleVirtIO's transport on every virtio function.  AppleVirtIO is closed source: its personality
here is what an OSX-KVM project's logs show (IOPCIDevice, vendor 1AF4, default category) with
its score unknown, so every plausible score is tried; macos/README.md lists how to check it."""
import os
import plistlib

import pytest

from pci_matching import DEFAULT_CATEGORY, PciFunction, winners

NDRV = [
    {"IOClass": "IONDRVFramebuffer", "IOMatchCategory": "IOFramebuffer", "IONameMatch": "display",
     "IOProbeScore": 20000, "IOProviderClass": "IOPCIDevice"},
    {"IOClass": "IONDRVFramebuffer", "IOMatchCategory": "IOFramebuffer",
     "IOPCIClassMatch": "0x03000000&0xff000000", "IOProbeScore": 0, "IOProviderClass": "IOPCIDevice"},
]


def apple_virtio(score):
    return {"IOClass": "AppleVirtIOPCITransport", "IOPCIPrimaryMatch": "0x00001af4&0x0000ffff",
            "IOProbeScore": score, "IOProviderClass": "IOPCIDevice"}


# QEMU 7.2's functions (hw/virtio/virtio-pci.c, hw/display/virtio-gpu-pci.c, virtio-vga.c):
# modern id 0x1040 + type, class 0x038000 for virtio-gpu-pci and 0x030000 for virtio-vga.
GPU_PCI = PciFunction(0x1AF4, 0x1050, 0x038000, 0x1AF4, 0x0010)
GPU_VGA = PciFunction(0x1AF4, 0x1050, 0x030000, 0x1AF4, 0x0010)
CONSOLE = PciFunction(0x1AF4, 0x1003, 0x078000, 0x1AF4, 0x0003)
NET = PciFunction(0x1AF4, 0x1000, 0x020000, 0x1AF4, 0x0001)
INTEL_NIC = PciFunction(0x8086, 0x100E, 0x020000)
CIRRUS = PciFunction(0x1013, 0x00B8, 0x030000)


@pytest.fixture(scope="module")
def ours():
    path = os.environ.get("KEXT_PLIST")
    if not path:
        pytest.fail("KEXT_PLIST is not set (make test-kext sets it to the filled-in Info.plist)")
    with open(path, "rb") as f:
        return list(plistlib.load(f)["IOKitPersonalities"].values())


def owners(personalities, fn, **kw):
    return {c: p["IOClass"] for c, p in winners(personalities, fn, **kw).items()}


def ours_own_every_category(won):
    return won and all(cls.startswith("com_osxkvm_driver_") for cls in won.values())


@pytest.mark.parametrize("fn", [GPU_PCI, GPU_VGA], ids=["virtio-gpu-pci", "virtio-vga"])
def test_gpu_is_ours_on_10_15(ours, fn):
    won = owners(ours + NDRV, fn)
    assert won["IOFramebuffer"] == "com_osxkvm_driver_VirtioGPUDevice"
    assert ours_own_every_category(won), won


@pytest.mark.parametrize("score", [0, 1000, 10000, 60000, 100000, 999999])
@pytest.mark.parametrize("fn", [GPU_PCI, GPU_VGA], ids=["virtio-gpu-pci", "virtio-vga"])
def test_gpu_is_ours_with_apple_virtio(ours, fn, score):
    won = owners(ours + NDRV + [apple_virtio(score)], fn)
    assert won["IOFramebuffer"] == "com_osxkvm_driver_VirtioGPUDevice"
    assert won[DEFAULT_CATEGORY] == "com_osxkvm_driver_VirtioTransportClaim"
    assert "AppleVirtIOPCITransport" not in won.values()


@pytest.mark.parametrize("score", [0, 10000, 999999])
def test_console_is_ours_with_and_without_apple_virtio(ours, score):
    assert owners(ours, CONSOLE) == {DEFAULT_CATEGORY: "com_osxkvm_driver_VirtioConsoleDevice"}
    won = owners(ours + [apple_virtio(score)], CONSOLE)
    assert won == {DEFAULT_CATEGORY: "com_osxkvm_driver_VirtioConsoleDevice"}


@pytest.mark.parametrize("fn", [NET, INTEL_NIC, CIRRUS], ids=["virtio-net", "e1000", "cirrus"])
def test_other_functions_are_never_ours(ours, fn):
    won = owners(ours + NDRV + [apple_virtio(10000)], fn)
    assert not any(cls.startswith("com_osxkvm_driver_") for cls in won.values()), won


def test_vgpuoff_hands_the_device_back(ours):
    """-vgpuoff: every probe of ours fails, so Apple's drivers take their categories again."""
    def probe(p):
        return not p["IOClass"].startswith("com_osxkvm_driver_")
    won = owners(ours + NDRV + [apple_virtio(10000)], GPU_VGA, probe=probe)
    assert won == {"IOFramebuffer": "IONDRVFramebuffer", DEFAULT_CATEGORY: "AppleVirtIOPCITransport"}


def test_an_unknown_key_matches_everything():
    """The first kext's fault, as IOPCIBridge::pciMatchNub sees it: IOPCIMatching is ignored."""
    wrong = {"IOClass": "X", "IOPCIMatching": "0x10501af4", "IOProviderClass": "IOPCIDevice"}
    assert owners([wrong], INTEL_NIC) == {DEFAULT_CATEGORY: "X"}
