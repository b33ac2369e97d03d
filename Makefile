# Zorgroute — `make run` serves the demo school, `make test` runs the full check.
# Everything is installed into ./.venv, so a fresh clone needs only python3 (>= 3.11).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VAR := var
HOST ?= 127.0.0.1
PORT ?= 8000
# Must match the fictional school that `zorgroute seed-demo` creates.
DEMO_SCHOOL ?= 99XX
DEMO_KLAS ?= H3A

# Stamps live inside .venv so that deleting .venv forces a reinstall.
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: help run test lint fmt install install-dev clean

help:
	@echo "make run   - demo-school starten op http://$(HOST):$(PORT) (SQLite)"
	@echo "make test  - ruff, mypy en alle tests (SQLite en PostgreSQL)"
	@echo "make lint  - ruff check, ruff format --check, mypy"
	@echo "make fmt   - code formatteren en lint-fixes toepassen"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)
install-dev: $(STAMP_DEV)

# Secrets are generated once per checkout and never leave ./var (which git ignores).
$(VAR)/jwt_secret $(VAR)/id_sleutel $(VAR)/keten_sleutel:
	@mkdir -p $(VAR)
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

run: $(STAMP_RUN) $(VAR)/jwt_secret $(VAR)/id_sleutel $(VAR)/keten_sleutel
	@export ZORGROUTE_JWT_SECRET="$$(cat $(VAR)/jwt_secret)"; \
	export ZORGROUTE_ID_SLEUTEL="$$(cat $(VAR)/id_sleutel)"; \
	export ZORGROUTE_KETEN_SLEUTEL="$$(cat $(VAR)/keten_sleutel)"; \
	$(BIN)/zorgroute seed-demo; \
	echo; \
	echo "Token mentor (klas $(DEMO_KLAS)):"; \
	$(BIN)/zorgroute token --sub m-jansen --naam "J. Jansen" --rol mentor \
		--school $(DEMO_SCHOOL) --klassen $(DEMO_KLAS); \
	echo; \
	echo "Token zorgcoordinator:"; \
	$(BIN)/zorgroute token --sub zc-devries --naam "A. de Vries" \
		--rol zorgcoordinator --school $(DEMO_SCHOOL); \
	echo; \
	echo "API: http://$(HOST):$(PORT)/docs"; \
	exec $(BIN)/zorgroute serve --host $(HOST) --port $(PORT)

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy domain application api infrastructure projections

test: lint
	$(BIN)/python -m pytest

fmt: $(STAMP_DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis *.egg-info
