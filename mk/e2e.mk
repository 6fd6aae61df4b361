# make e2e: the real-browser test (tests/e2e). Every notebook is opened in JupyterLab, run with
# Run > Run All Cells, and every widget control is moved, in Debian's headless Chromium driven
# by Playwright. Screenshots and a JSON record per notebook go to build/e2e/. It also walks
# every slide of every exported deck and of RISE's live slideshow at 1280x720
# (tests/e2e/test_slides.py; npm fetches the decks' pinned JavaScript once).
# `make test` does not run it (its pytest passes --ignore=tests/e2e).
# Playwright drives /usr/bin/chromium from apt; `playwright install` is never used.
E2E_CHROMIUM := /usr/bin/chromium

.PHONY: e2e

e2e: $(STAMP)
	@$(BIN)/python -c "import playwright.sync_api" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -e ".[dev,e2e]"
	@if [ ! -x $(E2E_CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "make e2e: $(E2E_CHROMIUM) is missing; installing Debian's chromium with apt-get"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "make e2e: $(E2E_CHROMIUM) is missing. Install Debian's Chromium as root:" >&2; \
			echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2; \
			echo "then run 'make e2e' again (do not use 'playwright install')." >&2; \
			exit 1; \
		fi; \
	fi
	SCRATCH_E2E_REQUIRED=1 SCRATCH_E2E_CHROMIUM=$(E2E_CHROMIUM) $(BIN)/python -m pytest tests/e2e --durations=0
