"""Build a synthetic copy of the package whose three large tables have exactly N rows each.

    python -m sco_data.bench.synthetic --rows 1000000 --out bench/1m [ROOT]

The benchmark measures the validator on packages far larger than the real one. A finding would
send the validator down its reporting path instead of the one being measured, so the copy is
valid by construction:

- row r of a scaled table is real row r % n, copy r // n; copy 0 is the real row itself, so the
  first n rows are the real file and the tables that reference them still resolve;
- a copy k >= 1 changes only what must be unique: ids get `-copy<k>`, an event's title gets
  ` (copy <k>)` (the events suite wants title and start date unique together), and a
  participant points at copy k of its event, with the id the participant-id rule asks for;
- every other value, and every other table, is the real one, so dates, categories, references
  and the cross-table rules hold exactly as they do in the real package.

Each real row is encoded once with the csv module, with a marker where the copy number goes;
copy k of the whole table is then one bytes.join of those pieces around k, written a bounded
chunk at a time. The output is therefore byte for byte what csv.writer would write, the work
per copy is in C (no Python step per row), and memory stays bounded whatever N is.

A folder that already holds a build for the same N from the same source files is left as is
(the stamp file records both), since the benchmark asks for the same packages again and again.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sco_data.files import WriteFailed, write_changed
from sco_data.package.descriptor import as_json_text
from sco_data.publish import integrity

DESCRIPTOR = "datapackage.json"
STAMP = ".synthetic-stamp.json"
COPY = "\ue000"  # stands for the copy number while a real row is encoded
CHUNK_BYTES = 2**20  # written per step: small enough to stay in the CPU cache
COPIED_ID = re.compile(r"-copy\d+$")
COPIED_TITLE = re.compile(r" \(copy \d+\)$")

CopyRow = Callable[[dict[str, str]], dict[str, str]]


def _event_copy(row: dict[str, str]) -> dict[str, str]:
    return {
        **row,
        "id": f"{row['id']}-copy{COPY}",
        "title": f"{row['title']} (copy {COPY})",
    }


def _participant_copy(row: dict[str, str]) -> dict[str, str]:
    event = f"{row['event_id']}-copy{COPY}"
    who = row["person_id"] or row["state_iso3"].lower()
    return {**row, "event_id": event, "id": f"{event}--{who}"}


def _stat_copy(row: dict[str, str]) -> dict[str, str]:
    return {**row, "id": f"{row['id']}-copy{COPY}"}


# table -> the real row as its copies write it, with COPY where the copy number goes
SCALED: dict[str, CopyRow] = {
    "events": _event_copy,
    "event_participants": _participant_copy,
    "infrastructure_stats": _stat_copy,
}
# The columns a contributor writes in their own words, made distinct per copy.
PROSE = {
    "events": ("summary", "notes"),
    "event_participants": ("notes",),
    "infrastructure_stats": ("notes",),
}


def _day_month_year(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


# A systematic mistake a contributor could make in every grown row of events: the kind's
# name, and what it does to a copy.
BROKEN: dict[str, CopyRow] = {
    "date": lambda row: {**row, "start_date": _day_month_year(row["start_date"])},
    "foreign-key": lambda row: {**row, "source_id": "src-nowhere"},
    "required": lambda row: {**row, "title": ""},
}


@dataclass(frozen=True)
class Shape:
    """What the grown rows look like: distinct prose (as real contributions have), and
    which systematic mistakes they carry. The real rows (copy 0) stay as they are."""

    prose: bool = False
    broken: tuple[str, ...] = ()

    def suffix(self) -> str:
        return ("-prose" if self.prose else "") + "".join(f"-{b}" for b in self.broken)

    def copy_row(self, table: str) -> CopyRow:
        base = SCALED[table]

        def make_copy(row: dict[str, str]) -> dict[str, str]:
            copy = base(row)
            if self.prose:
                for column in PROSE[table]:
                    copy[column] = f"{copy[column]} Copy {COPY}.".lstrip()
            if table == "events":
                for kind in self.broken:
                    copy = BROKEN[kind](copy)
            return copy

        return make_copy


class RealTable:
    """A scaled table's real file: its bytes and its rows as dicts of strings."""

    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        text = self.data.decode("utf-8")
        if COPY in text:
            raise ValueError(f"{path} holds U+E000, which marks the copy number here.")
        if not self.data.endswith(b"\n"):
            # The real file is written first, as copy 0; copies must start on a new line.
            raise ValueError(f"{path} does not end with a newline; fix it first.")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        self.rows = list(reader)
        self.header = list(reader.fieldnames or [])

    def column(self, name: str) -> list[str]:
        return [row[name] for row in self.rows]


def source_digest(source: Path) -> str:
    """SHA-256 over the descriptor, data/ and schemas/, and this generator's own code."""
    digest = hashlib.sha256()
    files = [source / DESCRIPTOR]
    for folder in ("data", "schemas"):
        files += sorted(p for p in (source / folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    # A changed generator must not reuse builds of the old one.
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _cached_rows(target: Path, stamp: dict) -> dict[str, int] | None:
    """The row counts of the build in `target` if it matches `stamp` and its files are whole."""
    try:
        stored = json.loads((target / STAMP).read_text("utf-8"))
        package = json.loads((target / DESCRIPTOR).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if {k: stored.get(k) for k in stamp} != stamp:
        return None
    # Sizes only: hashing gigabytes would cost as much as building them again.
    for resource in package["resources"]:
        path = target / resource["path"]
        if not path.is_file() or path.stat().st_size != resource.get("bytes"):
            return None
    return stored["tables"]


def _stamp(source: Path, rows: int, shape: Shape) -> dict:
    return {
        "rows": rows,
        "prose": shape.prose,
        "broken": list(shape.broken),
        "source": source_digest(source),
    }


def is_cached(source: Path, target: Path, rows: int, shape: Shape = Shape()) -> bool:
    """Whether build(source, target, rows, shape) would find its work already done."""
    stamp = _stamp(source, rows, shape)
    return _cached_rows(target, stamp) is not None


def _row_limit(source: Path, table: str) -> int | None:
    """The most rows the table's expectation suite allows."""
    suite = json.loads(
        (source / "schemas" / "expectations" / f"{table}.json").read_text("utf-8")
    )
    for expectation in suite["expectations"]:
        if expectation["type"] == "expect_table_row_count_to_be_between":
            return expectation["kwargs"].get("max_value")
    return None


def _check_can_scale(source: Path, real: dict[str, RealTable], rows: int) -> None:
    """Raise ValueError, before anything is written, when N rows cannot all be valid."""
    for table, content in real.items():
        if rows < len(content.rows):
            raise ValueError(
                f"--rows {rows} is fewer than the {len(content.rows)} real rows of "
                f"{table}, which must all be kept; use at least "
                f"{max(len(t.rows) for t in real.values())}."
            )
        limit = _row_limit(source, table)
        if limit is not None and rows > limit:
            raise ValueError(
                f"--rows {rows} is more than the {limit} rows the {table} suite allows."
            )
    # A real value that already looks like a copy's could collide with one.
    for table in ("events", "infrastructure_stats"):
        if any(COPIED_ID.search(i) for i in real[table].column("id")):
            raise ValueError(f"A real id of {table} ends like a copy's (-copy<k>).")
    if any(COPIED_TITLE.search(t) for t in real["events"].column("title")):
        raise ValueError("A real event title ends like a copy's ( (copy <k>)).")
    _check_event_copies(real["events"], real["event_participants"], rows)


def _check_event_copies(events: RealTable, participants: RealTable, rows: int) -> None:
    """Copy k of a participant points at copy k of its event: that copy must be written."""
    position = {event_id: i for i, event_id in enumerate(events.column("id"))}
    missing = set(participants.column("event_id")) - position.keys()
    if missing:
        raise ValueError(
            f"Participants name events that do not exist: {sorted(missing)}"
        )
    needed = [position[e] for e in participants.column("event_id")]
    n_events, n_participants = len(position), len(needed)
    last_copy = (rows - 1) // n_participants
    # The highest event row needed: by the participants the last, partial copy reaches,
    # and by all of them in the full copy before it.
    highest = last_copy * n_events + max(needed[: rows - last_copy * n_participants])
    if last_copy >= 1:
        highest = max(highest, (last_copy - 1) * n_events + max(needed))
    if highest >= rows:
        raise ValueError(
            f"With --rows {rows}, some participant copies would point at event copies "
            "beyond the last event row; use more rows."
        )


def _template(lines: list[str]) -> list[bytes]:
    """CSV lines as bytes, split where the copy number goes."""
    return "".join(lines).encode("utf-8").split(COPY.encode("utf-8"))


def _chunks(content: RealTable, make_copy: CopyRow, rows: int):
    """The table's bytes with `rows` rows, a bounded chunk at a time."""
    yield content.data  # header and copy 0: the real file, byte for byte
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")  # QUOTE_MINIMAL, like the real files
    lines = []
    for row in content.rows:
        copy = make_copy(row)
        writer.writerow([copy[name] for name in content.header])
        lines.append(out.getvalue())
        out.seek(0)
        out.truncate()
    # All n rows of a copy are one bytes.join around its number: per copy, not per row,
    # and in C, which writes a copy far faster than the disk takes it.
    whole = _template(lines)
    n = len(lines)
    full_copies, rows_in_last = divmod(rows, n)
    copies_per_chunk = max(1, CHUNK_BYTES // len(content.data))
    for first in range(1, full_copies, copies_per_chunk):
        last = min(first + copies_per_chunk, full_copies)
        yield b"".join(str(k).encode().join(whole) for k in range(first, last))
    if rows_in_last:
        yield str(full_copies).encode().join(_template(lines[:rows_in_last]))


def _write_scaled(
    content: RealTable, make_copy: CopyRow, target: Path, rows: int
) -> tuple[int, str]:
    """Write the table with `rows` rows; return its size and hash, measured as written."""
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in _chunks(content, make_copy, rows):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, "sha256:" + digest.hexdigest()


def _with_measure(resource: dict, size: int, digest: str) -> dict:
    # The keys where integrity.recorded puts them, so both descriptors read alike.
    resource = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
    resource["bytes"], resource["hash"] = size, digest
    return resource


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def build(
    source: Path, target: Path, rows: int, shape: Shape = Shape()
) -> dict[str, int]:
    """Write the synthetic package to `target`; return {table: rows written}."""
    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise ValueError("The synthetic package cannot be written over its source.")
    if unknown := set(shape.broken) - BROKEN.keys():
        raise ValueError(
            f"Unknown kinds of mistake {sorted(unknown)}; known: {sorted(BROKEN)}."
        )
    stamp = _stamp(source, rows, shape)
    cached = _cached_rows(target, stamp)
    if cached is not None:
        return cached
    package = json.loads((source / DESCRIPTOR).read_text("utf-8"))
    paths = {r["name"]: r["path"] for r in package["resources"]}
    if missing := SCALED.keys() - paths.keys():
        raise ValueError(f"{source / DESCRIPTOR} lists no {sorted(missing)}.")
    real = {table: RealTable(source / paths[table]) for table in SCALED}
    _check_can_scale(source, real, rows)

    (target / STAMP).unlink(missing_ok=True)  # no stale stamp survives a failed build
    (target / "data").mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "schemas", target / "schemas", dirs_exist_ok=True)
    # A CSV the descriptor does not list would be reported as unlisted.
    for stray in (target / "data").rglob("*.csv"):
        if stray.relative_to(target).as_posix() not in paths.values():
            stray.unlink()
    counts = {}
    for table, path in paths.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        if table in SCALED:
            # Absent while integrity.recorded runs, which would read them whole.
            (target / path).unlink(missing_ok=True)
            counts[table] = rows
        else:
            shutil.copyfile(source / path, target / path)
            counts[table] = _count_rows(target / path)
    package = integrity.recorded(package, target)
    measures = {}
    for table in SCALED:
        measures[table] = _write_scaled(
            real[table], shape.copy_row(table), target / paths[table], rows
        )
    package["resources"] = [
        _with_measure(r, *measures[r["name"]]) if r["name"] in measures else r
        for r in package["resources"]
    ]
    # The stamp last: it vouches for a build only once everything else is in place.
    write_changed({target / DESCRIPTOR: as_json_text(package)})
    write_changed({target / STAMP: as_json_text({**stamp, "tables": counts})})
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="the real package")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", required=True, help="folder to write the copy to")
    args = parser.parse_args(argv)
    source, target = Path(args.root), Path(args.out)
    began = time.perf_counter()
    hit = is_cached(source, target, args.rows)
    try:
        counts = build(source, target, args.rows)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    sizes = {
        r["name"]: r["bytes"]
        for r in json.loads((target / DESCRIPTOR).read_text("utf-8"))["resources"]
    }
    for table in SCALED:
        print(f"{table:<22}{counts[table]:>12,} rows{sizes[table] / 1e6:>10.1f} MB")
    seconds = time.perf_counter() - began
    if hit:
        print(f"{target} already holds this build; nothing rebuilt ({seconds:.2f} s)")
    else:
        print(f"built {target} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
