# Every target builds .venv from nothing when it is missing: a fresh machine needs only python3.11, pip and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint validate bench console clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot start

console: $(STAMP)
	$(PY) -m bot console

validate: $(STAMP)
	$(PY) -m bot validate

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP)
	$(PY) -m bot validate
	$(PY) -m ruff check .
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
