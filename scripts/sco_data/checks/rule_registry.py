"""How a semantic rule is declared: once, beside its function, by a decorator that records
its name, message, the table(s) and column(s) it applies to, and what it reads.

    declare = Declarations()

    @declare("quote-outside-event", table="quotes", column="date",
             message="The quote is dated {value}, outside the dates of its event.",
             looks_up={"events": ("id", "start_date", "end_date", "date_precision")})
    def _quote_within_event(ctx): ...

    RULES = declare.done()

A rule that applies to many tables or fields names a function of the Table Schemas instead
(`targets=`), which yields one `Target` per (table, column). `done()` returns the `RuleSet`,
which cannot change; the `Declarations` refuse further rules from then on. Nothing here knows
pandas or how rules are run: `semantics` declares the rules, `semantic_run` runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import NamedTuple


@dataclass(frozen=True)
class Target:
    """One place a rule applies: its table, the column its findings name, and the keyword
    arguments its function and its message take there."""

    table: str
    column: str
    params: Mapping[str, str] = field(default_factory=dict)


class Applied(NamedTuple):
    """A rule on one target, ready to run: `test(context)` is True on the rows that pass,
    `message(value)` is the sentence a finding shows."""

    table: str
    column: str
    rule: str
    message: Callable[[str | None], str]
    test: Callable


@dataclass(frozen=True)
class Rule:
    """A declared rule. `message` is a `str.format` template: `{value}` is the offending
    value, the other names are the target's params (write `{{` for a brace).

    `looks_up` names, per other table, the columns the rule reads of it: a table keeps those
    once read, and the rule runs only when they are there. `across_rows`: the rule compares
    rows of its own table, so it waits for the whole table. `reads_text`: it reads the text
    of ids, on each batch's text columns, instead of comparing their hashes."""

    name: str
    message: str
    test: Callable
    targets: Callable[[Mapping[str, dict]], Iterable[Target]]
    looks_up: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    across_rows: bool = False
    reads_text: bool = False

    def applied(self, schemas: Mapping[str, dict], present: Collection[str]):
        """The rule on each of its targets whose table, and the tables it looks up, are
        `present`."""
        for target in self.targets(schemas):
            if target.table in present and all(t in present for t in self.looks_up):
                yield Applied(
                    target.table,
                    target.column,
                    self.name,
                    partial(_sentence, self.message, target.params),
                    partial(self.test, **target.params),
                )

    def runs_per_batch(self, table: str, read_before: Collection[str]) -> bool:
        """Whether the rule, on `table`, can run on each batch of it as it is read: it
        reads one row at a time, and every table it looks up was read before."""
        if self.across_rows or self.reads_text:
            return False
        return all(t in read_before for t in self.looks_up if t != table)


def _sentence(template: str, params: Mapping[str, str], value) -> str:
    return template.format(value=value, **params)


def one_target(table: str, column: str):
    """The `targets` of a rule that applies to one column of one table."""
    return lambda schemas: (Target(table, column),)


@dataclass(frozen=True)
class RuleSet:
    """Every declared rule, in the order declared (which is the order their checks run
    and their findings come in, between groups of equal size)."""

    rules: tuple[Rule, ...]

    def __iter__(self):
        return iter(self.rules)

    def __getitem__(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def applied(self, schemas: Mapping[str, dict], present: Collection[str]):
        """Each rule on each of its targets that `present` allows, rule by rule."""
        return [a for rule in self.rules for a in rule.applied(schemas, present)]

    def looked_up(self, table: str) -> set[str]:
        """The columns of `table` that rules of other tables look up."""
        return {c for rule in self.rules for c in rule.looks_up.get(table, ())}

    def text_tables(self, schemas: Mapping[str, dict]) -> set[str]:
        """The tables a rule reading the text of ids applies to."""
        return {
            target.table
            for rule in self.rules
            if rule.reads_text
            for target in rule.targets(schemas)
        }


@dataclass
class Declarations:
    """The rules of one module as it declares them; `done()` hands over the `RuleSet`."""

    declared: list[Rule] = field(default_factory=list)
    closed: bool = False

    def __call__(
        self,
        name: str,
        *,
        message: str,
        table: str | None = None,
        column: str | None = None,
        targets: Callable[[Mapping[str, dict]], Iterable[Target]] | None = None,
        looks_up: Mapping[str, tuple[str, ...]] | None = None,
        across_rows: bool = False,
        reads_text: bool = False,
    ):
        """A decorator declaring its function as rule `name`: on `column` of `table`, or
        on each `Target` that `targets(schemas)` yields. The function is returned as it
        is; it takes the context and the target's params, and returns True where a row
        passes."""
        if (targets is None) == (table is None or column is None):
            raise TypeError(f"rule {name}: give either table and column, or targets")
        if self.closed:
            raise RuntimeError(f"rule {name}: declared after the rule set was done")
        if any(r.name == name for r in self.declared):
            raise ValueError(f"rule {name} is declared twice")

        def register(test: Callable) -> Callable:
            self.declared.append(
                Rule(
                    name,
                    message,
                    test,
                    targets or one_target(table, column),
                    MappingProxyType(dict(looks_up or {})),
                    across_rows,
                    reads_text,
                )
            )
            return test

        return register

    def done(self) -> RuleSet:
        self.closed = True
        return RuleSet(tuple(self.declared))
