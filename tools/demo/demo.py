"""`make demo`: the driver core on QEMU's real virtio-gpu, shown as PNG screenshots.

Boots the bare-metal test guest (which runs the unchanged core/), walks through modes, a partial
update, the cursor, two heads and an EDID preferred mode, saves a screenshot of each step under
out/demo/ and checks every one against the pattern computed here from guest/PROTOCOL.md, at the size
and with the cursor hot spot this script configured on the host (never the guest's own report), and
that QEMU's trace shows every change flushed.
"""
import argparse
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image

from tests.harness.compare import mismatch_report
from tests.harness.machine import QEMU, Machine, MachineConfig
from tests.harness.patterns import cursor_pattern, screen_pattern
from tests.harness.cursor import read_vnc_cursor
from tests.harness.rfb import RFBClient
from tests.harness.screens import Screens
from tests.harness.steps import CURSOR

REPO = Path(__file__).resolve().parents[2]

MODES = [(640, 480), (1024, 768), (1366, 768), (1920, 1080), (2560, 1600)]
# Not symmetric: a hot spot with x and y swapped anywhere on the way is seen.
CURSOR_SEED, CURSOR_HOT, CURSOR_MOVES = 9, (5, 13), [(400, 300), (800, 600)]
DEFAULT_SIZE = (1280, 800)    # what the first scene configures (xres/yres, also QEMU 7.2's default)
EDID_SIZE = (1600, 900)


def paste_cursor(screen, rgba, x, y):
    """screen (RGB) with the opaque pixels of an RGBA cursor placed with its corner at (x, y)."""
    out = screen.copy()
    height, width, _ = out.shape
    top, left = max(y, 0), max(x, 0)
    bottom, right = min(y + rgba.shape[0], height), min(x + rgba.shape[1], width)
    if bottom <= top or right <= left:
        return out
    patch = rgba[top - y:bottom - y, left - x:right - x]
    opaque = patch[:, :, 3] == 255
    out[top:bottom, left:right][opaque] = patch[:, :, :3][opaque]
    return out


class Demo:
    def __init__(self, guest_elf, out_dir, display, pause):
        self.guest_elf = guest_elf
        self.out_dir = out_dir
        self.display = display
        self.pause = pause
        self.results = []          # (file name, verdict)

    def machine(self, title, **config):
        print(f"\n== {title}")
        config = MachineConfig(kernel=self.guest_elf, display=self.display, trace=("virtio_gpu_*",), **config)
        return Machine(config)

    def step(self, text):
        print(f"   {text}")
        time.sleep(self.pause)

    def init(self, vm):
        reply = vm.guest.ok("init")
        self.step(f"driver up: {reply.text}")

    def shot(self, screen, head, name, what):
        """Save head's screenshot as PNG; compare it with the expected pattern and check, in QEMU's
        trace, that what changed was flushed to the head (Screens.verify)."""
        path = self.out_dir / f"{len(self.results) + 1:02d}-{name}.png"
        image = screen.machine.screendump(head=head, fmt="png", keep_as=path)
        self.verdict(path, what, screen.verify(head, image)[1])
        return path

    def preferred(self, screen, head, seed, configured):
        """Set the driver's preferred mode; the picture is expected at the size the host configured,
        so a wrong pick shows as a mismatch whatever the guest says it chose."""
        chosen = screen.modepref(head, seed)
        if chosen != configured:
            self.step(f"the driver chose {chosen[0]}x{chosen[1]}, the host configured "
                      f"{configured[0]}x{configured[1]}")
            screen.expected[head] = screen_pattern(*configured, seed)
        return configured

    def verdict(self, path, what, report):
        verdict = "OK" if report is None else "MISMATCH"
        self.results.append((path.name, verdict))
        print(f"   {verdict:<8} {path.relative_to(REPO) if path.is_relative_to(REPO) else path}  {what}")
        if report:
            print(textwrap.indent(report, "            "))

    # ---- scenes ----
    def modes(self):
        props = {"xres": DEFAULT_SIZE[0], "yres": DEFAULT_SIZE[1]}
        with self.machine("one head: default mode, mode switches, a partial update", gpu_props=props) as vm:
            self.init(vm)
            screen = Screens(vm, "demo")
            width, height = self.preferred(screen, 0, 1, DEFAULT_SIZE)
            self.shot(screen, 0, f"default-{width}x{height}", "preferred mode of the device, pattern seed 1")
            for seed, (width, height) in enumerate(MODES, start=2):
                screen.mode(0, width, height, seed)
                self.shot(screen, 0, f"mode-{width}x{height}", f"mode switch, pattern seed {seed}")
            screen.rect(0, 600, 400, 900, 500, seed=40)
            self.shot(screen, 0, "partial-update", "only the rectangle (600,400) 900x500 redrawn, seed 40")

    def cursor(self):
        with self.machine("host-drawn cursor (shown by QEMU, not in the framebuffer)", vnc=True) as vm:
            client = RFBClient("127.0.0.1", vm.vnc_port())
            try:
                self.init(vm)
                screen = Screens(vm, "demo")
                screen.mode(0, 1024, 768, seed=7)
                vm.guest.ok(f"cursor 0 {CURSOR_HOT[0]} {CURSOR_HOT[1]} 200 150 {CURSOR_SEED}")
                hot, rgba = self.save_cursor(client, CURSOR_SEED)
                for x, y in CURSOR_MOVES:
                    mark = vm.trace.mark()
                    vm.guest.ok(f"cursormove 0 {x} {y}")
                    events = vm.trace.wait_for(mark, CURSOR)
                    self.step("QEMU trace: " + "; ".join(e.line for e in events))
                where = (events[-1]["x"], events[-1]["y"]) if events else (0, 0)
                path = self.shot(screen, 0, "cursor-screen", "framebuffer under the cursor is unchanged")
                self.composite(path, screen.expected[0], hot, rgba, where)
            finally:
                client.close()

    def save_cursor(self, client, seed):
        """The cursor image QEMU's VNC server sends, saved and checked; returns (hot spot, RGBA array)."""
        hot, rgba = read_vnc_cursor(client)
        path = self.out_dir / f"{len(self.results) + 1:02d}-cursor-image.png"
        Image.fromarray(rgba, "RGBA").save(path)
        report = mismatch_report(rgba, cursor_pattern(seed))
        if hot != CURSOR_HOT:
            report = f"hot spot {hot}, configured {CURSOR_HOT}" + (f"; {report}" if report else "")
        self.verdict(path, f"cursor image as QEMU's VNC server has it, hot spot {hot}", report)
        return hot, rgba

    def composite(self, screen_png, expected_screen, hot, rgba, where):
        """What a viewer sees: the screenshot with QEMU's cursor drawn at QEMU's cursor position."""
        with Image.open(screen_png) as shot:
            actual = paste_cursor(np.asarray(shot.convert("RGB")), rgba, where[0] - hot[0], where[1] - hot[1])
        (to_x, to_y), (hot_x, hot_y) = CURSOR_MOVES[-1], CURSOR_HOT
        expected = paste_cursor(expected_screen, cursor_pattern(CURSOR_SEED), to_x - hot_x, to_y - hot_y)
        path = self.out_dir / f"{len(self.results) + 1:02d}-cursor-composite.png"
        Image.fromarray(actual).save(path)
        self.verdict(path, f"screen + cursor at {where} as a viewer sees it", mismatch_report(actual, expected))

    def two_heads(self):
        with self.machine("two heads (max_outputs=2), one pattern each", gpu_props={"max_outputs": 2}) as vm:
            self.init(vm)
            screen = Screens(vm, "demo")
            screen.mode(0, 1280, 800, seed=21)
            screen.mode(1, 1024, 768, seed=22)
            self.shot(screen, 0, "head0", "head 0, 1280x800, seed 21")
            self.shot(screen, 1, "head1", "head 1, 1024x768, seed 22")

    def edid(self):
        props = {"edid": "on", "xres": EDID_SIZE[0], "yres": EDID_SIZE[1]}
        with self.machine("EDID says 1600x900: the driver's preferred mode", gpu_props=props) as vm:
            self.init(vm)
            screen = Screens(vm, "demo")
            width, height = self.preferred(screen, 0, 30, EDID_SIZE)
            self.shot(screen, 0, f"edid-preferred-{width}x{height}", "preferred mode from the EDID, seed 30")

    def run(self):
        started = time.monotonic()
        for scene in (self.modes, self.cursor, self.two_heads, self.edid):
            scene()
        bad = [name for name, verdict in self.results if verdict != "OK"]
        print(f"\n{len(self.results)} screenshots in {self.out_dir}, {len(bad)} mismatched, "
              f"{time.monotonic() - started:.1f} s")
        return 1 if bad else 0


def window_backend():
    """'gtk' or 'sdl' if this QEMU has one (they come with Debian's qemu-system-gui), else None."""
    listing = subprocess.run([QEMU, "-display", "help"], capture_output=True, text=True).stdout.split()
    return next((name for name in ("gtk", "sdl") if name in listing), None)


def choose_display(view):
    if not view:
        return "none"
    if not os.environ.get("DISPLAY"):
        print("VIEW=1 asks for a QEMU window, but $DISPLAY is not set (no X server to show it on); "
              "running headless — the screenshots are still written.")
        return "none"
    backend = window_backend()
    if backend is None:
        print("VIEW=1: this QEMU has no gtk or sdl display (install the qemu-system-gui package); "
              "running headless — the screenshots are still written.")
        return "none"
    return backend


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guest", type=Path, default=REPO / "build" / "guest" / "vgpu-guest.elf")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "demo")
    parser.add_argument("--view", action="store_true", help="show a QEMU window (needs $DISPLAY)")
    args = parser.parse_args()
    if not args.guest.is_file():
        print(f"{args.guest} is missing: build it with `make {args.guest}` (or run `make demo`)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("[0-9][0-9]-*.png"):     # an earlier run's pictures would mislead
        old.unlink()
    display = choose_display(args.view)
    demo = Demo(args.guest.resolve(), args.out.resolve(), display, pause=2.0 if display != "none" else 0)
    return demo.run()


if __name__ == "__main__":
    sys.exit(main())
