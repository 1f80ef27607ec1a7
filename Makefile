# movie-bag: `make run` serves on http://127.0.0.1:5000, `make test` runs every suite.
# Both install what they need first: a private pipenv in .tools/, the locked packages in .venv/,
# and the web client's npm packages when Node.js is present.

PYTHON ?= python3
# pipenv must build .venv from this exact interpreter, not whichever newer python it finds.
PYTHON_BIN := $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null)
PIPENV_VERSION := 2026.10.3
TOOLS := .tools
PIPENV := $(TOOLS)/bin/pipenv
WEB := web
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/index.html $(WEB)/vite.config.* -type f 2>/dev/null)
HAVE_NPM := $(shell command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 && echo yes)

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_IGNORE_VIRTUALENVS := 1
export PIPENV_YES := 1
export PIPENV_NOSPIN := 1
export PIPENV_VERBOSITY := -1

.PHONY: run reset-data test lint create-admin load-demo migrate check-data repair-data deps dev-deps web-build test-python test-wire test-postman test-web browser nginx bench clean

# waitress (server.py): requests are read whole before a thread sees them; production runs gunicorn
# behind nginx (docker-compose.yml). Without MONGODB_URI it starts SecantusDB (a MongoDB wire-protocol
# server) on 127.0.0.1:DB_PORT (27117) with its data in .data/ (MOVIE_BAG_DATA), and stops it on the way out.
run: deps web-build
	$(PIPENV) run python server.py

# Empty the data folder `make run` keeps (.data/, or MOVIE_BAG_DATA): refused while a server holds it.
reset-data: deps
	$(PIPENV) run python -m database.local_server reset

test: dev-deps
	$(MAKE) lint
	$(MAKE) test-python
	$(MAKE) test-wire
	$(MAKE) test-postman
	$(MAKE) test-web

# Account and data commands for the configured MongoDB (MONGODB_URI, else the local database while
# `make run` runs): make create-admin EMAIL=you@example.com
create-admin: deps
	@test -n "$(EMAIL)" || { echo "usage: make create-admin EMAIL=you@example.com"; exit 2; }
	$(PIPENV) run flask --app app create-admin "$(EMAIL)"

load-demo: deps
	$(PIPENV) run flask --app app load-demo

# Build the indexes and fill new fields' defaults in the configured MongoDB (idempotent); production
# serves only a database this has prepared.
migrate: deps
	RATELIMIT_STORAGE_URI=memory:// $(PIPENV) run flask --app "app:create_app(prepare_database=False)" migrate

# Leftovers a crash can leave (docs/production.md): report them, or remove them (idempotent). Against the
# database MONGODB_URI names, or the local one `make run` serves.
check-data: deps
	RATELIMIT_STORAGE_URI=memory:// $(PIPENV) run flask --app app check-data

repair-data: deps
	RATELIMIT_STORAGE_URI=memory:// $(PIPENV) run flask --app app repair-data

# --- Python -------------------------------------------------------------------------------------

$(PIPENV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "movie-bag needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet pipenv==$(PIPENV_VERSION)

.venv/.synced: Pipfile.lock | $(PIPENV)
	$(PIPENV) sync --python $(PYTHON_BIN)
	touch $@

.venv/.synced-dev: .venv/.synced
	$(PIPENV) sync --dev
	touch $@

deps: .venv/.synced

dev-deps: .venv/.synced-dev

# ruff (pinned in the Pipfile, configured in pyproject.toml): lint and format; either failing fails `make test`.
lint: dev-deps
	$(PIPENV) run ruff check .
	$(PIPENV) run ruff format --check .

# Tests never read the developer's .env: they set what they need themselves. The contract tools the
# Python suite drives (Spectral, openapi-typescript, tsc) come from the root package.json.
# The security suite runs Debian's nginx in front of gunicorn; install it when we can (root with apt-get).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq nginx; \
	  fi; }

ifeq ($(HAVE_NPM),yes)
test-python: dev-deps node_modules/.installed nginx
else
test-python: dev-deps nginx
endif
	PIPENV_DONT_LOAD_ENV=1 $(PIPENV) run pytest

# The live suites again in the production configuration (gunicorn, 3 workers) on a MongoDB wire-protocol
# server the run starts (SecantusDB), or on MONGODB_TEST_URI when it is set.
test-wire: dev-deps
	PIPENV_DONT_LOAD_ENV=1 $(PIPENV) run python tests/run_wire_tier.py

# --- Postman collections under newman (pinned in the root package.json) -----------------------
# tests/run_newman.py: the exploration collection (as the demo user, no 401 allowed) and the test
# collection on a server with the demo data, then a check that no account or movie they made is left.

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

ifeq ($(HAVE_NPM),yes)
test-postman: dev-deps node_modules/.installed
	PIPENV_DONT_LOAD_ENV=1 $(PIPENV) run python tests/run_newman.py
else
test-postman:
	@if [ "$$CI" = true ]; then echo "FAIL: node/npm are missing and CI=true forbids skipping the Postman suite (newman)"; exit 1; fi
	@echo "SKIPPED: Postman collection under newman (Node.js/npm are not installed)"
endif

# --- Benchmark ----------------------------------------------------------------------------------

# wrk comes from Debian's packages; install it when we can (root with apt-get).
bench: dev-deps
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "bench: wrk is missing: install it (apt-get install wrk) and run again"; exit 1; fi; }
	BENCH_BASELINE=$(BASELINE) $(PIPENV) run python bench/run.py

# --- Web client ---------------------------------------------------------------------------------

$(WEB)/node_modules/.installed: $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

$(WEB)/dist/index.html: $(WEB)/node_modules/.installed $(WEB_SOURCES)
	cd $(WEB) && npm run build

ifeq ($(HAVE_NPM),yes)
web-build: $(WEB)/dist/index.html
else
web-build:
	@echo "NOTE: Node.js/npm not found: serving the API only, with no web client at / (install Node.js 20+ to get it)."
endif

# The browser suite drives Debian's chromium; install it when we can (root with apt-get).
browser:
	@test -n "$$CHROMIUM_PATH" || command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium; \
	  fi; }

ifeq ($(HAVE_NPM),yes)
test-web: dev-deps $(WEB)/node_modules/.installed browser
	cd $(WEB) && npm test
	@if [ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1; then cd $(WEB) && npm run e2e; \
	elif [ "$$CI" = true ]; then echo "FAIL: chromium is missing and CI=true forbids skipping the browser suite"; exit 1; \
	else echo "SKIPPED: browser end-to-end suite (chromium is not installed: apt-get install chromium)"; fi
else
test-web:
	@if [ "$$CI" = true ]; then echo "FAIL: node/npm are missing and CI=true forbids skipping the web suites"; exit 1; fi
	@echo "SKIPPED: web client unit and browser suites (Node.js/npm are not installed)"
endif

clean:
	rm -rf $(TOOLS) .venv node_modules $(WEB)/node_modules $(WEB)/dist .coverage .pytest_cache artifacts
