"""The `rows` column of the README's table of tables, counted from the data by `make build`.

Only the counts are generated: each table's line, and what it says a row is, stay
hand-written. A table the README does not list gets no line written for it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

FILE = "README.md"
# | `events` | 109 | a summit ...
LISTED = re.compile(r"^(\| `(\w+)` \| )(\d*)( \|)", re.MULTILINE)


def record_count(path: Path) -> int:
    """Records, not lines: a quoted cell may hold a line break."""
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def counts(root: Path, package: dict) -> dict[str, int]:
    return {
        resource["name"]: record_count(root / resource["path"])
        for resource in package.get("resources", [])
        if isinstance(resource.get("path"), str) and (root / resource["path"]).is_file()
    }


def listed(text: str) -> dict[str, str]:
    """{table: the count the README states}."""
    return {match[2]: match[3] for match in LISTED.finditer(text)}


def with_counts(text: str, table_counts: dict[str, int]) -> str:
    def counted(match: re.Match) -> str:
        count = table_counts.get(match[2])
        if count is None:
            return match[0]
        return f"{match[1]}{count}{match[4]}"

    return LISTED.sub(counted, text)


def readme(root: Path, package: dict) -> dict[str, str]:
    """{README.md: its text with the counts of today's data}, or {} without a README."""
    path = root / FILE
    if not path.is_file():
        return {}
    return {FILE: with_counts(path.read_text("utf-8"), counts(root, package))}
