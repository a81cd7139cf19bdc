# virtio-gpu.kext built on Linux (issue 10): Debian's clang against MacKernelSDK, linked by Apple's
# ld64 built from cctools-port, with mk/macos.mk's sources, flags, Info.plist and kmod_info.c.
# Nothing from those projects is in this tree: tools/kext-build/kext-toolchain finds the user's
# copies (or builds ld64 once into ~/.cache/virtio-gpu-kext). See tools/kext-build/README.md.
#   make kext [MACKERNELSDK=dir] [LD64=ld | CCTOOLS_PORT=git-dir]   -> $(BUILD)/virtio-gpu.kext
#   make kext-fetch          clone the pinned MacKernelSDK, cctools-port and the sources of every
#                            checked macOS release (xnu, IOGraphics, IOPCIFamily) into the cache (network)
#   make kext-check          check the built bundle: Mach-O, kmod_info, every symbol on every macOS
#                            release from 10.15 to 15 [XNU= IOGRAPHICS= IOPCIFAMILY= git copies]
#   make test-kext-linux     the checker's tests and the product check; skip if inputs are missing
# mk/macos.mk leaves `kext` to this file on Linux (and keeps `sign`, which needs Apple's codesign).

KEXT_LINUX_DEBS   := clang llvm make git python3
# What `make kext` runs, as command:Debian-package (scripts/ensure-tools.sh checks the commands first).
KEXT_LINUX_TOOLS  := clang:clang clang++:clang llvm-objdump:llvm make:make git:git python3:python3
DEB_PACKAGES      += $(KEXT_LINUX_DEBS) python3-pytest
TESTS             += test-kext-linux

KEXT_TOOLCHAIN    := tools/kext-build/kext-toolchain
KEXT_CHECKER      := tools/kext-build/kext-check
KEXT_LINUX_OUT    := $(BUILD)/kext-linux
KEXT_CLANG        ?= clang
KEXT_CLANGXX      ?= clang++
KEXT_OBJDUMP      ?= llvm-objdump
# Only what differs from the macOS build: the headers come from MacKernelSDK instead of Xcode.
KEXT_LINUX_FLAGS   = -target $(KEXT_TARGET_x86_64) -isystem $(MACKERNELSDK)/Headers
KEXT_TOOLCHAIN_ENV = MACKERNELSDK="$(MACKERNELSDK)" LD64="$(LD64)" CCTOOLS_PORT="$(CCTOOLS_PORT)" \
                     XNU="$(XNU)" IOGRAPHICS="$(IOGRAPHICS)" IOPCIFAMILY="$(IOPCIFAMILY)" \
                     KEXT_CACHE="$(KEXT_CACHE)" KEXT_CHECK_SCRIPT="$(KEXT_CHECK_SCRIPT)"

.PHONY: kext kext-fetch kext-check test-kext-linux
ifneq ($(shell uname -s),Darwin)
kext:
	@scripts/ensure-tools.sh $(KEXT_LINUX_TOOLS)
	@sdk=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) sdk) && ld=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) ld64) && \
	  $(MAKE) --no-print-directory -f Makefile -f tools/kext-build/bundle.mk kext-linux-bundle \
	    MACKERNELSDK="$$sdk" KEXT_LD64="$$ld"
	@echo "kext: built $(KEXT_BUNDLE) (unsigned; check it with make kext-check)"
endif

kext-fetch:
	@$(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) fetch

kext-check:
	@sdk=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) sdk) && rel=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) releases) && \
	  $(KEXT_TOOLCHAIN_ENV) $(KEXT_CHECKER) $(KEXT_BUNDLE) --sdk "$$sdk" --releases "$$rel" --clang $(KEXT_CLANGXX) \
	    --objdump $(KEXT_OBJDUMP) --macos-min $(KEXT_MIN_MACOS) \
	    --expect-bundle-id "$(KEXT_BUNDLE_ID)" --expect-version "$(KEXT_VERSION)" $(KEXT_CHECK_FLAGS)

test-kext-linux:
	$(PYTHON) -m pytest -q -rs tests/kext-linux
