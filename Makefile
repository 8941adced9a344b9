# Two commands for a new user: `make demo` and `make test`.
# Both create (or reuse) a local virtual environment in .venv. `make demo` installs recstack
# with only what the demo needs; `make test` adds the test tools and every optional part.
# Each install runs once per version of pyproject.toml (the stamp files record it).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VERSION := $(shell cksum < pyproject.toml | cut -d' ' -f1)
DEMO_STAMP := $(VENV)/.installed-demo-$(VERSION)
TEST_STAMP := $(VENV)/.installed-test-$(VERSION)

.PHONY: demo test lint bench clean

$(BIN)/python:
	@echo "==> Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Upgrading pip"
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing recstack and what the demo needs (numpy, scipy, pandas, pyarrow,"
	@echo "    implicit, numba, and plotly, openTSNE, umap-learn and matplotlib for the report;"
	@echo "    first run a minute or two)"
	$(BIN)/python -m pip install --progress-bar on -e ".[demo]"
	@rm -f $(VENV)/.installed-demo-*
	@touch $@

$(TEST_STAMP): $(DEMO_STAMP)
	@echo "==> Installing the test tools and every optional part (torch, optuna, LightGBM,"
	@echo "    scikit-learn...; first run about three minutes)"
	$(BIN)/python -m pip install --progress-bar on -e ".[test]"
	@rm -f $(VENV)/.installed-test-*
	@touch $@

demo: $(DEMO_STAMP)
	$(BIN)/recstack demo

# the suite in two worker processes (pytest-xdist; the tests depend on no order or process
# of their own), which keep both cores of a 2-core machine busy; TEST_WORKERS=0: one process
TEST_WORKERS ?= 2

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check recstack tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
