# smallcap-claims: `make reports` (sets itself up on first run), `make test`. `make help`
# lists every target.
#
# Data comes from the pinned vintage in data/vintage/ by default. Other data:
#   SNAPSHOT_DIR=../shared/market-data make reports   the full offline snapshot
#   make reports DATA=live                            yfinance, FRED, French library
# (both pass through to every command and to the notebook kernels).

.DEFAULT_GOAL := help
SHELL := /bin/bash
# Every path a recipe passes to the shell is quoted: a clone may live in a folder whose name
# has a space (tests/test_make.py builds its tree in one).

#: PYTHON | the interpreter that creates .venv (>= 3.11.5) | make setup PYTHON=python3.12
PYTHON ?= python3
VENV := .venv
# Inside the activated conda environment (environment.yml) make uses it as it is; elsewhere
# it builds .venv from the lock.
ifeq ($(CONDA_DEFAULT_ENV),smallcap-claims)
PY := $(CONDA_PREFIX)/bin/python
else
PY := $(VENV)/bin/python
endif
KERNEL := smallcap-claims
STAMPS := .make
SETUP_STAMP := $(STAMPS)/setup.stamp
# Written once the git filter that keeps notebook outputs out of git is set (see there).
FILTER_STAMP := $(STAMPS)/git-filter.stamp
# Touched by `helpers data refresh` only when the cache content changed.
DATA_STAMP := data/cache/STAMP
# Touched by `helpers run-notebook` whenever it promotes results, removals included: the
# scorecard depends on it, not on the result files, which a run may legitimately delete.
RESULTS_STAMP := reports/results/STAMP
LEDGER := data/claims.yaml
LOCK := requirements.lock
#: DATA | vintage (default), snapshot or live | make reports DATA=live
#: SNAPSHOT_DIR | the offline market-data snapshot to read | SNAPSHOT_DIR=../shared/market-data make reports
DATA ?=
export SMALLCAP_DATA := $(DATA)

# Per-cell timeout in seconds, extra papermill parameters, `jupyter lab` options and the
# kernels `make reports` runs at once (default: one per core).
#: NOTEBOOK_ARGS | papermill parameters for the notebooks run (-W names them; a plain make reports restores the defaults) | make reports NOTEBOOK_ARGS="-p as_of 2026-01-30" -W notebooks/01_january_2026_streak.ipynb
#: JOBS | kernels (make reports) or test workers (make test) at once; default: one per core | make reports JOBS=1
#: CELL_TIMEOUT | seconds a cell may run (default 600) | make reports CELL_TIMEOUT=1200
#: LAB_ARGS | options for `jupyter lab` | make lab LAB_ARGS="--no-browser --port 8899"
CELL_TIMEOUT ?= 600
NOTEBOOK_ARGS ?=
LAB_ARGS ?=
JOBS ?=

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
REPORTS := $(NOTEBOOKS:notebooks/%.ipynb=reports/%.html)
# The package's code and the templates the reports are rendered with.
HELPERS_SRC := $(shell find src/helpers -name '*.py' -o -name '*.j2' -o -name '*.css')
# Each report depends on the modules its notebook imports, transitively (and on what renders
# every page): written by scripts/notebook_deps.py, remade when a notebook or module changes.
NOTEBOOK_DEPS := $(STAMPS)/notebook-deps.mk
# Stale reports are queued here, one file per make run (make's pid), and executed together
# by one `run-notebook` in the scorecard's recipe: one process, several kernels at once.
QUEUE := $(STAMPS)/queue.$(shell echo $$PPID)
RUN_ARGS = --timeout $(CELL_TIMEOUT)$(if $(JOBS), --jobs $(JOBS)) $(NOTEBOOK_ARGS)
# `make reports/NN_x.html` alone runs that notebook at once (nothing else drains the queue).
DIRECT := $(filter-out reports/index.html,$(filter reports/%.html,$(MAKECMDGOALS)))

# A read-only checkout (a mounted archive, a shared folder) is refused in one line before
# anything runs, instead of each step failing on its own: every goal but these writes
# .make/, data/cache/ or reports/ here.
ifneq ($(filter-out help lint test lab,$(or $(MAKECMDGOALS),help)),)
ifeq ($(shell test -w . && echo writable),)
$(error error: this checkout is read-only ($(CURDIR)); make $(MAKECMDGOALS) writes .make/, data/cache/ and reports/ in it -> fix: run make in a writable clone (git clone "$(CURDIR)" some/writable/folder))
endif
endif

.PHONY: help setup hooks reports accept-verdicts vintage lock ledger-check screenshots test lint lab \
	bench clean clean-data FORCE

help: ## list targets and the variables they take
	@echo "targets:"
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'
	@echo "variables (make TARGET NAME=value), each with an example:"
	@sed -n 's/^#: //p' Makefile | awk -F' [|] ' '{printf "  %-15s %s\n  %-15s   e.g. %s\n", $$1, $$2, "", $$3}'

setup: $(SETUP_STAMP) $(FILTER_STAMP) ## create .venv from the lock (uv, else pip), the package (editable) and the Jupyter kernel
	@test -e .git/hooks/pre-commit -o ! -d .git || \
		echo "hint: \`make hooks\` installs git hooks (ruff, nbstripout, check-yaml, ledger check)"

PRE_COMMIT := pre-commit==4.7.0
hooks: $(SETUP_STAMP) ## install the git pre-commit hooks of .pre-commit-config.yaml (tools from .venv)
	"$(PY)" -m pip install --quiet $(PRE_COMMIT)
	"$(PY)" -m pre_commit install

ifeq ($(CONDA_DEFAULT_ENV),smallcap-claims)
# conda installed the packages and the project (pip: -e .); only the kernel is registered.
$(SETUP_STAMP): environment.yml
	"$(PY)" -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))"
	@mkdir -p $(STAMPS) && touch "$@"
else
# pyvenv.cfg, not bin/python: that is a symlink whose time is the base interpreter's.
# The lock was resolved on CPython 3.11.7; some of its pins need 3.11.5 or later, so an older
# interpreter is refused here by name instead of by pip's "no matching distribution".
LOCK_PYTHON := 3.11.5
$(VENV)/pyvenv.cfg:
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < tuple(map(int, "$(LOCK_PYTHON)".split("."))))' || \
		{ echo "error: requirements.lock needs Python >= $(LOCK_PYTHON); $(PYTHON) is $$("$(PYTHON)" -V 2>&1)" >&2; \
		  echo "  -> fix: run with a newer interpreter, e.g. make reports PYTHON=python3.12" >&2; exit 2; }
	@echo "setup: creating $(VENV) with $$("$(PYTHON)" -V 2>&1) (seconds with uv, about 10 s without)"
	@command -v uv >/dev/null && \
		uv venv --quiet --seed --allow-existing --no-python-downloads --python "$$(command -v "$(PYTHON)")" "$(VENV)" || \
		"$(PYTHON)" -m venv "$(VENV)"

# Reinstalls only when the lock or pyproject.toml changes or the venv was recreated. The lock
# pins every package; the project itself is installed on top of it without resolving again
# (with uv where there is one: see the script).
$(SETUP_STAMP): $(LOCK) pyproject.toml $(VENV)/pyvenv.cfg scripts/install_lock.sh
	@bash scripts/install_lock.sh "$(PY)" "$(LOCK)"
	@echo "setup: registering the $(KERNEL) Jupyter kernel"
	@"$(PY)" -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	@mkdir -p $(STAMPS) && touch "$@"
endif

# Notebook outputs never reach git: .gitattributes sends *.ipynb through the nbstripout filter
# (outputs, execution counts and the kernel details a session adds removed: see
# src/helpers/notebooks.py), defined here in the clone's git config. A linked worktree shares
# its config with the main checkout, so there it is only suggested; outside git there is
# nothing to do.
$(FILTER_STAMP): $(wildcard .gitattributes) | $(SETUP_STAMP)
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" != "$$(pwd -P)" ]; then :; \
	elif [ "$$(git rev-parse --path-format=absolute --git-dir)" != "$$(git rev-parse --path-format=absolute --git-common-dir)" ]; then \
		echo "note: this linked git worktree shares the main checkout's git config: the nbstripout filter is not set from here"; \
		echo "  -> run \`make setup\` in the main checkout; its filter (.venv/bin/python, relative) then serves every worktree"; \
	else \
		git config filter.nbstripout.clean '"$(PY)" -m nbstripout' && \
		git config filter.nbstripout.smudge cat && \
		git config filter.nbstripout.extrakeys "$$("$(PY)" -c 'from helpers.notebooks import SESSION_KEYS; print(*SESSION_KEYS)')" && \
		git config diff.ipynb.textconv '"$(PY)" -m nbstripout -t' && \
		echo "setup: git filter nbstripout set: notebook outputs stay out of git (.gitattributes)"; \
	fi
	@mkdir -p $(STAMPS) && touch "$@"

reports: reports/index.html | $(FILTER_STAMP) ## run changed notebooks into reports/*.html, build the scorecard, check pinned verdicts
	"$(PY)" -m helpers vintage check

# On the vintage, run-notebook publishes no notebook whose verdicts differ from the pinned ones;
# here, where they are about to be pinned, it does.
accept-verdicts: RUN_ARGS += --allow-changed-verdicts
accept-verdicts: reports/index.html ## pin the vintage build's verdicts in data/vintage/verdicts.csv (review the diff)
	"$(PY)" -m helpers vintage accept

vintage: | $(SETUP_STAMP) ## rebuild data/vintage/ from SNAPSHOT_DIR (default ../shared/market-data)
	"$(PY)" -m helpers vintage build --from "$(or $(SNAPSHOT_DIR),../shared/market-data)"

lock: | $(SETUP_STAMP) ## re-resolve requirements.lock from pyproject.toml (needs pip-tools)
	"$(PY)" -m piptools compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file "$(LOCK)" pyproject.toml

# Always runs; GNU make re-reads the stamp's time afterwards, so reports rebuild only when the
# refresh really changed the cache.
$(DATA_STAMP): FORCE | $(SETUP_STAMP)
	"$(PY)" -m helpers data refresh

# The ledger's schema check runs before any notebook or the scorecard; order-only, so it never
# makes a report stale by itself, and a broken ledger stops `make reports` before anything runs.
# It reruns when the ledger, the claims code, the set of notebooks (the folder's time) or the
# data (every as_of must be one of its trading days) changed; a failed check writes no stamp,
# so it runs again next time.
LEDGER_STAMP := $(STAMPS)/ledger-check.stamp
ledger-check: $(LEDGER_STAMP)
$(LEDGER_STAMP): $(LEDGER) $(wildcard src/helpers/claims/*.py) notebooks $(DATA_STAMP) | $(SETUP_STAMP)
	"$(PY)" -m helpers claims check
	@mkdir -p $(STAMPS) && touch "$@"

$(NOTEBOOK_DEPS): $(NOTEBOOKS) $(filter %.py,$(HELPERS_SRC)) $(LEDGER) scripts/notebook_deps.py
	@"$(PYTHON)" scripts/notebook_deps.py "$@" $(NOTEBOOKS)

ifeq ($(filter-out help clean clean-data lint lock test,$(or $(MAKECMDGOALS),help)),)
else
-include $(NOTEBOOK_DEPS)
endif

# A `make reports` that passes no parameters (no -p in NOTEBOOK_ARGS) runs again every notebook
# whose last run used other values than its defaults (run-notebook leaves a note for it in
# reports/non-default/), so the default build comes back.
ifeq ($(filter -p --parameter,$(NOTEBOOK_ARGS)),)
$(filter $(REPORTS),$(patsubst reports/non-default/%.json,reports/%.html,$(wildcard reports/non-default/*.json))): FORCE
endif

# More prerequisites per report (its modules) come from $(NOTEBOOK_DEPS).
reports/%.html: notebooks/%.ipynb $(LEDGER) $(DATA_STAMP) | $(SETUP_STAMP) ledger-check
ifneq ($(DIRECT),)
	"$(PY)" -m helpers run-notebook "$<" $(RUN_ARGS)
else
	@mkdir -p $(STAMPS) && echo "$<" >> "$(QUEUE)"
endif

# Runs the queued notebooks (a shell test when there are none) after every report rule:
# always, because a queued report's file is not newer until the run has replaced it. The
# stamp is touched only by a run that succeeded, so the scorecard follows it; a failure stops
# make before the scorecard, and a notebook that failed keeps an older report than its
# prerequisites, so the next run queues it again.
RUN_STAMP := $(STAMPS)/notebooks-run.stamp
$(RUN_STAMP): $(REPORTS) FORCE | $(SETUP_STAMP)
	@if [ -s "$(QUEUE)" ]; then \
		queued="$$(tr '\n' ' ' < "$(QUEUE)")"; rm -f "$(QUEUE)"; \
		echo "$(PY) -m helpers run-notebook $${queued}$(RUN_ARGS)"; \
		"$(PY)" -m helpers run-notebook $${queued}$(RUN_ARGS) && touch "$@"; \
	else \
		rm -f "$(QUEUE)"; [ -e "$@" ] || { mkdir -p $(STAMPS) && touch "$@"; }; \
	fi

# $(wildcard): a fresh tree has no results stamp yet (the reports rebuild the page anyway).
reports/index.html: $(RUN_STAMP) $(REPORTS) $(LEDGER) $(HELPERS_SRC) $(wildcard $(RESULTS_STAMP)) | $(SETUP_STAMP) ledger-check
	"$(PY)" -m helpers scorecard

screenshots: $(SETUP_STAMP) ## render every report page in headless Chromium (1400 and 390 px) into reports/screenshots/
	"$(PY)" scripts/screenshots.py

# One pytest worker per core (JOBS=1: one at a time); an idle worker takes tests queued for a
# busy one, so the slow make-driving tests (collected first) spread over the workers.
# pytest keeps each test module's rewritten asserts in tests/__pycache__ (git ignores it), also
# where PYTHONDONTWRITEBYTECODE is set: rewriting them anew costs every worker 2-3 s a run.
test: $(SETUP_STAMP) ## run the test suite in parallel (set SNAPSHOT_DIR to include snapshot tests)
	PYTHONDONTWRITEBYTECODE= "$(PY)" -m pytest --numprocesses $(or $(JOBS),auto) --dist worksteal

lint: $(SETUP_STAMP) ## ruff (lint and format check) over src, tests, notebooks and scripts; mypy over src
	"$(PY)" -m ruff check src tests notebooks scripts
	"$(PY)" -m ruff format --check src tests notebooks scripts
	"$(PY)" -m mypy

# The environment's own JupyterLab (.venv's, or the conda environment's), rooted at notebooks/;
# it saves notebooks without their outputs (helpers.notebooks.strip_outputs), so a session
# leaves git clean.
lab: $(SETUP_STAMP) $(FILTER_STAMP) ## open JupyterLab on notebooks/ with the project kernel (saves leave git clean)
	"$(PY)" -m jupyterlab --ServerApp.root_dir=notebooks \
		--ContentsManager.pre_save_hook=helpers.notebooks.strip_outputs $(LAB_ARGS)

bench: $(SETUP_STAMP) ## time data loading, a full and a no-op `make reports`, and the floor
	"$(PY)" scripts/bench.py

clean: ## remove generated reports and make stamps (keeps the data cache)
	find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf "$(STAMPS)"

clean-data: ## remove the downloaded data cache (data/cache)
	rm -rf data/cache

FORCE:
