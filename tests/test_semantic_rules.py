"""The semantic rules say what they read of other tables (`LOOKS_UP`) and which compare rows
of their own table (`ACROSS_ROWS`). Once a table is read it keeps only the columns other
tables' rules declare, and a rule runs batch by batch only when the tables it declares were
read before its own: a rule reading a column it does not declare would find nothing, and
say nothing. These tests hold the declarations to what the rules read."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ROOT
from sco_data.checks import semantics
from sco_data.package.descriptor import read as read_descriptor
from sco_data.package.typed import load_package

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def tables():
    return load_package(ROOT), read_descriptor(ROOT).table_schemas()


def _rules(frames, schemas):
    return semantics.rules(semantics.Context(dict(frames), schemas, TODAY))


def _declared_only(frames, table, declared):
    """The rule's own table whole, the others with only the columns `declared`."""
    return {
        name: frame
        if name == table
        else frame[[c for c in declared.get(name, ()) if c in frame.columns]]
        for name, frame in frames.items()
    }


def test_every_declared_rule_exists(tables):
    names = {rule for _, _, rule, _, _ in _rules(*tables)}
    declared = (
        set(semantics.LOOKS_UP) | semantics.ACROSS_ROWS | set(semantics.READS_TEXT)
    )
    assert declared <= names, f"declared but no such rule: {declared - names}"


def test_each_rule_reads_of_other_tables_only_what_it_declares(tables):
    frames, schemas = tables
    for table, _, rule, _, test in _rules(frames, schemas):
        declared = semantics.LOOKS_UP.get(rule, {})
        only = _declared_only(frames, table, declared)
        context = semantics.Context(only, schemas, TODAY)
        try:
            test(context)
        except KeyError as error:
            pytest.fail(f"{rule} on {table} reads {error} without declaring it")


def test_the_check_catches_an_undeclared_column(tables):
    frames, schemas = tables
    declared = {
        "events": ("id", "organisation_id"),
        "organisations": ("id", "parent_id"),
    }
    declared["memberships"] = semantics.LOOKS_UP["status-on-event-day"]["memberships"]
    only = _declared_only(frames, "event_participants", declared)  # no start_date
    test = next(
        t for _, _, r, _, t in _rules(frames, schemas) if r == "status-on-event-day"
    )
    with pytest.raises(KeyError):
        test(semantics.Context(only, schemas, TODAY))
