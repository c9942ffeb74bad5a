"""`make build`: write what is generated from the package into it.

- every resource's `bytes` and `hash` in datapackage.json;
- docs/data-dictionary.md, from the descriptor and the Table Schemas.

`--check` writes nothing and exits 1, naming each stale file, when a rebuild would change it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sco_data.files import WriteFailed, write_changed
from sco_data.package.descriptor import as_json_text
from sco_data.package.descriptor import read as read_descriptor
from sco_data.publish import data_dictionary, integrity

DESCRIPTOR = "datapackage.json"


def built(root: Path) -> dict[str, str]:
    """{file: the text it should have}."""
    descriptor = read_descriptor(root, DESCRIPTOR)
    if descriptor.package is None:
        raise SystemExit(
            f"{DESCRIPTOR} cannot be read; run `make validate` to see why."
        )
    package = integrity.recorded(descriptor.package, root)
    return {
        DESCRIPTOR: as_json_text(package),
        data_dictionary.FILE: data_dictionary.markdown(package, descriptor.schemas),
    }


def stale(root: Path) -> list[str]:
    return [
        file
        for file, text in built(root).items()
        if not (root / file).is_file() or (root / file).read_text("utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if args.check:
        files = stale(root)
        for file in files:
            print(f"{file} is out of date: run `make build`.", file=sys.stderr)
        return 1 if files else 0
    files = built(root)
    try:
        written = write_changed({root / file: text for file, text in files.items()})
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
