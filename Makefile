# The commands README tells people to run. `make run` and `make test` work on a
# fresh clone with nothing but Python 3.11 installed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test install messages compilemessages lint format check bench clean demo-data

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# Translations are compiled with Babel, so no system gettext is needed to run.
compilemessages: install
	$(VENV)/bin/pybabel compile --use-fuzzy -d locale -D django --statistics 2>&1 | tail -n 2

demo-data: install compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_registry
	$(PY) manage.py load_demo

# The product as people see it: its own error pages, no debug page listing the URLs.
run: demo-data
	@echo "Open http://$(HOST):$(PORT)/ and sign in with a demo account above."
	DJANGO_DEBUG=false $(PY) manage.py runserver $(HOST):$(PORT)

# The same with Django's debug pages, for developers.
dev: demo-data
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

test: install compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Needs gettext's xgettext: collects new strings into locale/ja/LC_MESSAGES/django.po.
messages: install
	$(PY) manage.py makemessages -l ja --no-obsolete --ignore=.venv --ignore=bench --ignore=tests

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
