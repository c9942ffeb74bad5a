"""A semantic rule is declared once, beside its function (`checks/rule_registry`): the rule set
is built from those declarations, and every declared rule has a bad input that it rejects."""

from __future__ import annotations

import pytest
from bad_inputs import CATALOGUE, ROOT
from sco_data.checks.rule_registry import Declarations, Target
from sco_data.checks.semantics import RULES

SCHEMAS = {"a": {"fields": []}, "b": {"fields": []}, "c": {"fields": []}}


def _declared_rules():
    declare = Declarations()

    @declare(
        "each-table",
        targets=lambda schemas: (Target(t, "x", {"table": t}) for t in schemas),
        message="{value} in {table}",
        looks_up={"c": ("id",)},
    )
    def each_table(ctx, table):
        return (ctx, table)

    @declare("one", table="b", column="y", message="{value} is wrong")
    def one(ctx):
        return ctx

    return declare.done(), declare


def test_a_rule_applies_to_each_target_whose_tables_are_present():
    rules, _ = _declared_rules()
    applied = rules.applied(
        SCHEMAS, {"a", "b"}
    )  # "c", which each-table looks up, is absent
    assert [(a.table, a.column, a.rule) for a in applied] == [("b", "y", "one")]
    applied = rules.applied(SCHEMAS, {"a", "c"})
    assert [(a.table, a.column, a.rule) for a in applied] == [
        ("a", "x", "each-table"),
        ("c", "x", "each-table"),
    ]
    # The target's params reach both the function and the message.
    assert applied[0].test("ctx") == ("ctx", "a")
    assert applied[1].message("7") == "7 in c"


def test_a_declaration_is_refused_when_incomplete_repeated_or_late():
    rules, declare = _declared_rules()
    with pytest.raises(RuntimeError):
        declare("later", table="a", column="x", message="")
    fresh = Declarations()
    with pytest.raises(TypeError):
        fresh("nowhere", message="")
    with pytest.raises(TypeError):
        fresh("both", table="a", column="x", targets=lambda s: (), message="")
    fresh("once", table="a", column="x", message="")(lambda ctx: ctx)
    with pytest.raises(ValueError):
        fresh("once", table="b", column="x", message="")
    with pytest.raises(TypeError):  # the looks_up of a done rule set cannot change
        rules["each-table"].looks_up["a"] = ("id",)


def test_every_declared_rule_has_a_bad_input_it_rejects():
    expected = {case.expect(ROOT) for case in CATALOGUE}
    caught = {e.rule for e in expected if e.layer == "pandera"}
    assert {rule.name for rule in RULES} <= caught
