"""`make release`: build the release artefacts into dist/, byte for byte reproducible.

- sco-central-asia-relations-<version>.zip: descriptor, data, schemas, README, CHANGELOG,
  citation and licences, laid out so that `frictionless` opens the zip as a package;
- sco-central-asia-relations-<version>.sqlite: one table per resource, with primary keys,
  foreign keys, NOT NULL and category CHECKs as real constraints;
- parquet/<table>.parquet: the typed tables (dates as date32, categories as strings);
- SHA256SUMS: the checksum of every artefact.

Entries are written in a fixed order with fixed timestamps, so the same commit gives the
same bytes. Everything is built in a folder beside dist/, which then takes dist/'s place
whole: a release that fails half-way leaves the previous dist/ as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sco_data.files import WriteFailed, folder_beside, replace_folder
from sco_data.package import table_schema
from sco_data.package.descriptor import read as read_descriptor
from sco_data.package.typed import read_tables, typed_frame

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
EXTRA_FILES = (
    "README.md",
    "docs/data-dictionary.md",
    "CHANGELOG.md",
    "CITATION.cff",
    "LICENSE",
    "LICENSE-DATA.md",
)
SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
ARROW_TYPES = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def _package_files(root: Path, descriptor) -> list[str]:
    files = ["datapackage.json"]
    files += sorted(
        p.relative_to(root).as_posix() for p in (root / "schemas").rglob("*.json")
    )
    files += sorted(descriptor.resource_files().values())
    files += [f for f in EXTRA_FILES if (root / f).is_file()]
    return files


def write_zip(root: Path, descriptor, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for file in _package_files(root, descriptor):
            info = zipfile.ZipInfo(file, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, (root / file).read_bytes())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def create_table_sql(name: str, schema: dict) -> str:
    key = table_schema.primary_key(schema)
    lines = []
    for field in table_schema.fields(schema):
        column = _quote(field["name"])
        kind = field.get("type", "string")
        parts = [column, SQL_TYPES.get(kind, "TEXT")]
        found = table_schema.constraints(field)
        if found.get("required") or field["name"] in key:
            parts.append("NOT NULL")
        checks = []
        if "enum" in found:
            checks.append(
                f"{column} IN ({', '.join(_literal(v) for v in found['enum'])})"
            )
        if kind == "boolean":
            checks.append(f"{column} IN (0, 1)")
        if kind == "date":
            checks.append(f"{column} = date({column})")
        if "minimum" in found and kind in ("integer", "number"):
            checks.append(f"{column} >= {found['minimum']}")
        if checks:
            parts.append(f"CHECK ({column} IS NULL OR ({' AND '.join(checks)}))")
        lines.append(" ".join(parts))
    if key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, key))})")
    for own, resource, other in table_schema.foreign_keys(schema):
        target = _quote(resource or name)
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, own))}) "
            f"REFERENCES {target} ({', '.join(map(_quote, other))})"
        )
    return f"CREATE TABLE {_quote(name)} (\n  " + ",\n  ".join(lines) + "\n)"


def _plain(value):
    """A cell as a plain Python value: None, str, int, float, bool or datetime.date."""
    if pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _sql_value(value):
    value = _plain(value)
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def write_sqlite(tables: dict, target: Path) -> None:
    connection = sqlite3.connect(target)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")  # tables refer to each other
        for name, (schema, frame) in tables.items():
            connection.execute(create_table_sql(name, schema))
            columns = table_schema.field_names(schema)
            placeholders = ", ".join("?" for _ in columns)
            rows = [
                tuple(_sql_value(v) for v in row)
                for row in frame[columns].itertuples(index=False, name=None)
            ]
            connection.executemany(
                f"INSERT INTO {_quote(name)} VALUES ({placeholders})", rows
            )
        connection.commit()
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(
                f"foreign keys do not resolve in the SQLite copy: {problems[:5]}"
            )
        connection.execute("VACUUM")
    finally:
        connection.close()


def write_parquet(schema: dict, frame, target: Path) -> None:
    fields, arrays = [], []
    for field in table_schema.fields(schema):
        kind = ARROW_TYPES.get(field.get("type", "string"), pa.string())
        values = [_plain(v) for v in frame[field["name"]].astype(object)]
        if kind == pa.string():
            values = [None if v is None else str(v) for v in values]
        arrays.append(pa.array(values, type=kind))
        metadata = {"description": field.get("description", "")}
        fields.append(pa.field(field["name"], kind, metadata=metadata))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, target, compression="zstd", store_schema=False)


def artefact_stem(package: dict) -> str:
    """The release's file names without suffix; also the SQLite database's name in Datasette."""
    return f"{package['name']}-{package['version']}"


def _build_into(root: Path, folder: Path) -> list[Path]:
    descriptor = read_descriptor(root)
    stem = artefact_stem(descriptor.package)
    (folder / "parquet").mkdir(parents=True)
    raw = read_tables(root, descriptor)
    typed = {name: (table.schema, typed_frame(table)) for name, table in raw.items()}
    artefacts = [folder / f"{stem}.zip", folder / f"{stem}.sqlite"]
    write_zip(root, descriptor, artefacts[0])
    write_sqlite(typed, artefacts[1])
    for name, (schema, frame) in typed.items():
        path = folder / "parquet" / f"{name}.parquet"
        write_parquet(schema, frame, path)
        artefacts.append(path)
    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(folder).as_posix()}\n"
        for p in artefacts
    )
    (folder / "SHA256SUMS").write_text(sums, "utf-8")  # whole with its folder
    return artefacts + [folder / "SHA256SUMS"]


def build(root: Path, dist: Path) -> list[Path]:
    """Build the artefacts beside `dist`, then swap them in; return their paths in `dist`."""
    try:
        dist.parent.mkdir(parents=True, exist_ok=True)
        folder = folder_beside(dist)
    except OSError as error:
        raise WriteFailed(dist, error) from error
    try:
        artefacts = _build_into(root, folder)
        replace_folder(folder, dist)
    except (OSError, sqlite3.Error) as error:
        raise WriteFailed(dist, error) from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # gone already once swapped in
    return [dist / path.relative_to(folder) for path in artefacts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--dist", default="dist")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        artefacts = build(root, root / args.dist)
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    for path in artefacts:
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
