"""`make figures`: render every figure to docs/figures/<name>.svg, with its Vega-Lite spec
beside it as <name>.vl.json.

SVG comes from vl-convert, which runs Vega in-process: no browser, and no network (data is
inline and no base URL is allowed). `--check` writes nothing and exits 1, naming each stale
file, when the data no longer draws the committed figures.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import vl_convert

from sco_data.files import generator_main, stale_files
from sco_data.package.descriptor import as_json_text
from sco_data.package.typed import load_package
from sco_data.publish.figures import FIGURES, Figure

FOLDER = "docs/figures"
# vl-convert bundles several Vega-Lite versions: use the one Altair writes specs for.
VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


# Vega numbers the clip paths of clipped marks with one counter per process (clip1, clip2, ...),
# so the same spec would not draw the same bytes twice: name them from the spec instead.
CLIP_ID = re.compile(r'(id="|url\(#)clip(\d+)')


def svg(spec: dict) -> str:
    text = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE, allowed_base_urls=[])
    if not CLIP_ID.search(text):
        return text
    own = hashlib.sha256(as_json_text(spec).encode()).hexdigest()[:12]
    numbers: dict[str, int] = {}
    return CLIP_ID.sub(
        lambda m: f"{m[1]}clip-{own}-{numbers.setdefault(m[2], len(numbers) + 1)}", text
    )


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
    return stale_files(root, rendered(root))


def main(argv: list[str] | None = None) -> int:
    return generator_main(
        argv,
        __doc__.splitlines()[0],
        rendered,
        "no longer matches the data: run `make figures`.",
    )


if __name__ == "__main__":
    sys.exit(main())
