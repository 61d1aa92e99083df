# Spanglish — everyday commands. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links printed by the demo seed and sent in emails point where `make run` serves: HOST
# and PORT (a wildcard HOST links to 127.0.0.1). Set SITE_URL to override.
comma := ,
LINK_HOST = $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
SITE_URL ?= http://$(LINK_HOST):$(PORT)
# OS variables win over .env, so the seed and the server both get this site's address;
# a host other than 127.0.0.1/localhost is allowed too.
RUN_ENV = SITE_URL=$(SITE_URL)$(if $(filter-out 127.0.0.1 localhost,$(LINK_HOST)), ALLOWED_HOSTS=127.0.0.1$(comma)localhost$(comma)$(LINK_HOST))
# Two workers: the suite (browser tests included) takes about half the time on 2 cores.
PYTEST_ARGS ?= -n 2

.PHONY: run test install migrate seed serve worker scheduler lint format bench messages check-deploy clean browser fuzz wrk nginx cluster-test

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python=$$(bin/find-python) && echo "Using $$python" && \
	  ( [ -x $(PY) ] || $$python -m venv $(VENV) )
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed ## Create the virtualenv and install pinned dependencies

.env:
	cp .env.example .env

run: install .env migrate seed serve ## Set up everything and serve the site with demo data

migrate: install .env
	$(PY) manage.py migrate --no-input

seed: install .env ## Demo data (idempotent); prints every demo login with this site's links
	$(RUN_ENV) $(PY) manage.py seed_demo

serve:
	@echo "Spanglish: $(SITE_URL)/   (admin: $(SITE_URL)/admin/)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

worker: install ## Run the background task worker (production uses TASKS_BACKEND=database)
	$(PY) manage.py db_worker

scheduler: install ## Run the scheduler of periodic jobs (queues them for the worker)
	$(PY) manage.py crontask --no-heartbeat

test: install .env browser ## Run the whole test suite (SQLite unless DATABASE_URL says otherwise)
	$(PY) -m pytest $(PYTEST_ARGS)

browser: ## Debian's Chromium for the browser tests in e2e/ (Playwright's download cannot work here)
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else echo "Browser tests (e2e/) need Chromium: run as root: apt-get install chromium (or set CHROMIUM=/path)"; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## Refresh and compile translations (needs gettext)
	$(PY) manage.py makemessages -l es -l en --ignore=.venv --ignore=staticfiles --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

fuzz: install ## schemathesis against the live API as a member and an organizer (bin/fuzz-api)
	$(PY) bin/fuzz-api

bench: install wrk nginx ## Benchmarks on PostgreSQL with production settings; writes BENCHMARKS.md
	$(PY) -m bench

nginx: ## Debian's nginx, the proxy in front of the two hosts of the cluster drill (bench/cluster.py)
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx; \
	else echo "The cluster benchmark and tests need nginx: run as root: apt-get install nginx"; fi

cluster-test: install nginx ## Two hosts behind nginx on PostgreSQL: storm, publish, failover, email (about 5 min)
	$(PY) -m pytest -p no:xdist -m cluster bench/tests/test_cluster.py -v

wrk: ## Debian's wrk, the load generator of the benchmarks (the scans section needs it)
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	else echo "The benchmarks need wrk: run as root: apt-get install wrk (the scans section fails without it)"; fi

check-deploy: install
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=spanglish.example.org SITE_URL=https://spanglish.example.org \
	  EMAIL_BACKEND=anymail.backends.postmark.EmailBackend POSTMARK_SERVER_TOKEN=placeholder \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
