"""The guest's test patterns, computed here from the formulas in guest/PROTOCOL.md.

Nothing is read back from the guest: these are the independent expectations screendumps are
compared with.  Images are numpy arrays of shape (height, width, 3), RGB, uint8.
"""
import numpy as np

CURSOR_SIZE = 64


def screen_pattern(width, height, seed):
    """pattern(seed) at absolute framebuffer coordinates (x, y), as RGB."""
    x = np.arange(width, dtype=np.int64)[np.newaxis, :]
    y = np.arange(height, dtype=np.int64)[:, np.newaxis]
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:, :, 0] = (3 * x + 37 * seed) % 256
    image[:, :, 1] = (5 * y + 59 * seed) % 256
    image[:, :, 2] = ((x ^ y) + 101 * seed) % 256
    return image


def with_rects(image, rects, seed):
    """A copy of `image` where each (x, y, w, h) rectangle holds pattern(seed) (absolute coordinates)."""
    height, width, _ = image.shape
    painted = image.copy()
    fresh = screen_pattern(width, height, seed)
    for x, y, w, h in rects:
        painted[y:y + h, x:x + w] = fresh[y:y + h, x:x + w]
    return painted


def cursor_pattern(seed):
    """The 64x64 cursor image for seed, shape (64, 64, 4) as R, G, B, A (PIL's RGBA order)."""
    cx = np.arange(CURSOR_SIZE, dtype=np.int64)[np.newaxis, :]
    cy = np.arange(CURSOR_SIZE, dtype=np.int64)[:, np.newaxis]
    image = np.empty((CURSOR_SIZE, CURSOR_SIZE, 4), dtype=np.uint8)
    image[:, :, 0] = (4 * cx + seed) % 256
    image[:, :, 1] = (4 * cy + 2 * seed) % 256
    image[:, :, 2] = (cx * cy + 3 * seed) % 256
    image[:, :, 3] = np.where((cx + cy + seed) % 7 != 0, 255, 0)
    return image
