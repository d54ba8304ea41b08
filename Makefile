# GetHelp: `make run` serves the embedded default, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-dev browser judges migrate sample index test lint ci bench bench-search bench-import fuzz faults simulate-freshness check-open-data clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

sample: migrate
	$(PY) manage.py load_sample_data

index: sample
	$(PY) manage.py rebuild_index --noinput

run: index
	@echo "GetHelp on http://$(HOST):$(PORT)/ (SQLite and Whoosh under var/, tasks in-process)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian's Chromium drives the browser tests; Playwright never downloads a browser.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
		else echo "Chromium missing: install Debian's chromium package for the browser tests"; fi; \
	fi

# The web's judges (tests/test_judges.py): axe-core, the Nu HTML checker and Lighthouse, pinned
# in package-lock.json. Node.js and Java come from Debian when missing. Install scripts stay off:
# the Nu checker's would fetch a Java of its own, and Lighthouse drives Debian's Chromium.
judges: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@missing=""; command -v npm >/dev/null || missing="nodejs npm"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
		elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; \
		else echo "Missing $$missing: install them for the judges' tests"; fi; \
	fi
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: install-dev browser judges lint
	$(PY) -m pytest $(PYTEST_ARGS)

ci:
	CI=true $(MAKE) test

# A directory the size of a real one in PostgreSQL, then each freshness sweep timed.
# Then a full index rebuild timed, and the load test against gunicorn (needs Debian's wrk).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gethelp_bench_large
BENCH_SEARCH_URL ?= whoosh://$(CURDIR)/var/bench_index
BENCH_OPEN_DATA_URL ?= postgres://postgres@127.0.0.1:5432/gethelp_bench_opendata
bench: install-dev
	@command -v wrk >/dev/null || apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.populate --companies 100000
	DATABASE_URL=$(BENCH_DATABASE_URL) SEARCH_URL=$(BENCH_SEARCH_URL) $(PY) -m bench.bench_jobs --rebuild-index
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.bench_dump
	DATABASE_URL=$(BENCH_DATABASE_URL) SEARCH_URL=$(BENCH_SEARCH_URL) $(PY) -m bench.load --seconds 15 --workers 3
	DATABASE_URL=$(BENCH_DATABASE_URL) SEARCH_URL=$(BENCH_SEARCH_URL) $(PY) -m bench.load --seconds 15 --workers 5
	DATABASE_URL=$(BENCH_DATABASE_URL) SEARCH_URL=$(BENCH_SEARCH_URL) $(PY) -m bench.bench_api --seconds 15 --workers 5

# Search quality on real names (first hit and top 3 per class of query, bench/results/search-eval.txt),
# then latency per query type at 100,000 generated companies and the Haystack overhead.
bench-search: install-dev
	$(PY) -m bench.search.bench_eval
	$(PY) -m bench.search.bench_search 100000

# Imports a generated 10,000-company file into DATABASE_URL (default: a throwaway SQLite file).
bench-import: install-dev
	$(PY) -m bench.bench_import 10000
	DATABASE_URL=$(BENCH_OPEN_DATA_URL) $(PY) -m bench.bench_open_data $(OPEN_DATA)

clean:
	rm -rf $(VENV) var staticfiles test-artifacts node_modules

# Hostile requests drawn by Hypothesis against gunicorn with DEBUG=False on PostgreSQL and
# Redis; fails on any answer >= 500. Results in bench/results/fuzz.txt.
fuzz: install-dev
	$(PY) -m bench.fuzz --requests 3000

# Redis killed and frozen, the worker killed, PostgreSQL cut: pages answer within 2 s, writes
# are done or refused with a message, and nothing committed is lost. Results in bench/results/faults.txt.
faults: install-dev
	$(PY) -m bench.faults

# Simulated reports on channels from one a week to 200 a day: how fast the feedback rule
# flags a dead number, its false flags and what vandal bursts achieve. bench/results/freshness-simulation.txt
OPEN_DATA ?= ../shared/open-data/datenanfragen
CHECK_DB = sqlite:///$(CURDIR)/var/check-open-data.sqlite3

# Imports the real Datenanfragen.de snapshot into a database of its own, twice (the
# second run must find everything unchanged), and prints the counts and rejections.
check-open-data: install
	@if [ ! -d "$(OPEN_DATA)/companies" ]; then \
		echo "check-open-data: no snapshot at $(OPEN_DATA) (set OPEN_DATA=...): nothing was checked"; exit 2; fi
	rm -rf var/check-open-data.sqlite3 var/check-open-data-index
	DATABASE_URL=$(CHECK_DB) $(PY) manage.py migrate -v0
	DATABASE_URL=$(CHECK_DB) SEARCH_URL=whoosh://$(CURDIR)/var/check-open-data-index \
		$(PY) manage.py import_open_data datenanfragen $(OPEN_DATA) --retrieved 2026-07-21 --show 50
	DATABASE_URL=$(CHECK_DB) SEARCH_URL=whoosh://$(CURDIR)/var/check-open-data-index \
		$(PY) manage.py import_open_data datenanfragen $(OPEN_DATA) --retrieved 2026-07-21 --show 0

simulate-freshness: install-dev
	$(PY) -m bench.simulate_freshness --days 1000
