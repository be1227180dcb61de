# The README's commands. Everything runs from the project's own virtualenv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint serve clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
	$(BIN)/python -m pip install --quiet -e '.[dev,redis]'
	touch $(STAMP)

demo: install
	$(BIN)/townsquare migrate --noinput
	$(BIN)/townsquare load_demo
	$(BIN)/townsquare serve --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache  # the app graph's contracts (pyproject.toml)
	$(BIN)/townsquare makemigrations --check --dry-run

clean:
	rm -rf var/ .pytest_cache
