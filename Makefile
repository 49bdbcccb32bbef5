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
# make hub: a real JupyterHub on 127.0.0.1 (deploy/jupyterhub/demo_config.py)
HUB_PORT     ?= 8000
HUB_PASSWORD ?=
HUB_STORE    ?= hub-store
CHP_VERSION  := 5.3.0
CHP          := .hub/node_modules/.bin/configurable-http-proxy

.PHONY: install app hub test lint unit notebooks browser bench lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hjemmekit needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,hub]"
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(BIN)/hjemmekit serve --store $(STORE) --port $(PORT) --example $(EXAMPLE)

# JupyterHub's proxy (Node), into the project's .hub/ folder (not committed).
$(CHP):
	@command -v npm >/dev/null || { echo "make hub needs Node.js and npm (apt-get install -y nodejs npm)"; exit 1; }
	npm install --prefix .hub --no-save --no-audit --no-fund --loglevel=error configurable-http-proxy@$(CHP_VERSION)

hub: $(STAMP) $(CHP)
	@test -n "$(HUB_PASSWORD)" || { echo "make hub: give the demo login's password, e.g. make hub HUB_PASSWORD=secret"; exit 2; }
	HUB_PORT=$(HUB_PORT) HUB_PASSWORD='$(HUB_PASSWORD)' HUB_STORE='$(HUB_STORE)' \
	  $(BIN)/jupyterhub -f deploy/jupyterhub/demo_config.py

test: $(STAMP) lint unit notebooks browser

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(PYTEST) tests/unit -q

notebooks: $(STAMP)
	$(PYTEST) --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -q -p no:cacheprovider

browser: $(STAMP) $(CHP)
	$(PYTEST) tests/browser -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_evaluate.py
	$(BIN)/python benchmarks/bench_hosting.py
	$(BIN)/python benchmarks/bench_import.py

# Re-pin every dependency to what is installed now (after changing pyproject.toml).
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^hjemmekit' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts .hub
