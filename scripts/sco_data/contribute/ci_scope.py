"""How much of CI a change needs: `data` when it touches only the data (and the notes that
go with it), `full` otherwise.

A `data` change runs `make pr-check` and the data tests; anything else may change what the
code does, so it also runs the whole suite. The list below says what is safe to skip for;
every other path (scripts/, tests/, schemas/, the workflows, the dependencies, the Makefile,
files nobody listed yet) runs everything.

    python -m sco_data.contribute.ci_scope --base <git ref>    # prints suite=data|full
"""

from __future__ import annotations

import argparse
import subprocess
import sys

# Prefixes and files whose changes no code reads as code.
DATA_ONLY = ("data/", "changelog.d/", "CHANGELOG.md", "docs/sourcing-gaps.md")


def scope(paths: list[str]) -> str:
    if paths and all(path.startswith(DATA_ONLY) for path in paths):
        return "data"
    return "full"


def changed(base: str, head: str = "HEAD") -> list[str]:
    """Paths changed between the merge base of `base` and `head`, and `head`."""
    listed = subprocess.run(
        ["git", "diff", "-z", "--name-only", "--no-renames", f"{base}...{head}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [path for path in listed.stdout.split("\0") if path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git ref the change is made on")
    args = parser.parse_args(argv)
    try:
        paths = changed(args.base)
    except subprocess.CalledProcessError as error:
        print(f"ci-scope: {error.stderr.strip()}", file=sys.stderr)
        return 2
    print(f"suite={scope(paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
