"""Every file derived from the package, and how to regenerate them all.

Some derived values live inside hand-written files (the `bytes` and `hash` of each resource
in datapackage.json, the README's row counts, the derived expectations beside authored ones
in a suite): `derived_part` picks out only what the machine writes, so that an edit to the
rest of such a file is never taken for an edit of its derived part.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sco_data.checks.expectations import suites
from sco_data.files import WriteFailed, generator_main, write_changed
from sco_data.publish import build, figure_files, readme_counts, zenodo


@dataclass(frozen=True)
class Generator:
    target: str  # the make target a person would run
    files: Callable[[Path], dict[str, str]]  # {file relative to root: its text}
    needs_valid_data: bool  # drawn from typed tables, which invalid data cannot give


GENERATORS = (
    Generator("make build", build.built, needs_valid_data=False),
    Generator("make build", zenodo.built, needs_valid_data=False),
    Generator("make suites", suites.rebuilt_files, needs_valid_data=False),
    Generator("make figures", figure_files.rendered, needs_valid_data=True),
)


def read_text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def derived_part(file: str, text: str | None):
    """What of `file`'s text the generators write; the whole text for a wholly derived
    file, and None for a missing one."""
    if text is None:
        return None
    try:
        if file == build.DESCRIPTOR:
            return {
                resource.get("name"): (resource.get("bytes"), resource.get("hash"))
                for resource in json.loads(text).get("resources", [])
            }
        if file.startswith(suites.SUITES_DIR + "/"):
            return suites.derived_part(json.loads(text))
    except (json.JSONDecodeError, AttributeError, TypeError):
        return text
    if file == readme_counts.FILE:
        return readme_counts.listed(text)
    return text


def expected(root: Path, generators=GENERATORS) -> dict[str, str]:
    """{file: the text its generator writes} over `generators`."""
    files = {}
    for generator in generators:
        files.update(generator.files(root))
    return files


def write(root: Path, files: dict[str, str]) -> list[str]:
    """Write the files whose text differs; return those written, relative to root."""
    for folder in {(root / file).parent for file in files}:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteFailed(folder, error) from error
    written = write_changed({root / file: text for file, text in files.items()})
    return [path.relative_to(root).as_posix() for path in written]


def main(argv: list[str] | None = None) -> int:
    return generator_main(
        argv,
        "`make build`: regenerate every derived file (--check: name the stale ones).",
        expected,
        "is out of date: run `make build`.",
    )


if __name__ == "__main__":
    sys.exit(main())
