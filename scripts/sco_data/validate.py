"""`make validate`: run every check on the package and print one report.

Exit 0 when the package is valid, 1 when any check finds a problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sco_data import descriptor_keys, frictionless_check, iso_codes, report
from sco_data.findings import Finding


def _resource_files(root: Path, descriptor: str) -> dict[str, str]:
    try:
        package = json.loads((root / descriptor).read_text("utf-8"))
        return {
            r["name"]: r["path"]
            for r in package.get("resources", [])
            if isinstance(r, dict)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def run_checks(
    root: Path, descriptor: str = "datapackage.json"
) -> tuple[list[Finding], dict]:
    findings = descriptor_keys.check_package(root, descriptor)
    contract_findings, rows = frictionless_check.check_package(root, descriptor)
    findings += contract_findings
    findings += iso_codes.check_states(root)
    return findings, rows


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
    findings, rows = run_checks(root, descriptor)
    files = _resource_files(root, descriptor)
    render = report.as_json if args.format == "json" else report.as_text
    print(render(findings, rows, files))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
