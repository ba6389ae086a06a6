# Two commands set up everything: `make run` (the site on SQLite) and `make test` (every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Each target names the settings it runs with (kb/settings/), so a DJANGO_SETTINGS_MODULE left
# in the shell never puts the laptop's settings behind `make serve`. Tests run with production's
# (debug off) and a throwaway key.
DEV_ENV := DJANGO_SETTINGS_MODULE=kb.settings.dev
PROD_ENV := DJANGO_SETTINGS_MODULE=kb.settings.prod
TEST_ENV := DJANGO_SETTINGS_MODULE=kb.settings.test
# Production's settings plus the development tools (kb/tools/), for bench and audit's commands.
TOOLS_ENV := DJANGO_SETTINGS_MODULE=kb.settings.tools

.PHONY: run test tests lint venv deps dev-deps clean serve bench bench-markdown bench-import backup restore bench-search bench-search-synthetic bench-search-epoch audit screenshots vnu stylelint

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
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py createcachetable
	$(DEV_ENV) $(BIN)/python manage.py load_content --if-empty --epoch
	$(DEV_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEV_ENV) $(BIN)/python manage.py ensure_admin
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production way: gunicorn (WEB_CONCURRENCY workers), debug off, whitenoise, HOST:PORT.
WEB_CONCURRENCY ?= 2
serve: deps
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY to a long random secret, e.g. DJANGO_SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" >&2; exit 2; }
	@test -n "$$DJANGO_ALLOWED_HOSTS" || { echo "make serve: set DJANGO_ALLOWED_HOSTS to the site's host names, comma-separated, e.g. DJANGO_ALLOWED_HOSTS=kb.example.org" >&2; exit 2; }
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py createcachetable
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(PROD_ENV) exec $(BIN)/gunicorn kb.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY)

# Load figures for the README (see "Benchmark" there): a scratch database, `make serve`, wrk.
# Extra options go in BENCH_ARGS, e.g. BENCH_ARGS="--seconds 5 --soak-seconds 10".
BENCH_DIR := $(CURDIR)/.bench
BENCH_ENV := env -u DATABASE_URL -u REDIS_URL -u DATABASE_REPLICA_URL $(TOOLS_ENV) \
	DJANGO_SECRET_KEY=bench-only-not-secret DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	KB_SQLITE_PATH=$(BENCH_DIR)/kb.sqlite3
bench: deps
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install -y wrk" >&2; exit 2; }
	rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	$(BENCH_ENV) $(BIN)/python manage.py bench --port $(PORT) $(BENCH_ARGS)
	$(BENCH_ENV) $(BIN)/python manage.py bench_markdown
	$(BENCH_ENV) KB_SQLITE_PATH=$(BENCH_DIR)/import.sqlite3 $(BIN)/python manage.py bench_import

# The Epoch AI import part of `make bench` alone (README, "Epoch AI import"): the snapshot into
# the seed content, on a scratch database of its own (not the benchmark's 100,000 entries).
bench-import: deps
	mkdir -p $(BENCH_DIR) && rm -f $(BENCH_DIR)/import.sqlite3*
	$(BENCH_ENV) KB_SQLITE_PATH=$(BENCH_DIR)/import.sqlite3 $(BIN)/python manage.py bench_import $(BENCH_ARGS)

# The Markdown part of `make bench` alone: pathological and ordinary texts up to the length limit.
bench-markdown: deps
	$(BENCH_ENV) $(BIN)/python manage.py bench_markdown

# Lighthouse scores for the README (see "Lighthouse audit" there): a scratch database in .audit/,
# `make serve`, Lighthouse on four pages; reports in .audit/. Extra options in AUDIT_ARGS.
AUDIT_DIR := $(CURDIR)/.audit
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_STAMP := $(AUDIT_DIR)/.lighthouse-$(LIGHTHOUSE_VERSION)
CHROME_PATH ?= /usr/bin/chromium
AUDIT_ENV := env -u DATABASE_URL -u REDIS_URL -u DATABASE_REPLICA_URL $(TOOLS_ENV) \
	DJANGO_SECRET_KEY=audit-only-not-secret DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	KB_SQLITE_PATH=$(AUDIT_DIR)/kb.sqlite3 CHROME_PATH=$(CHROME_PATH)
$(LIGHTHOUSE_STAMP):
	@command -v npm >/dev/null || { echo "make audit needs Node.js 20 and npm" >&2; exit 2; }
	npm install --prefix $(AUDIT_DIR) --no-audit --no-fund --save-exact lighthouse@$(LIGHTHOUSE_VERSION)
	touch $@
audit: deps $(LIGHTHOUSE_STAMP)
	@test -x $(CHROME_PATH) || { echo "make audit needs Chromium at $(CHROME_PATH): apt-get install -y chromium" >&2; exit 2; }
	rm -f $(AUDIT_DIR)/kb.sqlite3* && rm -rf $(AUDIT_DIR)/runs
	$(AUDIT_ENV) $(BIN)/python manage.py audit --port $(PORT) \
		--lighthouse $(AUDIT_DIR)/node_modules/.bin/lighthouse --output $(AUDIT_DIR) $(AUDIT_ARGS)

# Screenshots of every kind of page, phone and wide, light and dark, into docs/screenshots/
# (README, "Screenshots"): a scratch database in .screenshots/ with the Epoch AI catalogue,
# `make serve`, headless Chromium. Extra options in SCREENSHOTS_ARGS (e.g. --page model).
SCREENSHOTS_DIR := $(CURDIR)/.screenshots
SCREENSHOTS_ENV := env -u DATABASE_URL -u REDIS_URL -u DATABASE_REPLICA_URL $(TOOLS_ENV) \
	DJANGO_SECRET_KEY=screenshots-only-not-secret DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	KB_SQLITE_PATH=$(SCREENSHOTS_DIR)/kb.sqlite3 CHROME_PATH=$(CHROME_PATH)
screenshots: dev-deps
	@test -x $(CHROME_PATH) || { echo "make screenshots needs Chromium at $(CHROME_PATH): apt-get install -y chromium" >&2; exit 2; }
	rm -rf $(SCREENSHOTS_DIR) && mkdir -p $(SCREENSHOTS_DIR)
	$(SCREENSHOTS_ENV) $(BIN)/python manage.py screenshots --port $(PORT) $(SCREENSHOTS_ARGS)

# stylelint over static/css/ with .stylelintrc.cjs (stylelint-config-standard, a few rules
# relaxed there with reasons): installed from npm into .stylelint/ once, like vnu below.
STYLELINT_DIR := $(CURDIR)/.stylelint
STYLELINT_VERSION := 17.16.0
STYLELINT_CONFIG_VERSION := 40.0.0
STYLELINT_STAMP := $(STYLELINT_DIR)/.stylelint-$(STYLELINT_VERSION)-$(STYLELINT_CONFIG_VERSION)
$(STYLELINT_STAMP):
	@command -v npm >/dev/null || { echo "make lint needs Node.js 20 and npm for stylelint" >&2; exit 2; }
	npm install --prefix $(STYLELINT_DIR) --no-audit --no-fund --save-exact \
		stylelint@$(STYLELINT_VERSION) stylelint-config-standard@$(STYLELINT_CONFIG_VERSION)
	touch $@
stylelint: $(STYLELINT_STAMP)
	$(STYLELINT_DIR)/node_modules/.bin/stylelint --config .stylelintrc.cjs \
		--config-basedir $(STYLELINT_DIR) "static/css/**/*.css"

lint: dev-deps stylelint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# The Nu HTML checker for tests/site/test_html_validity.py (it needs Java): installed from npm into
# .vnu/ once. Without npm the test skips, unless KB_REQUIRE_VNU=1 (CI) makes that a failure.
VNU_DIR := $(CURDIR)/.vnu
VNU_VERSION := 26.9.27
VNU_STAMP := $(VNU_DIR)/.vnu-jar-$(VNU_VERSION)
$(VNU_STAMP):
	@if command -v npm >/dev/null; then \
		npm install --prefix $(VNU_DIR) --no-audit --no-fund --save-exact vnu-jar@$(VNU_VERSION) && touch $@; \
	else echo "No npm: the HTML validity test will skip (install Node.js and npm to run it)" >&2; fi
vnu: $(VNU_STAMP)

# Tests run in parallel, one process per core (TEST_WORKERS=0: in this process), each taking
# tests in the suite's order (so database-flushing tests still come after the others).
# `make tests` runs them without the lint, which does not depend on the database: CI lints once
# and runs the tests on each engine (.ci/run).
TEST_WORKERS ?= auto
test: lint tests

tests: dev-deps vnu
	$(TEST_ENV) $(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist loadgroup

# Backups use the environment as it is (DATABASE_URL, DJANGO_SECRET_KEY, ...); on a laptop,
# DJANGO_DEBUG=1 make backup. FILE names the file; by default a dated one in backups/.
backup: deps
	@mkdir -p backups
	@file=$${FILE:-backups/kb-$$(date +%Y%m%d-%H%M%S).json}; \
	$(BIN)/python manage.py backup --output "$$file" && echo "Backup written to $$file"

# Into an empty database: migrate, cache table, load, search index, content version (see
# kb/serving/management/commands/restore.py). make restore FILE=backups/kb-....json
restore: deps
	@test -n "$(FILE)" || { echo "Name the backup: make restore FILE=backups/kb-....json"; exit 1; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .vnu .stylelint

# The search benchmark on scratch databases: SQLite at BENCH_SQLITE, or PostgreSQL when
# DATABASE_URL is set. The data (100,000 entries, 10,000 articles) is generated once. Then the
# same on the bundled content with the Epoch AI catalogue imported, with its names as queries:
# SQLite at EPOCH_BENCH_SQLITE, or PostgreSQL at EPOCH_DATABASE_URL (DATABASE_URL's database
# name with _epoch after it; it must exist), emptied first.
BENCH_SQLITE ?= /tmp/kb_search_bench.sqlite3
SEARCH_BENCH_ENV := KB_SQLITE_PATH=$(BENCH_SQLITE) $(DEV_ENV)
EPOCH_BENCH_SQLITE ?= /tmp/kb_search_bench_epoch.sqlite3
EPOCH_DATABASE_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL)_epoch)
EPOCH_BENCH_ENV := KB_SQLITE_PATH=$(EPOCH_BENCH_SQLITE) DATABASE_URL=$(EPOCH_DATABASE_URL) $(DEV_ENV)
bench-search: bench-search-synthetic bench-search-epoch

bench-search-synthetic: deps
	$(SEARCH_BENCH_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(SEARCH_BENCH_ENV) $(BIN)/python manage.py generate_data --entries 100000 --articles 10000 --seed 42
	$(SEARCH_BENCH_ENV) $(BIN)/python manage.py bench_search

bench-search-epoch: deps
	$(EPOCH_BENCH_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(EPOCH_BENCH_ENV) $(BIN)/python manage.py flush --noinput
	$(EPOCH_BENCH_ENV) $(BIN)/python manage.py load_content --epoch
	$(EPOCH_BENCH_ENV) $(BIN)/python manage.py bench_search --names 100
