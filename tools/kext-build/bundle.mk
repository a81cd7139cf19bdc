# Second stage of `make kext` on Linux (see mk/kext-linux.mk). Read after the top-level Makefile, so
# mk/macos.mk's sources, flags and generated files (Info.plist, kmod_info.c) are all defined; run
# with MACKERNELSDK and KEXT_LD64 already resolved by kext-toolchain.
KL_OBJ_DIR := $(KEXT_LINUX_OUT)/obj
KL_OBJS    := $(patsubst %,$(KL_OBJ_DIR)/%.o,$(basename $(KEXT_CXX_SRCS) $(KEXT_C_SRCS)))
KL_INFO_O  := $(KL_OBJ_DIR)/kmod_info.o
KL_BIN     := $(KEXT_LINUX_OUT)/$(KEXT_NAME)
# Everything that changes the objects without touching a source; rewritten only when it changes.
KL_VARS    := $(KEXT_LINUX_OUT)/build-vars
KL_VARS_TEXT = $(KEXT_LINUX_FLAGS) | $(KEXT_CPPFLAGS) | $(KEXT_CFLAGS) | $(KEXT_CXXFLAGS) | $(KEXT_LD64)

.PHONY: kext-linux-bundle kl-force
kext-linux-bundle: $(KEXT_BUNDLE)/Contents/MacOS/$(KEXT_NAME) $(KEXT_BUNDLE)/Contents/Info.plist

$(KL_VARS): kl-force
	@mkdir -p $(@D)
	@echo '$(KL_VARS_TEXT)' | cmp -s - $@ || echo '$(KL_VARS_TEXT)' > $@

$(KL_OBJ_DIR)/%.o: %.cpp $(KL_VARS)
	@mkdir -p $(@D)
	$(KEXT_CLANGXX) $(KEXT_LINUX_FLAGS) $(KEXT_CPPFLAGS) $(KEXT_CXXFLAGS) -MMD -MP -c -o $@ $<

$(KL_OBJ_DIR)/%.o: %.c $(KL_VARS)
	@mkdir -p $(@D)
	$(KEXT_CLANG) $(KEXT_LINUX_FLAGS) $(KEXT_CPPFLAGS) $(KEXT_CFLAGS) -MMD -MP -c -o $@ $<

$(KL_INFO_O): $(KEXT_KMOD_INFO) $(KL_VARS)
	@mkdir -p $(@D)
	$(KEXT_CLANG) $(KEXT_LINUX_FLAGS) $(KEXT_CPPFLAGS) $(KEXT_CFLAGS) -c -o $@ $<

# Apple's kext link line: objects, libkmodc++, the kmod_info object, libkmod (whose _start/_stop
# kmod_info points at). Archives by path so that the x86_64 libkmod is the one taken; -Z: no
# default search paths (this machine has no Mac /usr/lib). No libcc_kext: see kext-check.
$(KL_BIN): $(KL_OBJS) $(KL_INFO_O) tools/kext-build/bundle.mk
	$(KEXT_LD64) -Z -kext -arch x86_64 -macos_version_min $(KEXT_MIN_MACOS) -export_dynamic -o $@ \
	    $(KL_OBJS) $(MACKERNELSDK)/Library/universal/libkmodc++.a $(KL_INFO_O) \
	    $(MACKERNELSDK)/Library/x86_64/libkmod.a

$(KEXT_BUNDLE)/Contents/MacOS/$(KEXT_NAME): $(KL_BIN)
	@mkdir -p $(@D)
	cp $< $@

$(KEXT_BUNDLE)/Contents/Info.plist: $(KEXT_PLIST_OUT)
	@mkdir -p $(@D)
	cp $< $@

-include $(KL_OBJS:.o=.d)
