# Benchmarks (bench/, see bench/README.md).
#   make bench        build with -O2 (no sanitizers), print the tables, write $(BENCH_JSON),
#                     then the end-to-end part in QEMU (bench/e2e.py over the guest's `bench` and
#                     `idle` commands, guest/PROTOCOL.md) adds its table and an "e2e" section
#   BENCH_ROUNDS=N    best of N rounds (default 40)
#   BENCH_ACCEL=tcg,kvm  accelerators for the QEMU part (default tcg; KVM is opt-in and only run when
#                     /dev/kvm works; under this host's nested KVM the guest draws ~1000x slower than under TCG)
#   BENCH_GUEST=elf   the guest binary (default: the one mk/guest.mk builds)
# The core runs against the software device (sim/) through the unit-test platform (tests/unit/).
# core/refresh/damage.c is linked twice: as built for the unit tests and as the guest builds it
# (-mgeneral-regs-only: no SSE, like the kext's -mkernel); the second copy's symbols are renamed.
DEB_PACKAGES += binutils gcc qemu-system-x86 python3-pil python3-numpy

BENCH_DIR        := $(BUILD)/bench
BENCH_ROUNDS     ?= 40
BENCH_CFLAGS     := $(CSTD) $(WARN) -O2 -g -MMD -MP $(CORE_INCLUDE) -Ibench -Itests/unit
BENCH_HOST_SRCS  := $(wildcard tests/unit/host_*.c)   # the platform (host_os.h), not the cmocka helpers
BENCH_SRCS       := $(wildcard bench/*.c) $(CORE_SRCS) $(wildcard sim/*.c sim/virtio/*.c) $(BENCH_HOST_SRCS)
BENCH_OBJS       := $(patsubst %.c,$(BENCH_DIR)/obj/%.o,$(BENCH_SRCS))
BENCH_SCALAR_OBJ := $(BENCH_DIR)/obj/damage-scalar.o
BENCH_RENAMED    := vgpu_damage_init vgpu_damage_fini vgpu_damage_scan vgpu_damage_probe \
                    vgpu_damage_add_rect vgpu_damage_rects vgpu_damage_clear
BENCH_BIN        := $(BENCH_DIR)/bench
BENCH_ACCEL      ?= tcg
BENCH_GUEST      ?= $(GUEST_ELF)

$(BENCH_DIR)/obj/%.o: %.c mk/bench.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_SCALAR_OBJ): core/refresh/damage.c mk/bench.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -mgeneral-regs-only -c $< -o $@.tmp
	objcopy $(foreach s,$(BENCH_RENAMED),--redefine-sym $(s)=scalar_$(s)) $@.tmp $@

$(BENCH_BIN): $(BENCH_OBJS) $(BENCH_SCALAR_OBJ)
	$(CC) -o $@ $^

.PHONY: bench
bench: $(BENCH_BIN)
	@mkdir -p $(OUT)
	$(BENCH_BIN) --json $(BENCH_JSON) --rounds $(BENCH_ROUNDS)
	@$(MAKE) --no-print-directory $(BENCH_GUEST) || echo "bench: no guest binary, QEMU part skipped"
	$(PYTHON) -m bench.e2e --guest $(BENCH_GUEST) --json $(BENCH_JSON) --accel $(BENCH_ACCEL)
	@$(MAKE) --no-print-directory bench-resize || echo "bench: resize latency part failed"
	@$(MAKE) --no-print-directory bench-3d || echo "bench: 3D part skipped (virtio-gpu-gl-pci could not start)"
	@$(MAKE) --no-print-directory bench-gl || echo "bench: GL part skipped (mk/piglit.mk)"

-include $(shell find $(BENCH_DIR)/obj -name '*.d' 2>/dev/null)
