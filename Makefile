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

# The Nu HTML checker (tests/test_html_validity.py) comes from the npm package vnu-jar and runs on Java.
VNU_JAR_VERSION := 26.9.27

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet '.[dev]'
	npm install --prefix $(VENV)/vnu --no-save --no-package-lock --silent vnu-jar@$(VNU_JAR_VERSION)
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

# The admin's JavaScript strings its catalogs lack (reintegration/lib/catalog_extras.js); the
# project's own scripts, and the vendored ones (which call no gettext), are left out.
JS_MESSAGES := -l ar -l fr --no-location --no-obsolete -i '.venv/*' -i 'staticfiles/*' -i 'static/vendor/*' -i 'tests/*' -i 'node_modules/*'

# Refresh the ar and fr catalogs from the source, then compile them (needs gettext).
messages: install
	$(MANAGE) makemessages -l ar -l fr --no-location --no-obsolete -i '.venv/*' -i 'staticfiles/*'
	$(MANAGE) makemessages -d djangojs $(JS_MESSAGES)
	$(MANAGE) compilemessages -i .venv

# Fails when the source has a string the committed catalogs do not translate. The catalogs are
# regenerated in place for the check, then put back as they were (formatting may differ).
check-catalogs: install-dev
	@backup=$$(mktemp -d) && cp -a locale "$$backup/" && \
	$(MANAGE) makemessages -l ar -l fr --no-location --no-obsolete -i '.venv/*' -i 'staticfiles/*' >/dev/null && \
	$(MANAGE) makemessages -d djangojs $(JS_MESSAGES) >/dev/null && \
	$(BIN)/pytest -q -p no:cacheprovider tests/test_translations.py -k empty_or_fuzzy; status=$$?; \
	rm -rf locale && mv "$$backup/locale" . && rmdir "$$backup"; \
	if [ $$status -ne 0 ]; then echo "Catalogs miss strings: run 'make messages', translate, commit."; fi; \
	exit $$status

clean:
	rm -rf $(VENV) staticfiles
