# make mutation: mutation testing with mutmut (pinned; installed into .venv on first use).
# mutmut changes one small thing at a time in scratch/layers.py, functions.py, optimizers.py,
# nets.py, checks/ and widgets/ (the list is in setup.cfg), runs the tests that reach it, and
# counts the changes no test notices ("survived"). Not part of `make test` or CI: the whole run
# takes long. A subset: make mutation MUTANTS='scratch.optimizers*' (mutmut's name patterns).
# Then: .venv/bin/mutmut results (survivors), .venv/bin/mutmut show <name> (its diff).
# `make hint-coverage` prints which hints of the exercise checks the tests reach.
MUTMUT_VERSION := 3.8.1
MUTANTS ?=

.PHONY: mutation hint-coverage

mutation: $(STAMP)
	@$(BIN)/python -c "import mutmut, sys; sys.exit(mutmut.__version__ != '$(MUTMUT_VERSION)')" \
		2>/dev/null || $(BIN)/python -m pip install --quiet "mutmut==$(MUTMUT_VERSION)"
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut export-cicd-stats >/dev/null
	@$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
		print(f\"mutation score: {s['killed']} of {s['total']} killed \
		({100 * s['killed'] / s['total']:.1f}%), {s['survived']} survived\")"

hint-coverage: $(STAMP)
	$(BIN)/python tests/hint_coverage.py
