# The two commands of the README: `make run` and `make test`. Both honour DATABASE_URL.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core (pytest-xdist); `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test setup install translations migrate demo lint format browser-test bench clean mutation

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# A development .env (DEBUG on, a random key) so `python manage.py …` works from the root.
.env:
	@echo "DEBUG=1" > .env
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	@echo "created .env for development"

# Compiling .po files needs no secrets: use the test settings, so this works before .env exists.
translations: install
	DJANGO_SETTINGS_MODULE=jindu.settings_test $(PY) manage.py compiletranslations

migrate: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable

demo: migrate translations
	$(PY) manage.py load_demo --no-logins

setup: demo

run: setup
	@$(PY) manage.py load_demo --logins-only
	@echo ""
	@echo "  Jindu is starting on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install translations
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n $(TEST_WORKERS)

browser-test: install translations
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -m browser

# Mutation testing of the rules modules (docs/testing.md): one module at a time, one mutant at
# a time; prints each module's score and its surviving mutants. MODULES=control for one.
mutation: install translations
	$(PY) scripts/mutation.py $(MODULES)

lint: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .test-media
