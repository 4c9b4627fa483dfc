# Two commands: `make demo` runs the product on SQLite with sample content; `make test` runs
# the whole suite on PostgreSQL. Both create .venv and install what is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/imprimatur
HOST ?= 127.0.0.1
PORT ?= 8000
# The web server, the worker and the jobs loop read HOST and PORT for the links in emails (SITE_URL).
export HOST PORT

.PHONY: demo test bench lint format check-deploy clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,scale]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at /admin/, reviewers at /review/); Ctrl-C stops all."
	$(PY) manage.py db_worker & worker=$$!; \
	(while sleep 60; do $(PY) manage.py run_due_jobs >/dev/null; done) & jobs=$$!; \
	trap 'kill $$worker $$jobs 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs with the read-replica router on (the replica is a test mirror of the database)
# and its Redis tests on REDIS_TEST_URL (marker "redis"; with CI set, a missing Redis fails the run).
REDIS_TEST_URL ?= redis://127.0.0.1:6379/5
test: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DATABASE_REPLICA_URL=$${DATABASE_REPLICA_URL:-$${DATABASE_URL:-$(TEST_DATABASE_URL)}} \
	REDIS_TEST_URL=$${REDIS_TEST_URL:-$(REDIS_TEST_URL)} $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: $(STAMP)
	DJANGO_ENV=production DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=imprimatur.example SITE_URL=https://imprimatur.example DATABASE_URL=$(TEST_DATABASE_URL) \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) imprimatur.sqlite3 staticfiles test-artifacts
