# Two commands for a fresh machine: `make briefing` and `make test`. Each builds .venv when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data/russia-ukraine
PERIOD ?= latest

.PHONY: briefing test lab venv chromium docs schedule bench clean notebooks

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# Debian's chromium: headless browser for PDF, screenshots and the browser tests (no downloads at run time).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null; }; }

briefing: venv
	$(BIN)/python -m parley render $(DATA) --period $(PERIOD)

test: venv chromium
	$(BIN)/python -m pytest

lab: venv
	$(BIN)/jupyter lab notebooks/

schedule: venv
	$(BIN)/python -m parley schedule $(DATA) --cadence month

docs: venv
	$(BIN)/python -m parley schema-docs --out docs/data-format.md

bench: venv
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports/*/ reports/index.html

# Re-execute the notebooks and store the outputs nbval compares (after changing what they show).
# A notebook edited in JupyterLab is not overwritten (the script says which cells changed); FORCE=1 overwrites it.
notebooks: venv
	$(BIN)/python scripts/make_notebooks.py $(if $(FORCE),--force)
	$(BIN)/python scripts/store_outputs.py
