"""Kext version strings as the kernel's OSKextVersion reads them: MAJOR[.MINOR[.PATCH]][STAGE N],
stage one of d (development), a (alpha), b (beta), fc (final candidate); a release sorts last."""
import re

_VERSION = re.compile(r"^(\d{1,4})(?:\.(\d{1,2})(?:\.(\d{1,2}))?)?(?:(d|a|b|fc)(\d{1,3}))?$")
_STAGE_RANK = {"d": 0, "a": 1, "b": 2, "fc": 3, None: 4}


def parse(text):
    """A tuple that sorts like the kernel compares versions; ValueError if malformed."""
    m = _VERSION.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"not a kext version: {text!r}")
    major, minor, patch, stage, stage_num = m.groups()
    return (int(major), int(minor or 0), int(patch or 0), _STAGE_RANK[stage], int(stage_num or 0))


def in_range(wanted, compatible, current):
    """True when a kext asking for library version `wanted` links against a library at version
    `current` whose oldest compatible version is `compatible`."""
    return parse(compatible) <= parse(wanted) <= parse(current)
