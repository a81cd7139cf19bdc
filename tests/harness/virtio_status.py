"""What QEMU itself says about the virtio device (QMP x-query-virtio-status, QEMU 7.2), so tests
need not take the guest's word: the features the driver acknowledged and those the device offers."""


def _status(machine):
    path = next(d["path"] for d in machine.qmp.command("x-query-virtio") if d["name"] == "virtio-gpu")
    return machine.qmp.command("x-query-virtio-status", path=path)


def _names(features):
    """Feature names ("VIRTIO_GPU_F_VIRGL", ...) from QEMU's "NAME: description" strings."""
    return {text.split(":")[0] for group in ("dev-features", "transports") for text in features.get(group, [])}


def negotiated(machine):
    return _names(_status(machine)["guest-features"])


def offered(machine):
    return _names(_status(machine)["host-features"])
