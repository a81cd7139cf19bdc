"""The parts of a .kext bundle the checks read."""
import os
import plistlib
from dataclasses import dataclass


@dataclass
class Bundle:
    path: str
    info: dict
    executable_path: str

    @property
    def bundle_id(self):
        return self.info.get("CFBundleIdentifier", "")

    @property
    def version(self):
        return self.info.get("CFBundleVersion", "")

    @property
    def libraries(self):
        return self.info.get("OSBundleLibraries", {})


def open_bundle(path):
    """Reads Contents/Info.plist; raises ValueError with the reason if the bundle is malformed."""
    plist_path = os.path.join(path, "Contents", "Info.plist")
    try:
        with open(plist_path, "rb") as f:
            info = plistlib.load(f)
    except (OSError, plistlib.InvalidFileException) as err:
        raise ValueError(f"cannot read {plist_path}: {err}") from err
    executable = info.get("CFBundleExecutable")
    if not executable:
        raise ValueError(f"{plist_path} has no CFBundleExecutable")
    return Bundle(path, info, os.path.join(path, "Contents", "MacOS", executable))


def problems(bundle):
    out = []
    if bundle.info.get("CFBundlePackageType") != "KEXT":
        out.append("Info.plist CFBundlePackageType is not KEXT")
    for key in ("CFBundleIdentifier", "CFBundleVersion"):
        if not bundle.info.get(key):
            out.append(f"Info.plist has no {key}")
    if not os.path.isfile(bundle.executable_path):
        out.append(f"executable {bundle.executable_path} missing")
    return out
