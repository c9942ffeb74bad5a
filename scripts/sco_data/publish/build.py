"""`make build`: write what is generated from the package into it.

- every resource's `bytes` and `hash` in datapackage.json;
- docs/data-dictionary.md, from the descriptor and the Table Schemas;
- the rows column of the README's table of tables, from the data.

`--check` writes nothing and exits 1, naming each stale file, when a rebuild would change it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sco_data.files import generator_main, stale_files
from sco_data.package.descriptor import as_json_text
from sco_data.package.descriptor import read as read_descriptor
from sco_data.publish import data_dictionary, integrity, readme_counts

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
        **readme_counts.readme(root, package),
    }


def stale(root: Path) -> list[str]:
    return stale_files(root, built(root))


def main(argv: list[str] | None = None) -> int:
    return generator_main(
        argv, __doc__.splitlines()[0], built, "is out of date: run `make build`."
    )


if __name__ == "__main__":
    sys.exit(main())
