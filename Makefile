# Two commands do all the set-up on a fresh machine:
#   make demo   - sandbox sync of every connector into DuckDB (through PyAirbyte), with a summary
#   make test   - lint and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CONNECTORS := $(wildcard connectors/source-*)
PACKAGES := shared/pyproject.toml sandbox/pyproject.toml $(wildcard connectors/source-*/pyproject.toml)

.PHONY: venv test lint demo bench clean

$(STAMP): requirements-dev.txt $(PACKAGES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e shared -e sandbox $(addprefix -e ,$(CONNECTORS))
	touch $(STAMP)

venv: $(STAMP)

lint: venv
	$(BIN)/ruff check .

test: venv lint
	$(BIN)/python -m pytest

demo: venv
	$(BIN)/python scripts/demo.py

bench: venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist demo-output .pytest_cache .ruff_cache
