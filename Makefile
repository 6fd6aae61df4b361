# Two commands do all the set-up on a fresh machine (Python >= 3.10 and make):
#   make lab    create .venv if needed, install, open JupyterLab on notebooks/
#   make test   create .venv if needed, install, run unit tests + nbval on every notebook + ruff
# Both install the package with its extras `dev` = `test` (pytest, nbval, hypothesis) +
# `notebooks` (JupyterLab, matplotlib, ipywidgets, tqdm) + ruff; the package itself needs numpy
# only (`make numpy-only` proves it in a separate environment).
# `make unit` and `make lint` run the unit tests or ruff alone; docs/development.md lists every
# target, those of mk/*.mk included.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NB     ?= notebooks/*.ipynb
EXTRAS := dev
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

# The same environment for tests, nbval and `make notebooks`, so stored outputs match:
# fixed hash seed, one BLAS thread (stable under load), no user matplotlib settings.
export PYTHONHASHSEED := 0
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/mplconfig
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: install test unit nbval lint lab notebooks bench numpy-only clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	mkdir -p $(MPLCONFIGDIR)
	touch $(STAMP)

install: $(STAMP)

# One pytest run for unit tests and notebooks, so CI reads a single summary line.
test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest --ignore=tests/e2e $(NBVAL) tests notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest --ignore=tests/e2e tests

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) notebooks

lint: $(STAMP)
	$(BIN)/python -m ruff check .

# As root (containers), Jupyter refuses to start without --allow-root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_FLAGS)

# Re-execute every notebook in place, in a fresh kernel, top to bottom. No per-cell timestamps
# in the metadata: they would make every re-run a diff of every cell.
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False $(NB)

# Speed figures and ratios (never timed unit tests). PyTorch is compared when installed.
bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The package in a fresh environment with numpy only (`pip install .`, no extras), where the
# core and scratch.datasets must import and train; tests/core/test_core_imports.py checks the same
# inside .venv by blocking the other packages.
CORE_VENV := build/numpy-only-venv

numpy-only:
	test -x $(CORE_VENV)/bin/python || $(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CORE_VENV)/bin/python -m pip install --quiet -e .
	cd build && ../$(CORE_VENV)/bin/python ../tests/core/core_only.py

# Further targets (the browser test, classroom exports) live in mk/*.mk.
-include mk/*.mk

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
