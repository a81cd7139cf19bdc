# The make files' own check (tests/make/check_fragments.py): the fragments read in any order give the
# same variables and rules, each build path is written out in one make file, none reaches outside
# the checkout (tools/kext-build/kext-toolchain finds what lives there).
#   make test-makefiles
TESTS += test-makefiles

.PHONY: test-makefiles
test-makefiles:
	$(PYTHON) tests/make/check_fragments.py
