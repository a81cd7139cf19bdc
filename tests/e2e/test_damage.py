"""The refresh engine on QEMU's device: a change anywhere, down to one pixel at the end of a row
or of the frame, is found by the damage scan and reaches the screen, and only the tiles it touches
are flushed.

The guest's `bench S refresh N X Y W H HZ` draws solid colour(i) into the rectangle N times without
telling the driver, and after each drawing runs one tick of the engine (scan, merge, fenced flush).
The frame is 1366x768, so the last column of tiles is 22 pixels wide.
"""
import pytest

from tests.harness.steps import FLUSH, init, rect_of

WIDTH, HEIGHT = 1366, 768
TILE_W, TILE_H = 64, 16          # the tile grid core/refresh/damage.h documents (VGPU_DAMAGE_TILE_W/H)
UPDATES, HZ = 30, 60

CASES = {
    "first-pixel": (0, 0, 1, 1),
    "last-pixel-of-first-row": (WIDTH - 1, 0, 1, 1),
    "last-pixel-of-frame": (WIDTH - 1, HEIGHT - 1, 1, 1),
    "narrow-last-tile-column-two-tile-rows": (1344, 383, 22, 2),
    "corner-of-four-tiles": (63, 15, 2, 2),
    "middle": (700, 400, 1, 1),
}


def colour(i):
    """The bench loop's solid colour for update i, as RGB (guest/PROTOCOL.md)."""
    return (i % 256, (i // 256) % 256, 0x80)


def tile_box(x, y, w, h):
    """The rectangle of whole tiles (clipped to the frame) that a change at x, y, w, h dirties."""
    x0, y0 = x // TILE_W * TILE_W, y // TILE_H * TILE_H
    x1 = min(WIDTH, -(-(x + w) // TILE_W) * TILE_W)
    y1 = min(HEIGHT, -(-(y + h) // TILE_H) * TILE_H)
    return x0, y0, x1 - x0, y1 - y0


def inside(inner, outer):
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


@pytest.mark.parametrize("case", sorted(CASES))
def test_scanned_change_reaches_the_screen_and_only_its_tiles_are_flushed(boot, screens, case):
    x, y, w, h = CASES[case]
    vm = boot()
    init(vm)
    screen = screens(vm)
    screen.mode(0, WIDTH, HEIGHT, seed=1)     # a new mode starts a new engine, scanning every tick
    mark = vm.trace.mark()
    reply = vm.guest.ok(f"bench 0 refresh {UPDATES} {x} {y} {w} {h} {HZ}", timeout=60)
    flushed = [rect_of(e) for e in vm.trace.since(mark, {FLUSH})]

    # The engine's first tick sends the whole frame (its shadow starts empty); after that, only
    # the tiles the drawing touched may go out.
    assert flushed and flushed[0] == (0, 0, WIDTH, HEIGHT), f"first flush {flushed[:1]}"
    box = tile_box(x, y, w, h)
    stray = [r for r in flushed[1:] if not inside(r, box)]
    assert not stray, f"flushes outside the tiles of {CASES[case]} (tiles {box}): {stray}"
    assert len(flushed) > 1, "the change was never flushed"
    assert reply.int("pixels") <= UPDATES * box[2] * box[3], reply.text
    assert reply.int("scans") >= 1, reply.text

    screen.expected[0][y:y + h, x:x + w] = colour(UPDATES)
    screen.check(0, f"damage-{case}")
