# Two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench clean sandbox

# Debian splits venv out of python3; on a bare machine (as root) fetch it rather than fail.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && echo "installing python3-venv" && \
		apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

# Lambda workers run inside bubblewrap when it is there; fetch it when we can (root + apt).
sandbox:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		echo "installing bubblewrap (Lambda sandbox)" && \
		{ apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }; }; } || \
		echo "bubblewrap not installed: Lambda workers will run without a sandbox"

run: $(STAMP) sandbox
	$(BIN)/pocketcloud start

test: $(DEV_STAMP) sandbox
	$(BIN)/python -m pytest -n auto -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	test -x bench/node_modules/.bin/s3rver || npm install --prefix bench --no-audit --no-fund s3rver@3.7.1
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pocketcloud
