# Paths more than one fragment uses, each written out here only.  The Makefile reads this fragment
# right after mk/core.mk, so the others may use these in prerequisites and := assignments whatever
# order they are read in (`make test-makefiles` checks both).
# The bare-metal test guest (mk/guest.mk builds it; e2e, 3D, clipboard, piglit, bench, fuzz seeds run it).
GUEST_OUT    := $(BUILD)/guest
GUEST_ELF    := $(GUEST_OUT)/vgpu-guest.elf
# Unit tests (mk/unit.mk); a fragment adds the objects its test links beyond the core and the sim.
UNIT_DIR     := $(BUILD)/unit
unit_obj      = $(patsubst %.c,$(UNIT_DIR)/obj/%.o,$(1))
# The OpenCore tool (mk/opencore.mk builds it; `make` and `make dist` want it).
OC_KEXT_TOOL := $(BUILD)/tools/oc-kext
# Every benchmark writes its section into one file (bench/README.md).
BENCH_JSON   := $(OUT)/bench.json
