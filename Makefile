# trendminer — the two commands of the README's Quickstart are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SAMPLE := data/samples
AS_OF  ?= 2026-10-31

.PHONY: install demo test bench clean

install: $(VENV)/.installed

# Re-installs whenever the dependency pins change. constraints.txt pins the CPU build of torch.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: install
	$(BIN)/trendminer run $(SAMPLE)/servicenow_incidents.csv \
		--config $(SAMPLE)/trendminer.toml --as-of $(AS_OF) \
		--state reports/state.duckdb --out reports
	@echo "Open reports/$(AS_OF)/index.html in a browser."

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf reports/20* reports/*.duckdb* .pytest_cache
