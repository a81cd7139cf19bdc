"""The cursor as QEMU's VNC server reports it (alpha-cursor pseudo-encoding)."""
import numpy as np

from .rfb import ENCODING_ALPHA_CURSOR


def read_vnc_cursor(client, timeout=10.0):
    """The next cursor QEMU sends: ((hot_x, hot_y), RGBA array).

    QEMU 7.2 sends the cursor's 32-bit words as stored, little-endian bytes B, G, R, A.
    """
    rect = client.wait_for_rect(ENCODING_ALPHA_CURSOR, timeout)
    bgra = np.frombuffer(rect.payload, np.uint8).reshape(rect.h, rect.w, 4)
    return (rect.x, rect.y), np.ascontiguousarray(bgra[:, :, [2, 1, 0, 3]])
