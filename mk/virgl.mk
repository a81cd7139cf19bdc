# 3D (virgl) on QEMU's virtio-gpu-gl-pci: end-to-end tests (tests/e2e3d), the submit benchmark and the
# capset fuzzer.  QEMU renders with Mesa's llvmpipe through -display egl-headless (no GPU needed).
#   make test-3d            pytest tests/e2e3d on the bare-metal guest (TCG)
#   make bench-3d           submit throughput, printed (and $(OUT)/bench3d.json)
#   make fuzz-virgl-caps    libFuzzer on core/gpu3d/virgl_caps.c + core/gpu3d/res3d_check.c for VIRGL_FUZZ_SECONDS (clang)
DEB_PACKAGES += libegl1 libgl1-mesa-dri libegl-mesa0 qemu-system-x86 qemu-system-gui python3-pytest virgl-server
TESTS += test-3d

VIRGL_GUEST_ELF := $(BUILD)/guest/vgpu-guest.elf
VIRGL_FUZZ_SECONDS ?= 60
VIRGL_FUZZ_CC      ?= clang

# The virgl encoder is the test guest's (guest/virgl_enc.c), never the kernel's; its unit test links it.
$(BUILD)/unit/test_virgl3d: $(BUILD)/unit/obj/guest/virgl_enc.o

.PHONY: test-3d bench-3d fuzz-virgl-caps
test-3d: $(VIRGL_GUEST_ELF)
	VGPU_GUEST_ELF=$(abspath $(VIRGL_GUEST_ELF)) $(PYTHON) -m pytest -p no:cacheprovider -q -rs \
	    --durations=5 tests/e2e3d

bench-3d: $(VIRGL_GUEST_ELF)
	@mkdir -p $(OUT)
	$(PYTHON) -m tests.e2e3d.bench3d --guest $(abspath $(VIRGL_GUEST_ELF)) --json $(OUT)/bench3d.json

$(BUILD)/fuzz_virgl_caps: tests/fuzz/fuzz_virgl_caps.c core/gpu3d/virgl_caps.c core/gpu3d/res3d_check.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(VIRGL_FUZZ_CC) $(CSTD) $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined $(CORE_INCLUDE) \
	    tests/fuzz/fuzz_virgl_caps.c core/gpu3d/virgl_caps.c core/gpu3d/res3d_check.c -o $@

# Seeds: a v1 and a v2 capset with plausible limits behind an id byte and a 64x48 render target.
fuzz-virgl-caps: $(BUILD)/fuzz_virgl_caps
	@mkdir -p $(BUILD)/fuzz/virgl_caps_corpus
	@$(PYTHON) -c 'import struct,sys; d=sys.argv[1]; desc=struct.pack("<10I",2,1,0x4000a,64,48,1,1,0,0,0); \
	  cap=bytearray(760); struct.pack_into("<I",cap,0,2); cap[68]=0xff; struct.pack_into("<5I",cap,264,450,2048,4,1,8); \
	  struct.pack_into("<3I",cap,484,16384,2048,16384); cap[696:700]=b"seed"; \
	  open(d+"/seed_v1","wb").write(b"\x01"+desc+cap[:308]); open(d+"/seed_v2","wb").write(b"\x02"+desc+cap)' \
	  $(BUILD)/fuzz/virgl_caps_corpus
	$(BUILD)/fuzz_virgl_caps -max_total_time=$(VIRGL_FUZZ_SECONDS) -max_len=1500 -print_final_stats=1 \
	    $(BUILD)/fuzz/virgl_caps_corpus
