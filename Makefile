# Two commands set up everything: `make run` (the site on SQLite) and `make test` (every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run with production-like settings (debug off) and a throwaway key.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver

.PHONY: run test lint venv deps dev-deps clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.deps $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

run: deps
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py createcachetable
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_content --if-empty
	DJANGO_DEBUG=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_admin
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

test: lint
	$(TEST_ENV) $(BIN)/pytest

# Backups use the environment as it is (DATABASE_URL, DJANGO_SECRET_KEY, ...); on a laptop,
# DJANGO_DEBUG=1 make backup. FILE names the file; by default a dated one in backups/.
backup: deps
	@mkdir -p backups
	@file=$${FILE:-backups/kb-$$(date +%Y%m%d-%H%M%S).json}; \
	$(BIN)/python manage.py backup --output "$$file" && echo "Backup written to $$file"

# Into an empty database: migrate, then load. make restore FILE=backups/kb-....json
restore: deps
	@test -n "$(FILE)" || { echo "Name the backup: make restore FILE=backups/kb-....json"; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
