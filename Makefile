# The README's commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint layers format messages check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Runtime packages; re-installed when requirements.txt changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Test and lint tools on top.
$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	# The background worker (imports) runs beside the web server and stops with it.
	$(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving (README "Serving"): the production settings (the keys, DATABASE_URL,
# DJANGO_ALLOWED_HOSTS from the environment; without them it refuses to start), then
# gunicorn (ops/gunicorn.conf.py, WEB_CONCURRENCY workers) and the background worker;
# stopping make stops both. SERVE_CHECK_LEVEL: the `check --deploy` level that stops it.
SERVE_CHECK_LEVEL ?= WARNING
serve: export DJANGO_DEBUG = false
serve: $(VENV)/.runtime
	$(BIN)/python manage.py check --deploy --fail-level $(SERVE_CHECK_LEVEL)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v0
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) exec scripts/serve

# Browser tests need Debian's Chromium and CJK fonts; scripts/system-deps installs them.
test: $(VENV)/.dev
	scripts/system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory layers

# The apps import downward only (pyproject.toml's import-linter contract; README "Architecture").
layers: $(VENV)/.dev
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the message catalogues after changing user-visible strings.
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* test-db.sqlite3* staticfiles .pytest_cache .ruff_cache test-artifacts
