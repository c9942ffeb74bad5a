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


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", nargs="?", default=".", help="folder holding datapackage.json"
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "github", "markdown"],
        default="text",
        help="github: one ::error annotation per group of findings",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=5,
        metavar="N",
        help="examples shown per group of findings (default 5)",
    )
    parser.add_argument(
        "--all", action="store_true", help="list every finding; no size bound"
    )
    parser.add_argument(
        "--findings-file",
        metavar="PATH",
        help="also write every single finding to PATH, one JSON object per line",
    )
    parser.add_argument(
        "--markdown-summary",
        metavar="PATH",
        help="also append the Markdown report to PATH (a CI job summary)",
    )
    parser.add_argument(
        "--no-data-docs",
        action="store_true",
        help=f"skip writing the HTML report to {DATA_DOCS}/",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    root = Path(args.root)
    descriptor = "datapackage.json"
    if not (root / descriptor).is_file():
        print(f"No {descriptor} in {root.resolve()}.", file=sys.stderr)
        return 2
    examples = None if args.all else max(args.examples, 0)
    from sco_data.checks.expectations import worker

    for ending in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(ending, _exit_through_finally)
    # GX lists only each failed expectation's first rows, unless every row is wanted.
    listing = None if args.all or args.findings_file else examples
    quality = worker.Worker(root, data_docs=not args.no_data_docs, examples=listing)
    from sco_data.checks import report

    try:
        groups, tables = run_checks(root, descriptor, quality=quality)
    finally:
        quality.stop()  # a no-op once the worker has answered
    if args.findings_file:
        with open(args.findings_file, "w", encoding="utf-8") as out:
            report.write_findings(groups, out)
    if args.markdown_summary:
        with open(args.markdown_summary, "a", encoding="utf-8") as out:
            out.write(report.as_markdown(groups, tables, examples))
    print(report.render(args.format, groups, tables, examples))
    for (
        note
    ) in quality.notes:  # about this run, not the package: stderr, same exit code
        print(f"Note: {note}", file=sys.stderr)
    return 1 if groups else 0


def _exit_through_finally(signal_number: int, frame) -> None:
    """A terminated run (a CI timeout, a closed terminal) stops its worker and removes its
    scratch on the way out, as an interrupted one does; only SIGKILL leaves that to the
    next run."""
    raise SystemExit(128 + signal_number)


if __name__ == "__main__":
    sys.exit(main())
