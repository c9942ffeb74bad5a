# Two commands do everything on a fresh clone: `make validate` and `make test`.
# Both create the virtual environment from the pinned dependencies when it is missing or stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: validate test suites docs lock clean

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(INSTALLED)

## validate: run every check layer and print one report; exit 1 when the package is invalid
validate: $(INSTALLED)
	$(BIN)/sco-validate .

## test: run the test suite and the linter
test: $(INSTALLED)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/python -m pytest

## suites: rebuild the derived part of the Great Expectations suites from the Table Schemas
suites: $(INSTALLED)
	$(BIN)/python -m sco_data.expectation_suites .

## docs: rebuild docs/bad-inputs.md from the catalogue of bad-input fixtures
docs: $(INSTALLED)
	$(BIN)/python tests/bad_inputs.py > docs/bad-inputs.md.tmp
	mv docs/bad-inputs.md.tmp docs/bad-inputs.md

## lock: re-pin every transitive dependency after changing pyproject.toml
lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	$(VENV)-lock/bin/python -m pip freeze --exclude sco-central-asia-data > constraints.txt
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build scripts/*.egg-info reports
