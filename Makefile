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
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dask]'
	touch $@

demo: install
	$(BIN)/trendminer run $(SAMPLE)/servicenow_incidents.csv \
		--config $(SAMPLE)/trendminer.toml --as-of $(AS_OF) \
		--state reports/state.duckdb --out reports
	@echo "Open reports/$(AS_OF)/index.html in a browser."

test: install browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf reports/20* reports/*.duckdb* .pytest_cache

# --- Browser tests and screenshots of the briefs (issue 7) ---------------------------------
# `browser` installs what tests/test_browser.py needs: Debian's chromium (when missing and we
# are root) and the pinned npm packages playwright-core + axe-core (npm ci). Where either
# cannot be installed it says why and carries on; the browser tests then skip with a message.
BROWSER_DIR := tests/browser
SHOTS_DIR   := artifacts/screenshots

.PHONY: browser screenshots bench-reports

browser: $(BROWSER_DIR)/node_modules/.installed
	@if [ -x /usr/bin/chromium ]; then \
		/usr/bin/chromium --version 2>/dev/null || true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "browser: installing Debian's chromium failed; the browser tests will skip."; \
	else \
		echo "browser: /usr/bin/chromium is missing and this is not root with apt-get:" \
		     "install Debian's chromium package; the browser tests will skip."; \
	fi

$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		(cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed) \
		|| echo "browser: npm ci failed; the browser tests will skip."; \
	else \
		echo "browser: npm is missing (install Debian's nodejs and npm); the browser tests will skip."; \
	fi

# Full-page screenshots of the four pages built from the bundled sample, and of the chart
# gallery, at 1400 and 420 px wide -> artifacts/screenshots/sample-<page>-<width>.png; the JSON
# beside them says per page and width whether the page scrolls sideways (widths.<w>.scroll).
screenshots: install browser
	rm -rf artifacts/reports/sample artifacts/reports/gallery
	$(BIN)/python $(BROWSER_DIR)/build_reports.py --out artifacts/reports --only sample --as-of $(AS_OF)
	$(BIN)/python $(BROWSER_DIR)/build_reports.py --out artifacts/reports --only gallery
	node $(BROWSER_DIR)/check.mjs --label sample --screenshots $(SHOTS_DIR) --widths 1400,420 \
		--json $(SHOTS_DIR)/sample.json artifacts/reports/sample/$(AS_OF)
	node $(BROWSER_DIR)/check.mjs --label gallery --screenshots $(SHOTS_DIR) --widths 1400,420 \
		--json $(SHOTS_DIR)/gallery.json artifacts/reports/gallery/charts.html
	@echo "Screenshots: $(SHOTS_DIR)/sample-{index,digest,systems,pain-points,knowledge,desk}-{1400,420}.png," \
	      "$(SHOTS_DIR)/gallery-charts-{1400,420}.png"

# Size and load time of the briefs for 100k tickets / 50 systems / 300 topics (printed, not asserted).
bench-reports: install browser
	$(BIN)/python benchmarks/bench_reports.py
