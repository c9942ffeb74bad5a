"""Render findings for people (text) and machines (JSON)."""

from __future__ import annotations

import json
from collections import Counter

from sco_data.findings import Finding


def as_text(findings: list[Finding], tables: dict[str, dict]) -> str:
    lines = []
    if findings:
        lines.append(f"{len(findings)} problem(s) found:")
        for number, finding in enumerate(findings, start=1):
            value = (
                f" (value: {finding.value!r})"
                if finding.value not in (None, "")
                else ""
            )
            where = f"[{finding.layer}] {finding.location()}"
            lines.append(f"{number:>3}. {where}: {finding.rule}{value}")
            lines.append(f"     {finding.message}")
            if finding.also_found_by:
                lines.append(
                    f"     (also found by: {', '.join(finding.also_found_by)})"
                )
        lines.append("")
    per_file = Counter(f.file for f in findings)
    lines.append("Summary per table:")
    width = max([len(name) for name in tables] + [5])
    for name, table in tables.items():
        problems = per_file.get(table["file"], 0)
        status = "ok" if problems == 0 else f"{problems} problem(s)"
        count = table["rows"] if table["rows"] is not None else "?"
        lines.append(f"  {name:<{width}}  {count:>6} rows  {status}")
    for file in sorted(set(per_file) - {t["file"] for t in tables.values()}):
        lines.append(f"  {file:<{width}}  {'':>6}       {per_file[file]} problem(s)")
    lines.append("")
    lines.append("VALID" if not findings else "INVALID")
    return "\n".join(lines)


def as_json(findings: list[Finding], tables: dict[str, dict]) -> str:
    document = {
        "valid": not findings,
        "findings": [f.as_dict() for f in findings],
        "tables": tables,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
