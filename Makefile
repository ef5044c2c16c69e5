# One entry point for every task. `make demo` and `make test` install what they need themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: install assets axe browser java fonts demo test lint typecheck unit check bench serve clean
VENDOR := jundeng/web/static/vendor

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) assets

# ECharts and Swagger UI (the API docs at /api/docs) from the npm registry into a static folder that is not
# committed (no CDN on intranets).
assets: $(VENDOR)/echarts.min.js $(VENDOR)/swagger-ui/swagger-ui-bundle.js
$(VENDOR)/echarts.min.js:
	mkdir -p build/npm $(VENDOR)
	npm install --silent --no-audit --no-fund --prefix build/npm echarts@5
	cp build/npm/node_modules/echarts/dist/echarts.min.js $(VENDOR)/
$(VENDOR)/swagger-ui/swagger-ui-bundle.js:
	mkdir -p build/npm $(VENDOR)/swagger-ui
	npm install --silent --no-audit --no-fund --prefix build/npm swagger-ui-dist@5
	cp build/npm/node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	cp build/npm/node_modules/swagger-ui-dist/swagger-ui-bundle.js $(VENDOR)/swagger-ui/

# axe-core for the accessibility checks of the browser tests (test-only: never served by the app).
axe: build/axe/axe.min.js
build/axe/axe.min.js:
	mkdir -p build/npm build/axe
	npm install --silent --no-audit --no-fund --prefix build/npm axe-core@4
	cp build/npm/node_modules/axe-core/axe.min.js build/axe/

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
browser:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's Java 17 runtime for the Spark engine's tests (pyspark starts a local JVM) and the PostgreSQL JDBC driver
# through which Spark reads the database (jundeng gaps --engine spark).
java:
	command -v java >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)
	test -e /usr/share/java/postgresql.jar || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpostgresql-jdbc-java >/dev/null)

# Noto CJK fonts for the reports (PDF embeds them, charts draw Chinese with them); no font download at runtime.
fonts:
	test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null)

demo: install fonts
	$(BIN)/jundeng demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Every test: engines, SQLite, PostgreSQL (127.0.0.1:5432) and the browser.
unit: install browser java fonts axe
	$(BIN)/pytest -n 2 --dist loadgroup -q

# The quick loop (no server, no browser, nothing marked slow): well under a minute.
check: install
	$(BIN)/pytest -n 2 -q -m "not postgres and not browser and not slow and not spark"

test: lint typecheck unit

bench: install fonts
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_measure.py
	$(BIN)/python benchmarks/bench_appraise.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_city.py
	$(BIN)/python benchmarks/bench_rollup.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_web.py --dialect sqlite
	$(BIN)/python benchmarks/bench_web.py --dialect postgresql
	$(BIN)/python benchmarks/bench_load.py --dialect sqlite
	$(BIN)/python benchmarks/bench_load.py --dialect postgresql
	$(BIN)/python benchmarks/bench_load.py --dialect sqlite --scale 1e6
	$(BIN)/python benchmarks/bench_load.py --dialect postgresql --scale 1e6

serve: install
	$(BIN)/jundeng serve

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build $(VENDOR)
