"""`make validate`: run every check on the package and print one report.

Exit 0 when the package is valid, 1 when any check finds a problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sco_data import descriptor_keys, frictionless_check, iso_codes, report
from sco_data.descriptor import read as read_descriptor
from sco_data.findings import Finding


def run_checks(
    root: Path, file: str = "datapackage.json"
) -> tuple[list[Finding], dict]:
    """All findings, and per table {"file": its CSV, "rows": rows read (None when unread)}."""
    descriptor = read_descriptor(root, file)
    findings = descriptor.problems + descriptor_keys.check_package(descriptor)
    contract_findings, rows = frictionless_check.check_package(root, descriptor)
    findings += contract_findings
    findings += iso_codes.check_states(root, descriptor)
    tables = {
        name: {"file": path, "rows": rows.get(name)}
        for name, path in descriptor.resource_files().items()
    }
    return findings, tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", nargs="?", default=".", help="folder holding datapackage.json"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    root = Path(args.root)
    descriptor = "datapackage.json"
    if not (root / descriptor).is_file():
        print(f"No {descriptor} in {root.resolve()}.", file=sys.stderr)
        return 2
    findings, tables = run_checks(root, descriptor)
    render = report.as_json if args.format == "json" else report.as_text
    print(render(findings, tables))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
