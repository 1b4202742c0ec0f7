# Two commands on a fresh machine: `make demo` and `make test`. Each sets up its own venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check install clean bench

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ml-connector demo

# The suite runs on every core, one test file per worker (a file's fixtures stay in one process).
PYTEST_ARGS ?= -n auto --dist loadfile

# sqlfluff renders the models with dbt's templater (DuckDB profile; the file is only a scratch target).
SQLFLUFF := ML_CONNECTOR_DBT_DUCKDB_PATH=$(VENV)/sqlfluff.duckdb $(BIN)/sqlfluff

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(SQLFLUFF) lint dbt_project/ --disable-progress-bar
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(SQLFLUFF) lint dbt_project/ --disable-progress-bar

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/client_crawl.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
