# Two entry points: `make run` (the app with demo data on http://127.0.0.1:8000)
# and `make test` (the whole suite). The rest are the steps they share.
# Works on a fresh clone with only python3, node and npm installed; nothing
# needs activating, every command uses the virtualenv's python by path.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
SCSS := $(shell find static/scss -name '*.scss' 2>/dev/null)
CSS := static/build/app.css
LOCKFILE := $(wildcard package-lock.json)
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-n 0 -x tests/decisions"`.
PYTEST_ARGS ?= -n auto

# A deleted node_modules must be installed again even though the stamp is newer.
NPM_FORCE := $(if $(wildcard node_modules/.package-lock.json),,FORCE)

.PHONY: help run test setup lint clean css FORCE

help:
	@echo "make run    set up, migrate, load the demo data and serve on http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite (browser tests included)"
	@echo "make setup  virtualenv, Python and npm packages, compiled CSS"
	@echo "make lint   ruff check . and the import layers (lint-imports)"
	@echo "make clean  remove the virtualenv, node_modules, build output and stamps"

# pyvenv.cfg is written once when the virtualenv is made, so a new
# virtualenv is newer than the pip stamp and gets its packages again.
$(VENV)/pyvenv.cfg:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/pip: requirements.txt requirements-dev.txt $(VENV)/pyvenv.cfg
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: package.json $(LOCKFILE) $(NPM_FORCE)
ifneq ($(LOCKFILE),)
	npm ci --no-audit --no-fund
else
	npm install --no-audit --no-fund
endif
	@mkdir -p $(STAMPS) && touch $@

$(CSS): $(SCSS) $(STAMPS)/npm
	npm run --silent build

css: $(STAMPS)/npm
	npm run --silent build

setup: $(STAMPS)/pip $(STAMPS)/npm $(CSS)

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# pytest's exit status 5 means "no tests collected": say so rather than fail.
test: setup
	@status=0; \
	$(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; status=0; fi; \
	exit $$status

lint: $(STAMPS)/pip
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules $(STAMPS) static/build staticfiles .pytest_cache .ruff_cache test-results
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

FORCE:
