# The README's two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# Tests run against the real services on this machine (and CI's).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# The benchmark's broker: a Redis database test runs never flush (their cache uses 1).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=0 ALLOW_DEVELOPMENT_KEY=1

# Locked dependencies, with hashes: production (the image) and development (the venv).
PROD_LOCK := requirements/production.lock
DEV_LOCK := requirements/development.lock
# pip-compile runs without this machine's pip config (local mirrors, find-links, a
# constraint file), so the locks hold the public index's own hashes and install on any
# machine. `make lock LOCK_ARGS=--upgrade` moves every pin to the newest allowed.
PIP_COMPILE := env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS \
	-u PIP_NO_INDEX -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test services install assets lint check migrate seed worker beat serve bench bench-reminders bench-week bench-search bench-reports clean lock

run: install assets migrate seed ## set up and serve the whole portal on embedded defaults
	@scripts/run-dev

# Services first: on a machine without them, stop before installing anything.
test: services ## set up and run every check and test against PostgreSQL and Redis
	@$(MAKE) --no-print-directory install assets lint
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run
	$(TEST_ENV) $(VENV)/bin/pytest

services: ## PostgreSQL, Redis, Chromium and npm: install and start what is missing, or say how
	@TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) scripts/setup-services

$(PY):
	@python=$$(scripts/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)

# The lock pins pip and setuptools too: the project itself is built with the locked
# setuptools (no build isolation) rather than whatever the index has that day.
$(VENV)/.installed: $(PY) pyproject.toml $(DEV_LOCK)
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

lock: $(VENV)/.installed ## regenerate both locks from pyproject.toml
	$(PIP_COMPILE) --output-file=$(PROD_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra=dev --output-file=$(DEV_LOCK) pyproject.toml

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

assets: node_modules/.installed
	npm run --silent build

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

migrate: $(VENV)/.installed
	$(MANAGE) migrate --no-input

seed: $(VENV)/.installed
	$(MANAGE) seed_demo

serve: ## the web process alone
	$(MANAGE) runserver 127.0.0.1:8000

# The options docker-compose.yml and scripts/run-dev give the worker (see there).
WORKER_OPTIONS := --without-gossip --without-mingle --without-heartbeat
worker: ## a Celery worker
	$(VENV)/bin/celery -A dit_portal worker --loglevel=INFO $(WORKER_OPTIONS)

beat: ## Celery beat (run exactly one)
	$(VENV)/bin/celery -A dit_portal beat --loglevel=INFO

# BENCH_ARGS: e.g. --rounds 7, --reminders 0 (skip the reminder step), --label after.
bench: $(VENV)/.installed ## key pages vs a bare Django page under gunicorn, planning, start-up, memory, then 5,000 reminders; not part of make test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=0 ALLOW_DEVELOPMENT_KEY=1 $(PY) -u bench/pages.py $(BENCH_ARGS)

bench-reminders: $(VENV)/.installed ## dispatch 5,000 due reminders with one worker alone
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=0 ALLOW_DEVELOPMENT_KEY=1 $(PY) -u bench/dispatch.py

bench-week: $(VENV)/.installed ## the admin's week view at 40 therapists x 750 sessions, against a bare page; not part of make test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=0 ALLOW_DEVELOPMENT_KEY=1 $(PY) -u bench/week.py

bench-search: $(VENV)/.installed ## patient search at 10,000 patients, with its query plans; not part of make test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=0 ALLOW_DEVELOPMENT_KEY=1 $(PY) -u bench/search.py
bench-reports: $(VENV)/.installed ## every service report at 40 therapists, 1,000 patients, 16,000 sessions (goal: under 300 ms); not part of make test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=0 ALLOW_DEVELOPMENT_KEY=1 $(PY) -u bench/reports.py

clean:
	rm -rf $(VENV) node_modules static/build var
