# The two commands of the README: `make run` and `make test`. Both honour DATABASE_URL.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install translations migrate demo lint format browser-test bench clean

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
	$(PY) -m pytest -q

browser-test: install translations
	$(PY) -m pytest -q -m browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .test-media
