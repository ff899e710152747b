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

# make install: a user install, no root. The app in its own virtualenv under DATA_HOME,
# the `comeback` launcher in BIN_HOME (on the PATH of most desktops), and a menu entry with
# the app's icon. INSTALL_PIP_ARGS passes extra pip options (tests: --no-deps, offline).
DATA_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
BIN_HOME ?= $(HOME)/.local/bin
APP_HOME := $(DATA_HOME)/comeback
APP_VENV := $(APP_HOME)/venv
INSTALL_PIP_ARGS ?=

.PHONY: help run test lint bench screenshots clean venv sysdeps sysdeps-gui sysdeps-test \
	check-display \
	install uninstall

help:
	@echo "make run          install what is missing, open the app on a demo database"
	@echo "                  (DEMO_DB=$(DEMO_DB))"
	@echo "make test         install what is missing, run the whole test suite"
	@echo "make lint         ruff check"
	@echo "make bench        run the benchmarks"
	@echo "make screenshots  render the documentation screenshots"
	@echo "make install      install comeback for you: launcher in $(BIN_HOME), menu entry"
	@echo "make uninstall    remove what make install put there (your data stays)"
	@echo "make clean        remove the virtualenv and build/cache files"

run: sysdeps-gui venv check-display
	mkdir -p "$$(dirname "$(DEMO_DB)")"
	$(BIN)/comeback demo --db "$(DEMO_DB)" --weeks 8 --if-empty
	$(BIN)/comeback --db "$(DEMO_DB)"

test: sysdeps-test venv
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

# The tests also start a throwaway PostgreSQL cluster (Debian's postgresql: initdb, pg_ctl).
sysdeps-test:
	@$(PYTHON) scripts/sysdeps.py install --test

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

install:
	@[ -n "$${SKIP_SYSDEPS:-}" ] || $(PYTHON) scripts/sysdeps.py install --gui
	$(PYTHON) -m venv --clear "$(APP_VENV)"
	"$(APP_VENV)/bin/pip" install --quiet $(INSTALL_PIP_ARGS) .
	mkdir -p "$(BIN_HOME)" "$(DATA_HOME)/applications" "$(DATA_HOME)/icons/hicolor/scalable/apps"
	ln -sfn "$(APP_VENV)/bin/comeback" "$(BIN_HOME)/comeback"
	cp assets/app/comeback.svg "$(DATA_HOME)/icons/hicolor/scalable/apps/comeback.svg"
	sed -e 's|@EXEC@|$(BIN_HOME)/comeback|' \
	    -e 's|@ICON@|$(DATA_HOME)/icons/hicolor/scalable/apps/comeback.svg|' \
	    assets/app/comeback.desktop.in > "$(DATA_HOME)/applications/comeback.desktop"
	@echo ""
	@echo "Installed: $(BIN_HOME)/comeback, and Comeback in your applications menu."
	@case ":$$PATH:" in *":$(BIN_HOME):"*) ;; *) \
		echo "$(BIN_HOME) is not on your PATH: add it, or start $(BIN_HOME)/comeback.";; esac
	@"$(APP_VENV)/bin/python" -c "from app.cli import default_db_path as p; \
		print('Your store is kept in', p())" 2>/dev/null || true

uninstall:
	rm -rf "$(APP_VENV)"
	rm -f "$(BIN_HOME)/comeback" "$(DATA_HOME)/applications/comeback.desktop" \
	      "$(DATA_HOME)/icons/hicolor/scalable/apps/comeback.svg"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
