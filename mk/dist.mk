# Release archive (tools/dist/make-dist; contents listed at its top, rules in tools/dist/README.md):
#   make dist [KEXT=/path/to/virtio-gpu.kext] [DIST_OUT=dir]   -> $(DIST_OUT)/virtio-gpu-macos-<VERSION>.tar.gz
#   make dist-name                                            the archive's folder name
# Without KEXT the kext comes from `make kext` (Xcode on macOS, tools/kext-build on Linux). When that
# cannot run here, make dist stops with what to do instead: an archive is never made without the kext.
DIST_NAME := virtio-gpu-macos-$(PROJECT_VERSION)
DIST_OUT  ?= $(BUILD)/dist
DIST_NO_KEXT := make dist: no kext could be built here (see above). Either set up the kext build \
                (tools/kext-build/README.md: make kext-fetch, then make kext), build it on a Mac, or \
                pass a built one: make dist KEXT=/path/to/virtio-gpu.kext

.PHONY: dist dist-name
dist-name:
	@echo $(DIST_NAME)

dist: $(OC_KEXT_TOOL)
	@if [ "$(origin KEXT)" = file ]; then \
	  $(MAKE) --no-print-directory kext || { echo "$(DIST_NO_KEXT)" >&2; exit 2; }; fi
	tools/dist/make-dist --version "$(PROJECT_VERSION)" --kext "$(KEXT)" --oc-kext $(OC_KEXT_TOOL) --out "$(DIST_OUT)"
