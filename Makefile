# policywatch — the README's two commands (`make demo`, `make test`) do all set-up themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench chaos lint venv system-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,datasette]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian's chromium and a CJK font for the real-browser tests (no-op when present).
system-deps:
	@bash scripts/ensure-system-deps.sh

demo: $(STAMP)
	$(PY) -m policywatch.demo

test: $(STAMP) system-deps
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q -n 2 -m "not chaos" tests

chaos: $(STAMP) system-deps
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q -m chaos tests
	# random hypothesis exploration (make test is derandomised): failures print a reproduction blob
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q -n 2 -m "hypothesis and not chaos" tests
	$(PY) -m benchmarks.reliability_report

bench: $(STAMP)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(VENV) demo-out bench-out .pytest_cache .hypothesis
