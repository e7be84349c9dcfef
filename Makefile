# Two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

S3FS_VENV := .venv-s3fs
S3FS_STAMP := $(S3FS_VENV)/.installed

.PHONY: run test lint bench clean sandbox dnstools

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
	@# s3fs once sat in the dev extras and its aiobotocore pulled botocore back to an older
	@# release; a venv made then gets the newest botocore again (s3fs has its own venv now).
	@if $(BIN)/pip show aiobotocore >/dev/null 2>&1; then \
		$(BIN)/pip uninstall --quiet -y s3fs aiobotocore && \
		$(BIN)/pip install --quiet --upgrade botocore boto3 awscli; fi
	touch $@ $(STAMP)

# Lambda workers run inside bubblewrap when it is there; fetch it when we can (root + apt).
sandbox:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		echo "installing bubblewrap (Lambda sandbox)" && \
		{ apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }; }; } || \
		echo "bubblewrap not installed: Lambda workers will run without a sandbox"

# Route 53's tests ask the DNS server with dig, and its benchmark loads it with dnsperf.
dnstools:
	@{ command -v dig >/dev/null && command -v dnsperf >/dev/null; } || { [ "$$(id -u)" = 0 ] && \
		command -v apt-get >/dev/null && echo "installing dnsutils and dnsperf (DNS tests)" && \
		{ apt-get install -y -qq dnsutils dnsperf >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq dnsutils dnsperf >/dev/null; }; }; } || \
		echo "dig/dnsperf not installed: DNS tests use dnspython only"

run: $(STAMP) sandbox
	$(BIN)/pocketcloud start

# s3fs (fsspec) client tests run it from its own venv: aiobotocore pins an older botocore.
$(S3FS_STAMP): Makefile | $(BIN)/python
	$(PYTHON) -m venv $(S3FS_VENV) && $(S3FS_VENV)/bin/pip install --quiet 's3fs>=2024.2' && \
		touch $@ || echo "s3fs not installed: its client tests will be skipped"

test: $(DEV_STAMP) $(S3FS_STAMP) sandbox dnstools
	$(BIN)/python -m pytest -n auto -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(DEV_STAMP) dnstools
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || apt-get install -y -qq wrk || \
		{ apt-get update -qq && apt-get install -y -qq wrk; }
	@# one install for all npm peers: a later --no-save install would prune the others
	@[ -x bench/node_modules/.bin/dynalite ] && [ -x bench/node_modules/.bin/s3rver ] || \
		npm install --prefix bench --no-save --no-audit --no-fund dynalite s3rver@3.7.1
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.events_put

clean:
	rm -rf $(VENV) $(S3FS_VENV) .pocketcloud
