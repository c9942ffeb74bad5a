"""Render grouped findings: for people (text, Markdown), machines (JSON, NDJSON) and GitHub.

One entry per (layer, file, column, rule), however many cells it covers: the message once, the
count, the first examples and the lines as ranges. Whole-file and descriptor problems come
first, then the largest groups. The text report has a bounded size whatever the input, and
says what it left out and how to see it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from sco_data.findings import Group, line_ranges

TEXT_LIMIT = 100_000  # characters: a CI log, or a terminal, still shows all of it
RUNS_SHOWN = 8  # line ranges listed before "and N more"
VALUE_WIDTH = 80  # characters of a value shown in an example
METADATA_LAYERS = {"descriptor", "descriptor-keys", "frictionless"}


def _file_level(group: Group) -> bool:
    return (
        group.layer in METADATA_LAYERS
        or not len(group.lines)
        or bool((group.lines == 1).all())
    )


def ordered(groups: list[Group]) -> list[Group]:
    """Descriptor and whole-file problems first (a broken file explains the rest), then the
    largest groups; otherwise in the order the layers found them."""
    return sorted(groups, key=lambda g: (not _file_level(g), -g.count))


def _number(n: int) -> str:
    return f"{n:,}"


def lines_text(group: Group, runs_shown: int | None = RUNS_SHOWN) -> str:
    """`2, 5, 9–40 and 3,112 more`: the lines as runs, the first few in full."""
    if not len(group.lines):
        return ""
    runs = line_ranges(group.lines)
    shown = runs if runs_shown is None else runs[:runs_shown]
    parts = [
        _number(first) if first == last else f"{_number(first)}–{_number(last)}"
        for first, last in shown
    ]
    listed = sum(last - first + 1 for first, last in shown)
    more = group.count - listed
    text = ", ".join(parts)
    return f"{text} and {_number(more)} more" if more > 0 else text


def _value(value: str | None) -> str:
    if value is None:
        return ""
    shown = value if len(value) <= VALUE_WIDTH else value[: VALUE_WIDTH - 1] + "…"
    return repr(shown)


def _count_text(group: Group) -> str:
    kind = "row" if group.column is None or "," in (group.column or "") else "cell"
    return f"{_number(group.count)} {kind}{'s' if group.count != 1 else ''}"


def _group_text(number: int, group: Group, examples: int | None) -> list[str]:
    where = f"[{group.layer}] {group.file}"
    if group.count == 1 and len(group.lines) <= 1:
        # One finding reads as it always has: its line, column, rule and value.
        line = int(group.lines[0]) if len(group.lines) else None
        where += f", line {line}" if line is not None else ""
        where += f", {group.column}" if group.column else ""
        value = group.value_at(0) if group.values is not None else None
        shown = f" (value: {_value(value)})" if value not in (None, "") else ""
        text = [f"{number:>3}. {where}: {group.rule}{shown}", f"     {group.message}"]
    else:
        where += f", {group.column}" if group.column else ""
        runs = None if examples is None else RUNS_SHOWN
        counted = f"{_count_text(group)} on lines {lines_text(group, runs)}"
        text = [
            f"{number:>3}. {where}: {group.rule}, {counted}",
            f"     {group.message}",
        ]
        listed = group.examples(examples)
        samples = "; ".join(
            f"line {_number(line)}: {_value(value)}"
            if value is not None
            else f"line {line}"
            for line, value in listed
        )
        left = group.count - len(listed)
        if left > 0:
            samples += f" (first {len(listed)} of {_number(group.count)})"
        text.append(f"     {samples}")
    if group.also_found_by:
        text.append(f"     (also found by: {', '.join(group.also_found_by)})")
    return text


def _summary(groups: list[Group], tables: dict[str, dict]) -> list[str]:
    per_file = Counter()
    for group in groups:
        per_file[group.file] += group.count
    lines = ["Summary per table:"]
    width = max([len(name) for name in tables] + [5])
    for name, table in tables.items():
        problems = per_file.get(table["file"], 0)
        status = "ok" if problems == 0 else f"{_number(problems)} problem(s)"
        count = table["rows"] if table["rows"] is not None else "?"
        lines.append(f"  {name:<{width}}  {count:>6} rows  {status}")
    for file in sorted(set(per_file) - {t["file"] for t in tables.values()}):
        lines.append(f"  {file:<{width}}  {'':>6}       {per_file[file]} problem(s)")
    return lines


def as_text(
    groups: list[Group],
    tables: dict[str, dict],
    examples: int | None = 5,
    limit: int | None = TEXT_LIMIT,
) -> str:
    """The report; `examples=None` lists every finding and lifts the size bound."""
    lines = []
    if groups:
        total = sum(g.count for g in groups)
        counted = (
            f", {_number(total)} cells or rows in all" if total != len(groups) else ""
        )
        lines.append(f"{len(groups)} problem(s) found{counted}:")
        size, shown = len(lines[0]), 0
        for number, group in enumerate(ordered(groups), start=1):
            text = _group_text(number, group, examples)
            cost = sum(len(t) + 1 for t in text)
            if examples is not None and limit is not None and size + cost > limit:
                break
            lines += text
            size, shown = size + cost, shown + 1
        if shown < len(groups):
            left = ordered(groups)[shown:]
            lines.append(
                f"... and {len(left)} more problem(s) ({_number(sum(g.count for g in left))}"
                " cells or rows) not shown, to keep this report short: run "
                "`sco-validate --all`, `--format json`, or `--findings-file PATH` for "
                "every one."
            )
        lines.append("")
    lines += _summary(groups, tables)
    lines.append("")
    lines.append("VALID" if not groups else "INVALID")
    return "\n".join(lines)


def as_json(
    groups: list[Group], tables: dict[str, dict], examples: int | None = 5
) -> str:
    document = {
        "valid": not groups,
        "findings": [g.as_dict(examples) for g in ordered(groups)],
        "tables": tables,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _escape(text: str, property_value: bool = False) -> str:
    """GitHub's workflow-command escaping (data, and property values)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(groups: list[Group], tables: dict[str, dict]) -> str:
    """One `::error` workflow command per group, the largest first, so the few annotations
    GitHub shows per step are the problems that matter most; then the verdict."""
    lines = []
    for group in sorted(groups, key=lambda g: -g.count):
        where = f"file={_escape(group.file, True)}"
        if len(group.lines):
            where += f",line={int(group.lines[0])}"
        title = f"{group.rule} ({_count_text(group)})"
        if group.column:
            title += f" in {group.column}"
        message = group.message
        if len(group.lines) and group.count > 1:
            message += f" Lines {lines_text(group)}."
        lines.append(
            f"::error {where},title={_escape(title, True)}::{_escape(message)}"
        )
    total = sum(g.count for g in groups)
    lines.append(
        "VALID"
        if not groups
        else f"INVALID: {len(groups)} problem(s), {_number(total)} cells or rows"
    )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(
    groups: list[Group], tables: dict[str, dict], examples: int | None = 5
) -> str:
    """For a pull request's job summary: the result per table, then the grouped findings."""
    per_file = Counter()
    for group in groups:
        per_file[group.file] += group.count
    lines = [
        "## Validation: " + ("valid" if not groups else "**invalid**"),
        "",
        "| table | rows | result |",
        "|---|---:|---|",
    ]
    for name, table in tables.items():
        problems = per_file.get(table["file"], 0)
        rows = table["rows"] if table["rows"] is not None else "?"
        result = "ok" if not problems else f"{_number(problems)} problem(s)"
        lines.append(f"| `{name}` | {rows} | {result} |")
    if groups:
        lines += [
            "",
            "| layer | file | column | rule | count | lines | message | examples |",
            "|---|---|---|---|---:|---|---|---|",
        ]
        for group in ordered(groups)[:200]:
            shown = "; ".join(
                f"{line}: {_value(value)}" if line is not None else _value(value)
                for line, value in group.examples(examples)
            )
            also = (
                f" (also: {', '.join(group.also_found_by)})"
                if group.also_found_by
                else ""
            )
            lines.append(
                f"| {group.layer}{also} | `{group.file}` | {_cell(group.column or '')} | "
                f"{group.rule} | {_number(group.count)} | {_cell(lines_text(group))} | "
                f"{_cell(group.message)} | {_cell(shown)} |"
            )
        if len(groups) > 200:
            lines.append(f"\n{len(groups) - 200} more problem(s): see the job's log.")
    return "\n".join(lines) + "\n"


def write_findings(groups: Iterable[Group], out: TextIO) -> int:
    """Every single finding as one JSON object per line (NDJSON), written as it is made,
    so that no list of them is ever held; returns how many were written."""
    written = 0
    for group in groups:
        for finding in group.findings():
            out.write(json.dumps(finding.as_dict(), ensure_ascii=False) + "\n")
            written += 1
    return written


FORMATS = ("text", "json", "github", "markdown")


def render(
    form: str, groups: list[Group], tables: dict[str, dict], examples: int | None = 5
) -> str:
    """The report in one of FORMATS."""
    if form == "json":
        return as_json(groups, tables, examples)
    if form == "github":
        return as_github(groups, tables)
    if form == "markdown":
        return as_markdown(groups, tables, examples)
    return as_text(groups, tables, examples)
