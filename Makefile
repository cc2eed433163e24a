# SafeCampus developer commands (see README.md).
#   make install   set up everything (fast no-op when already done)
#   make run       demo region + web server and job worker on $(HOST):$(PORT)
#   make test      the whole pytest suite (PYTEST_ARGS="-k org -x" to narrow it)
#   make lint      ruff check + ruff format --check
#   make bench     benchmarks under bench/
#   make messages  refresh and compile the zh-hans and en translation catalogues
#   make clean     remove caches and generated files (keeps var/ data, .venv, node_modules)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# When set, `make test` writes pytest's exit code into this file (used by .ci/run).
PYTEST_RC_FILE ?=

DEB_PACKAGES := chromium fonts-noto-cjk gettext poppler-utils
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

# Stamps: a hash of the inputs, so a changed requirements or lock file triggers a reinstall.
PY_INPUTS := requirements.txt requirements-dev.txt pyproject.toml
PY_STAMP := $(VENV)/.safecampus-installed
NODE_STAMP := node_modules/.safecampus-installed
VENDOR_DIR := src/safecampus/static/vendor
VENDOR_STAMP := $(VENDOR_DIR)/.copied
LOCALE_DIR := src/safecampus/locale

.PHONY: help install install-system install-python install-assets run test lint bench messages clean distclean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

install: install-system install-python install-assets

# Debian packages for the browser tests and CJK text in PDFs; installed only when missing.
install-system:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "install-system: not a Debian system; please install: $(DEB_PACKAGES)"; exit 0; fi; \
	missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

install-python:
	@if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); fi; \
	want="$$(cat $(PY_INPUTS) | sha256sum | cut -d' ' -f1)"; \
	if [ "$$(cat $(PY_STAMP) 2>/dev/null)" != "$$want" ]; then \
	  echo "Installing Python requirements into $(VENV)"; \
	  $(PIP) install -q -r requirements-dev.txt; \
	  $(PIP) install -q -e .; \
	  echo "$$want" > $(PY_STAMP); \
	fi

install-assets:
	@want="$$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"; \
	if [ ! -d node_modules ] || [ "$$(cat $(NODE_STAMP) 2>/dev/null)" != "$$want" ]; then \
	  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi; \
	  cat package.json package-lock.json | sha256sum | cut -d' ' -f1 > $(NODE_STAMP); \
	fi; \
	if [ ! -f $(VENDOR_STAMP) ] || [ $(NODE_STAMP) -nt $(VENDOR_STAMP) ] || [ scripts/copy_assets.py -nt $(VENDOR_STAMP) ]; then \
	  $(PY) scripts/copy_assets.py; \
	  touch $(VENDOR_STAMP); \
	fi

run: install
	mkdir -p var
	$(VENV)/bin/safecampus demo
	$(VENV)/bin/safecampus serve --host $(HOST) --port $(PORT)

# pytest exit 5 means "no tests collected": that is a failure here, with a clear message.
test: install
	@rc=0; $(VENV)/bin/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ -n "$(PYTEST_RC_FILE)" ]; then echo "$$rc" > "$(PYTEST_RC_FILE)"; fi; \
	if [ "$$rc" -eq 5 ]; then echo "make test: ERROR: pytest collected no tests (exit 5)" >&2; fi; \
	exit "$$rc"

lint: install-python
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

# bench/stats.py and bench/pages.py need PostgreSQL (BENCH_PG_URL, default
# postgres://postgres@127.0.0.1:5432/postgres); STATS_BENCH_ARGS="--schools 8000" for 8,000,000
# learners, PAGES_BENCH_ARGS="--sizes 1000,4000" for smaller provinces (see bench/README.md).
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/roster_import.py
	$(PY) bench/stats.py $(STATS_BENCH_ARGS)
	$(PY) bench/pages.py $(PAGES_BENCH_ARGS)
	$(PY) bench/checks.py $(CHECKS_BENCH_ARGS)
	$(PY) bench/talks.py $(TALKS_BENCH_ARGS)
	$(PY) bench/three100.py $(THREE100_BENCH_ARGS)
	$(PY) bench/gate_pass.py $(GATE_BENCH_ARGS)

messages: install-python
	@command -v xgettext >/dev/null 2>&1 || { \
	  echo "Installing Debian package gettext (xgettext is needed by makemessages)"; \
	  $(SUDO) apt-get update -q; $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q gettext; }
	mkdir -p $(LOCALE_DIR)
	cd src/safecampus && SAFECAMPUS_HOME="$(CURDIR)" DJANGO_SETTINGS_MODULE=safecampus.settings \
	  "$(CURDIR)/$(VENV)/bin/django-admin" makemessages -l zh_Hans -l en --ignore 'static/*' --ignore 'locale/*'
	$(PY) scripts/compile_messages.py

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis build src/*.egg-info $(VENDOR_DIR) var/static screenshots
	find src tests bench scripts -type d -name __pycache__ -prune -exec rm -rf {} + 2>/dev/null || true

# Also removes the virtualenv and node_modules (the next `make install` rebuilds them).
distclean: clean
	rm -rf $(VENV) node_modules
