# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench contracts screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/samlad up --demo

# Every tier runs or the target fails; SAMLAD_SKIP_BROWSER / _ASYNCAPI / _NODE / _POSTGRES=1 opt out.
test: $(STAMP) lint typecheck
	.ci/prerequisites
	SAMLAD_REQUIRE_TIERS=1 $(BIN)/pytest -q

# Browser tests save screenshots under build/; this copies the README's into docs/.
screenshots: $(STAMP)
	SAMLAD_REQUIRE_TIERS=1 SAMLAD_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/e2e/browser

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python -m bench

contracts: $(STAMP)
	$(BIN)/samlad contracts export contracts/published

clean:
	rm -rf .samlad .pytest_cache .mypy_cache .ruff_cache build
