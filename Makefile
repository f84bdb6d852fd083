# Arcoiris POS. Two set-up commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/arcoiris
export DATABASE_URL

.PHONY: run test check lint format typecheck imports server bench screenshots dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## run: the till on its own SQLite with the demo store (seeded once; PINs on screen).
run: $(STAMP)
	$(BIN)/arcoiris-desktop --demo $(if $(DATA_DIR),--data-dir $(DATA_DIR),)

## test: lint, types and import contracts, then the whole suite.
test: check
	$(BIN)/python -m pytest

check: $(STAMP) lint typecheck imports

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy arcoiris_shared arcoiris_desktop sync_server

imports: $(STAMP)
	$(BIN)/lint-imports

## server: the sync server on DATABASE_URL (created and migrated if missing).
server: $(STAMP)
	$(BIN)/arcoiris-admin init-db
	$(BIN)/arcoiris-sync-server --host 127.0.0.1 --port 8000

bench: $(STAMP)
	$(BIN)/python -m benchmarks

## screenshots: every till screen rendered offscreen to docs/screenshots/*.png
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m arcoiris_desktop.ui.screenshots --out docs/screenshots

## dist: the wheel, and the till as a self-contained folder (PyInstaller) in dist/
dist: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dist]"
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build build.spec

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
