"""Compile each Table Schema into a pandera schema over the text of its CSV.

Every Table Schema rule (types, required, unique, enum, pattern, bounds, URI format, primary
and foreign keys) becomes a vectorised check, so the contract frictionless enforces row by row
is enforced here too, at pandas speed: each cell's rules batch by batch as the file is read,
the keys once every table is, on the hashes of their text that the batches left behind. Rule names match frictionless's error types, so the
report can tell when both layers found the same problem.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from sco_data.checks import text_rules
from sco_data.checks.pandera_run import LAYER, Rule, aligned, run, run_keyed
from sco_data.findings import Group, group_of
from sco_data.package import arrow_text, table_schema
from sco_data.package.compact import KeptTable, is_member
from sco_data.package.csv_reader import NOT_UTF8, RawTable

NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
INTEGER = r"[+-]?\d+"
URI = r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*"


def _is_date(cells: pd.Series):
    shaped = arrow_text.fullmatch(cells, r"\d{4}-\d{2}-\d{2}")
    parsed = pd.to_datetime(cells.where(shaped), format="%Y-%m-%d", errors="coerce")
    return parsed.notna().to_numpy()


def _type_check(field: dict):
    """(vectorised test of a present cell, what the type expects) for the field's type."""
    kind = field.get("type", "string")
    if kind == "integer":
        return (lambda s: arrow_text.fullmatch(s, INTEGER)), "a whole number"
    if kind == "number":
        return (
            lambda s: arrow_text.fullmatch(s, NUMBER)
        ), "a number such as 66500 or 12.5"
    if kind == "boolean":
        allowed = table_schema.true_values(field) + table_schema.false_values(field)
        return (lambda s: arrow_text.is_in(s, allowed)), "true or false"
    if kind == "date":
        return _is_date, "a real date written YYYY-MM-DD"
    if kind == "string" and field.get("format") == "uri":
        return (
            lambda s: arrow_text.fullmatch(s, URI)
        ), "a full web address (https://...)"
    return None, None


def _passes(missing, test):
    """A test that missing values pass; the test runs on the whole column at once, since
    selecting the present cells first would copy them."""

    def check(cells: pd.Series) -> pd.Series:
        absent = arrow_text.is_in(cells, missing)
        if absent.all():
            return pd.Series(True, index=cells.index)
        return pd.Series(
            absent | np.asarray(test(cells), dtype=bool), index=cells.index
        )

    return check


def _numeric(field: dict, cells: pd.Series):
    if field.get("type") == "date":
        return cells  # ISO dates compare correctly as text
    return pd.to_numeric(cells, errors="coerce")


def _field_checks(table: RawTable, field: dict, required: bool):
    """(pandera checks, their Rules) for one field, in the same order."""
    name = field["name"]
    missing = table_schema.missing_values(table.schema)
    rules: list[Rule] = []
    checks: list[pa.Check] = []

    def add(test, rule, message, per_value=True):
        # A test of each value alone runs once per distinct value (see arrow_text).
        if per_value:
            test = arrow_text.per_distinct(test, lambda: table.distinct(name))
        checks.append(pa.Check(test, name=rule, error=f"{name}: {rule}"))
        rules.append(Rule(rule, message))

    constraints = table_schema.constraints(field)
    if required or constraints.get("required"):
        add(
            aligned(lambda s: ~arrow_text.is_in(s, missing)),
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
            _passes(missing, lambda s: arrow_text.is_in(s, allowed)),
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
            _passes(missing, lambda s: arrow_text.fullmatch(s, pattern)),
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
                ok = getattr(values, compare)(limit).to_numpy(
                    dtype=bool, na_value=False
                )
                # Cells of the wrong type are the type rule's to report.
                return ok | (~np.asarray(typed(s), dtype=bool) if typed else False)

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
    text_facts = (table.may_hold_control, table.ascii_only)
    for rule, test, message in text_rules.checks(field, *text_facts):
        add(test, rule, message)
    return checks, rules


def _key_label(names: list[str]) -> str:
    return ",".join(names)


def _key_checks(kept: KeptTable, tables: dict[str, KeptTable], targets: set[str]):
    """(pandera checks on the kept key hashes, what each means): unique fields, then the
    primary key, then each foreign key into `targets`; the first two only when the table
    is itself a target (they compare its rows). A missing value is <NA>, and is neither
    a repeat nor a reference."""
    schema, header = kept.schema, set(kept.header)
    checks, rules = [], {}

    def add(test, rule: Rule) -> None:
        checks.append(pa.Check(test, name=rule.rule))
        rules[len(checks) - 1] = rule

    whole = kept.name in targets
    for field in table_schema.fields(schema):
        name = field["name"]
        if whole and table_schema.constraints(field).get("unique") and name in header:
            add(
                lambda df, n=name: ~(df[n].duplicated(keep="first") & df[n].notna()),
                Rule(
                    "unique-error",
                    lambda v, n=name: (
                        f"'{v}' appears in '{n}' on an earlier line; it must be unique."
                    ),
                    name,
                ),
            )
    key = table_schema.primary_key(schema)
    if whole and key and set(key) <= header:
        add(
            lambda df: (
                ~(df[key[0]] if len(key) == 1 else df[key]).duplicated(keep="first")
            ),
            Rule(
                "primary-key",
                lambda v: (
                    f"The key ({_key_label(key)}) = ({v}) is already used on an "
                    "earlier line; each row needs its own key."
                ),
                _key_label(key),
            ),
        )
    for own, resource, other in table_schema.foreign_keys(schema):
        if (resource or kept.name) not in targets:
            continue
        target = tables.get(resource) if resource else kept
        if target is None:
            continue  # the missing table is reported on its own
        if not (set(own) <= header and set(other) <= set(target.header)):
            continue  # a missing key column is reported once, as a missing column

        def resolves(df, own=own, other=other, target=target):
            members = target.members(other)
            if len(own) == 1:  # most keys: one column, read as it is (no copy)
                column = df[own[0]]
                present = column.notna().to_numpy(dtype=bool)
                values = column.to_numpy(dtype=np.uint64, na_value=0)
                return pd.Series(~present | is_member(values, members), index=df.index)
            present = df[own].notna().all(axis=1)
            return ~present | pd.MultiIndex.from_frame(df[own]).isin(members)

        where = resource or kept.name
        add(
            resolves,
            Rule(
                "foreign-key",
                lambda v, where=where, other=other: (
                    f"'{v}' is not a {_key_label(other)} "
                    f"of '{where}'; add that row first or fix the reference."
                ),
                _key_label(own),
            ),
        )
    return checks, rules


def compile_table(table: RawTable):
    """The pandera schema testing each cell of one table (or batch) on its own: types,
    required, categories, shapes, bounds, lengths and the text rules; and what each of
    its checks means."""
    schema = table.schema
    key = set(table_schema.primary_key(schema))
    columns, column_rules = {}, {}
    for field in table_schema.fields(schema):
        if field["name"] not in table.header or field["name"] not in table.frame:
            continue  # reported once as a missing column, not once per row
        checks, rules = _field_checks(table, field, field["name"] in key)
        if checks:
            columns[field["name"]] = pa.Column(str, checks=checks, nullable=False)
        for number, rule in enumerate(rules):
            column_rules[(field["name"], number)] = rule
    return pa.DataFrameSchema(columns, name=table.name), column_rules


def undecodable(tables: dict[str, RawTable]) -> list[Group]:
    """Locate cells holding bytes that are not UTF-8, then show them as U+FFFD, so that the
    other layers can compare and hash the text."""
    groups = []
    for table in tables.values():
        if table.frame is not None and table.undecodable:
            groups += [
                group_of(LAYER, table.file, column, "not-utf8", message, lines)
                for column, lines, message in text_rules.undecodable_lines(table.frame)
            ]
            # Shown as U+FFFD from here on: later layers hash and compare the text, which
            # surrogates would break.
            shown = table.frame.replace(NOT_UTF8, "\ufffd", regex=True).astype("str")
            table.replace_frame(shown)
            table.undecodable = False
    return groups


def check_cells(
    table: RawTable, values_kept: int | None = None
) -> list[tuple[tuple, Group]]:
    """Each cell's rules on a table, or one batch of it: (which check, its group)."""
    compiled, column_rules = compile_table(table)
    return run_keyed(compiled, table.frame, table.file, column_rules, {}, values_kept)


def check_batch_keys(
    batch: KeptTable, tables: dict[str, KeptTable], read_before: set[str]
) -> list[tuple[tuple, Group]]:
    """The foreign keys of one batch into the tables read before its own: (check, group)."""
    checks, rules = _key_checks(batch, tables, read_before - {batch.name})
    compiled = pa.DataFrameSchema(checks=checks, name=batch.name)
    return run_keyed(compiled, batch.keys, batch.file, {}, rules, None, set(batch.keys))


def check_keys(
    kept: KeptTable, tables: dict[str, KeptTable], read_before: set[str]
) -> list[Group]:
    """A table's keys across rows and tables, on what it kept of its key columns: its own
    keys, and its foreign keys into itself and into the tables read after it."""
    checks, rules = _key_checks(kept, tables, (set(tables) | {kept.name}) - read_before)
    compiled = pa.DataFrameSchema(checks=checks, name=kept.name)
    return run(compiled, kept.keys, kept.file, {}, rules, None, set(kept.keys))
