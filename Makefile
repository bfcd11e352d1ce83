# The README's two commands: `make run` and `make test`. Everything else is what they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYENV_ROOT ?= $(HOME)/.pyenv
# Newest matching pyenv version, else the interpreter on PATH.
find_python = $(or $(lastword $(wildcard $(PYENV_ROOT)/versions/$(1).*/bin/python$(1))),$(shell command -v python$(1) 2>/dev/null))
PYTHON311 ?= $(call find_python,3.11)
PYTHON310 ?= $(call find_python,3.10)
RASA_VERSION := 3.6.21

VENV := .venv
RASA_VENV := .venv-rasa
POLRES := $(VENV)/bin/polres
PYTEST_ARGS ?=

.PHONY: help setup model db run test lint format bench screenshots clean

help:
	@echo "make run    set up, train the NLU model if needed, start the bot on http://127.0.0.1:8080"
	@echo "make test   set up and run the whole test suite (needs PostgreSQL on 127.0.0.1:5432)"
	@echo "make setup  build .venv (Python 3.11, the app) and .venv-rasa (Python 3.10, Rasa $(RASA_VERSION))"
	@echo "make lint   ruff, mypy and the import contracts"
	@echo "make bench  NLU throughput benchmark (app path vs raw Rasa)"
	@echo "make screenshots  retake docs/screenshots/ with the browser tests"

setup: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(call check_python,$(PYTHON311),3.11,the app)
	$(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@touch $@

$(RASA_VENV)/.installed: rasa_project/constraints.txt
	@$(call check_python,$(PYTHON310),3.10,Rasa $(RASA_VERSION))
	$(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade pip
	$(RASA_VENV)/bin/pip install -q -c rasa_project/constraints.txt rasa==$(RASA_VERSION)
	@touch $@

# Stops with one line when an interpreter is missing or is not the version it claims.
define check_python
if [ -z "$(1)" ] || ! "$(1)" -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(2)".split("."))))' 2>/dev/null; then \
  echo "error: Python $(2) not found (needed for $(3)): install it with 'pyenv install $(2)' or your package manager, or set PYTHON$(subst .,,$(2))=/path/to/python$(2)" >&2; exit 1; fi
endef

model: db
	$(POLRES) nlu train

db: setup
	$(POLRES) db upgrade

run: model
	$(POLRES) serve

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: model lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: model
	$(VENV)/bin/python bench/nlu_throughput.py

# The browser tests save screenshots to a scratch folder unless told where (tests/e2e/conftest.py).
screenshots: model
	POLRES_SCREENSHOTS=docs/screenshots $(VENV)/bin/pytest tests/e2e/test_dashboard_browser.py \
		tests/e2e/test_review_browser.py tests/e2e/test_broadcasts.py

clean:
	rm -rf $(VENV) $(RASA_VENV) var reports rasa_project/models .pytest_cache .mypy_cache .ruff_cache
