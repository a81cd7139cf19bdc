#!/usr/bin/python3
"""`make demo`: the driver core on QEMU's real virtio-gpu, shown as PNG screenshots.

Boots the bare-metal test guest (which runs the unchanged core/), walks through modes, a partial
update, the cursor, two heads and an EDID preferred mode, saves a screenshot of each step under
out/demo/ and checks every one against the pattern computed here from guest/PROTOCOL.md.
"""
import argparse
import os
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from harness.compare import mismatch_report  # noqa: E402
from harness.machine import Machine, MachineConfig  # noqa: E402
from harness.patterns import cursor_pattern  # noqa: E402
from harness.rfb import ENCODING_ALPHA_CURSOR, RFBClient  # noqa: E402
from harness.screens import Screens  # noqa: E402
from harness.steps import CURSOR  # noqa: E402

MODES = [(640, 480), (1024, 768), (1366, 768), (1920, 1080), (2560, 1600)]


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
        """Save head's screenshot as PNG and compare it with the expected pattern."""
        path = self.out_dir / f"{len(self.results) + 1:02d}-{name}.png"
        image = screen.machine.screendump(head=head, fmt="png", keep_as=path)
        self.verdict(path, what, mismatch_report(np.asarray(image), screen.expected[head]))

    def verdict(self, path, what, report):
        verdict = "OK" if report is None else "MISMATCH"
        self.results.append((path.name, verdict))
        print(f"   {verdict:<8} {path.relative_to(REPO) if path.is_relative_to(REPO) else path}  {what}")
        if report:
            print(textwrap.indent(report, "            "))

    # ---- scenes ----
    def modes(self):
        with self.machine("one head: default mode, mode switches, a partial update") as vm:
            self.init(vm)
            screen = Screens(vm, "demo")
            width, height = screen.modepref(0, seed=1)
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
                vm.guest.ok("cursor 0 4 4 200 150 9")
                self.save_cursor(client, seed=9)
                for x, y in ((400, 300), (800, 600)):
                    mark = vm.trace.mark()
                    vm.guest.ok(f"cursormove 0 {x} {y}")
                    self.step("QEMU trace: " + "; ".join(e.line for e in vm.trace.wait_for(mark, CURSOR)))
                self.shot(screen, 0, "cursor-screen", "framebuffer under the cursor is unchanged")
            finally:
                client.close()

    def save_cursor(self, client, seed):
        rect = client.wait_for_rect(ENCODING_ALPHA_CURSOR)
        bgra = np.frombuffer(rect.payload, np.uint8).reshape(rect.h, rect.w, 4)
        path = self.out_dir / f"{len(self.results) + 1:02d}-cursor-image.png"
        Image.fromarray(np.ascontiguousarray(bgra[:, :, [2, 1, 0, 3]]), "RGBA").save(path)
        expected = cursor_pattern(seed)
        got = bgra[:, :, [3, 2, 1, 0]]
        report = mismatch_report(got[:, :, 1:], expected[:, :, 1:]) or mismatch_report(
            np.repeat(got[:, :, :1], 3, axis=2), np.repeat(expected[:, :, :1], 3, axis=2))
        self.verdict(path, f"cursor image as QEMU's VNC server has it, hot spot ({rect.x},{rect.y})", report)

    def two_heads(self):
        with self.machine("two heads (max_outputs=2), one pattern each", gpu_props={"max_outputs": 2}) as vm:
            self.init(vm)
            screen = Screens(vm, "demo")
            screen.mode(0, 1280, 800, seed=21)
            screen.mode(1, 1024, 768, seed=22)
            self.shot(screen, 0, "head0", "head 0, 1280x800, seed 21")
            self.shot(screen, 1, "head1", "head 1, 1024x768, seed 22")

    def edid(self):
        props = {"edid": "on", "xres": 1600, "yres": 900}
        with self.machine("EDID says 1600x900: the driver's preferred mode", gpu_props=props) as vm:
            self.init(vm)
            screen = Screens(vm, "demo")
            width, height = screen.modepref(0, seed=30)
            self.shot(screen, 0, f"edid-preferred-{width}x{height}", "preferred mode from the EDID, seed 30")

    def run(self):
        started = time.monotonic()
        for scene in (self.modes, self.cursor, self.two_heads, self.edid):
            scene()
        bad = [name for name, verdict in self.results if verdict != "OK"]
        print(f"\n{len(self.results)} screenshots in {self.out_dir}, {len(bad)} mismatched, "
              f"{time.monotonic() - started:.1f} s")
        return 1 if bad else 0


def choose_display(view):
    if not view:
        return "none"
    if not os.environ.get("DISPLAY"):
        print("VIEW=1 asks for a QEMU window, but $DISPLAY is not set (no X server to show it on); "
              "running headless — the screenshots are still written.")
        return "none"
    return "gtk"


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
    display = choose_display(args.view)
    demo = Demo(args.guest.resolve(), args.out.resolve(), display, pause=2.0 if display != "none" else 0)
    return demo.run()


if __name__ == "__main__":
    sys.exit(main())
