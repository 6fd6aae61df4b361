# Does the series work on a machine that is not set up like ours?
#   make nbval-anywhere  nbval without the pinned environment above: MPLBACKEND=Agg or not, a
#                        random or another hash seed, one or two BLAS threads (ANYWHERE_RUNS)
#   make test-oldest     unit tests + nbval with every dependency at the minimum pyproject.toml
#                        declares (constraints made from pyproject.toml by
#                        scripts/lowest_constraints.py), in a throwaway venv build/oldest-venv
#   make test-newest     the same with the newest release of everything (build/newest-venv)
#   make test-nbgrader   nbgrader's ClearSolutions makes the same student copies, and the README's
#                        grading walkthrough grades right and wrong submissions (build/nbgrader-venv)

.PHONY: nbval-anywhere test-oldest _test-oldest test-newest test-nbgrader

# One run per entry: `backend,hash seed,BLAS threads` (`-` leaves MPLBACKEND unset; `random` is
# a new seed each run, printed so that a failure can be repeated). Every value of each
# variable appears at least once; add entries for more combinations.
ANYWHERE_RUNS ?= Agg,random,2 -,random,1
UNPINNED := env -u PYTHONHASHSEED -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u MKL_NUM_THREADS -u MPLBACKEND

nbval-anywhere: $(STAMP)
	@for run in $(ANYWHERE_RUNS); do \
		backend=$${run%%,*}; rest=$${run#*,}; seed=$${rest%%,*}; threads=$${rest#*,}; \
		if [ "$$seed" = random ]; then seed=$$(od -An -N2 -tu2 /dev/urandom | tr -d ' '); fi; \
		mplconfig=$$(mktemp -d); \
		set -- PYTHONHASHSEED=$$seed OPENBLAS_NUM_THREADS=$$threads MPLCONFIGDIR=$$mplconfig; \
		if [ "$$backend" != - ]; then set -- "$$@" MPLBACKEND=$$backend; fi; \
		echo "== nbval-anywhere: $$*"; \
		$(UNPINNED) "$$@" $(BIN)/python -m pytest -p no:cacheprovider $(NBVAL) notebooks; \
		status=$$?; rm -rf "$$mplconfig"; \
		if [ $$status != 0 ]; then echo "nbval-anywhere failed with: $$*" >&2; exit $$status; fi; \
	done

# $(1): the venv, $(2): pip's extra arguments. A fresh venv every time (the point is what a
# learner's new install gets), then ruff, the unit tests and nbval as in `make test`.
define versions-test
	rm -rf $(1)
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python -m pip install --quiet $(2) -e ".[dev]"
	@$(1)/bin/python -m pip list --format=freeze 2>/dev/null | \
		grep -iE '^(numpy|matplotlib|ipywidgets|jupyterlab|jupyterlab.rise|tqdm|pytest|nbval|hypothesis|ruff|setuptools)==' | \
		tr '\n' ' '; echo
	mkdir -p $(1)/mplconfig
	MPLCONFIGDIR=$(CURDIR)/$(1)/mplconfig $(1)/bin/python -m ruff check .
	MPLCONFIGDIR=$(CURDIR)/$(1)/mplconfig $(1)/bin/python -m pytest -p no:cacheprovider \
		--ignore=tests/e2e $(NBVAL) tests notebooks
endef

OLDEST_VENV := build/oldest-venv
NEWEST_VENV := build/newest-venv

# PIP_CONSTRAINT (rather than -c) reaches the isolated build of the package too, so the
# minimum of setuptools from [build-system] is what builds it.
test-oldest:
	mkdir -p build
	$(PYTHON) scripts/lowest_constraints.py --extras dev > build/oldest-constraints.txt
	@echo "constraints: $$(tr '\n' ' ' < build/oldest-constraints.txt)"
	PIP_CONSTRAINT=$(CURDIR)/build/oldest-constraints.txt $(MAKE) --no-print-directory _test-oldest

_test-oldest:
	$(call versions-test,$(OLDEST_VENV),)

test-newest:
	$(call versions-test,$(NEWEST_VENV),--upgrade --upgrade-strategy eager)

# nbgrader in its own venv: its server and lab extensions stay out of .venv (and out of
# `make lab` and `make e2e`).
NBGRADER_VENV := build/nbgrader-venv

test-nbgrader:
	test -x $(NBGRADER_VENV)/bin/python || $(PYTHON) -m venv $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NBGRADER_VENV)/bin/python -m pip install --quiet -e ".[dev,nbgrader]"
	mkdir -p $(NBGRADER_VENV)/mplconfig
	MPLCONFIGDIR=$(CURDIR)/$(NBGRADER_VENV)/mplconfig NBGRADER_REQUIRED=1 CLASSROOM_STUDENT_ALL=1 \
		$(NBGRADER_VENV)/bin/python -m pytest -p no:cacheprovider tests/tooling/test_nbgrader.py

# make test-matrix: the unit tests under each OpenBLAS kernel this processor can run, and nbval
# under each kernel with each BLAS thread count (scripts/test_matrix.sh; scripts/blas_kernels.py
# finds the kernels and says which it skipped and why). Variables:
#   MATRIX_THREADS="1 2"  nbval's thread counts
#   MATRIX_ALTERNATE=1    each kernel gets one thread count in turn instead of all (what CI runs:
#                         every kernel and every thread count is still covered at least once)
#   MATRIX_KERNELS=...    these kernels only;  MATRIX_UNIT=0  nbval only
#   MATRIX_PYTHON=build/oldest-venv/bin/python  at the declared minimum versions (after
#                         `make test-oldest`; build/newest-venv after `make test-newest`)
MATRIX_PYTHON ?= $(BIN)/python
export MATRIX_THREADS MATRIX_ALTERNATE MATRIX_KERNELS MATRIX_UNIT

.PHONY: test-matrix
test-matrix: $(STAMP)
	bash scripts/test_matrix.sh $(MATRIX_PYTHON) $(NBVAL)
