# Thi đua — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# uv installs from uv.lock; uv itself comes from requirements/uv.txt (one version, pinned by hash) into .uv/.
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
SYSTEM_PACKAGES := chromium nginx fonts-croscore fonts-liberation2 libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check setup system-deps venv assets demo worker beat bench lint format typecheck upgrade verify-lock clean

## make run: virtualenv, packages, assets, SQLite migrate, demo data, then serve on http://127.0.0.1:8000
run: setup
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo
	@echo "Mở trình duyệt: http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

## make test: installs what is missing (apt packages when root), then the whole suite (PostgreSQL when DATABASE_URL says so)
test: system-deps setup
	$(PY) manage.py check
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

setup: venv assets

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then echo "Cài gói hệ thống:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Thiếu gói hệ thống:$$missing (chạy: sudo apt-get install$$missing)"; fi; \
	fi

venv: $(VENV)/.installed

$(UV): requirements/uv.txt
	test -x $(UV_HOME)/bin/python || $(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install -q --require-hashes -r requirements/uv.txt
	touch $@

## the virtualenv holds exactly what uv.lock lists (runtime, test and lint groups); --locked fails if the lock is stale
$(VENV)/.installed: pyproject.toml uv.lock $(UV)
	$(UV) sync --locked --python $(PYTHON) --quiet
	touch $@

## make verify-lock: the installed packages are the locked ones, no more, no fewer
verify-lock: venv
	$(UV) sync --locked --check --python $(PYTHON)

## make upgrade: newest versions the ranges in pyproject.toml allow; then `make check test` and `make bench` (README)
upgrade: $(UV)
	$(UV) lock --upgrade
	$(UV) sync --locked --python $(PYTHON)
	touch $(VENV)/.installed

assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

worker: setup
	$(VENV)/bin/celery -A config worker -l info

beat: setup
	$(VENV)/bin/celery -A config beat -l info

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

## make check: the gates CI runs before the tests (lint, format, migrations, types)
check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(UV_HOME) node_modules staticfiles db.sqlite3 var
