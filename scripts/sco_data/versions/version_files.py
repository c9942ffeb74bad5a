"""Where the package's version is written, read and set together: `version` in
datapackage.json, CITATION.cff (with `date-released`) and pyproject.toml, and a dated
heading in CHANGELOG.md (see `changelog`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sco_data.package.descriptor import as_json_text

DESCRIPTOR = "datapackage.json"
CITATION = "CITATION.cff"
PYPROJECT = "pyproject.toml"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
# The first `version` line of each file; pyproject.toml's is in [project], its first table.
LINES = {
    CITATION: re.compile(r"^version: *(.*?) *$", re.MULTILINE),
    PYPROJECT: re.compile(r'^version = "(.*)"$', re.MULTILINE),
}
CITATION_DATE = re.compile(r"^date-released: *(.*?) *$", re.MULTILINE)


def parse(text) -> tuple[int, int, int] | None:
    match = SEMVER.match(str(text or ""))
    return tuple(int(part) for part in match.groups()) if match else None


def bumped(version: tuple[int, int, int], level: str) -> tuple[int, int, int]:
    major, minor, patch = version
    return {
        "major": (major + 1, 0, 0),
        "minor": (major, minor + 1, 0),
        "patch": (major, minor, patch + 1),
        "none": version,
    }[level]


def text(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def versions(root: Path) -> dict[str, str | None]:
    """{file: the version it states} for each of the files that exists under root."""
    found = {}
    descriptor = root / DESCRIPTOR
    if descriptor.is_file():
        found[DESCRIPTOR] = json.loads(descriptor.read_text("utf-8")).get("version")
    for file, pattern in LINES.items():
        if (root / file).is_file():
            match = pattern.search((root / file).read_text("utf-8"))
            found[file] = match[1].strip("'\"") if match else None
    return found


def disagreements(root: Path) -> list[str]:
    """A sentence for each file whose version is not datapackage.json's."""
    stated = versions(root)
    main = stated.get(DESCRIPTOR)
    return [
        f"{file} says version {version!r}, datapackage.json {main!r}."
        for file, version in stated.items()
        if file != DESCRIPTOR and version != main
    ]


def with_version(root: Path, version: str, day: str) -> dict[Path, str]:
    """{path: its new text} for the files outside the changelog that state the version."""
    files = {}
    descriptor = root / DESCRIPTOR
    package = json.loads(descriptor.read_text("utf-8"))
    package["version"] = version
    files[descriptor] = as_json_text(package)
    for file, pattern in LINES.items():
        path = root / file
        if not path.is_file():
            continue
        new = _replace_first(pattern, path.read_text("utf-8"), version)
        if file == CITATION:
            new = _replace_first(CITATION_DATE, new, day)
        files[path] = new
    return files


def _replace_first(pattern: re.Pattern, text: str, value: str) -> str:
    match = pattern.search(text)
    if match is None:
        return text
    start, end = match.span(1)
    return text[:start] + value + text[end:]
