# Comeback — everyday commands. On a fresh clone:
#   make run    install what is missing, then open the app on a demo database
#   make test   install what is missing, then run the whole test suite
# System packages come from scripts/sysdeps.py (apt as root; otherwise it prints the
# sudo command); Python packages go into a virtualenv in .venv.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp
DEMO_DB ?= $(HOME)/.local/share/comeback/demo.db

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test lint bench screenshots clean venv sysdeps sysdeps-gui check-display

help:
	@echo "make run          install what is missing, open the app on a demo database"
	@echo "                  (DEMO_DB=$(DEMO_DB))"
	@echo "make test         install what is missing, run the whole test suite"
	@echo "make lint         ruff check"
	@echo "make bench        run the benchmarks"
	@echo "make screenshots  render the documentation screenshots"
	@echo "make clean        remove the virtualenv and build/cache files"

run: sysdeps-gui venv check-display
	mkdir -p "$$(dirname "$(DEMO_DB)")"
	$(BIN)/comeback demo --db "$(DEMO_DB)" --weeks 8 --if-empty
	$(BIN)/comeback --db "$(DEMO_DB)"

test: sysdeps venv
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python -m bench

screenshots: sysdeps venv
	QT_QPA_PLATFORM="$${QT_QPA_PLATFORM:-offscreen}" $(BIN)/python -m scripts.screenshots

sysdeps:
	@$(PYTHON) scripts/sysdeps.py install

sysdeps-gui:
	@$(PYTHON) scripts/sysdeps.py install --gui

venv: $(STAMP)

# Reinstalled only when pyproject.toml changes. A half-made venv (no pip) is recreated.
$(STAMP): pyproject.toml
	[ -x $(BIN)/pip ] || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install -e '.[test]'
	touch $@

check-display:
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ] && [ -z "$${QT_QPA_PLATFORM:-}" ]; then \
		echo "" >&2; \
		echo "No display: neither DISPLAY nor WAYLAND_DISPLAY is set, so the window has nowhere to open." >&2; \
		echo "To start it anyway, use one of:" >&2; \
		echo "" >&2; \
		echo "    QT_QPA_PLATFORM=offscreen make run    (runs without showing a window)" >&2; \
		echo "    xvfb-run -a make run                  (runs in a virtual X server)" >&2; \
		echo "" >&2; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
