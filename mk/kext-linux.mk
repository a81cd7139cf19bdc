# virtio-gpu.kext built on Linux (issue 10): Debian's clang against MacKernelSDK, linked by Apple's
# ld64 built from cctools-port, with the sources and flags mk/macos.mk gives the macOS build.
# Nothing from those projects is in this tree: tools/kext-build/kext-toolchain finds the user's
# copies (or builds ld64 once into ~/.cache/virtio-gpu-kext). See tools/kext-build/README.md.
#   make kext [MACKERNELSDK=dir] [LD64=ld | CCTOOLS_PORT=git-dir]   -> $(BUILD)/virtio-gpu.kext
#   make kext-fetch        clone the pinned MacKernelSDK, cctools-port, xnu into the cache (network)
#   make kext-check        check $(BUILD)/virtio-gpu.kext (Mach-O, kmod_info, every symbol) [XNU=dir]
#   make test-kext-linux   kext + kext-check + the checker's own tests; skips if inputs are missing
include tools/kext-build/pins.env

KEXT_LINUX_DEBS   := clang llvm make git python3
DEB_PACKAGES      += $(KEXT_LINUX_DEBS) python3-pytest
TESTS             += test-kext-linux

KEXT_TOOLCHAIN    := tools/kext-build/kext-toolchain
KEXT_CHECK        := tools/kext-build/kext-check
KEXT_LINUX_OUT    := $(BUILD)/kext-linux
KEXT_LINUX_BUNDLE := $(BUILD)/virtio-gpu.kext
KEXT_EXECUTABLE   := virtio-gpu
KEXT_MACOS_MIN    ?= 10.15
KEXT_CLANG        ?= clang
KEXT_CLANGXX      ?= clang++
KEXT_OBJDUMP      ?= llvm-objdump
# Only what differs from the macOS build: the target and the headers come from MacKernelSDK.
KEXT_LINUX_FLAGS   = -target x86_64-apple-macos$(KEXT_MACOS_MIN) -nostdinc -isystem $(MACKERNELSDK)/Headers
KEXT_TOOLCHAIN_ENV = MACKERNELSDK="$(MACKERNELSDK)" LD64="$(LD64)" CCTOOLS_PORT="$(CCTOOLS_PORT)" \
                     XNU="$(XNU)" KEXT_CACHE="$(KEXT_CACHE)"

.PHONY: kext kext-fetch kext-check kext-linux-inputs test-kext-linux
ifneq ($(shell uname -s),Darwin)
kext: kext-linux-inputs
	@scripts/ensure-deb.sh $(KEXT_LINUX_DEBS)
	@sdk=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) sdk) && ld=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) ld64) && \
	  $(MAKE) --no-print-directory -f Makefile -f tools/kext-build/bundle.mk kext-linux-bundle \
	    MACKERNELSDK="$$sdk" KEXT_LD64="$$ld"
	@echo "kext: built $(KEXT_LINUX_BUNDLE)"
endif

kext-linux-inputs:
	@test -n "$(strip $(KEXT_CXX_SRCS) $(KEXT_C_SRCS))" || \
	  { echo "kext: mk/macos.mk sets no KEXT_CXX_SRCS/KEXT_C_SRCS" >&2; exit 2; }
	@test -n "$(KEXT_BUNDLE_ID)" && test -n "$(KEXT_VERSION)" && test -f "$(KEXT_INFO_PLIST)" || \
	  { echo "kext: mk/macos.mk must set KEXT_BUNDLE_ID, KEXT_VERSION and KEXT_INFO_PLIST" >&2; exit 2; }

kext-fetch:
	@$(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) fetch

kext-check:
	@sdk=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) sdk) && xnu=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) xnu) && \
	  $(KEXT_CHECK) $(KEXT_LINUX_BUNDLE) --sdk "$$sdk" --xnu "$$xnu" --clang $(KEXT_CLANGXX) \
	    --objdump $(KEXT_OBJDUMP) --macos-min $(KEXT_MACOS_MIN) \
	    --expect-bundle-id "$(KEXT_BUNDLE_ID)" --expect-version "$(KEXT_VERSION)" $(KEXT_CHECK_FLAGS)

test-kext-linux:
	$(PYTHON) -m pytest -q tests/kext-linux
