# OSX-KVM / OpenCore integration (tools/opencore, tools/launch, tests/opencore).
#   make opencore OSX_KVM=/path/to/OSX-KVM [OPENCORE_IMG=…] [OPENCORE_CONFIG=…] [OPENCORE_EFI=…] [KEXT=…]
#   make uninstall-opencore OSX_KVM=/path/to/OSX-KVM [OPENCORE_IMG=…] [OPENCORE_CONFIG=…] [OPENCORE_EFI=…]
#   make opencore-vgpuoff / opencore-vgpuon OSX_KVM=…   add / remove the -vgpuoff boot argument
#   make test-opencore
DEB_PACKAGES += libplist-dev pkg-config mtools qemu-utils dosfstools fdisk python3-pytest
TESTS += test-opencore

OC_KEXT_TOOL_SAN := $(BUILD)/tools/sanitized/oc-kext
OC_KEXT_SRCS     := $(wildcard tools/opencore/*.c)
OC_KEXT_HDRS     := $(wildcard tools/opencore/*.h)
# Recursive (=): pkg-config runs only when the tool is built, i.e. after `make deps`.
OC_PLIST_CFLAGS   = $(shell pkg-config --cflags libplist-2.0)
OC_PLIST_LIBS     = $(shell pkg-config --libs libplist-2.0)
OC_SANITIZE      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

OPENCORE_IMG    ?= $(OSX_KVM)/OpenCore/OpenCore.qcow2
OPENCORE_CONFIG ?=
OPENCORE_EFI    ?=
KEXT            ?= $(KEXT_BUNDLE)
# Which oc-kext the image script runs; the tests point it at the sanitized build.
OC_KEXT         ?= $(OC_KEXT_TOOL)

OC_VERSION_DEF    = -DOC_VERSION='"$(PROJECT_VERSION)"'

$(OC_KEXT_TOOL): $(OC_KEXT_SRCS) $(OC_KEXT_HDRS) mk/opencore.mk VERSION
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 $(OC_VERSION_DEF) $(OC_PLIST_CFLAGS) -o $@ $(OC_KEXT_SRCS) $(OC_PLIST_LIBS)

$(OC_KEXT_TOOL_SAN): $(OC_KEXT_SRCS) $(OC_KEXT_HDRS) mk/opencore.mk VERSION
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g $(OC_SANITIZE) $(OC_VERSION_DEF) $(OC_PLIST_CFLAGS) -o $@ $(OC_KEXT_SRCS) $(OC_PLIST_LIBS)

OC_IMAGE_ARGS = --image "$(OPENCORE_IMG)" --oc-kext "$(OC_KEXT)" \
                $(if $(OPENCORE_CONFIG),--config "$(OPENCORE_CONFIG)") \
                $(if $(OPENCORE_EFI),--efi-dir "$(OPENCORE_EFI)")

.PHONY: opencore uninstall-opencore opencore-vgpuoff opencore-vgpuon test-opencore oc-kext-check-osx-kvm
oc-kext-check-osx-kvm:
	@test -n "$(OSX_KVM)" || test "$(origin OPENCORE_IMG)" != file || \
	  { echo "set OSX_KVM=/path/to/OSX-KVM (holding OpenCore/OpenCore.qcow2) or OPENCORE_IMG=/path/to/image" >&2; exit 2; }

opencore: oc-kext-check-osx-kvm $(OC_KEXT)
	tools/opencore/oc-image install $(OC_IMAGE_ARGS) --kext "$(KEXT)"

uninstall-opencore: oc-kext-check-osx-kvm $(OC_KEXT)
	tools/opencore/oc-image uninstall $(OC_IMAGE_ARGS)

# -vgpuoff: the kext loads but its drivers do not start (macOS keeps its own display handling).
opencore-vgpuoff: oc-kext-check-osx-kvm $(OC_KEXT)
	tools/opencore/oc-image boot-arg add -vgpuoff $(OC_IMAGE_ARGS)

opencore-vgpuon: oc-kext-check-osx-kvm $(OC_KEXT)
	tools/opencore/oc-image boot-arg remove -vgpuoff $(OC_IMAGE_ARGS)

test-opencore: $(OC_KEXT_TOOL) $(OC_KEXT_TOOL_SAN)
	OC_KEXT=$(abspath $(OC_KEXT_TOOL_SAN)) $(PYTHON) -m pytest -q -rs tests/opencore
