"""Pixels drawn by virgl on the host, read back with TRANSFER_FROM_HOST_3D, compared exactly.

Expected images are computed here from the inputs alone.  Read-back memory is poisoned by the
guest first (0xDEADBEEF), so a transfer that wrote nothing cannot pass.
"""
from tests.harness.gl3d import bgra_word, f32

POISON = 0xDEADBEEF        # what the guest writes into read-back memory first (guest/PROTOCOL.md)
COLOURS = [(1.0, 0.0, 0.0, 1.0), (0.0, 1.0, 0.0, 1.0), (0.0, 0.0, 1.0, 1.0),
           (51 / 255, 102 / 255, 153 / 255, 204 / 255), (1.0, 1.0, 1.0, 0.0)]


def assert_all(pixels, width, height, word):
    wrong = {p: v for p, v in pixels.items() if v != word}
    assert len(pixels) == width * height, f"{len(pixels)} pixels read, expected {width * height}"
    assert not wrong, f"{len(wrong)} pixels differ from {word:08x}, e.g. {list(wrong.items())[:5]}"


def test_clear_reads_back_exactly(gl_vm):
    width, height = 37, 23     # odd sizes: rows are not a power of two
    gl_vm.target(width, height)
    for rgba in COLOURS:
        gl_vm.clear(rgba)
        assert_all(gl_vm.read(), width, height, bgra_word(rgba))


def test_stream_split_across_many_buffers(gl_vm):
    """The same clear with the command stream cut every 20 bytes (not on dword boundaries)."""
    gl_vm.target(16, 8)
    gl_vm.ok("gl split 20")
    reply = gl_vm.clear(COLOURS[3])
    assert int(reply.fields["pieces"]) >= 4, reply.text
    assert_all(gl_vm.read(), 16, 8, bgra_word(COLOURS[3]))


def test_partial_read_box(gl_vm):
    """A box in the middle: only it is transferred, every pixel outside it stays poisoned."""
    gl_vm.target(32, 16)
    gl_vm.clear(COLOURS[1])
    box = {(x, y) for x in range(5, 12) for y in range(3, 7)}
    pixels = gl_vm.read((5, 3, 7, 4))
    assert len(pixels) == 32 * 16, f"{len(pixels)} pixels printed, the target has {32 * 16}"
    wrong = {p: f"{v:08x}" for p, v in pixels.items() if v != (bgra_word(COLOURS[1]) if p in box else POISON)}
    assert not wrong, f"{len(wrong)} pixels wrong (box = clear colour, outside = poison), e.g. {list(wrong.items())[:6]}"


# ---- the triangle ----
#
# Assumed rasterization: pixel (x, y) is covered when its centre (x + 0.5, y + 0.5) is inside the
# triangle, with the top-left fill rule for centres exactly on an edge.  Window coordinates follow
# gallium: window = ndc * (size / 2) + size / 2 on both axes, and read-back row y is window y
# (virgl's FBO rendering has no flip).  Pixels whose centre lies within 0.5 px of an edge line
# are not asserted; every other pixel must be exactly the triangle or the clear colour.

WIDTH, HEIGHT = 64, 48
TRIANGLE_PX = [(5.3, 3.7), (58.6, 12.2), (20.1, 44.9)]    # not symmetric: a flip would show
CLEAR = (0.0, 0.0, 0.0, 1.0)
FILL = (1.0, 0.5, 0.25, 1.0)


def to_ndc(px, size):
    return f32(2.0 * px / size - 1.0)


def edge_distance(p, a, b):
    """Signed distance of p from line a→b (positive on the left in y-down coordinates)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    return cross / ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5


def classify(vertices):
    """{(x, y): True inside / False outside} for pixels clear of every edge, and the skipped ones."""
    sure, skipped = {}, []
    edges = [(vertices[i], vertices[(i + 1) % 3]) for i in range(3)]
    orientation = 1 if edge_distance(vertices[2], *edges[0]) > 0 else -1
    for y in range(HEIGHT):
        for x in range(WIDTH):
            d = [orientation * edge_distance((x + 0.5, y + 0.5), a, b) for a, b in edges]
            if min(abs(v) for v in d) < 0.5:
                skipped.append((x, y))
            else:
                sure[(x, y)] = all(v > 0 for v in d)
    return sure, skipped


def test_flat_triangle_matches_an_independent_rasterization(gl_vm):
    ndc = [to_ndc(v, size) for x, y in TRIANGLE_PX for v, size in ((x, WIDTH), (y, HEIGHT))]
    window = [((ndc[2 * i] + 1) * WIDTH / 2, (ndc[2 * i + 1] + 1) * HEIGHT / 2) for i in range(3)]
    sure, skipped = classify(window)
    gl_vm.target(WIDTH, HEIGHT)
    gl_vm.clear(CLEAR)
    gl_vm.triangle(ndc, FILL)
    pixels = gl_vm.read()
    inside, outside = bgra_word(FILL), bgra_word(CLEAR)
    wrong = [(p, f"{pixels.get(p, 0):08x}") for p, ins in sure.items() if pixels.get(p) != (inside if ins else outside)]
    print(f"asserted {len(sure)} pixels ({sum(sure.values())} inside), skipped {len(skipped)} edge pixels")
    assert sum(sure.values()) > 600 and len(sure) > 2500, "the triangle is too small to test anything"
    assert not wrong, f"{len(wrong)} pixels wrong, e.g. {wrong[:8]}"
    edge_values = {pixels.get(p) for p in skipped}
    assert edge_values <= {inside, outside}, f"edge pixels other than the two colours: {edge_values}"
    for mirror in (lambda x, y: (WIDTH - x, y), lambda x, y: (x, HEIGHT - y)):
        flipped, _ = classify([mirror(x, y) for x, y in window])
        misses = sum(pixels.get(p) != (inside if ins else outside) for p, ins in flipped.items())
        assert misses > 100, "a mirrored expectation matches too: the comparison could not see a flip"
