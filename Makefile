# LocalGov Talent Pool. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip

.PHONY: help install lock assets run test test-fast bench bench-compare relevance lint format check-deploy services chromium clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.venv/.installed: requirements/runtime.lock requirements/dev.lock
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --require-hashes -r requirements/dev.lock
	touch $@

install: .venv/.installed ## Create the virtual environment and install the dev lock (runtime + dev, hashed)

PIP_COMPILE := .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

lock: install ## Regenerate requirements/runtime.lock, then dev.lock, from the .in files (pip-compile)
	$(PIP_COMPILE) --output-file=requirements/runtime.lock requirements/runtime.in
	$(PIP_COMPILE) --output-file=requirements/dev.lock requirements/dev.in

static/build/.built: package.json package-lock.json frontend/talentpool.scss scripts/build_assets.sh
	bash scripts/build_assets.sh
	touch $@

assets: static/build/.built ## Build GOV.UK Frontend (npm + Sass) into static/build

services: ## Start PostgreSQL and Redis if they do not answer
	bash scripts/ensure_services.sh

chromium: ## Install Debian's chromium for the browser tests, if missing
	bash scripts/ensure_chromium.sh

run: install assets ## Migrate, load councils and demo data, start web + Celery worker + beat
	bash scripts/run.sh

test: lint assets services chromium ## Lint, then run the whole suite (unit, integration, worker, browser)
	$(PY) -m pytest --create-db

test-fast: install ## Run the suite without the browser and worker tests
	$(PY) -m pytest -m "not browser and not worker"

bench: install services ## National-scale benchmark: generate data (database talentpool_bench), print figures
	$(PY) benchmarks/run.py

bench-compare: install services ## Search and booking, this checkout against REV (e.g. REV=HEAD~3), requests alternating
	$(PY) benchmarks/compare.py $(REV)

relevance: install services ## Search relevance on benchmarks/relevance/set.json (ARGS="--distractors --scale 0.25 --verbose")
	$(PY) benchmarks/relevance.py $(ARGS)

lint: install ## ruff (rules, complexity 10, format), the import contract (import-linter) and mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy

format: install ## ruff format and fix
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

check-deploy: install ## Django's deployment checks with production settings
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(openssl rand -hex 32) \
	  ALLOWED_HOSTS=talentpool.example $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtual environment, node_modules and built assets
	rm -rf .venv node_modules static/build staticfiles
