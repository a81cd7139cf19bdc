# Clipboard sharing (issue 8): virtio-console + vdagent in core/, the agent policy in agent/, the
# guest's `clip` commands, and their tests.
#   make test-clipboard     e2e on QEMU: a VNC client <-> QEMU's qemu-vdagent <-> the guest's agent,
#                           and a test-played host on a socket port (PNG, malformed input, ...)
#   make test-unit          also runs tests/unit/test_vdagent, test_vconsole and test_clip_logic
#   fuzz targets tests/fuzz/fuzz_vdagent.c and fuzz_vconsole_ctrl.c build with mk/fuzz.mk
# (Fragments are included alphabetically: unit.mk's and e2e.mk's variables are not set yet here,
# so paths are spelled out.)
DEB_PACKAGES += qemu-system-x86 python3-pytest
TESTS += test-clipboard

CLIP_GUEST_ELF := $(BUILD)/guest/vgpu-guest.elf

# test_clip_logic links the agent's portable files (agent/*.c; the macOS-only one is in agent/macos/)
# next to the core (unit.mk's pattern rule
# links every prerequisite).
# The agent protocol (agent/vdagent*.c) is the agent's and the test guest's, never the kernel's.
VDAGENT_UNIT_OBJS := $(BUILD)/unit/obj/agent/vdagent.o $(BUILD)/unit/obj/agent/vdagent_codec.o
$(BUILD)/unit/test_clip_logic: $(BUILD)/unit/obj/agent/clip_logic.o $(BUILD)/unit/obj/agent/clip_pump.o $(VDAGENT_UNIT_OBJS)
$(BUILD)/unit/test_vdagent: $(VDAGENT_UNIT_OBJS)

.PHONY: test-clipboard
test-clipboard: $(CLIP_GUEST_ELF)
	VGPU_GUEST_ELF=$(abspath $(CLIP_GUEST_ELF)) $(PYTHON) -m pytest -p no:cacheprovider -q -rs \
	    --durations=5 tests/e2e_clip

# The macOS user agent that runs it is built by mk/agent.mk (make guest-agent, macOS only).
