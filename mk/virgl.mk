# 3D (virgl) on QEMU's virtio-gpu-gl-pci: end-to-end tests (tests/e2e3d), the submit benchmark and the
# capset fuzzer.  QEMU renders with Mesa's llvmpipe through -display egl-headless (no GPU needed).
#   make test-3d            pytest tests/e2e3d on the bare-metal guest (TCG)
#   make bench-3d           submit throughput, printed (and $(OUT)/bench3d.json)
#   make fuzz-virgl-caps    libFuzzer on core/gpu3d/virgl_caps.c + core/gpu3d/res3d_check.c for VIRGL_FUZZ_SECONDS
DEB_PACKAGES += libegl1 libgl1-mesa-dri libegl-mesa0 qemu-system-x86 qemu-system-gui python3-pytest virgl-server
TESTS += test-3d

VIRGL_FUZZ_SECONDS ?= 60

# The virgl encoder is the test guest's (guest/virgl_enc.c), never the kernel's; its unit test links it.
$(UNIT_DIR)/test_virgl3d: $(call unit_obj,guest/virgl_enc.c)

.PHONY: test-3d bench-3d fuzz-virgl-caps
test-3d: $(GUEST_ELF)
	VGPU_GUEST_ELF=$(abspath $(GUEST_ELF)) $(PYTHON) -m pytest -p no:cacheprovider -q -rs \
	    --durations=5 tests/e2e3d

bench-3d: $(GUEST_ELF)
	@mkdir -p $(OUT)
	$(PYTHON) -m tests.e2e3d.bench3d --guest $(abspath $(GUEST_ELF)) --json $(OUT)/bench3d.json

# One fuzz target among the others (mk/fuzz.mk builds it; seeds: tests/fuzz/corpus/virgl_caps, from mkseeds.c).
fuzz-virgl-caps:
	@$(MAKE) --no-print-directory fuzz FUZZ_TARGETS=virgl_caps FUZZ_SECONDS=$(VIRGL_FUZZ_SECONDS)
