"""The kext's kmod_info record (mach/kmod.h, kmod_info_64_v1, #pragma pack(4))."""
import struct
from dataclasses import dataclass

KMOD_MAX_NAME = 64
_LAYOUT = struct.Struct(f"<QiI{KMOD_MAX_NAME}s{KMOD_MAX_NAME}siQQQQQQ")


@dataclass
class KmodInfo:
    info_version: int
    name: str
    version: str
    start: int
    stop: int


def _field(raw):
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def read(macho):
    """The record at _kmod_info, or None if the binary defines no such symbol."""
    sym = macho.symbol("_kmod_info")
    if sym is None:
        return None
    fields = _LAYOUT.unpack(macho.read(sym, _LAYOUT.size))
    _, info_version, _, name, version, _, _, _, _, _, start, stop = fields
    return KmodInfo(info_version, _field(name), _field(version), start, stop)


def problems(macho, info, bundle_id, version):
    if info is None:
        return ["no _kmod_info symbol: the kernel cannot identify or start the kext"]
    out = []
    if info.info_version != 1:
        out.append(f"kmod_info.info_version is {info.info_version}, want 1")
    if info.name != bundle_id:
        out.append(f"kmod_info.name is {info.name!r}, Info.plist says {bundle_id!r}")
    if info.version != version:
        out.append(f"kmod_info.version is {info.version!r}, Info.plist says {version!r}")
    for field, entry in (("start", "__start"), ("stop", "__stop")):
        sym = macho.symbol(entry)
        if sym is None or getattr(info, field) != sym.value:
            out.append(f"kmod_info.{field} does not point at {entry[1:]} (libkmod's entry point)")
    return out
