"""`make diff BASE=<git ref>`: rows added, removed and changed per table since BASE.

Prints a text listing (daff's highlighter rows: +++ added, --- removed, -> changed) and a
Markdown summary to paste into CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sco_data.versions import row_diff
from sco_data.versions.comparison import compare
from sco_data.versions.git_snapshot import SnapshotError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git ref to compare with")
    parser.add_argument(
        "--format", choices=["text", "markdown", "both"], default="both"
    )
    parser.add_argument("root", nargs="?", default=".")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        diffs = compare(root, args.base).diffs
    except SnapshotError as error:
        print(f"diff: {error}", file=sys.stderr)
        return 2
    if args.format in ("text", "both"):
        print(row_diff.as_text(diffs, args.base))
    if args.format == "both":
        print()
    if args.format in ("markdown", "both"):
        print(row_diff.as_markdown(diffs, args.base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
