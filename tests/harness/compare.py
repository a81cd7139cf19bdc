"""Pixel-for-pixel comparison of a screendump with an expected image; evidence saved on mismatch."""
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER_SIZE = (640, 480)   # QEMU's "display not initialised" surface
MAX_LISTED = 8


def failure_dir():
    out = Path(os.environ.get("VGPU_OUT", REPO / "out"))
    return out / "e2e-failures"


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "image"


def save_evidence(name, actual, expected):
    """actual/expected/diff PNGs under out/e2e-failures/; returns the directory."""
    directory = failure_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / _safe(name)
    Image.fromarray(actual).save(f"{stem}-actual.png")
    Image.fromarray(expected).save(f"{stem}-expected.png")
    if actual.shape == expected.shape:
        bad = np.any(actual != expected, axis=2)
        diff = np.where(bad[:, :, np.newaxis], np.array([255, 0, 255], np.uint8), actual[:, :, :3] // 4)
        Image.fromarray(diff.astype(np.uint8)).save(f"{stem}-diff.png")
    return directory


def mismatch_report(actual, expected):
    """None when equal, else a text naming the size difference or the first bad pixels."""
    if actual.shape != expected.shape:
        (ah, aw), (eh, ew) = actual.shape[:2], expected.shape[:2]
        hint = " (QEMU's placeholder: no scanout shown)" if (aw, ah) == PLACEHOLDER_SIZE else ""
        return f"size {aw}x{ah}{hint}, expected {ew}x{eh}"
    bad = np.any(actual != expected, axis=2)
    rows, cols = np.flatnonzero(bad.any(axis=1)), np.flatnonzero(bad.any(axis=0))
    if len(rows) == 0:
        return None
    channels = "RGBA"[:actual.shape[2]]
    lines = [f"{int(bad.sum())} of {bad.size} pixels differ, within x {cols[0]}..{cols[-1]}, "
             f"y {rows[0]}..{rows[-1]}; first ones (x, y): got {channels}, want {channels}"]
    for y, x in _first_bad(bad, rows):
        lines.append(f"  ({x}, {y}): got {tuple(int(v) for v in actual[y, x])}, "
                     f"want {tuple(int(v) for v in expected[y, x])}")
    return "\n".join(lines)


def _first_bad(bad, rows):
    found = []
    for y in rows:
        found += [(y, x) for x in np.flatnonzero(bad[y])[:MAX_LISTED - len(found)]]
        if len(found) == MAX_LISTED:
            break
    return found


def assert_image(actual_image, expected, name):
    """Fail with the first bad pixels (and save evidence) unless the RGB image equals expected."""
    assert_array(np.asarray(actual_image.convert("RGB")), expected, name)


def assert_array(actual, expected, name):
    """As assert_image, for (h, w, 3) RGB or (h, w, 4) RGBA arrays."""
    report = mismatch_report(actual, expected)
    if report is not None:
        where = save_evidence(name, actual, expected)
        raise AssertionError(f"{name}: {report}\n(images saved in {where})")
