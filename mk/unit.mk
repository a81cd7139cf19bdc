# Host unit tests: the core driven against the software device (sim/) with cmocka, under ASan+UBSan.
#   make test-unit            build and run every tests/unit/test_*.c binary
#   make core-freestanding    prove core/*.c needs no OS headers (only the compiler's own)
#   VGPU_TEST_LOG=1 / SIM_TRACE=1 print the core's log / the device's complaints while running.
DEB_PACKAGES += libcmocka-dev pkg-config
TESTS += test-unit core-freestanding

UNIT_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Recursive (=): pkg-config runs only when a test is built, i.e. after `make deps`.
UNIT_CFLAGS    = $(CSTD) $(WARN) -g -O1 $(UNIT_SANITIZE) -MMD -MP $(CORE_INCLUDE) $(shell pkg-config --cflags cmocka)
UNIT_LIBS      = $(shell pkg-config --libs cmocka)

UNIT_SIM_SRCS  := $(wildcard sim/*.c sim/virtio/*.c)
UNIT_CORE_SRCS := $(CORE_SRCS)
UNIT_HOST_SRCS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_TEST_SRCS := $(wildcard tests/unit/test_*.c)

UNIT_SIM_OBJS  := $(call unit_obj,$(UNIT_SIM_SRCS))
UNIT_CORE_OBJS := $(call unit_obj,$(UNIT_CORE_SRCS))
UNIT_HOST_OBJS := $(call unit_obj,$(UNIT_HOST_SRCS))
UNIT_BINS      := $(patsubst tests/unit/%.c,$(UNIT_DIR)/%,$(UNIT_TEST_SRCS))

$(UNIT_DIR)/obj/%.o: %.c mk/unit.mk
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -c $< -o $@

# The sim self-test drives the device through raw rings: no core, no host platform.
$(UNIT_DIR)/test_sim: $(call unit_obj,tests/unit/test_sim.c) $(UNIT_SIM_OBJS)
	$(CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_LIBS)

$(UNIT_DIR)/test_%: $(UNIT_DIR)/obj/tests/unit/test_%.o $(UNIT_HOST_OBJS) $(UNIT_SIM_OBJS) $(UNIT_CORE_OBJS)
	$(CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_LIBS)

.PHONY: test-unit unit-build core-freestanding
unit-build: $(UNIT_BINS)

test-unit: unit-build
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

# Only the compiler's own headers (stdint.h, stddef.h, stdbool.h) are reachable.
core-freestanding:
	@mkdir -p $(BUILD)/freestanding
	@set -e; inc=$$($(CC) -print-file-name=include); for f in $(UNIT_CORE_SRCS); do \
	  echo "freestanding: $$f"; \
	  $(CC) -ffreestanding -nostdinc -isystem $$inc -std=c11 -Wall -Wextra -Werror \
	    $(CORE_INCLUDE) -c $$f -o $(BUILD)/freestanding/$$(basename $$f .c).o; done

-include $(shell find $(UNIT_DIR)/obj -name '*.d' 2>/dev/null)

# The EDID parser against an independent one: Debian's edid-decode, on every committed sample.
DEB_PACKAGES += edid-decode
TESTS += test-edid-decode
.PHONY: test-edid-decode
test-edid-decode:
	@CC=$(CC) PYTHON=$(PYTHON) tests/unit/edid_samples/check-with-edid-decode.sh
