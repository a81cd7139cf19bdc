# Fuzzing (tests/fuzz/): libFuzzer targets that run the unchanged core against a scripted hostile
# device (tests/fuzz/fuzz_os.c + dev_*.c), plus standalone parser targets (fuzz_edid.c, ...).
#   make fuzz [FUZZ_SECONDS=20] [FUZZ_TARGETS="used resp"]   fuzz each target, print a table
#   make fuzz-smoke     build every target, replay the committed corpus and regressions, then fuzz each
#                       target for FUZZ_SMOKE_SECONDS (default 3; in TESTS)
#   make fuzz-seeds     regenerate the software-device seeds in tests/fuzz/corpus/
#   make fuzz-seeds-qemu  add seeds captured from QEMU 7.2 (config space, display info, EDID)
# A finding is written to $(BUILD)/fuzz/findings/<target>/; replay one with
#   $(BUILD)/fuzz/fuzz_<target> FILE   (FUZZ_LOG=1 prints the core's log).
DEB_PACKAGES += clang-14 libclang-rt-14-dev
TESTS += fuzz-smoke

FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 20
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SRC     := tests/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CSTD) $(WARN) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP $(CORE_INCLUDE)
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer

# Targets that drive the whole core through the fuzz host; every other fuzz_*.c is standalone.
FUZZ_HOSTED  := pci devcfg used resp stateful 3d
FUZZ_ALL     := $(sort $(patsubst $(FUZZ_SRC)/fuzz_%.c,%,$(filter-out $(FUZZ_SRC)/fuzz_os.c $(FUZZ_SRC)/fuzz_mem.c \
                  $(FUZZ_SRC)/fuzz_tape.c,$(wildcard $(FUZZ_SRC)/fuzz_*.c))))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_HOST_SRCS := $(addprefix $(FUZZ_SRC)/,fuzz_os.c fuzz_mem.c fuzz_tape.c dev.c dev_pci.c \
                  dev_transport.c dev_ring.c dev_gpu.c dev_res.c dev_caps3d.c dev_res3d.c session.c \
                  session_script.c) sim/edid.c $(wildcard sim/virtio/*.c)

FUZZ_CORE_SRCS ?= $(CORE_SRCS)
fuzz_obj = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(1))
FUZZ_CORE_LIB := $(FUZZ_DIR)/libvgpu-core.a
FUZZ_BINS     := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_ALL))

$(FUZZ_DIR)/obj/%.o: %.c mk/fuzz.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# An archive: a standalone target pulls in only the core files it calls.
$(FUZZ_CORE_LIB): $(call fuzz_obj,$(FUZZ_CORE_SRCS)) mk/fuzz.mk
	@rm -f $@
	ar rcs $@ $(filter %.o,$^)

$(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_HOSTED)): $(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/$(FUZZ_SRC)/fuzz_%.o \
		$(call fuzz_obj,$(FUZZ_HOST_SRCS)) $(FUZZ_CORE_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^

$(addprefix $(FUZZ_DIR)/fuzz_,$(filter-out $(FUZZ_HOSTED),$(FUZZ_ALL))): $(FUZZ_DIR)/fuzz_%: \
		$(FUZZ_DIR)/obj/$(FUZZ_SRC)/fuzz_%.o $(FUZZ_CORE_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^

# The agent protocol lives with the agent (agent/vdagent*.c), outside the core's archive.
$(FUZZ_DIR)/fuzz_vdagent: $(call fuzz_obj,agent/vdagent.c agent/vdagent_codec.c)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-seeds fuzz-seeds-qemu
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@$(FUZZ_SRC)/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_SRC) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@$(FUZZ_SRC)/replay.sh $(FUZZ_DIR) $(FUZZ_SRC) $(FUZZ_ALL)
	@$(FUZZ_SRC)/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_SRC) $(FUZZ_SMOKE_SECONDS) $(FUZZ_ALL)

$(FUZZ_DIR)/mkseeds: $(FUZZ_SRC)/mkseeds.c $(wildcard sim/*.c sim/virtio/*.c) mk/fuzz.mk
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -g -O1 -o $@ $(FUZZ_SRC)/mkseeds.c $(wildcard sim/*.c sim/virtio/*.c)

fuzz-seeds: $(FUZZ_DIR)/mkseeds
	$(FUZZ_DIR)/mkseeds $(FUZZ_SRC)/corpus tests/unit/edid_samples

# Boots the test guest under QEMU and reads the device's own bytes back (guest RAM, ECAM).
fuzz-seeds-qemu: $(GUEST_ELF)
	$(PYTHON) -m tests.fuzz.capture_qemu $(GUEST_ELF) $(FUZZ_SRC)/corpus

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
