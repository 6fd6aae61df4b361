# make mutation: mutation testing with mutmut (pinned; installed into .venv on first use).
# mutmut changes one small thing at a time in the code, runs the tests that reach it, and
# counts the changes no test notices ("survived"). Not part of `make test` or CI: it takes long.
# Three scopes, each with its own tests, so each run stays practical on two cores (setup.cfg):
#   make mutation                  scratch/layers.py, functions.py, optimizers.py, nets.py
#   make mutation SCOPE=checks     scratch/checks/  (runs in build/mutation-checks/)
#   make mutation SCOPE=widgets    scratch/widgets/ (runs in build/mutation-widgets/)
# A subset: make mutation MUTANTS='scratch.optimizers*' (mutmut's name patterns).
# Then, in the scope's directory: .venv/bin/mutmut results (survivors), mutmut show <name>.
# `make hint-coverage` prints which hints of the exercise checks the tests reach.
MUTMUT_VERSION := 3.8.1
MUTANTS ?=
SCOPE   ?= core
MUTATION_DIR := $(if $(filter core,$(SCOPE)),.,build/mutation-$(SCOPE))

.PHONY: mutation hint-coverage

mutation: $(STAMP)
	@$(BIN)/python -c "import mutmut, sys; sys.exit(mutmut.__version__ != '$(MUTMUT_VERSION)')" \
		2>/dev/null || $(BIN)/python -m pip install --quiet "mutmut==$(MUTMUT_VERSION)"
	$(if $(filter core,$(SCOPE)),,$(BIN)/python scripts/mutation_scope.py $(SCOPE))
	cd $(MUTATION_DIR) && rm -rf mutants && $(CURDIR)/$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	cd $(MUTATION_DIR) && $(CURDIR)/$(BIN)/mutmut export-cicd-stats >/dev/null
	@$(BIN)/python -c "import json; s = json.load(open('$(MUTATION_DIR)/mutants/mutmut-cicd-stats.json')); \
		print(f\"mutation score ($(SCOPE)): {s['killed']} of {s['total']} killed \
		({100 * s['killed'] / s['total']:.1f}%), {s['survived']} survived\")"

hint-coverage: $(STAMP)
	$(BIN)/python tests/notebooks/hint_coverage.py
