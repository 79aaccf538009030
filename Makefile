# Fengshou: `make run` to set up and serve the demo province, `make test` for the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTHON ?= python3.11
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup upgrade static venv lock messages lint format test test-fast bench services

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Everything from the hashed lock (runtime + tests and tools, pip and setuptools included),
# again whenever the lock changes. Nothing unpinned or unhashed is installed.
$(VENV)/.installed: requirements-dev.lock | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# Fengshou itself, editable, its dependencies being all in the lock: each package maps to its
# own folder (docs/adr/0013). Again when pyproject.toml changes or a package appears.
$(VENV)/.editable: $(VENV)/.installed pyproject.toml $(wildcard */__init__.py platform/*/__init__.py)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(VENV)/.installed $(VENV)/.editable

# After changing a pin in requirements.txt or requirements-dev.txt: both hashed locks again
# (commit all four files). Pins already in a lock are kept; PIP_COMPILE_ARGS=--upgrade for all.
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	--no-emit-trusted-host $(PIP_COMPILE_ARGS)
lock: venv
	$(LOCK) --output-file requirements.lock requirements.txt
	$(LOCK) --output-file requirements-dev.lock requirements-dev.txt

services:
	@python3 scripts/preflight.py

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# After pulling a release, on a live province too: schemas and permissions, no demo data.
upgrade: services venv messages
	$(PY) manage.py db_ensure
	$(PY) manage.py migrate_schemas --executor=multiprocessing -v 1
	$(PY) manage.py sync_county_groups

# A live province, after `make upgrade`: the static files nginx serves (STATIC_ROOT, with the
# settings of the environment: docs/deploy.md).
static: venv
	$(PY) manage.py collectstatic --noinput -v 1

# Development: the upgrade plus the demo province (never on a live province).
setup: upgrade
	$(PY) manage.py seed_demo

run: setup
	@HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

# ruff, then the import contract (pyproject.toml [tool.importlinter], docs/architecture.md).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite against the real PostgreSQL and Redis, on a fresh test database.
# pytest's exit code 5 (no tests collected) fails the run like any other failure.
test: services venv messages lint
	@bash scripts/browser.sh
	@bash scripts/nginx.sh
	$(VENV)/bin/pytest --create-db $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$status

# Quicker loop while developing: keeps the test database between runs.
test-fast: venv messages
	$(VENV)/bin/pytest --reuse-db -x $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench.provisioning
	$(PY) -m bench.tenant_overhead
	$(PY) -m bench.photos
	$(PY) -m bench.storefront
	$(PY) -m bench.clerk
	$(PY) -m bench.rollup
