# Idmaj: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The first Python ≥ 3.12 on the PATH (.python-version selects 3.12 under pyenv).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& echo $$p && break; done)

.PHONY: run test bench install install-dev messages check-catalogs lint worker clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Idmaj needs Python 3.12 or newer on the PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo "Idmaj on http://127.0.0.1:8000 (the task worker runs beside it; Ctrl-C stops both)"
	$(MANAGE) db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:8000

worker: install
	$(MANAGE) db_worker

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Refresh the ar and fr catalogs from the source, then compile them (needs gettext).
messages: install
	$(MANAGE) makemessages -l ar -l fr --no-location --no-obsolete -i '.venv/*' -i 'staticfiles/*'
	$(MANAGE) compilemessages -i .venv

# Fails when the committed catalogs miss a string the source has.
check-catalogs: messages
	git diff --exit-code -I '^"POT-Creation-Date' -I '^"PO-Revision-Date' -- locale/ \
		|| { echo "Translation catalogs are out of date: run 'make messages', translate, commit."; exit 1; }

clean:
	rm -rf $(VENV) staticfiles
