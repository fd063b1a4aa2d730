# smallcap-claims: `make setup` once, then `make reports`. `make help` lists every target.
#
# Offline: SNAPSHOT_DIR=../shared/market-data make reports   (the variable passes through to
# every command and to the notebook kernels).

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := smallcap-claims
STAMPS := .make
SETUP_STAMP := $(STAMPS)/setup.stamp
# Touched by `helpers data refresh` only when the cache content changed.
DATA_STAMP := data/cache/STAMP
# Touched by `helpers run-notebook` whenever it promotes results, removals included: the
# scorecard depends on it, not on the result files, which a run may legitimately delete.
RESULTS_STAMP := reports/results/STAMP
LEDGER := data/claims.yaml

# Per-cell timeout in seconds and extra papermill parameters, e.g.
#   make reports NOTEBOOK_ARGS="-p as_of 2026-01-30"
CELL_TIMEOUT ?= 600
NOTEBOOK_ARGS ?=
# Extra `jupyter lab` options, e.g. make lab LAB_ARGS="--no-browser --allow-root"
LAB_ARGS ?=

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
REPORTS := $(NOTEBOOKS:notebooks/%.ipynb=reports/%.html)
HELPERS_SRC := $(shell find src/helpers -name '*.py')

.PHONY: help setup reports ledger-check test lint lab bench clean clean-data FORCE

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

setup: $(SETUP_STAMP) ## create .venv, install the package (editable, dev extra) and the Jupyter kernel

# pyvenv.cfg, not bin/python: that is a symlink whose time is the base interpreter's.
$(VENV)/pyvenv.cfg:
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when pyproject.toml changes or the venv was recreated.
$(SETUP_STAMP): pyproject.toml $(VENV)/pyvenv.cfg
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))"
	@mkdir -p $(STAMPS) && touch $@

reports: reports/index.html ## run changed notebooks into reports/*.html, then build the scorecard

# Always runs; GNU make re-reads the stamp's time afterwards, so reports rebuild only when the
# refresh really changed the cache.
$(DATA_STAMP): FORCE | $(SETUP_STAMP)
	$(PY) -m helpers data refresh

# The ledger's schema check runs before any notebook or the scorecard; order-only, so it never
# makes a report stale by itself, and a broken ledger stops `make reports` before anything runs.
ledger-check: | $(SETUP_STAMP)
	$(PY) -m helpers claims check

reports/%.html: notebooks/%.ipynb $(HELPERS_SRC) $(LEDGER) $(DATA_STAMP) | $(SETUP_STAMP) ledger-check
	$(PY) -m helpers run-notebook $< --timeout $(CELL_TIMEOUT) $(NOTEBOOK_ARGS)

# $(wildcard): a fresh tree has no results stamp yet (the reports rebuild the page anyway).
reports/index.html: $(REPORTS) $(LEDGER) $(HELPERS_SRC) $(wildcard $(RESULTS_STAMP)) | $(SETUP_STAMP) ledger-check
	$(PY) -m helpers scorecard

test: $(SETUP_STAMP) ## run the test suite (set SNAPSHOT_DIR to include snapshot tests)
	$(PY) -m pytest

lint: $(SETUP_STAMP) ## ruff (lint and format check) over src, tests, notebooks and scripts
	$(PY) -m ruff check src tests notebooks scripts
	$(PY) -m ruff format --check src tests notebooks scripts

lab: $(SETUP_STAMP) ## open JupyterLab on notebooks/ with the project kernel
	cd notebooks && ../$(VENV)/bin/jupyter lab $(LAB_ARGS)

bench: $(SETUP_STAMP) ## time data loading, a full and a no-op `make reports`, and the floor
	$(PY) scripts/bench.py

clean: ## remove generated reports and make stamps (keeps the data cache)
	find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf $(STAMPS)

clean-data: ## remove the downloaded data cache (data/cache)
	rm -rf data/cache

FORCE:
