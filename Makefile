# Two commands set up everything: `make run` (the site on SQLite) and `make test` (every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run with production-like settings (debug off) and a throwaway key.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver

.PHONY: run test lint venv deps dev-deps clean bench-search

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The search benchmark on a scratch database: SQLite at BENCH_SQLITE, or PostgreSQL when
# DATABASE_URL is set. The data (100,000 entries, 10,000 articles) is generated once.
BENCH_SQLITE ?= /tmp/kb_search_bench.sqlite3
BENCH_ENV := KB_SQLITE_PATH=$(BENCH_SQLITE) DJANGO_DEBUG=1
bench-search: deps
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BENCH_ENV) $(BIN)/python manage.py generate_data --entries 100000 --articles 10000 --seed 42
	$(BENCH_ENV) $(BIN)/python manage.py bench_search
