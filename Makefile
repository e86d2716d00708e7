# Two commands for a newcomer: `make run` (the demo portal) and `make test` (lint and the whole suite).
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
ARGS ?=
# The suite runs on both cores (pytest-xdist, a database per worker); WORKERS=0 runs it in one process.
# --dist load hands tests out in collection order, so each worker still runs the transactional ones (which
# empty every table, the migrations' reference data included) after the others, as pytest-django orders them.
WORKERS ?= 2

# Tests run against the local PostgreSQL and Redis; override either in the environment.
TEST_ENV := DEBUG=false SECRET_KEY=test-only-key-not-for-production-9f8e7d6c5b4a SECURE_SSL_REDIRECT=false \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vrp} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	ALLOWED_HOSTS=testserver,localhost,127.0.0.1

.PHONY: run test lint venv dev-venv assets chromium clamd replication wrk clean bench

.venv/.installed: requirements.txt
	test -d .venv || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

.venv/.dev-installed: .venv/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: .venv/.installed
dev-venv: .venv/.dev-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed assets/scss/app.scss
	mkdir -p static/build
	npx --no-install sass --quiet --quiet-deps --load-path=. --style=compressed --no-source-map assets/scss/app.scss $@

static/build/govuk-frontend.js: node_modules/.installed
	mkdir -p static/build
	sed "/sourceMappingURL/d" node_modules/govuk-frontend/dist/govuk/all.bundle.js > $@

static/build/moj-frontend.js: node_modules/.installed
	mkdir -p static/build
	sed "/sourceMappingURL/d" node_modules/@ministryofjustice/frontend/moj/all.bundle.js > $@

assets: static/build/app.css static/build/govuk-frontend.js static/build/moj-frontend.js

chromium:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; }

# The benchmark's load run drives gunicorn with wrk (C: it leaves the two cores to the server being measured).
wrk:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmark's load run"; \
		(apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

# The document tests start their own clamd (tests/documents/clamd.py); libmagic tells a file's type.
clamd:
	@command -v clamd >/dev/null || test -x /usr/sbin/clamd || { echo "Installing Debian's ClamAV daemon for the document tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon libmagic1) >/dev/null; }

# The replica tests (tests/replica) copy the test server with pg_basebackup: its pg_hba.conf must let postgres
# replicate from 127.0.0.1. Added once, when the file is ours to change; otherwise the tests say what is missing.
PSQL := psql -h 127.0.0.1 -U postgres -d postgres -Atq
replication:
	@hba=$$($(PSQL) -c "SHOW hba_file" 2>/dev/null); \
	if [ -n "$$hba" ] && [ -w "$$hba" ] && ! grep -Eq '^host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$$hba"; then \
		echo "Letting postgres replicate from 127.0.0.1 ($$hba), for the replica tests"; \
		echo "host replication postgres 127.0.0.1/32 trust" >> "$$hba" && $(PSQL) -c "SELECT pg_reload_conf()" >/dev/null; \
	fi

run: venv assets
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true PATH="$(CURDIR)/.venv/bin:$$PATH" .venv/bin/honcho start -f Procfile

lint: dev-venv
	.venv/bin/ruff check .
	.venv/bin/lint-imports

# Before the suite: the apps' layers (lint-imports, [tool.importlinter] in pyproject.toml), bandit on the apps
# and pip-audit on requirements.txt (accepted findings, with why, in
# security-exceptions.toml). Where pip-audit cannot reach its vulnerability service it says SKIPPED and passes,
# within a time limit; PIP_AUDIT_REQUIRED=1 makes that a failure.
test: dev-venv assets chromium clamd replication wrk
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	$(PY) bin/security_checks.py
	$(TEST_ENV) $(PY) bin/check_services.py
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) .venv/bin/pytest -n $(WORKERS) --dist load $(ARGS)

# The scale benchmark: a fresh database vrp_bench_$(SCALE) next to DATABASE_URL's, results in bench/results/.
SCALE ?= large
bench: venv assets wrk
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m bench --scale $(SCALE)

clean:
	rm -rf var static/build
