# The guest user agent (issue 8's clipboard, issue 14's display follower): portable policy in
# agent/*.c, tested here; the macOS front end in agent/macos/ builds on macOS only.
#   make test-unit          also runs tests/unit/test_follow_logic (and test_clip_logic, clipboard.mk)
#   make test-agent-install agent/macos/install.sh and uninstall.sh against a scratch root
#   make guest-agent        (macOS) build/agent/virtio-guest-agent
#   make bench-resize       resize latency on QEMU (bench/resize.py; also run by make bench)
DEB_PACKAGES += python3-pytest
TESTS += test-agent-install

$(UNIT_DIR)/test_follow_logic: $(call unit_obj,agent/follow_logic.c)

.PHONY: test-agent-install guest-agent bench-resize
test-agent-install:
	$(PYTHON) -m pytest -p no:cacheprovider -q tests/agent

GUEST_AGENT     := $(BUILD)/agent/virtio-guest-agent
# One build command for the source tree and the release archive: agent/macos/build.sh.
guest-agent:
	sh agent/macos/build.sh $(abspath $(GUEST_AGENT))

bench-resize: $(GUEST_ELF)
	@mkdir -p $(OUT)
	$(PYTHON) -m bench.resize --guest $(GUEST_ELF) --json $(BENCH_JSON)
