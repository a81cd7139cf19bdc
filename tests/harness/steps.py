"""Guest steps and trace look-ups shared by the scenario tests."""
import re

VERSION_1 = 1 << 32
INDIRECT_DESC = 1 << 28
EVENT_IDX = 1 << 29

XFER = "virtio_gpu_cmd_res_xfer_toh_2d"
FLUSH = "virtio_gpu_cmd_res_flush"
SET_SCANOUT = "virtio_gpu_cmd_set_scanout"
CREATE_2D = "virtio_gpu_cmd_res_create_2d"
UNREF = "virtio_gpu_cmd_res_unref"
CURSOR = "virtio_gpu_update_cursor"
KICK = "virtio_queue_notify"     # the driver rang a queue's doorbell (field n: the queue)
NOTIFY = "virtio_notify"         # the device raised an interrupt for a queue


def init(machine, irq=None):
    """`init`, checked: VERSION_1 negotiated and the irq mode asked for (if any) is the one used."""
    reply = machine.guest.ok("init" + (f" irq={irq}" if irq else ""))
    features = reply.int("features")
    assert features & VERSION_1, f"VERSION_1 not negotiated: {reply.text}"
    if irq:
        assert reply.fields.get("irq") == irq, f"asked for irq={irq}, got: {reply.text}"
    return reply


def info(machine):
    """`info` → {scanout: fields}, with WxH values as (w, h) tuples and numbers as ints."""
    reply = machine.guest.ok("info")
    heads = {}
    for line in reply.info:
        heads[int(line["scanout"])] = {key: _value(text) for key, text in line.items()}
    return heads


def _value(text):
    size = re.fullmatch(r"(\d+)x(\d+)", text)
    if size:
        return int(size.group(1)), int(size.group(2))
    return int(text, 0)


def stats(machine):
    return {key: int(value, 0) for key, value in machine.guest.ok("stats").fields.items()}


def scanout_resource(trace, head):
    """Resource id the device last put on `head` (0 when disabled), from the trace."""
    events = [e for e in trace.since(0, {SET_SCANOUT}) if e["id"] == head]
    assert events, f"no {SET_SCANOUT} for scanout {head} in the trace"
    return events[-1]["res"]


def kicks(trace, mark, queue):
    """Doorbells QEMU saw on `queue` since mark (its line has no commas: `vdev P n Q vq P`)."""
    return [e for e in trace.since(mark, {KICK}) if re.search(rf"\bn {queue}\b", e.line)]


def rect_of(event):
    return event["x"], event["y"], event["w"], event["h"]
