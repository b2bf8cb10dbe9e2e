PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: install run test lint unit ingest clean browser bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

ingest: $(STAMP)
	$(BIN)/archive-qa ingest seeds

run: ingest
	$(BIN)/archive-qa serve --host 127.0.0.1 --port 7860

lint: $(STAMP)
	$(BIN)/ruff check index qa tests bench app.py
	$(BIN)/mypy

# The browser tests drive Debian's chromium (headless) with Playwright; Chinese needs fonts-noto-cjk.
browser:
	@if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null; }; \
	else echo "browser tests need: apt-get install chromium fonts-noto-cjk (as root)"; fi

unit: $(STAMP) browser
	$(BIN)/pytest

test: lint unit

# Benchmarks are never part of `make test`: sizes in chunks, results in bench/results/latest.md.
BENCH_SIZES ?= 10000 100000
bench: $(STAMP)
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES) --server
	$(BIN)/python bench/embed_throughput.py

clean:
	rm -rf $(VENV) data
