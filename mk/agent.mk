# The guest user agent (issue 8's clipboard, issue 14's display follower): portable policy in
# agent/*.c, tested here; the macOS front end in agent/macos/ builds on macOS only.
#   make test-unit          also runs tests/unit/test_follow_logic (and test_clip_logic, clipboard.mk)
#   make test-agent-install agent/macos/install.sh and uninstall.sh against a scratch root
#   make guest-agent        (macOS) build/agent/virtio-guest-agent
#   make bench-resize       resize latency on QEMU (bench/resize.py; also run by make bench)
# (Fragments are included alphabetically: unit.mk's variables are not set yet here, so paths are
# spelled out.)
DEB_PACKAGES += python3-pytest
TESTS += test-agent-install

$(BUILD)/unit/test_follow_logic: $(BUILD)/unit/obj/agent/follow_logic.o

.PHONY: test-agent-install guest-agent bench-resize
test-agent-install:
	$(PYTHON) -m pytest -p no:cacheprovider -q tests/agent

GUEST_AGENT     := $(BUILD)/agent/virtio-guest-agent
GUEST_AGENT_SRC := $(wildcard agent/macos/*.c) agent/clip_logic.c agent/clip_pump.c agent/follow_logic.c \
                   core/vdagent.c core/vdagent_codec.c
guest-agent:
	@if [ "$$(uname -s)" != Darwin ]; then \
	  echo "guest-agent: macOS only (IOKit, CoreGraphics, HIServices); its portable logic is tested by make test-unit" >&2; exit 1; fi
	@mkdir -p $(dir $(GUEST_AGENT))
	$(CC) $(CSTD) $(WARN) -O2 -o $(GUEST_AGENT) $(GUEST_AGENT_SRC) \
	    -framework IOKit -framework ApplicationServices -framework CoreGraphics -framework CoreFoundation

bench-resize: $(BUILD)/guest/vgpu-guest.elf
	@mkdir -p $(OUT)
	$(PYTHON) bench/resize.py --guest $(BUILD)/guest/vgpu-guest.elf --json $(OUT)/bench.json
