"""Compile each Table Schema into a pandera schema over the text of its CSV.

Every Table Schema rule (types, required, unique, enum, pattern, bounds, URI format, primary
and foreign keys) becomes a vectorised check, so the contract frictionless enforces row by row
is enforced here too, at pandas speed. Rule names match frictionless's error types, so the
report can tell when both layers found the same problem.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from sco_data import table_schema, text_rules
from sco_data.csv_files import RawTable, without_undecodable
from sco_data.findings import Finding
from sco_data.pandera_findings import LAYER, Rule, run

NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
INTEGER = r"[+-]?\d+"
URI = r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*"


def _is_date(cells: pd.Series) -> pd.Series:
    shaped = cells.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    parsed = pd.to_datetime(cells.where(shaped), format="%Y-%m-%d", errors="coerce")
    return parsed.notna()


def _type_check(field: dict):
    """(vectorised test of a present cell, what the type expects) for the field's type."""
    kind = field.get("type", "string")
    if kind == "integer":
        return (lambda s: s.str.fullmatch(INTEGER)), "a whole number"
    if kind == "number":
        return (lambda s: s.str.fullmatch(NUMBER)), "a number such as 66500 or 12.5"
    if kind == "boolean":
        allowed = table_schema.true_values(field) + table_schema.false_values(field)
        return (lambda s: s.isin(allowed)), "true or false"
    if kind == "date":
        return _is_date, "a real date written YYYY-MM-DD"
    if kind == "string" and field.get("format") == "uri":
        return (lambda s: s.str.fullmatch(URI)), "a full web address (https://...)"
    return None, None


def _passes(missing, test):
    def check(cells: pd.Series) -> pd.Series:
        present = ~cells.isin(missing)
        ok = pd.Series(True, index=cells.index)
        if present.any():
            ok[present] = test(cells[present]).fillna(False).astype(bool)
        return ok

    return check


def _numeric(field: dict, cells: pd.Series):
    if field.get("type") == "date":
        return cells  # ISO dates compare correctly as text
    return pd.to_numeric(cells, errors="coerce")


def _field_checks(field: dict, missing: list[str], required: bool):
    """(pandera checks, their Rules) for one field, in the same order."""
    name = field["name"]
    rules: list[Rule] = []
    checks: list[pa.Check] = []

    def add(test, rule, message):
        checks.append(pa.Check(test, name=rule, error=f"{name}: {rule}"))
        rules.append(Rule(rule, message))

    constraints = table_schema.constraints(field)
    if required or constraints.get("required"):
        add(
            lambda s: ~s.isin(missing),
            "constraint-error",
            lambda v: f"'{name}' is required and must not be empty.",
        )
    test, expected = _type_check(field)
    if test is not None:
        add(
            _passes(missing, test),
            "type-error",
            lambda v, e=expected: f"'{v}' is not {e}, as '{name}' requires.",
        )
        typed = test
    else:
        typed = None
    if "enum" in constraints:
        allowed = [str(v) for v in constraints["enum"]]
        add(
            _passes(missing, lambda s: s.isin(allowed)),
            "constraint-error",
            lambda v: (
                f"'{v}' is not one of the values allowed in '{name}': "
                + ", ".join(allowed)
                + "."
            ),
        )
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        add(
            _passes(missing, lambda s: s.str.fullmatch(pattern)),
            "constraint-error",
            lambda v: f"'{v}' does not have the shape '{name}' requires ({pattern}).",
        )
    for bound, compare, word in (
        ("minimum", "ge", "at least"),
        ("maximum", "le", "at most"),
    ):
        if bound in constraints:
            limit = constraints[bound]

            def within(s, limit=limit, compare=compare):
                values = _numeric(field, s)
                ok = getattr(values, compare)(limit)
                # Cells of the wrong type are the type rule's to report.
                return ok | (~typed(s).fillna(False).astype(bool) if typed else False)

            add(
                _passes(missing, within),
                "constraint-error",
                lambda v, w=word, lim=limit: f"'{name}' must be {w} {lim}; it is {v}.",
            )
    for bound, compare, word in (
        ("minLength", "ge", "at least"),
        ("maxLength", "le", "at most"),
    ):
        if bound in constraints:
            limit = constraints[bound]
            add(
                _passes(
                    missing, lambda s, c=compare, n=limit: getattr(s.str.len(), c)(n)
                ),
                "constraint-error",
                lambda v, w=word, n=limit: f"'{name}' must be {w} {n} characters long.",
            )
    if constraints.get("unique"):
        add(
            lambda s: s.isin(missing) | ~s.duplicated(keep="first"),
            "unique-error",
            lambda v: (
                f"'{v}' appears in '{name}' on an earlier line; it must be unique."
            ),
        )
    for rule, test, message in text_rules.checks(field):
        add(test, rule, message)
    return checks, rules


def _key_label(names: list[str]) -> str:
    return ",".join(names)


def _table_checks(table: RawTable, tables: dict[str, RawTable]):
    schema, missing = table.schema, table_schema.missing_values(table.schema)
    checks, rules = [], {}
    key = table_schema.primary_key(schema)
    if key and set(key) <= set(table.header):
        checks.append(
            pa.Check(lambda df: ~df.duplicated(key, keep="first"), name="primary-key")
        )
        rules[len(checks) - 1] = Rule(
            "primary-key",
            lambda v: (
                f"The key ({_key_label(key)}) = ({v}) is already used on an "
                "earlier line; each row needs its own key."
            ),
            _key_label(key),
        )
    for own, resource, other in table_schema.foreign_keys(schema):
        target = tables.get(resource) if resource else table
        if target is None or target.frame is None:
            continue  # the missing table is reported on its own
        if not (set(own) <= set(table.header) and set(other) <= set(target.header)):
            continue  # a missing key column is reported once, as a missing column
        reference = target.frame[other].drop_duplicates()
        index = pd.MultiIndex.from_frame(reference)

        def resolves(df, own=own, index=index):
            present = ~df[own].isin(missing).any(axis=1)
            found = pd.MultiIndex.from_frame(df[own]).isin(index)
            return ~present | found

        checks.append(pa.Check(resolves, name="foreign-key"))
        where = resource or table.name
        rules[len(checks) - 1] = Rule(
            "foreign-key",
            lambda v, where=where, other=other: (
                f"'{v}' is not a {_key_label(other)} "
                f"of '{where}'; add that row first or fix the reference."
            ),
            _key_label(own),
        )
    return checks, rules


def compile_table(table: RawTable, tables: dict[str, RawTable]):
    """The pandera schema for one table, and what each of its checks means."""
    schema = table.schema
    missing = table_schema.missing_values(schema)
    key = set(table_schema.primary_key(schema))
    columns, column_rules = {}, {}
    for field in table_schema.fields(schema):
        if field["name"] not in table.header:
            continue  # reported once as a missing column, not once per row
        checks, rules = _field_checks(field, missing, field["name"] in key)
        columns[field["name"]] = pa.Column(str, checks=checks, nullable=False)
        for number, rule in enumerate(rules):
            column_rules[(field["name"], number)] = rule
    checks, table_rules = _table_checks(table, tables)
    compiled = pa.DataFrameSchema(columns, checks=checks, name=table.name)
    return compiled, column_rules, table_rules


def check(tables: dict[str, RawTable]) -> list[Finding]:
    findings = []
    for table in tables.values():
        if table.frame is None:
            continue
        if table.undecodable:
            findings += [
                Finding(LAYER, table.file, line, column, "not-utf8", None, message)
                for line, column, message in text_rules.undecodable_cells(table.frame)
            ]
            table.frame = without_undecodable(table)
        compiled, column_rules, table_rules = compile_table(table, tables)
        findings += run(compiled, table.frame, table.file, column_rules, table_rules)
    return findings
