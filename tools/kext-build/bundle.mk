# Second stage of `make kext` on Linux (see mk/kext-linux.mk): read after the top-level Makefile,
# so mk/macos.mk's sources and flags are set whatever the include order, and run with MACKERNELSDK
# and KEXT_LD64 already resolved by kext-toolchain.
KL_OBJ_DIR := $(KEXT_LINUX_OUT)/obj
KL_OBJS    := $(patsubst %,$(KL_OBJ_DIR)/%.o,$(basename $(KEXT_CXX_SRCS) $(KEXT_C_SRCS)))
KL_INFO_O  := $(KEXT_LINUX_OUT)/kmod_info.o
KL_BIN     := $(KEXT_LINUX_OUT)/$(KEXT_EXECUTABLE)
KL_PLIST   := $(KEXT_LINUX_OUT)/Info.plist
# Everything that changes the objects without touching a source; rewritten only when it changes.
KL_VARS    := $(KEXT_LINUX_OUT)/build-vars
KL_VARS_TEXT = $(KEXT_LINUX_FLAGS) | $(KEXT_CPPFLAGS) | $(KEXT_CFLAGS) | $(KEXT_CXXFLAGS) | \
               $(KEXT_BUNDLE_ID) | $(KEXT_VERSION) | $(KEXT_LD64)

.PHONY: kext-linux-bundle kl-force
kext-linux-bundle: $(KEXT_LINUX_BUNDLE)/Contents/MacOS/$(KEXT_EXECUTABLE) \
                   $(KEXT_LINUX_BUNDLE)/Contents/Info.plist

$(KL_VARS): kl-force
	@mkdir -p $(@D)
	@echo '$(KL_VARS_TEXT)' | cmp -s - $@ || echo '$(KL_VARS_TEXT)' > $@

$(KL_OBJ_DIR)/%.o: %.cpp $(KL_VARS)
	@mkdir -p $(@D)
	$(KEXT_CLANGXX) $(KEXT_LINUX_FLAGS) -nostdinc++ $(KEXT_CPPFLAGS) $(KEXT_CXXFLAGS) -MMD -MP -c -o $@ $<

$(KL_OBJ_DIR)/%.o: %.c $(KL_VARS)
	@mkdir -p $(@D)
	$(KEXT_CLANG) $(KEXT_LINUX_FLAGS) $(KEXT_CPPFLAGS) $(KEXT_CFLAGS) -MMD -MP -c -o $@ $<

$(KL_INFO_O): tools/kext-build/kmod_info.c $(KL_VARS)
	@mkdir -p $(@D)
	$(KEXT_CLANG) $(KEXT_LINUX_FLAGS) $(KEXT_CPPFLAGS) $(KEXT_CFLAGS) \
	    -DKMOD_BUNDLE_ID='"$(KEXT_BUNDLE_ID)"' -DKMOD_VERSION='"$(KEXT_VERSION)"' -c -o $@ $<

# Apple's kext link line: objects, libkmodc++, the kmod_info object, libkmod (whose _start/_stop
# kmod_info points at). Archives by path so the x86_64 libkmod is the one taken. -Z: no default
# search paths (there is no /usr/lib of a Mac here).
$(KL_BIN): $(KL_OBJS) $(KL_INFO_O)
	$(KEXT_LD64) -Z -kext -arch x86_64 -macos_version_min $(KEXT_MACOS_MIN) -export_dynamic -o $@ \
	    $(KL_OBJS) $(MACKERNELSDK)/Library/universal/libkmodc++.a $(KL_INFO_O) \
	    $(MACKERNELSDK)/Library/x86_64/libkmod.a

$(KL_PLIST): $(KEXT_INFO_PLIST) tools/kext-build/kext-plist $(KL_VARS)
	tools/kext-build/kext-plist $< $@ PRODUCT_BUNDLE_IDENTIFIER=$(KEXT_BUNDLE_ID) \
	    MODULE_VERSION=$(KEXT_VERSION) EXECUTABLE_NAME=$(KEXT_EXECUTABLE) \
	    PRODUCT_NAME=$(KEXT_EXECUTABLE) DEVELOPMENT_LANGUAGE=English

$(KEXT_LINUX_BUNDLE)/Contents/MacOS/$(KEXT_EXECUTABLE): $(KL_BIN)
	@mkdir -p $(@D)
	cp $< $@

$(KEXT_LINUX_BUNDLE)/Contents/Info.plist: $(KL_PLIST)
	@mkdir -p $(@D)
	cp $< $@

-include $(KL_OBJS:.o=.d)
