"""Great Expectations suites, stored as JSON in schemas/expectations/<table>.json.

A suite holds two kinds of expectation:
- derived ones (meta.derived_from names the Table Schema rule), rebuilt from the schemas by
  `make suites`: value sets from `enum`, shapes from `pattern`, and date/precision pairing;
- authored ones (meta.why says why), written by hand for what Table Schema cannot say: row-count
  bounds, plausible quantities per unit, metric/unit pairs, proportions, multi-column uniqueness.
Validation reports a suite whose derived part has drifted from its schema.

    python -m sco_data.checks.expectations.suites [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sco_data.checks.expectations import LAYER
from sco_data.files import WriteFailed, write_changed
from sco_data.findings import Finding
from sco_data.package import table_schema
from sco_data.package.descriptor import Descriptor
from sco_data.package.descriptor import read as read_descriptor

SUITES_DIR = "schemas/expectations"


def suite_file(table: str) -> str:
    return f"{SUITES_DIR}/{table}.json"


def derive(table: str, schema: dict, schema_file: str) -> list[dict]:
    """The expectations that follow from the Table Schema alone."""
    derived = []
    for number, field in enumerate(table_schema.fields(schema)):
        name = field["name"]
        found = table_schema.constraints(field)
        pointer = f"{schema_file}#/fields/{number}/constraints"
        if "enum" in found:
            derived.append(
                {
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": name, "value_set": found["enum"]},
                    "meta": {
                        "derived_from": f"{pointer}/enum",
                        "rule": "constraint-error",
                    },
                }
            )
        if "pattern" in found:
            derived.append(
                {
                    "type": "expect_column_values_to_match_regex",
                    "kwargs": {"column": name, "regex": found["pattern"]},
                    "meta": {
                        "derived_from": f"{pointer}/pattern",
                        "rule": "constraint-error",
                    },
                }
            )
    for date_field in table_schema.date_fields(schema):
        precision = table_schema.precision_field(schema, date_field)
        if precision != date_field.removesuffix("_date") + "_precision":
            continue  # a precision shared by several dates is not paired with one of them
        message = (
            f"'{precision}' must be filled when '{date_field}' is filled, "
            "and left empty when it is empty."
        )
        for expectation, is_null in (
            ("expect_column_values_to_not_be_null", False),
            ("expect_column_values_to_be_null", True),
        ):
            derived.append(
                {
                    "type": expectation,
                    "kwargs": {
                        "column": precision,
                        "row_condition": {
                            "type": "nullity",
                            "column": {"name": date_field},
                            "is_null": is_null,
                        },
                    },
                    "meta": {
                        "derived_from": f"{schema_file}#/fields (date and precision pair)",
                        "rule": "precision-pairing",
                        "message": message,
                    },
                }
            )
    return derived


class UnreadableSuite(ValueError):
    """A suite file that is not a JSON object with a list of expectations."""


def read_suite(root: Path, table: str) -> dict:
    path = root / suite_file(table)
    if not path.is_file():
        return {"name": table, "expectations": []}
    try:
        suite = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableSuite(
            f"{suite_file(table)} is not valid JSON ({error})"
        ) from error
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise UnreadableSuite(
            f"{suite_file(table)} is not an object with a list of expectations"
        )
    return suite


def authored(suite: dict) -> list[dict]:
    return [e for e in suite["expectations"] if "derived_from" not in e.get("meta", {})]


def derived_part(suite: dict) -> list[dict]:
    return [e for e in suite["expectations"] if "derived_from" in e.get("meta", {})]


def rebuilt(root: Path, table: str, schema: dict, schema_file: str) -> dict:
    suite = read_suite(root, table)
    return {
        "name": table,
        "meta": {
            "generated": "Derived expectations are rebuilt by `make suites`; "
            "edit only the authored ones (those with meta.why)."
        },
        "expectations": derive(table, schema, schema_file) + authored(suite),
    }


def _tables(root: Path, descriptor: Descriptor | None = None):
    descriptor = descriptor or read_descriptor(root)
    for resource in descriptor.resources():
        schema = descriptor.schemas.get(resource.get("schema"))
        if schema is not None:
            yield resource["name"], schema, resource["schema"]


def drift(root: Path, descriptor: Descriptor | None = None) -> list[Finding]:
    """A finding for every suite whose derived expectations no longer match its schema."""
    findings = []
    for table, schema, schema_file in _tables(root, descriptor):
        try:
            stored = read_suite(root, table)
        except UnreadableSuite as error:
            findings.append(
                Finding(
                    LAYER,
                    suite_file(table),
                    None,
                    None,
                    "unreadable-suite",
                    None,
                    f"{error}; fix it by hand (`make suites` keeps its authored part). "
                    f"The {table} table is checked without its expectations until then.",
                )
            )
            continue
        if derived_part(stored) != derive(table, schema, schema_file):
            findings.append(
                Finding(
                    LAYER,
                    suite_file(table),
                    None,
                    None,
                    "suite-drift",
                    None,
                    f"The derived expectations of {suite_file(table)} do not match "
                    f"{schema_file}; run `make suites`.",
                )
            )
    return findings


def rebuilt_files(root: Path) -> dict[str, str]:
    """{suite file relative to root: the text `make suites` writes}."""
    return {
        suite_file(table): json.dumps(
            rebuilt(root, table, schema, schema_file), indent=2, ensure_ascii=False
        )
        + "\n"
        for table, schema, schema_file in _tables(root)
    }


def write(root: Path) -> list[str]:
    try:
        (root / SUITES_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteFailed(root / SUITES_DIR, error) from error
    suites = {root / file: text for file, text in rebuilt_files(root).items()}
    return [path.relative_to(root).as_posix() for path in write_changed(suites)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument(
        "--check", action="store_true", help="fail on drift, write nothing"
    )
    args = parser.parse_args(argv)
    root = Path(args.root)
    if args.check:
        problems = drift(root)
        for problem in problems:
            print(f"{problem.file}: {problem.message}", file=sys.stderr)
        return 1 if problems else 0
    try:
        written = write(root)
    except (WriteFailed, UnreadableSuite) as error:
        print(error, file=sys.stderr)
        return 1
    for file in written:
        print(f"wrote {file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
