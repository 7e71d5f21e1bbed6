# Two commands for a fresh machine: `make briefing` and `make test`. Each builds .venv when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data/russia-ukraine
PERIOD ?= latest

.PHONY: briefing test test-fast lint lab venv chromium docs schedule bench clean notebooks

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# Debian's chromium: headless browser for PDF, screenshots and the browser tests (no downloads at run time),
# with fonts for every script an actor may be named in (Noto CJK and emoji beside chromium's DejaVu) and
# poppler's pdffonts, which the PDF test reads the embedded fonts with.
DEBIAN_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji poppler-utils
chromium:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y --no-install-recommends $$missing >/dev/null; }; }

briefing: venv
	$(BIN)/python -m parley render $(DATA) --period $(PERIOD)

# Everything: lint, library, notebooks (nbval), renders, browsers.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with parley/nbval_sanitize.cfg
test: venv chromium lint
	$(BIN)/python -m pytest $(NBVAL)

# The loop while coding: tests/unit only (no kernel, no browser, no `python -m parley` subprocess); tests/integration
# holds the rest (marked `slow` by tests/conftest.py, from the directory). JOBS processes (pytest-xdist), one test file
# each at a time, so a file's module fixtures are built once; each process collects and imports on its own (about 5 s
# CPU), so on a machine whose cores are busy anyway JOBS=0 (one process) finishes sooner.
JOBS ?= 2
test-fast: venv
	$(BIN)/python -m pytest tests/unit -p no:nbval --no-header -n $(JOBS) --dist loadfile

lint: venv
	$(BIN)/ruff check parley tests scripts benchmarks
	$(BIN)/lint-imports --no-cache

lab: venv
	$(BIN)/jupyter lab notebooks/

schedule: venv
	$(BIN)/python -m parley schedule $(DATA) --cadence month

# Docs that describe code, regenerated from it: the data format (schema), the layers (import contracts), the README's
# chart pictures (kaleido + Debian's chromium) and the workbench screenshots (JupyterLab in headless chromium).
docs: venv chromium
	$(BIN)/python -m parley schema-docs --out docs/data-format.md
	$(BIN)/python scripts/architecture_doc.py
	$(BIN)/python scripts/readme_images.py
	PARLEY_SCREENSHOTS=docs/img $(BIN)/python -m pytest -p no:nbval -q tests -k test_workbench_in_jupyterlab

# The benchmarks; each prints its ratios against a baseline measured in the same run.
bench: venv chromium
	$(BIN)/python benchmarks/bench_briefing.py --cluster
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) reports/*/ reports/index.html

# Re-execute the notebooks and store the outputs nbval compares (after changing what they show).
# A notebook edited in JupyterLab is not overwritten (the script says which cells changed); FORCE=1 overwrites it.
notebooks: venv
	$(BIN)/python scripts/make_notebooks.py $(if $(FORCE),--force)
	$(BIN)/python scripts/store_outputs.py
