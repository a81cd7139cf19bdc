"""Tests that pass in the reference lane but not through this driver, each with its cause.
A name here does not hide a regression elsewhere: run.py still fails on any other difference."""
KNOWN = {
    "spec@!opengl 1.1@streaming-texture-leak":
        "a limit by design: the program keeps hundreds of 4 MiB textures alive at once (the reference "
        "lane's server grows past 4 GB); the 257th live resource is refused by the per-client limit "
        "the kext's user client has (core/gpu3d/uc3d.h: 256 resources, and 512 MiB of wired memory in the "
        "kext), the program then times out",
    "spec@ext_framebuffer_object@fbo-maxsize":
        "a limit by design: a 16384 x 16384 RGBA render target needs 1 GiB of backing; one resource's "
        "backing is limited to 256 MiB per client (core/gpu3d/uc3d.h UC3D_MAX_BACKING, the kext's "
        "kMaxBackingBytes; the test guest has 1 GiB in all), so its creation is refused and the "
        "program reads back black",
}
