# Real OpenGL programs through this driver (issue 15): Mesa's virgl driver (GALLIUM_DRIVER=virpipe)
# speaks vtest to tools/vtest-bridge, which runs every operation in the test guest (guest/vtestsrv.c,
# core/gpu3d/uc3d.c + core/gpu3d/vgpu3d.h) on QEMU's virtio-gpu-gl-pci; the reference lane is virglrenderer's
# own virgl_test_server.  Mesa 22.3 connects to /tmp/.virgl_test only (no variable), so each program
# runs in its own mount namespace with a lane's directory over /tmp (tests/harness/lanes.py; root).
#   make test-piglit         the whole subset (tests/piglit/SUBSET.md), both lanes, table in out/piglit/
#   make test-piglit-short   the short subset, 2 programs killed mid-stream, 10 short ones (part of `make test`)
#   make test-piglit-robust  10 programs killed mid-stream and 1,000 short-lived ones (about 4 minutes)
#   make vtest-bridge        $(BUILD)/vtest-bridge
#   make bench-gl            GL frames per second, this driver against the reference lane (part of `make bench`)
DEB_PACKAGES += piglit virgl-server libgl1-mesa-dri libegl-mesa0 libegl-dev libgles-dev qemu-system-x86 util-linux
TESTS += test-piglit-short

VTEST_BRIDGE      := $(BUILD)/vtest-bridge
VTEST_BRIDGE_SRCS := $(wildcard tools/vtest-bridge/*.c)

$(VTEST_BRIDGE): $(VTEST_BRIDGE_SRCS) $(wildcard tools/vtest-bridge/*.h) guest/vtlink.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -g -Iguest -o $@ $(VTEST_BRIDGE_SRCS)

GLFPS := $(BUILD)/glfps
$(GLFPS): bench/gl/glfps.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $< -lEGL -lGLESv2

bench-gl: $(GLFPS) $(VTEST_BRIDGE) $(GUEST_ELF)
	@mkdir -p $(OUT)
	$(PYTHON) -m bench.gl.gl_bench --glfps $(GLFPS) --bridge $(abspath $(VTEST_BRIDGE)) \
	    --guest $(abspath $(GUEST_ELF)) --json $(BENCH_JSON)

.PHONY: vtest-bridge test-piglit test-piglit-short test-piglit-robust bench-gl
vtest-bridge: $(VTEST_BRIDGE)

test-piglit: $(VTEST_BRIDGE) $(GUEST_ELF)
	@mkdir -p $(OUT)/piglit
	$(PYTHON) -m tests.piglit.run --bridge $(abspath $(VTEST_BRIDGE)) --guest $(abspath $(GUEST_ELF)) \
	    --subset full --out $(OUT)/piglit

test-piglit-short: $(VTEST_BRIDGE) $(GUEST_ELF)
	@mkdir -p $(OUT)/piglit
	$(PYTHON) -m tests.piglit.run --bridge $(abspath $(VTEST_BRIDGE)) --guest $(abspath $(GUEST_ELF)) \
	    --subset short --out $(OUT)/piglit
	$(PYTHON) -m tests.piglit.robust --bridge $(abspath $(VTEST_BRIDGE)) --guest $(abspath $(GUEST_ELF)) \
	    --kills 2 --programs 10 --out $(OUT)/piglit

test-piglit-robust: $(VTEST_BRIDGE) $(GUEST_ELF)
	@mkdir -p $(OUT)/piglit
	$(PYTHON) -m tests.piglit.robust --bridge $(abspath $(VTEST_BRIDGE)) --guest $(abspath $(GUEST_ELF)) \
	    --kills 10 --programs 1000 --out $(OUT)/piglit
