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
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=0

.PHONY: run test install assets lint check migrate seed worker beat serve bench clean

run: install assets migrate seed ## set up and serve the whole portal on embedded defaults
	@scripts/run-dev

test: install assets lint ## set up and run every check and test against PostgreSQL and Redis
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run
	$(TEST_ENV) $(VENV)/bin/pytest

$(PY):
	@python=$$(scripts/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)

$(VENV)/.installed: $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

assets: node_modules/.installed
	npm run --silent build

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrate: $(VENV)/.installed
	$(MANAGE) migrate --no-input

seed: $(VENV)/.installed
	$(MANAGE) seed_demo

serve: ## the web process alone
	$(MANAGE) runserver 127.0.0.1:8000

worker: ## a Celery worker
	$(VENV)/bin/celery -A dit_portal worker --loglevel=INFO

beat: ## Celery beat (run exactly one)
	$(VENV)/bin/celery -A dit_portal beat --loglevel=INFO

bench: $(VENV)/.installed ## dispatch 5,000 due reminders with one worker; not part of make test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=0 $(PY) -u bench/dispatch.py

clean:
	rm -rf $(VENV) node_modules static/build var
