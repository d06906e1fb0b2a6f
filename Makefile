# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint typecheck unit accuracy learning bench reliability eval-llm schema clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.lock
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $(STAMP)

demo: venv
	$(PY) -m firstresponder demo

lint: venv
	$(VENV)/bin/ruff check firstresponder functions tests bench
	$(VENV)/bin/lint-imports

typecheck: venv
	$(VENV)/bin/mypy

unit: venv
	$(VENV)/bin/pytest -n 2 tests

test: lint typecheck unit

accuracy: venv
	$(PY) -m firstresponder.evaluation.accuracy tests/scenarios

learning: venv
	$(PY) -m firstresponder.evaluation.learning tests/scenarios

bench: venv
	$(PY) -m bench

reliability: venv
	$(VENV)/bin/pytest -n 2 -m "not browser" tests/reliability --reliability-full -p tests.reliability.figures

eval-llm: venv
	$(PY) -m firstresponder.evaluation.llm tests/scenarios

schema: venv
	$(PY) -m firstresponder.models.schema --write

clean:
	rm -rf $(VENV) build *.egg-info
