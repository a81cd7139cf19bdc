# End-to-end tests on QEMU's real virtio-gpu (tests/e2e) and the screenshot demo (tools/demo).
#   make test-e2e                 pytest on QEMU (TCG; VGPU_E2E_ACCEL=kvm|auto to change), timing summary
#   make test-harness             the one Python harness (tests/harness): no sys.path edits anywhere,
#                                 each module importable from the repository root
#   make demo [VIEW=1]            screenshots in $(OUT)/demo, each checked; VIEW=1 opens a QEMU window
#                                 (needs $DISPLAY and Debian's qemu-system-gui, not installed by `make deps`)
# Both need the bare-metal guest, GUEST_ELF (mk/guest.mk).
DEB_PACKAGES += qemu-system-x86 python3-pytest python3-pil python3-numpy
TESTS += test-e2e test-harness

E2E_ENV       := VGPU_GUEST_ELF=$(abspath $(GUEST_ELF)) VGPU_OUT=$(abspath $(OUT))
E2E_PYTEST    ?=

.PHONY: test-e2e test-harness demo
test-harness:
	$(PYTHON) -m pytest -p no:cacheprovider -q tests/harness

test-e2e: $(GUEST_ELF)
	$(E2E_ENV) $(PYTHON) -m pytest -p no:cacheprovider -q -rs --durations=0 --durations-min=0.2 \
	    tests/e2e $(E2E_PYTEST)

# A fresh clone needs the packages before it can build the guest, so deps runs first, in order.
demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(GUEST_ELF)
	$(PYTHON) -m tools.demo.demo --guest $(GUEST_ELF) --out $(OUT)/demo $(if $(VIEW),--view)
