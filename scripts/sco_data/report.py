"""Render findings for people (text) and machines (JSON)."""

from __future__ import annotations

import json
from collections import Counter

from sco_data.findings import Finding


def as_text(
    findings: list[Finding], rows: dict[str, int | None], files: dict[str, str]
) -> str:
    lines = []
    if findings:
        lines.append(f"{len(findings)} problem(s) found:")
        for number, finding in enumerate(findings, start=1):
            value = (
                f" (value: {finding.value!r})"
                if finding.value not in (None, "")
                else ""
            )
            lines.append(
                f"{number:>3}. [{finding.layer}] {finding.location()}: {finding.rule}{value}"
            )
            lines.append(f"     {finding.message}")
        lines.append("")
    per_file = Counter(f.file for f in findings)
    lines.append("Summary per table:")
    width = max([len(name) for name in rows] + [5])
    for name, count in rows.items():
        problems = per_file.get(files.get(name, ""), 0)
        status = "ok" if problems == 0 else f"{problems} problem(s)"
        lines.append(
            f"  {name:<{width}}  {count if count is not None else '?':>6} rows  {status}"
        )
    others = sorted(set(per_file) - set(files.values()))
    for file in others:
        lines.append(f"  {file:<{width}}  {'':>6}       {per_file[file]} problem(s)")
    lines.append("")
    lines.append("VALID" if not findings else "INVALID")
    return "\n".join(lines)


def as_json(
    findings: list[Finding], rows: dict[str, int | None], files: dict[str, str]
) -> str:
    return json.dumps(
        {
            "valid": not findings,
            "findings": [f.as_dict() for f in findings],
            "tables": {
                name: {"file": files.get(name), "rows": count}
                for name, count in rows.items()
            },
        },
        indent=2,
        ensure_ascii=False,
    )
