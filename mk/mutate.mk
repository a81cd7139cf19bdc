# Mutation check (tests/mutate/): each listed mutant applied alone in a scratch copy, its suites run.
#   make mutate [MUTANTS="name ..."]   prints killed/survived per mutant; not part of `make test`
.PHONY: mutate
mutate: $(GUEST_ELF)
	$(PYTHON) tests/mutate/mutate.py $(MUTANTS)
