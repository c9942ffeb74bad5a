"""`make serve`'s Datasette metadata, generated from the descriptor and the Table Schemas.

The package's title, description, licence and source; per table its title and description,
a description per column, facets on its categories, and the column that names a row (the
first of its `labelFields`, so Datasette labels a foreign key with the name of the row it
links to).

`prepare` also lays the release's SQLite file out under the package's name: Datasette names a
database after its file, and its foreign-key links break on a name with dots in it (the
version's), so the database is served as `sco-central-asia-relations`, not `...-0.3.1`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from sco_data.package import table_schema
from sco_data.package.descriptor import read as read_descriptor
from sco_data.publish.release import artefact_stem


def _table(resource: dict, schema: dict) -> dict:
    table = {
        "title": resource.get("title", resource["name"]),
        "description": resource.get("description", ""),
        "columns": {
            f["name"]: f.get("description", "") for f in table_schema.fields(schema)
        },
    }
    if facets := table_schema.category_fields(schema):
        table["facets"] = facets
    if labels := table_schema.label_fields(schema):
        table["label_column"] = labels[0]  # Datasette's label is one column
    return table


def database_name(package: dict) -> str:
    return package["name"]


def metadata(package: dict, schemas: dict[str, dict]) -> dict:
    database = database_name(package)
    licence = (package.get("licenses") or [{}])[0]
    tables = {
        r["name"]: _table(r, schemas[r["schema"]])
        for r in package.get("resources", [])
        if r.get("schema") in schemas
    }
    return {
        "title": f"{package.get('title', package['name'])}, version {package['version']}",
        "description": package.get("description", ""),
        "license": licence.get("title") or licence.get("name", ""),
        "license_url": licence.get("path", ""),
        # Every row cites a row of `sources`: that table is the data's source.
        "source": "the sources table: every row cites one of its documents",
        "source_url": f"/{database}/sources",
        "databases": {database: {"tables": tables}},
    }


def prepare(root: Path, dist: Path, folder: Path) -> tuple[Path, Path]:
    """(database, metadata file) for `datasette serve`, from the release in `dist`."""
    descriptor = read_descriptor(root)
    if descriptor.package is None:
        raise SystemExit("datapackage.json cannot be read; run `make validate`.")
    package = descriptor.package
    release = dist / f"{artefact_stem(package)}.sqlite"
    if not release.is_file():
        raise SystemExit(f"{release} does not exist: run `make release`.")
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"{database_name(package)}.sqlite"
    shutil.copyfile(release, database)
    settings = folder / "metadata.json"
    text = json.dumps(metadata(package, descriptor.schemas), indent=2)
    settings.write_text(text + "\n", "utf-8")
    return database, settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--dist", default="dist", help="where `make release` wrote")
    parser.add_argument("--out", default="build/datasette", help="folder to lay out")
    args = parser.parse_args(argv)
    root = Path(args.root)
    for path in prepare(root, root / args.dist, root / args.out):
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
