# Clipboard sharing (issue 8): virtio-console + vdagent in core/, the agent policy in agent/, the
# guest's `clip` commands, and their tests.
#   make test-clipboard     e2e on QEMU: a VNC client <-> QEMU's qemu-vdagent <-> the guest's agent,
#                           and a test-played host on a socket port (PNG, malformed input, ...)
#   make test-unit          also runs tests/unit/test_vdagent, test_vconsole and test_clip_logic
#   fuzz targets tests/fuzz/fuzz_vdagent.c and fuzz_vconsole_ctrl.c build with mk/fuzz.mk
DEB_PACKAGES += qemu-system-x86 python3-pytest
TESTS += test-clipboard

# test_clip_logic links the agent's portable files (agent/*.c; the macOS-only one is in agent/macos/)
# next to the core (unit.mk's pattern rule
# links every prerequisite).
# The agent protocol (agent/vdagent*.c) is the agent's and the test guest's, never the kernel's.
VDAGENT_UNIT_OBJS := $(call unit_obj,agent/vdagent.c agent/vdagent_codec.c)
$(UNIT_DIR)/test_clip_logic: $(call unit_obj,agent/clip_logic.c agent/clip_pump.c) $(VDAGENT_UNIT_OBJS)
$(UNIT_DIR)/test_vdagent: $(VDAGENT_UNIT_OBJS)

.PHONY: test-clipboard
test-clipboard: $(GUEST_ELF)
	VGPU_GUEST_ELF=$(abspath $(GUEST_ELF)) $(PYTHON) -m pytest -p no:cacheprovider -q -rs \
	    --durations=5 tests/e2e_clip

# The macOS user agent that runs it is built by mk/agent.mk (make guest-agent, macOS only).
