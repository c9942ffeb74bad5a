"""`make validate`: run every check on the package and print one report.

Exit 0 when the package is valid, 1 when any check finds a problem, 2 on a usage error.
This module stays light on purpose: it starts the Great Expectations worker before the
other layers' libraries are even imported, so that GX's long import overlaps them.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from sco_data.checks.expectations import DATA_DOCS


def run_checks(*args, **kwargs):
    """See `sco_data.checks.pipeline.run_checks`."""
    from sco_data.checks.pipeline import run_checks as run

    return run(*args, **kwargs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", nargs="?", default=".", help="folder holding datapackage.json"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--no-data-docs",
        action="store_true",
        help=f"skip writing the HTML report to {DATA_DOCS}/",
    )
    args = parser.parse_args(argv)
    root = Path(args.root)
    descriptor = "datapackage.json"
    if not (root / descriptor).is_file():
        print(f"No {descriptor} in {root.resolve()}.", file=sys.stderr)
        return 2
    from sco_data.checks.expectations import worker

    for ending in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(ending, _exit_through_finally)
    quality = worker.Worker(root, data_docs=not args.no_data_docs)
    from sco_data.checks import report

    try:
        findings, tables = run_checks(root, descriptor, quality=quality)
    finally:
        quality.stop()  # a no-op once the worker has answered
    render = report.as_json if args.format == "json" else report.as_text
    print(render(findings, tables))
    for (
        note
    ) in quality.notes:  # about this run, not the package: stderr, same exit code
        print(f"Note: {note}", file=sys.stderr)
    return 1 if findings else 0


def _exit_through_finally(signal_number: int, frame) -> None:
    """A terminated run (a CI timeout, a closed terminal) stops its worker and removes its
    scratch on the way out, as an interrupted one does; only SIGKILL leaves that to the
    next run."""
    raise SystemExit(128 + signal_number)


if __name__ == "__main__":
    sys.exit(main())
