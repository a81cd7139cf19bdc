"""Which piglit tests run (SUBSET.md says why): chosen by name, never by outcome."""
import ast
import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

TEST_LIST = Path("/usr/lib/x86_64-linux-gnu/piglit/tests/quick_gl.xml.gz")

# Every test of piglit's quick_gl list in these groups (the first two '@' parts of its name).
FULL_GROUPS = (
    "spec@!opengl 1.0",          # clears, primitives, read-back, depth/stencil, blending basics
    "spec@!opengl 1.1",          # vertex arrays, textures and formats, blending, copy/read/draw pixels
    "spec@ext_framebuffer_object",
    "spec@arb_occlusion_query",  # queries
    "spec@glsl-1.10",            # GLSL compile, link and execution
)

# The short subset in `make test`: one or two programs per area, named here.
SHORT = (
    "spec@!opengl 1.1@texsubimage",                      # texture uploads into sub-rectangles
    "spec@!opengl 1.1@copyteximage 2d",                  # read-back of the window into a texture
    "spec@!opengl 1.1@draw-pixels",
    "spec@!opengl 1.0@gl-1.0-blend-func",                # blending
    "spec@!opengl 1.1@array-stride",                     # vertex arrays
    "spec@!opengl 1.1@depthfunc",                        # depth test
    "spec@ext_framebuffer_object@fbo-readpixels-depth-formats",  # depth read-back
    "spec@ext_framebuffer_object@fbo-blending-formats",  # FBOs in many formats
    "spec@arb_occlusion_query@occlusion_query",          # queries
    "spec@glsl-1.10@execution@varying-packing@simple vec4 array",
)


class Test:
    def __init__(self, name, argv, concurrent):
        self.name, self.argv, self.concurrent = name, argv, concurrent

    def command(self, bindir):
        """As piglit runs it: -auto always, -fbo for tests piglit may run concurrently.  Empty
        arguments in the list (an unset option of the generator) are dropped."""
        argv = [str(bindir / self.argv[0])] + [a for a in self.argv[1:] if a] + ["-auto"]
        return argv + (["-fbo"] if self.concurrent and "-fbo" not in argv else [])


def all_tests():
    with gzip.open(TEST_LIST) as f:
        root = ET.parse(f).getroot()
    for t in root:
        if t.get("type") != "gl":
            continue
        opts = {o.get("name"): o.get("value") for o in t.findall("option")}
        argv = ast.literal_eval(opts["command"])
        yield Test(t.get("name"), argv, opts.get("run_concurrent") == "True")


def select(which):
    tests = list(all_tests())
    if which == "short":
        by_name = {t.name: t for t in tests}
        missing = [n for n in SHORT if n not in by_name]
        if missing:
            raise KeyError(f"not in {TEST_LIST}: {missing}")
        return [by_name[n] for n in SHORT]
    return [t for t in tests if "@".join(t.name.split("@")[:2]) in FULL_GROUPS]
