"""CHANGELOG.md as Keep a Changelog writes it, and the fragments that feed it.

A pull request may add a line to the `## [Unreleased]` section, or a fragment file
`changelog.d/<name>.<section>.md` (section: added, changed, deprecated, removed, fixed,
security), one bullet per line: fragments never conflict with another pull request's.
A release (`make prepare-release`) moves the Unreleased section and every fragment under a
dated heading `## [X.Y.Z] - YYYY-MM-DD` and removes the fragments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sco_data.versions.row_diff import TableDiff
from sco_data.versions.schema_changes import Change

FILE = "CHANGELOG.md"
FRAGMENTS = "changelog.d"
SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
UNRELEASED = "## [Unreleased]"
RELEASE_HEADING = re.compile(
    r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE
)
KEYS_LISTED = 5  # row keys a proposed entry names per table before "and N more"


class ChangelogError(Exception):
    pass


@dataclass
class Entry:
    """A version's notes: free text first, then a bullet list per section."""

    preamble: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(line.strip() for line in self.preamble) and not any(
            self.sections.values()
        )

    def add(self, section: str, lines: list[str]) -> None:
        self.sections.setdefault(section, []).extend(lines)

    def markdown(self) -> str:
        parts = []
        preamble = "\n".join(self.preamble).strip()
        if preamble:
            parts.append(preamble)
        for section in sorted(self.sections, key=_section_order):
            lines = self.sections[section]
            if lines:
                parts.append(f"### {section}\n" + "\n".join(lines).rstrip())
        return "\n\n".join(parts)


def _section_order(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


def has_entry(text: str, version: str) -> bool:
    return any(match[1] == version for match in RELEASE_HEADING.finditer(text))


def last_release(text: str) -> str | None:
    """The version of the newest dated heading."""
    match = RELEASE_HEADING.search(text)
    return match[1] if match else None


def entry_text(text: str, version: str) -> str | None:
    """The dated entry of `version`, heading included, or None."""
    heading = re.search(
        rf"^## \[{re.escape(version)}\] - .*$", text or "", re.MULTILINE
    )
    if heading is None:
        return None
    following = re.compile(r"^## ", re.MULTILINE).search(text, heading.end())
    return text[heading.start() : following.start() if following else len(text)]


def _unreleased_span(text: str) -> tuple[int, int]:
    """Where the Unreleased section's body starts and ends."""
    start = text.find(UNRELEASED)
    if start < 0:
        raise ChangelogError(f"{FILE} has no '{UNRELEASED}' heading.")
    body = text.index("\n", start) + 1 if "\n" in text[start:] else len(text)
    following = re.compile(r"^## ", re.MULTILINE).search(text, body)
    return body, following.start() if following else len(text)


def unreleased_text(text: str) -> str:
    start, end = _unreleased_span(text)
    return text[start:end].strip()


def parse_entry(body: str) -> Entry:
    entry, section = Entry(), None
    for line in body.splitlines():
        heading = re.match(r"^### +(.+?)\s*$", line)
        if heading:
            section = heading[1]
            entry.sections.setdefault(section, [])
        elif section is None:
            entry.preamble.append(line)
        else:
            entry.sections[section].append(line)
    for lines in entry.sections.values():
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
    return entry


def fragment_files(root: Path) -> list[Path]:
    """The fragments, in name order; a file in changelog.d/ that names no section is an
    error, so that no note is silently left out of a release."""
    folder = root / FRAGMENTS
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name == "README.md" or path.name.startswith("."):
            continue
        if fragment_section(path) is None:
            raise ChangelogError(
                f"{path.relative_to(root).as_posix()}: name it <name>.<section>.md, "
                f"section one of {', '.join(s.lower() for s in SECTIONS)}."
            )
        found.append(path)
    return found


def fragment_section(path: Path) -> str | None:
    parts = path.name.split(".")
    if len(parts) < 3 or parts[-1] != "md":
        return None
    return next((s for s in SECTIONS if s.lower() == parts[-2].lower()), None)


def _bullets(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    if lines and not lines[0].startswith(("- ", "* ")):
        return ["- " + lines[0]] + ["  " + line.strip() for line in lines[1:]]
    return lines


def pending(root: Path) -> Entry:
    """The Unreleased section with every fragment added to its section."""
    entry = parse_entry(unreleased_text((root / FILE).read_text("utf-8")))
    for path in fragment_files(root):
        entry.add(fragment_section(path), _bullets(path.read_text("utf-8")))
    return entry


def released(text: str, version: str, day: str, entry: Entry) -> str:
    """The changelog with `entry` under a heading for `version`, and an empty Unreleased."""
    start, end = _unreleased_span(text)
    notes = entry.markdown()
    section = f"\n## [{version}] - {day}\n\n" + (notes + "\n\n" if notes else "")
    return text[:start] + section + text[end:]


def proposed(changes: list[Change], diffs: list[TableDiff]) -> Entry:
    """An entry written from the changes themselves, for a pull request that brings none."""
    entry = Entry()
    for diff in diffs:
        for count, marker, section, verb in (
            (diff.added, "+++", "Added", "added"),
            (diff.changed, "->", "Changed", "corrected"),
            (diff.removed, "---", "Removed", "removed"),
        ):
            if count:
                named = _named(diff.keys(marker), count)
                entry.add(section, [f"- `{diff.table}`: {count} row(s) {verb}{named}."])
    for change in changes:
        if "row(s)" not in change.what:
            entry.add("Changed", [f"- `{change.where}`: {change.what}."])
    return entry


def _named(keys: list[str], count: int) -> str:
    if not keys:
        return ""
    shown = ", ".join(f"`{key}`" for key in keys[:KEYS_LISTED])
    more = count - min(len(keys), KEYS_LISTED)
    return f" ({shown}" + (f" and {more} more" if more > 0 else "") + ")"
