# hjemmekit: `make app` serves the workbook, `make test` runs every test layer.
# Both create the virtual environment and install pinned dependencies first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8866
EXAMPLE ?= mellemstor-besluttet
STORE  ?= store
PYTEST := $(BIN)/python -m pytest

.PHONY: install app test lint unit notebooks browser bench lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hjemmekit needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,hub]"
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(BIN)/hjemmekit serve --store $(STORE) --port $(PORT) --example $(EXAMPLE)

test: $(STAMP) lint unit notebooks browser

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(PYTEST) tests/unit -q

notebooks: $(STAMP)
	$(PYTEST) --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -q -p no:cacheprovider

browser: $(STAMP)
	$(PYTEST) tests/browser -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_evaluate.py
	$(BIN)/python benchmarks/bench_import.py

# Re-pin every dependency to what is installed now (after changing pyproject.toml).
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^hjemmekit' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
