"""Runs the semantic rules (`semantics.RULES`) as pandera checks, one schema per table: on
each batch as it is read, once every table is read, or on the text of a batch's ids, as each
rule's declaration says (`Rule.runs_per_batch`, `across_rows`, `reads_text`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

from sco_data.checks.pandera_run import Rule, run_keyed
from sco_data.checks.semantics import RULES, Context, rules
from sco_data.findings import Group


def looked_up(table: str) -> set[str]:
    """The columns of `table` that rules of other tables look up."""
    return RULES.looked_up(table)


def text_tables(schemas: dict) -> set[str]:
    """The tables with a rule that reads the text of ids (`check_text`)."""
    return RULES.text_tables(schemas)


def _guarded(test, ctx):
    def check(frame):
        try:
            return test(ctx)
        except (KeyError, TypeError, ValueError):
            # A table too broken to compare (its columns missing or mistyped) is reported by
            # the contract; this rule has nothing sound to say about it.
            return pd.Series(True, index=frame.index)

    return check


def _keyed(
    ctx: Context,
    chosen,
    files: dict,
    values_kept: int | None,
    hashed: dict[str, set[str]],
) -> list[tuple[tuple, Group]]:
    """The `chosen(table, declared rule)` rules, each table's as one pandera schema on its
    frame."""
    by_table: dict[str, list] = {}
    for table, column, rule, message, test in rules(ctx):
        if chosen(table, RULES[rule]):
            by_table.setdefault(table, []).append((column, rule, message, test))
    groups = []
    for table, table_rules in by_table.items():
        checks, meanings = [], {}
        for number, (column, rule, message, test) in enumerate(table_rules):
            checks.append(pa.Check(_guarded(test, ctx), name=rule))
            meanings[number] = Rule(rule, message, column)
        schema = pa.DataFrameSchema(checks=checks, name=table)
        read_back = hashed.get(table, set())
        groups += run_keyed(
            schema,
            ctx.frames[table],
            files[table],
            {},
            meanings,
            values_kept,
            read_back,
        )
    return groups


def waiting_tables(schemas: dict, read_before: dict[str, set[str]]) -> set[str]:
    """The tables with a rule that waits until every table is read, and so need the whole
    of their kept columns: any rule that could apply once all the tables are there.
    `read_before` names, per table, the tables read before it."""
    # Which rules apply depends only on which tables are there, not on their rows.
    every_table = Context(dict.fromkeys(schemas), schemas, dt.date.today())
    return {
        table
        for table, _, rule, _, _ in rules(every_table)
        if not RULES[rule].reads_text
        and not RULES[rule].runs_per_batch(table, read_before.get(table, set()))
    }


def check_batch(
    ctx: Context,
    table: str,
    file: str,
    read_before: set[str],
    values_kept: int | None = None,
    hashed: set[str] = frozenset(),
) -> list[tuple[tuple, Group]]:
    """The rules that run on each batch, on the batch of `table` in `ctx`: (check, group).
    `hashed` names the columns held as hashes, whose values are read back from the file."""
    return _keyed(
        ctx,
        lambda t, rule: t == table and rule.runs_per_batch(t, read_before),
        {table: file},
        values_kept,
        {table: hashed},
    )


def check(
    ctx: Context,
    files: dict,
    read_before: dict[str, set[str]],
    values_kept: int | None = None,
    hashed: dict[str, set[str]] | None = None,
) -> list[Group]:
    """The rules that wait until every table is read, on what each kept: those that
    compare rows of their own table, or look up a table read after theirs."""
    found = _keyed(
        ctx,
        lambda t, rule: (
            not rule.reads_text and not rule.runs_per_batch(t, read_before[t])
        ),
        files,
        values_kept,
        hashed or {},
    )
    return [group for _, group in found]


def check_text(
    table: str, frame, schema: dict, file: str, today: dt.date, values_kept=None
) -> list[tuple[tuple, Group]]:
    """The rules that read the text of ids, on one batch of a table: (check, group)."""
    ctx = Context({table: frame}, {table: schema}, today)
    return _keyed(ctx, lambda t, rule: rule.reads_text, {table: file}, values_kept, {})
