# macOS kext: macos/ (IOKit shell) + core/ -> build/virtio-gpu.kext.  See macos/README.md.
#   On macOS:  make [kext] [DEBUG=1] [SDK=/path/to/MacOSX.sdk]    build/virtio-gpu.kext
#              make sign                                          ad-hoc signature (codesign -s -)
#   Anywhere:  make kext-compile-check   compile check against Apple's Kernel.framework headers
#              make test-kext            the shell's own code on a stand-in IOKit + the software device
# The KEXT_* variables below are the single description of the kext build: mk/kext-linux.mk (the
# Linux build, `make kext` there) reuses them, with the generated Info.plist and kmod_info.c.

KEXT_NAME       := virtio-gpu
KEXT_BUNDLE_ID  := com.osx-kvm.driver.virtio-gpu
KEXT_VERSION    := $(PROJECT_VERSION)
KEXT_MIN_MACOS  := 10.15
KEXT_INFO_PLIST := macos/Info.plist
KEXT_KMOD_IN    := macos/kmod_info.c.in
KEXT_CXX_SRCS   := $(sort $(wildcard macos/*.cpp))
KEXT_C_SRCS     := $(CORE_SRCS)
KEXT_HDRS       := $(wildcard macos/*.hpp) $(CORE_HDRS)
KEXT_BUNDLE     := $(BUILD)/$(KEXT_NAME).kext
# Generated from the templates: the filled-in Info.plist, and kmod_info.c (bundle id + version).
KEXT_PLIST_OUT  := $(BUILD)/macos/Info.plist
KEXT_KMOD_INFO  := $(BUILD)/macos/kmod_info.c

KEXT_DEBUG      := $(if $(filter 1,$(DEBUG)),1,0)
# Header search paths for Kernel.framework are added by each build (SDK or MacKernelSDK).
KEXT_CPPFLAGS   := -DKERNEL -DAPPLE -DNeXT -DDEBUG=$(KEXT_DEBUG) -Imacos $(CORE_INCLUDE)
KEXT_COMMON     := -mkernel -nostdinc -fno-builtin -fno-common $(WARN) \
                   $(if $(filter 1,$(KEXT_DEBUG)),-O0 -g,-Os)
KEXT_CFLAGS     := $(KEXT_COMMON) -std=gnu11
KEXT_CXXFLAGS   := $(KEXT_COMMON) -std=gnu++14 -fapple-kext -fno-exceptions -fno-rtti -nostdinc++
KEXT_LDFLAGS    := -Xlinker -kext -nostdlib
KEXT_LIBS       := -lkmodc++ -lkmod -lcc_kext
KEXT_TARGET_x86_64 := x86_64-apple-macos$(KEXT_MIN_MACOS)
KEXT_TARGET_arm64e := arm64e-apple-macos11.0

# Info.plist holds Xcode-style placeholders; fill them as Xcode would.
$(KEXT_PLIST_OUT): $(KEXT_INFO_PLIST) mk/macos.mk VERSION
	@mkdir -p $(@D)
	sed -e 's/$$(PRODUCT_BUNDLE_IDENTIFIER)/$(KEXT_BUNDLE_ID)/g' -e 's/$$(MODULE_VERSION)/$(KEXT_VERSION)/g' \
	    -e 's/$$(EXECUTABLE_NAME)/$(KEXT_NAME)/g' $< > $@

$(KEXT_KMOD_INFO): $(KEXT_KMOD_IN) mk/macos.mk VERSION
	@mkdir -p $(@D)
	sed -e 's/@KEXT_BUNDLE_ID@/$(KEXT_BUNDLE_ID)/g' -e 's/@KEXT_VERSION@/$(KEXT_VERSION)/g' $< > $@

.PHONY: kext sign kext-compile-check test-kext
DEB_PACKAGES += clang
TESTS += kext-compile-check test-kext

ifeq ($(shell uname -s),Darwin)
all: kext

SDK              ?= $(shell xcrun --sdk macosx --show-sdk-path)
KEXT_CC          := xcrun clang
KEXT_CXX         := xcrun clang++
KEXT_SDK_HEADERS := $(SDK)/System/Library/Frameworks/Kernel.framework/Headers
KEXT_SYSFLAGS    := -isysroot $(SDK) -I$(KEXT_SDK_HEADERS)
KEXT_ARCHS       := x86_64 $(if $(wildcard $(KEXT_SDK_HEADERS)/arm64),arm64e)
KEXT_OBJDIR      := $(BUILD)/kext-obj

# One object tree and one binary per architecture; lipo joins them.
define kext_arch
KEXT_OBJS_$(1) := $$(patsubst %.cpp,$$(KEXT_OBJDIR)/$(1)/%.o,$$(KEXT_CXX_SRCS)) \
                  $$(patsubst %.c,$$(KEXT_OBJDIR)/$(1)/%.o,$$(KEXT_C_SRCS) $$(KEXT_KMOD_INFO))
$$(KEXT_OBJDIR)/$(1)/%.o: %.cpp $$(KEXT_HDRS) mk/macos.mk
	@mkdir -p $$(@D)
	$$(KEXT_CXX) -target $$(KEXT_TARGET_$(1)) $$(KEXT_SYSFLAGS) $$(KEXT_CPPFLAGS) $$(KEXT_CXXFLAGS) -c $$< -o $$@
$$(KEXT_OBJDIR)/$(1)/%.o: %.c $$(KEXT_HDRS) mk/macos.mk
	@mkdir -p $$(@D)
	$$(KEXT_CC) -target $$(KEXT_TARGET_$(1)) $$(KEXT_SYSFLAGS) $$(KEXT_CPPFLAGS) $$(KEXT_CFLAGS) -c $$< -o $$@
$$(KEXT_OBJDIR)/$(1)/$$(KEXT_NAME): $$(KEXT_OBJS_$(1))
	$$(KEXT_CXX) -target $$(KEXT_TARGET_$(1)) $$(KEXT_SYSFLAGS) $$(KEXT_LDFLAGS) -o $$@ $$^ $$(KEXT_LIBS)
endef
$(foreach a,$(KEXT_ARCHS),$(eval $(call kext_arch,$(a))))

$(KEXT_BUNDLE)/Contents/MacOS/$(KEXT_NAME): $(foreach a,$(KEXT_ARCHS),$(KEXT_OBJDIR)/$(a)/$(KEXT_NAME))
	@mkdir -p $(@D)
	xcrun lipo -create -output $@ $^

$(KEXT_BUNDLE)/Contents/Info.plist: $(KEXT_PLIST_OUT)
	@mkdir -p $(@D)
	plutil -lint $<
	cp $< $@

kext: $(KEXT_BUNDLE)/Contents/Info.plist $(KEXT_BUNDLE)/Contents/MacOS/$(KEXT_NAME)
	@echo "built $(KEXT_BUNDLE) ($(KEXT_ARCHS)$(if $(filter 1,$(KEXT_DEBUG)), DEBUG))"

sign: kext
	codesign --force --sign - $(KEXT_BUNDLE)
	codesign --verify --verbose $(KEXT_BUNDLE)

else
# mk/kext-linux.mk builds `kext` on Linux when it is there; `sign` needs Apple's codesign.
KEXT_MAC_ONLY := sign $(if $(wildcard mk/kext-linux.mk),,kext)
$(KEXT_MAC_ONLY):
	@echo "make $@: needs macOS (xcrun, Kernel.framework, codesign)." >&2
	@echo "  Here: \`make kext-compile-check\` compile-checks macos/ and core/ against the kext headers," >&2
	@echo "  \`make test-kext\` runs the shell on a stand-in IOKit; sign the kext on a Mac." >&2
	@exit 2
endif

# ---- compile check against Apple's headers (MacKernelSDK), skipped when absent ----
# The team's script and the SDK are found by tools/kext-build/kext-toolchain (compile-check, sdk);
# SDK_HEADERS=<dir> gives the headers directly.
KEXT_COMPILE_CHECK_ROOT  := $(BUILD)/kext-compile-check
# The build's warnings on top of the script's -Wall -Werror.  The script passes the SDK with -I, so
# the SDK's stddef.h (ptrdiff_t from NULL - NULL) would warn; real builds take it as a system header.
KEXT_COMPILE_CHECK_WARN  := $(WARN) -Wno-null-pointer-subtraction

# Release and DEBUG=1, with the build's warnings.  The script compiles <root>/macos/*.{cpp,c} and
# <root>/core/*.c only: each pass runs it on the checkout (macos/) and on a scratch root holding
# kmod_info.c and a flat copy of the core's sources (their includes resolve in the real core/).
KEXT_COMPILE_CHECK_FLAGS  = $(KEXT_COMPILE_CHECK_WARN) -I$(abspath core)
kext-compile-check: $(KEXT_KMOD_INFO)
	@script=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) compile-check) || \
	  exec scripts/skip-or-fail.sh project kext-compile-check "no kext-compile-check.sh (kext-toolchain compile-check): the team's shared tools are not part of a clone"; \
	if [ -z "$$SDK_HEADERS" ]; then \
	  sdk=$$($(KEXT_TOOLCHAIN_ENV) $(KEXT_TOOLCHAIN) sdk 2>/dev/null) || \
	    exec scripts/skip-or-fail.sh external kext-compile-check "no Kernel.framework headers: set SDK_HEADERS=<dir> or MACKERNELSDK=<dir>, or run make kext-fetch"; \
	  export SDK_HEADERS="$$sdk/Headers"; fi; \
	rm -rf $(KEXT_COMPILE_CHECK_ROOT) && mkdir -p $(KEXT_COMPILE_CHECK_ROOT)/macos $(KEXT_COMPILE_CHECK_ROOT)/core && \
	cp $(KEXT_KMOD_INFO) $(KEXT_COMPILE_CHECK_ROOT)/macos/ && cp $(KEXT_C_SRCS) $(KEXT_COMPILE_CHECK_ROOT)/core/ && \
	for pass in release DEBUG=1; do echo "kext-compile-check: $$pass"; \
	  debug=$$([ $$pass = release ] || echo -D$$pass); \
	  for root in . $(KEXT_COMPILE_CHECK_ROOT); do \
	    EXTRA_FLAGS="$(KEXT_COMPILE_CHECK_FLAGS) $$debug" $$script $$root || exit 1; done; done

# ---- host tests: macos/*.cpp unchanged on a stand-in IOKit, wired to the software device ----
# Only macos/vgpu_os_mmio.cpp (six raw pointer accessors) is swapped for tests/kext/fake_mmio.cpp.
KEXT_TEST_DIR      := $(BUILD)/kext-test
KEXT_TEST_CXX      ?= clang++
KEXT_TEST_CC       ?= clang
KEXT_TEST_SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
KEXT_TEST_CXXFLAGS  = -std=gnu++14 $(WARN) -g -O1 $(KEXT_TEST_SAN) -DDEBUG=1 -MMD -MP \
                      -Itests/kext/fakeiokit -Itests/kext -Imacos $(CORE_INCLUDE) $(shell pkg-config --cflags cmocka)
KEXT_TEST_CFLAGS   := $(CSTD) $(WARN) -g -O1 $(KEXT_TEST_SAN) -MMD -MP $(CORE_INCLUDE)
KEXT_TEST_LIBS      = $(shell pkg-config --libs cmocka)
# The user client's 3D calls reach the real core and the software device's 3D side (sim/gpu3d.c);
# vgpu_close is observed (tests/kext/rig.cpp: 3D objects the shell left when the core closes).
# The console driver's vcon_* calls land in tests/kext/console_model.cpp while a test turns the
# model on (the software device has no console); otherwise they go on to core/ (__real_*).
KEXT_TEST_WRAPPED  := vgpu_close vgpu_damage_scan vgpu_damage_probe \
                      vcon_open vcon_close vcon_intx_status vcon_msix_causes vcon_handle_interrupt \
                      vcon_poll vcon_needs_reset vcon_port_count vcon_port_info vcon_find_port \
                      vcon_port_open vcon_port_close vcon_read vcon_write
KEXT_TEST_WRAP     := $(foreach f,$(KEXT_TEST_WRAPPED),-Wl,--wrap=$(f))
KEXT_TEST_CXX_SRCS := $(filter-out macos/vgpu_os_mmio.cpp,$(KEXT_CXX_SRCS)) \
                      $(wildcard tests/kext/*.cpp tests/kext/fakeiokit/*.cpp)
KEXT_TEST_C_SRCS   := $(KEXT_C_SRCS) $(wildcard sim/*.c sim/virtio/*.c)
KEXT_TEST_OBJS     := $(patsubst %.cpp,$(KEXT_TEST_DIR)/%.o,$(KEXT_TEST_CXX_SRCS)) \
                      $(patsubst %.c,$(KEXT_TEST_DIR)/%.o,$(KEXT_TEST_C_SRCS))
DEB_PACKAGES       += libcmocka-dev pkg-config

$(KEXT_TEST_DIR)/%.o: %.cpp mk/macos.mk
	@mkdir -p $(@D)
	$(KEXT_TEST_CXX) $(KEXT_TEST_CXXFLAGS) -c $< -o $@

$(KEXT_TEST_DIR)/%.o: %.c mk/macos.mk
	@mkdir -p $(@D)
	$(KEXT_TEST_CC) $(KEXT_TEST_CFLAGS) -c $< -o $@

$(KEXT_TEST_DIR)/test_kext: $(KEXT_TEST_OBJS) mk/macos.mk
	$(KEXT_TEST_CXX) $(KEXT_TEST_CXXFLAGS) -o $@ $(KEXT_TEST_OBJS) $(KEXT_TEST_WRAP) $(KEXT_TEST_LIBS)

test-kext: $(KEXT_TEST_DIR)/test_kext $(KEXT_PLIST_OUT)
	$(PYTHON) tests/kext/check_plist.py $(KEXT_PLIST_OUT) $(KEXT_BUNDLE_ID) $(KEXT_VERSION) $(KEXT_NAME) macos
	KEXT_PLIST=$(abspath $(KEXT_PLIST_OUT)) $(PYTHON) -m pytest -p no:cacheprovider -q \
	    tests/kext/test_matching.py tests/kext/test_display_override.py
	$(KEXT_TEST_DIR)/test_kext

-include $(shell find $(KEXT_TEST_DIR) -name '*.d' 2>/dev/null)
