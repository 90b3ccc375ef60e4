# Thi đua — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SYSTEM_PACKAGES := chromium fonts-croscore fonts-liberation2 libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system-deps venv assets demo worker beat bench lint clean

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

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q ".[test]"
	touch $@

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

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 var
