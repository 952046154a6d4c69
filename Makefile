# Ambtenaar 2.0: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in e-mails lead to where `make run` serves the site (PORT=8001 make run: port 8001).
SITE_URL ?= http://127.0.0.1:$(PORT)
export DJANGO_DEVELOPMENT ?= true

.PHONY: run test install migrate seed messages lint typecheck format check clean superuser icons

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_forum

messages: install
	$(BIN)/python manage.py makemessages -l nl -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

run: seed
	DEBUG=true SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The first administrator (README, "An administrator"): asks e-mail address, display name and password.
superuser: migrate
	$(BIN)/python manage.py createsuperuser

# The site's icon files from the drawing in scripts/icons.py (committed; only after changing it).
icons: install
	$(BIN)/python -m scripts.icons

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	$(MAKE) typecheck

# mypy with django-stubs over the rule layers (services, permissions, selectors, managers: pyproject.toml).
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Screenshots of the main pages at 1280 and 390 pixels wide into docs/screenshots/ (scripts/screenshots.py),
# on demand only: a fresh seeded database of their own (screenshots.sqlite3), the system Chromium.
.PHONY: screenshots
screenshots: install
	$(BIN)/python -m scripts.screenshots

# Benchmarks (docs/benchmarks.md), on demand only: not part of `test`, not run by CI.
# Their own SQLite file unless DATABASE_URL is set; seeded once (BENCH_SEED_ARGS for other sizes).
BENCH_DATABASE_URL ?= sqlite:///bench.sqlite3
BENCH_DB := $(or $(DATABASE_URL),$(BENCH_DATABASE_URL))
BENCH_SEED_ARGS ?=

.PHONY: bench
bench: install
	$(BIN)/python -m benchmarks.create_database $(BENCH_DB)
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py seed_forum
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py seed_benchmark --if-missing $(BENCH_SEED_ARGS)
	DATABASE_URL=$(BENCH_DB) $(BIN)/python -m benchmarks.run

# Throughput and memory under gunicorn with wrk (apt-get install wrk), against the same data;
# the workers share the cache through Redis (REDIS_URL, default redis://127.0.0.1:6379/0).
.PHONY: bench-throughput
bench-throughput: install
	$(BIN)/python -m benchmarks.create_database $(BENCH_DB)
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py seed_forum
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py seed_benchmark --if-missing $(BENCH_SEED_ARGS)
	DATABASE_URL=$(BENCH_DB) $(BIN)/python -m benchmarks.throughput

# Search (docs/benchmarks.md, "Search"): its own PostgreSQL database (made when missing), seeded once
# with BENCH_SEARCH_REPLIES replies in Dutch; a sqlite:/// URL in BENCH_SEARCH_DATABASE_URL measures SQLite.
BENCH_SEARCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ambtenaar_bench_search
BENCH_SEARCH_REPLIES ?= 1000000

.PHONY: bench-search
bench-search: install
	$(BIN)/python -m benchmarks.create_database $(BENCH_SEARCH_DATABASE_URL)
	DATABASE_URL=$(BENCH_SEARCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_SEARCH_DATABASE_URL) $(BIN)/python manage.py seed_forum
	DATABASE_URL=$(BENCH_SEARCH_DATABASE_URL) $(BIN)/python manage.py seed_search_benchmark --if-missing --replies $(BENCH_SEARCH_REPLIES)
	DATABASE_URL=$(BENCH_SEARCH_DATABASE_URL) $(BIN)/python -m benchmarks.search
