# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_TOOLS := .ci/openapi
PORT   ?= 8000
HOST   ?= 127.0.0.1
# The fuzz run's seed: fixed, so that CI draws the same cases every time and a failure is the code's, not
# the draw's; `make fuzz FUZZ_SEED=` draws new ones.
FUZZ_SEED ?= 1

.PHONY: install npm-tools run test lint typecheck pytest fuzz bench-deps clean

install: $(STAMP) ## Create .venv with the project and its dev tools (quick when nothing changed)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

npm-tools: ## Redocly CLI, Spectral, openapi-typescript and tsc at pinned versions, for the OpenAPI checks
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(NPM_TOOLS)/node_modules/.installed; \
	else echo "npm not found: the OpenAPI lint and client checks will be skipped"; fi

$(NPM_TOOLS)/node_modules/.installed: $(NPM_TOOLS)/package-lock.json
	npm ci --prefix $(NPM_TOOLS) --no-audit --no-fund --loglevel=error
	touch $@

run: install ## Load the sample articles in data/ into SQLite and serve the API on $(PORT)
	$(BIN)/articles ingest data --prune --quiet
	$(BIN)/articles serve --host $(HOST) --port $(PORT)

lint: install ## ruff and mypy
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy

pytest: install npm-tools
	$(BIN)/pytest

test: lint pytest ## Lint, type-check and run the whole test suite

fuzz: install ## Serve the sample articles and fuzz every operation against the OpenAPI schema, every check on
	$(BIN)/python bench/fuzz.py $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

bench-deps: install ## Datasette in its own venv, bench/.venv-datasette, for bench/api.py (never a project dependency)
	$(BIN)/python bench/api.py --install-only

clean:
	rm -rf $(VENV) bench/.venv-datasette $(NPM_TOOLS)/node_modules .pytest_cache .mypy_cache .ruff_cache data/articles.db*
