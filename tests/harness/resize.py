"""The host side of "resize the window": VNC clients bound to a head, SetDesktopSize, and waiting
for the guest's screen to reach a size (tests/e2e/test_follow.py, bench/resize.py)."""
import time

from .machine import GPU_ID
from .rfb import ENCODING_EXTENDED_DESKTOP_SIZE, RFBClient


def vnc_client(vm, server_id="default"):
    """A VNC client on the server `server_id` (`-vnc ...,id=`), which drives one head of the GPU."""
    for server in vm.qmp.command("query-vnc-servers"):
        if server["id"] == server_id:
            return RFBClient("127.0.0.1", int(server["server"][0]["service"]))
    raise AssertionError(f"no VNC server {server_id}")


def resize(client, width, height):
    """SetDesktopSize, and QEMU's answer to it (reason x=1 "this client"; the server's own notices of
    an earlier size change, x=0, are skipped)."""
    client.set_desktop_size(width, height)
    reply = client.wait_for_rect(ENCODING_EXTENDED_DESKTOP_SIZE)
    while reply.x == 0:
        reply = client.wait_for_rect(ENCODING_EXTENDED_DESKTOP_SIZE)
    assert (reply.x, reply.y) == (1, 4), "QEMU should forward the request to the GPU (status 4)"


def screen_size(vm, head):
    """The size of `head` as QEMU shows it, from a PPM screendump's header: QEMU writes PPM much faster
    than PNG, so polling with it measures latency finer (its padded rows do not matter here)."""
    path = vm.workdir / f"size{head}.ppm"
    vm.qmp.command("screendump", timeout=60, filename=str(path.resolve()), device=GPU_ID, format="ppm", head=head)
    with open(path, "rb") as ppm:
        fields = ppm.read(64).split()
    path.unlink()
    assert fields[0] == b"P6", f"not a PPM screendump: {fields[:4]}"
    return int(fields[1]), int(fields[2])


def wait_for_size(vm, head, size, since, timeout=10.0):
    """Poll `head` until it shows `size`; returns a PNG screendump of it and the seconds from `since`
    to the first poll that saw the size."""
    deadline = time.monotonic() + timeout
    while True:
        shown = screen_size(vm, head)
        if shown == size:
            seconds = time.monotonic() - since
            return vm.screendump(head=head), seconds
        assert time.monotonic() < deadline, f"head {head} still {shown} after {timeout} s, wanted {size}"
