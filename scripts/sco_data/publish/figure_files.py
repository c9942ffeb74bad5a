"""`make figures`: render every figure to docs/figures/<name>.svg, with its Vega-Lite spec
beside it as <name>.vl.json.

SVG comes from vl-convert, which runs Vega in-process: no browser, and no network (data is
inline and no base URL is allowed). `--check` writes nothing and exits 1, naming each stale
file, when the data no longer draws the committed figures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import vl_convert

from sco_data.files import WriteFailed, write_changed
from sco_data.package.descriptor import as_json_text
from sco_data.package.typed import load_package
from sco_data.publish.figures import FIGURES, Figure

FOLDER = "docs/figures"
# vl-convert bundles several Vega-Lite versions: use the one Altair writes specs for.
VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def svg(spec: dict) -> str:
    return vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE, allowed_base_urls=[])


def specs(tables: dict, figures: Sequence[Figure] = FIGURES) -> dict[str, dict]:
    """{figure name: its Vega-Lite spec}, in the order given."""
    return {figure.name: figure.draw(tables).to_dict() for figure in figures}


def rendered(root: Path) -> dict[str, str]:
    """{file relative to root: the text it should have}."""
    files = {}
    for name, spec in specs(load_package(root)).items():
        files[f"{FOLDER}/{name}.vl.json"] = as_json_text(spec)
        files[f"{FOLDER}/{name}.svg"] = svg(spec)
    return files


def stale(root: Path) -> list[str]:
    return [
        file
        for file, text in rendered(root).items()
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
            print(
                f"{file} no longer matches the data: run `make figures`.",
                file=sys.stderr,
            )
        return 1 if files else 0
    (root / FOLDER).mkdir(parents=True, exist_ok=True)
    try:
        written = write_changed({root / f: text for f, text in rendered(root).items()})
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
