# Lab Parcours — developer commands. `make help` lists them.
#
# Everything runs inside .venv, created on first use. Installation is remembered by stamp
# files named after a hash of pyproject.toml (.venv/.installed-<kind>-<hash>): a second
# `make run` or `make test` does not reinstall, a change to pyproject.toml does.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV ?= .venv
PY := $(VENV)/bin/python
# The interpreter that creates the venv: python3.11 when there is one, else python3.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || true)
endif
# settings.py keeps the SQLite database and the file-system broker here.
VAR_DIR := $(or $(LABPARCOURS_VAR_DIR),var)

PYPROJECT_HASH := $(shell (sha256sum pyproject.toml 2>/dev/null || shasum -a 256 pyproject.toml) | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(PYPROJECT_HASH)
TEST_STAMP := $(VENV)/.installed-test-$(PYPROJECT_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(PYPROJECT_HASH)
PIP := $(PY) -m pip --disable-pip-version-check

# Extra arguments for pytest: make test ARGS="-k login -x"
ARGS ?=

.PHONY: help install run test lint audit bench messages clean

help: ## List the targets
	@echo "Lab Parcours — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-9s %s\n", $$1, $$2}'
	@echo
	@echo 'Pass arguments to pytest with ARGS, e.g. make test ARGS="-k login".'

# --- Virtual environment and installation ------------------------------------------------------

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no python3.11 or python3 found on PATH. Install Python 3.11 or newer." >&2; exit 1; \
	fi
	@if ! "$(PYTHON)" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then \
	  echo "error: Lab Parcours needs Python 3.11 or newer; $(PYTHON) is $$("$(PYTHON)" -V 2>&1)." >&2; \
	  echo "       Install Python 3.11+ or run: make PYTHON=/path/to/python3.11 …" >&2; exit 1; \
	fi
	@echo "==> Creating $(VENV) with $$("$(PYTHON)" -V 2>&1) ($(PYTHON))"
	@"$(PYTHON)" -m venv "$(VENV)" || { \
	  rm -rf "$(VENV)"; \
	  echo "error: could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }

# '.[test]' and '.[test,dev]' include the project: either stamp spares a second install.
$(RUN_STAMP): | $(PY)
	@if [ -e "$(TEST_STAMP)" ] || [ -e "$(DEV_STAMP)" ]; then exit 0; fi; \
	echo "==> Installing the project into $(VENV)"; \
	echo "$(PIP) install -e ."; \
	$(PIP) install -e .
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(TEST_STAMP): | $(PY)
	@if [ -e "$(DEV_STAMP)" ]; then exit 0; fi; \
	echo "==> Installing the project and its test dependencies into $(VENV)"; \
	echo "$(PIP) install -e '.[test]'"; \
	$(PIP) install -e '.[test]'
	@rm -f $(VENV)/.installed-test-*
	@touch $@

$(DEV_STAMP): | $(PY)
	@echo "==> Installing the project and its development tools into $(VENV)"
	$(PIP) install -e '.[test,dev]'
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

install: $(RUN_STAMP) ## Create .venv if needed and install the project

# --- Running -----------------------------------------------------------------------------------

# A local run is a DEBUG run unless told otherwise: SQLite in var/, file-system Celery broker
# in var/broker, e-mails printed on the console. DATABASE_URL / REDIS_URL switch to real servers.
run: export DJANGO_DEBUG ?= 1
run: $(RUN_STAMP) ## Migrate, load the demo data if the database is empty, serve on :8000 with Celery
	@mkdir -p "$(VAR_DIR)/broker/processed"
	@echo "==> Applying migrations"
	$(PY) manage.py migrate --noinput
	@echo "==> Loading the demo data (only into an empty database)"
	$(PY) manage.py seed_demo --if-empty
	@VENV="$(VENV)" scripts/run_dev

# --- Checks ------------------------------------------------------------------------------------

# settings.py refuses to start without a secret key when DEBUG is off, and the tests run with
# DEBUG off: give them a key that is obviously not a production one. DJANGO_DEBUG is left alone.
# Tests run in parallel, one process per core (four at most), each test file in one process
# so that a module's shared test data is built once. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: export DJANGO_SECRET_KEY ?= test-only-not-secret-2f9c1e7a5b3d4c6e8f0a1b2c3d4e5f60
test: $(TEST_STAMP) ## Run the test suite (pytest); extra arguments in ARGS="…"
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile $(ARGS)

# mypy checks the application packages listed in pyproject.toml ([tool.mypy] files); it
# imports the settings, which want a secret key when DEBUG is off.
lint: export DJANGO_SECRET_KEY ?= lint-only-not-secret-2f9c1e7a5b3d4c6e8f0a1b2c3d4e5f60
lint: $(DEV_STAMP) ## ruff check, ruff format --check, mypy and bandit (no high-severity finding)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -q -r . -x ./.venv,./tests,./benchmarks,./var,./static -lll

audit: $(DEV_STAMP) ## Known vulnerabilities of the installed packages (pip-audit; needs PyPI or OSV)
	$(PIP) install -q "pip-audit>=2.7,<3"
	$(VENV)/bin/pip-audit --progress-spinner off --skip-editable $(if $(wildcard audit-exceptions.txt),$$(sed -n 's/^\(GHSA-[^ ]*\|PYSEC-[^ ]*\|CVE-[^ ]*\).*/--ignore-vuln \1/p' audit-exceptions.txt),)

bench: export DJANGO_SECRET_KEY ?= test-only-not-secret-2f9c1e7a5b3d4c6e8f0a1b2c3d4e5f60
bench: $(TEST_STAMP) ## Run the benchmarks in benchmarks/ (pytest-benchmark)
	@if [ ! -d benchmarks ]; then \
	  echo "No benchmarks/ folder yet: there is nothing to benchmark."; \
	else \
	  $(PY) -m pytest benchmarks --benchmark-only -p no:cacheprovider $(ARGS); \
	fi

messages: export DJANGO_DEBUG ?= 1
messages: $(RUN_STAMP) ## Extract translatable strings (fr, en) into locale/ and compile them
	@command -v msgfmt >/dev/null || { echo "error: gettext is missing (apt-get install gettext / brew install gettext)." >&2; exit 1; }
	@mkdir -p locale
	$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=var --no-wrap
	$(PY) manage.py compilemessages --ignore=.venv

clean: ## Remove var/ (local database, broker, media) and the install stamps; keeps .venv
	rm -rf var
	rm -f $(VENV)/.installed-*
	@if [ "$(VAR_DIR)" != "var" ]; then echo "note: LABPARCOURS_VAR_DIR=$(VAR_DIR) was left alone."; fi
