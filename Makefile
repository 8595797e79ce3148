# Calcuingo: `make run` serves the site with demo content, `make test` runs the whole suite.
# Both work on a bare machine with Python 3.11 and make; services are used when configured
# (DATABASE_URL, REDIS_URL, CELERY_BROKER_URL), see README.md.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate demo serve lint format typecheck bench bench-inprocess clean sandbox

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Calcuingo needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --no-input

demo: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py load_demo

serve:
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Code exercises run learners' code only inside a sandbox: Debian's bubblewrap and libseccomp's
# Python bindings. Installed here where we can (as root, with apt); otherwise we say what to
# install, and everything but code exercises works without it.
sandbox:
	@if command -v bwrap >/dev/null 2>&1 && /usr/bin/python3 -c 'import seccomp' 2>/dev/null; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing the code runner's sandbox (bubblewrap, python3-seccomp)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap python3-seccomp >/dev/null 2>&1 \
	  || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap python3-seccomp >/dev/null 2>&1; } \
	  || echo "Could not install the sandbox: code exercises stay off (apt-get install bubblewrap python3-seccomp)"; \
	else \
	  echo "Code exercises need the sandbox: sudo apt-get install bubblewrap python3-seccomp"; \
	fi

run: sandbox demo
	@echo "Calcuingo is starting on http://$(HOST):$(PORT)/ (demo logins are in README.md)"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two workers (the machines have two cores); a test file stays on one worker, so tests that share
# an outside resource (a Redis database, a Celery worker) never race each other.
# The browser journeys (tests/browser) drive Debian's Chromium, /usr/bin/chromium: without the
# `chromium` package they are skipped here (`sudo apt-get install chromium`), never in CI.
# Their screenshots go to test-output/screenshots/.
PYTEST_ARGS ?= -n 2 --dist loadfile

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install-dev
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# `make bench`: the answer path vs the framework floor through gunicorn, then the work that grows
# with data (leaderboards and their rebuild, rollup, statistics refresh) on a generated
# population, statements per request and the grading benchmark; results in bench/results/
# (BENCH_RESULTS=<dir> for elsewhere; bench/README.md says how to read them). Uses PostgreSQL
# (its own database calcuingo_bench) and Redis (database 12) when reachable, else says what it
# skipped. BENCH_SCALE=full for 10 M attempts / 1 M learners; BENCH_ARGS for more.
# Timings never fail: benchmarks report. `make bench-inprocess` runs the older in-process ones.
bench: install-dev
	$(BIN)/python -m bench --scale $${BENCH_SCALE:-small} $(BENCH_ARGS)

bench-inprocess: install-dev
	$(BIN)/python -m pytest bench -p no:cacheprovider -q

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache .mypy_cache .ruff_cache
