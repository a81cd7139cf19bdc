"""Were the pixels *shown*? QEMU 7.2's screendump shows transferred pixels whether or not they were
flushed, so a pixel check alone cannot see a missing RESOURCE_FLUSH. This reads QEMU's trace instead:
every pixel of a head that changed since its last check must lie in a flush of the resource on that
scanout, issued after a transfer of that resource, inside the resource (QEMU refuses a flush beyond
it), and after the last SET_SCANOUT of the head (a new scanout needs the whole picture flushed).

Events, QEMU 7.2 trace-events (hw/display/trace-events):
  virtio_gpu_cmd_set_scanout id, res, w, h, x, y      (w/h/x/y: the scanout's rectangle of the resource)
  virtio_gpu_cmd_res_create_2d res, fmt, w, h
  virtio_gpu_cmd_res_xfer_toh_2d res
  virtio_gpu_cmd_res_flush res, w, h, x, y
"""
import numpy as np

SET_SCANOUT = "virtio_gpu_cmd_set_scanout"
CREATE_2D = "virtio_gpu_cmd_res_create_2d"
XFER = "virtio_gpu_cmd_res_xfer_toh_2d"
FLUSH = "virtio_gpu_cmd_res_flush"
EVENTS = (SET_SCANOUT, CREATE_2D, XFER, FLUSH)


def valid_flushes(events, head, mark_index):
    """The scanout's last SET_SCANOUT fields and the flush rectangles (in head coordinates) that count
    for `head` among events[mark_index:]; `rescanned` says whether the scanout was set again there."""
    scanout, sizes, transferred, rects, rescanned = None, {}, set(), set(), False
    for index, event in enumerate(events):
        after_mark = index >= mark_index
        if event.name == CREATE_2D:
            sizes[event["res"]] = (event["w"], event["h"])
        elif event.name == SET_SCANOUT and event["id"] == head:
            scanout = event
            rects.clear()              # whatever was flushed before is not the new scanout's picture
            rescanned = rescanned or after_mark
        elif event.name == XFER and after_mark:
            transferred.add(event["res"])
        elif event.name == FLUSH and after_mark and scanout is not None and event["res"] == scanout["res"] \
                and event["res"] in transferred and _inside(event, sizes.get(event["res"])):
            rects.add(_on_head(event, scanout))
    return scanout, rects, rescanned


def _inside(flush, size):
    if size is None:
        return False
    width, height = size
    return flush["x"] + flush["w"] <= width and flush["y"] + flush["h"] <= height


def _on_head(flush, scanout):
    """The flush rectangle clipped to the scanout and moved into the head's coordinates."""
    x0, y0 = max(flush["x"], scanout["x"]), max(flush["y"], scanout["y"])
    x1 = min(flush["x"] + flush["w"], scanout["x"] + scanout["w"])
    y1 = min(flush["y"] + flush["h"], scanout["y"] + scanout["h"])
    return x0 - scanout["x"], y0 - scanout["y"], max(x1 - x0, 0), max(y1 - y0, 0)


def unshown_report(events, mark_index, head, changed):
    """None when every True pixel of `changed` (h, w) was flushed to `head` since events[mark_index],
    else a text saying what was never shown."""
    scanout, rects, rescanned = valid_flushes(events, head, mark_index)
    if scanout is None or scanout["res"] == 0:
        return f"head {head} has no scanout resource in QEMU's trace"
    need = np.ones_like(changed) if rescanned else changed.copy()
    for x, y, w, h in rects:
        need[y:y + h, x:x + w] = False
    if not need.any():
        return None
    rows, cols = np.flatnonzero(need.any(axis=1)), np.flatnonzero(need.any(axis=0))
    return (f"{int(need.sum())} changed pixels of head {head} were never flushed (RESOURCE_FLUSH of "
            f"resource {scanout['res']} after its transfer), within x {cols[0]}..{cols[-1]}, "
            f"y {rows[0]}..{rows[-1]}; flushes that counted: {sorted(rects)[:6]}")
