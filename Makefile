# One place for the commands people and CI run alike.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
WORKERS ?= 1
DATASETS ?= ../shared/datasets

.PHONY: help setup setup-dev run test lint typecheck check format train evaluate bench clean

help:
	@echo "make run      set up and run the service (embedded Redis, shipped model) on $(HOST):$(PORT)"
	@echo "make test     set up and run the test suite"
	@echo "make check    lint, type checks and tests (what CI runs)"
	@echo "make train    retrain the shipped model from $(DATASETS)"
	@echo "make evaluate metrics and plots of the shipped model, into reports/"
	@echo "make bench    the load benchmark"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

run: $(VENV)/.runtime
	$(BIN)/replyguard serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: $(VENV)/.dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check service classifier tests
	$(BIN)/ruff format --check service classifier tests

typecheck: $(VENV)/.dev
	$(BIN)/mypy

check: lint typecheck test

format: $(VENV)/.dev
	$(BIN)/ruff format service classifier tests
	$(BIN)/ruff check --fix service classifier tests

train: $(VENV)/.dev
	$(BIN)/replyguard train --datasets $(DATASETS) --out classifier/models/model.skops

evaluate: $(VENV)/.dev
	$(BIN)/replyguard evaluate --datasets $(DATASETS) --out reports

bench: $(VENV)/.dev
	$(BIN)/replyguard bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
