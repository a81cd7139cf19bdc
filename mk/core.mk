# The driver core (core/README.md): its one list of sources and its one include root.  Every build
# of the core (kext, test guest, unit tests, fuzzing, benchmarks) takes these; the Makefile reads
# this fragment before the others, so they may use the lists in immediate assignments.
CORE_ROOMS    := base virtio gpu refresh gpu3d console
CORE_SRCS     := $(sort $(foreach room,$(CORE_ROOMS),$(wildcard core/$(room)/*.c)))
CORE_HDRS     := core/vgpu_os.h $(sort $(foreach room,$(CORE_ROOMS),$(wildcard core/$(room)/*.h)))
# Includes name the room: #include "gpu/vgpu.h".
CORE_INCLUDE  := -Icore

# The layering rule and file map of core/README.md, held against every include (and the checker
# against a copy of core/ broken each way it must catch).
DEB_PACKAGES += python3 python3-pytest
TESTS += test-core-layers
.PHONY: test-core-layers
test-core-layers:
	$(PYTHON) tests/core_layers/check_layers.py core
	$(PYTHON) -m pytest -p no:cacheprovider -q tests/core_layers
