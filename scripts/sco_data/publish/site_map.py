"""The site's map page, map.html: each state's SCO status on the day a slider names.

Vega, Vega-Lite and vega-embed come from vendor/ (npm, pinned by tools/vendor; `make vendor`)
and are copied into the site with their licences, so the page loads nothing from another host.
The spec and the eras (status_map.eras: the statuses between two days on which one changes,
computed here by the README's rule) are inline in the page, which therefore works opened from
disk too; the page's script only finds the era holding the chosen day.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pandas as pd

from sco_data.publish import figures, status_map

PAGE = "map.html"
VENDOR = status_map.WORLD.parent
SCRIPTS = (
    "vega/vega.min.js",
    "vega-lite/vega-lite.min.js",
    "vega-embed/vega-embed.min.js",
)
ASSETS = "assets/vendor"


def _inline_json(value) -> str:
    """JSON to put inside <script type="application/json">: no "</" may end the element."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace(
        "</", "<\\/"
    )


def build(out: Path, tables: dict, env: jinja2.Environment, common: dict) -> list[Path]:
    """Write map.html and the scripts it loads into the site `out`; returns the files."""
    written = []
    for script in SCRIPTS:
        package = script.split("/")[0]
        for file in (script, f"{package}/LICENSE"):
            target = out / ASSETS / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(VENDOR / file, target)
            written.append(target)
    _, words = status_map.eras(tables)
    first = pd.Timestamp(int(words["from_ms"].iloc[0]), unit="ms")
    latest = status_map.latest_day(tables)
    page = out / PAGE
    page.write_text(
        env.get_template("map.html").render(
            **common,
            root="",
            scripts=[f"{ASSETS}/{script}" for script in SCRIPTS],
            first=f"{first:%Y-%m-%d}",
            latest=f"{latest:%Y-%m-%d}",
            days=(latest - first).days,
            spec=_inline_json(figures.status_map_by_day(tables).to_dict()),
            eras=_inline_json(words.to_dict(orient="records")),
            telling=[d for d in status_map.MAP_DAYS if d != status_map.LATEST],
        ),
        "utf-8",
    )
    return [*written, page]
