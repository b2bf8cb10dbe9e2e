PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: install run test lint unit ingest clean

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

unit: $(STAMP)
	$(BIN)/pytest

test: lint unit

clean:
	rm -rf $(VENV) data
