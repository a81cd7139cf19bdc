# virtio-gpu-macos — top-level build.  `make test` runs every test, `make demo` the QEMU demo.
# Each part of the tree adds its own rules in a fragment (*.mk) included below; a fragment appends
# its Debian packages to DEB_PACKAGES and its test target to TESTS.  A path another fragment uses
# goes in mk/paths.mk (`make test-makefiles` checks that the order fragments are read in does not matter).
.DEFAULT_GOAL := all
BUILD   ?= build
OUT     ?= out
PYTHON  ?= /usr/bin/python3
CC      ?= cc
WARN    := -Wall -Wextra -Werror
CSTD    := -std=c11

DEB_PACKAGES :=
TESTS :=
# The project's one version number (kext Info.plist and kmod_info, tools' --version, make dist).
PROJECT_VERSION := $(strip $(file < VERSION))

# mk/core.mk (the core's sources) and mk/paths.mk (paths several fragments use) come first, so every
# fragment may use what they define while it is read; the others may come in any order
# (`make test-makefiles` reads them reversed and compares).
MK_FIRST     := mk/core.mk mk/paths.mk
MK_FRAGMENTS := $(filter-out $(MK_FIRST),$(sort $(wildcard mk/*.mk)))
include $(MK_FIRST) $(MK_FRAGMENTS)

# On macOS `make` builds the kext (mk/macos.mk); everywhere it builds the test guest and the tools.
all: $(GUEST_ELF) $(OC_KEXT_TOOL)

# Packages only the tests (and fuzzing, 3D and pixel checks) use: `make deps` installs what building,
# installing and the demo need; `make deps-test` (run by `make test`) adds these.
TEST_ONLY_DEBS := python3-pytest python3-pil python3-numpy edid-decode libcmocka-dev clang-14 \
                  libclang-rt-14-dev dosfstools qemu-system-gui libegl1 libgl1-mesa-dri libegl-mesa0

.PHONY: all deps deps-test test clean
deps:
	@scripts/ensure-deb.sh $(sort $(filter-out $(TEST_ONLY_DEBS),$(DEB_PACKAGES)))

deps-test:
	@scripts/ensure-deb.sh $(sort $(DEB_PACKAGES))

# The core's own tests first: when they fail, the rest says little.  -k runs every suite anyway,
# so one run reports every failure.
FIRST_TESTS := core-freestanding test-unit
TEST_ORDER   = $(filter $(FIRST_TESTS),$(TESTS)) $(filter-out $(FIRST_TESTS),$(TESTS))

# Skips are counted in VGPU_SKIP_LOG (scripts/skip-or-fail.sh, tests/skip_policy.py); with CI=true a
# missing input the project provides fails instead.
export VGPU_SKIP_LOG ?= $(abspath $(OUT))/skips.txt
test: deps-test
	@rm -f $(VGPU_SKIP_LOG)
	@$(MAKE) --no-print-directory -k $(TEST_ORDER); rc=$$?; scripts/skip-or-fail.sh --summary; exit $$rc

# Keep intermediate objects: rebuilding them costs time and deleting them only adds noise.
.SECONDARY:

clean:
	rm -rf $(BUILD) $(OUT)
