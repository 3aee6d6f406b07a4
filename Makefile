# Kota Cerdas — the make targets are the interface (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CITY ?= binjai
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: setup run test test-pg bench lint clean-db

# Python packages from the lock file, front-end packages from package-lock.json.
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	mkdir -p var
	KC_CITY=$(CITY) $(PY) manage.py migrate --noinput
	KC_CITY=$(CITY) $(PY) manage.py load_city $(CITY) --if-changed
	KC_CITY=$(CITY) $(PY) manage.py load_demo
	KC_CITY=$(CITY) PORT=$(PORT) scripts/run-dev

test: setup
	scripts/ensure-chromium
	$(PY) -m pytest

test-pg: setup
	scripts/ensure-chromium
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} REDIS_URL=$${REDIS_URL:-$(REDIS_TEST_URL)} $(PY) -m pytest

bench: setup
	scripts/ensure-chromium
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean-db:
	rm -f var/kotacerdas.sqlite3 var/kotacerdas.sqlite3-wal var/kotacerdas.sqlite3-shm
