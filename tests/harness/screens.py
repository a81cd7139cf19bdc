"""What each head should show, kept by the test as it drives the guest, and checks of it.

Every guest command that draws goes through here so the expected image follows along:
`mode` resets a head to pattern(seed), `rect` paints pattern(seed) into a rectangle.
A check passes only when the screendump equals the expected image *and* QEMU's trace shows every
pixel changed since the head's last check flushed to it (harness/shown.py): QEMU's screendump alone
also shows pixels that were transferred but never flushed.
"""
import fnmatch

import numpy as np

from .compare import assert_array, mismatch_report
from .patterns import screen_pattern, with_rects
from .shown import EVENTS, unshown_report


class Screens:
    def __init__(self, machine, test_name):
        self.machine = machine
        self.guest = machine.guest
        self.test_name = test_name
        self.expected = {}     # head → RGB array
        self.shown = {}        # head → the expected image at its last passed check
        self.marks = {}        # head → number of trace EVENTS at that check
        traced = machine.config.trace
        missing = [e for e in EVENTS if not any(fnmatch.fnmatch(e, pattern) for pattern in traced)]
        if missing:
            raise ValueError(f"pixel checks need QEMU's trace of {missing}: add them to MachineConfig.trace")

    def mode(self, head, width, height, seed):
        reply = self.guest.ok(f"mode {head} {width} {height} {seed}", timeout=120)
        self.expected[head] = screen_pattern(width, height, seed)
        return reply

    def modepref(self, head, seed):
        """Set the preferred mode; returns (width, height) from the reply."""
        reply = self.guest.ok(f"modepref {head} {seed}", timeout=120)
        width, height = (int(v) for v in reply.fields["mode"].split("x"))
        self.expected[head] = screen_pattern(width, height, seed)
        return width, height

    def rect(self, head, x, y, w, h, seed):
        reply = self.guest.ok(f"rect {head} {x} {y} {w} {h} {seed}")
        self.painted(head, [(x, y, w, h)], seed)
        return reply

    def painted(self, head, rects, seed):
        """Record rectangles the guest filled by some other command (rectasync)."""
        self.expected[head] = with_rects(self.expected[head], rects, seed)

    def verify(self, head, image=None):
        """(screendump as an RGB PIL image, None or the text of what is wrong): the pixels against the
        expected image, and whether every pixel changed since the last check was flushed."""
        events = self.machine.trace.since(0, set(EVENTS))
        image = image if image is not None else self.machine.screendump(head=head)
        actual = np.asarray(image)
        expected = self.expected[head]
        report = mismatch_report(actual, expected)
        if report is None:
            before = self.shown.get(head)
            changed = (np.any(before != expected, axis=2) if before is not None and before.shape == expected.shape
                       else np.ones(expected.shape[:2], bool))
            report = unshown_report(events, self.marks.get(head, 0), head, changed)
        if report is None:
            self.shown[head], self.marks[head] = expected.copy(), len(events)
        return image, report

    def check(self, head, label):
        """Screendump of `head` must equal the expected image pixel for pixel, and have been flushed."""
        image, report = self.verify(head)
        name = f"{self.test_name}-{label}"
        assert_array(np.asarray(image), self.expected[head], name)
        assert report is None, f"{name}: {report}"
        return image

    def check_all(self, label):
        for head in sorted(self.expected):
            self.check(head, f"{label}-head{head}")
