# Event Scheduler — developer commands. `make help` lists them.
# Everything runs inside a virtualenv that the first command creates.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Local development runs with DEBUG on unless the environment (or .env) says otherwise.
export DJANGO_DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help install run test test-postgres lint layers format typecheck migrations-check check \
	migrate-forward-check \
	check-deploy shell urls ci clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## create the virtualenv and install pinned requirements

run: $(STAMP) ## migrate, seed demo data if empty, serve on 127.0.0.1:8000 (auto-scheduler on)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	AUTO_SCHEDULER_ENABLED=$${AUTO_SCHEDULER_ENABLED:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) ## run the whole test suite (PostgreSQL if DATABASE_URL is set, else SQLite)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff lint and format check, and the import layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

layers: $(STAMP) ## only the import layers: no app imports one above it (pyproject.toml)
	$(BIN)/lint-imports

migrate-forward-check: $(STAMP) ## PostgreSQL: migrate a filled database from before the planning/demo move; every row kept
	$(BIN)/python .ci/migrate_forward_check.py

format: $(STAMP) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy with django-stubs and djangorestframework-stubs
	$(BIN)/mypy .

migrations-check: $(STAMP) ## fail if models and migrations disagree
	$(BIN)/python manage.py makemigrations --check --dry-run

check: $(STAMP) ## Django system checks
	$(BIN)/python manage.py check --fail-level WARNING

# Production settings with example values: what a real deployment must pass.
check-deploy: $(STAMP) ## Django deploy checks with production settings
	DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=scheduler.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

shell: $(STAMP) ## shell_plus with every model imported
	$(BIN)/python manage.py shell_plus

urls: $(STAMP) ## list every URL (django-extensions show_urls)
	$(BIN)/python manage.py show_urls

ci: ## what CI runs: lint, types, migrations, checks, tests on PostgreSQL and SQLite
	bash .ci/run

clean: ## remove the virtualenv and caches (keeps db.sqlite3)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
