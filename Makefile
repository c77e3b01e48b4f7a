# worksheet-gen: `make` sets everything up and builds sources/ into build/; `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build test clean bench docs-img

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/worksheet-gen build

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench.py $(CASES)

docs-img: $(STAMP)
	$(BIN)/python docs/img/render.py
