# virtio-gpu-macos — top-level build.  `make test` runs every test, `make demo` the QEMU demo.
# Each part of the tree adds its own rules in a fragment (*.mk) included below; a fragment appends
# its Debian packages to DEB_PACKAGES and its test target to TESTS.
.DEFAULT_GOAL := all
BUILD   ?= build
OUT     ?= out
PYTHON  ?= /usr/bin/python3
CC      ?= cc
WARN    := -Wall -Wextra -Werror
CSTD    := -std=c11

DEB_PACKAGES :=
TESTS :=

include $(wildcard mk/*.mk)

.PHONY: all deps test demo clean
deps:
	@scripts/ensure-deb.sh $(sort $(DEB_PACKAGES))

test: deps
	@$(MAKE) --no-print-directory $(TESTS)

clean:
	rm -rf $(BUILD) $(OUT)
