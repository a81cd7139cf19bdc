"""What each head should show, kept by the test as it drives the guest, and checks of it.

Every guest command that draws goes through here so the expected image follows along:
`mode` resets a head to pattern(seed), `rect` paints pattern(seed) into a rectangle.
"""
from .compare import assert_image
from .patterns import screen_pattern, with_rects


class Screens:
    def __init__(self, machine, test_name):
        self.machine = machine
        self.guest = machine.guest
        self.test_name = test_name
        self.expected = {}     # head → RGB array

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

    def check(self, head, label):
        """Screendump of `head` must equal the expected image pixel for pixel."""
        image = self.machine.screendump(head=head)
        assert_image(image, self.expected[head], f"{self.test_name}-{label}")
        return image

    def check_all(self, label):
        for head in sorted(self.expected):
            self.check(head, f"{label}-head{head}")
