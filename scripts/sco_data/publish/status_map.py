"""What the status maps show: each state's SCO status on a day, and the boundaries to draw it on.

The rule is the README's, in `dates.held_on`: a status held on day D when it started on or
before D and had not ended before D. A date known only to the month or year leaves some days
open; on those the status is drawn faded ("maybe"), as the status timeline draws them.

A status changes only on a few days: where a period surely or maybe starts or ends. Between two
such days every state keeps its status, so the table is cut into eras, each era holding the
statuses of its first day (`eras`). A map of a day shows its era; the site's map page picks the
era of the day its slider names, so no browser works out a status by itself.

The boundaries are Natural Earth's at 1:110m, as the npm package `world-atlas` gives them
(vendor/world-atlas/, public domain), keyed by ISO 3166-1 numeric code; pycountry turns a
state's alpha-3 code into that number. States too small for that scale (Bahrain, the Maldives)
are named under the map instead.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import accumulate
from pathlib import Path

import pandas as pd
import pycountry

from sco_data.package.dates import held_on, last_day

SCO = "sco"
WORLD = Path(__file__).resolve().parents[3] / "vendor" / "world-atlas"
BOUNDARIES = WORLD / "countries-110m.json"
WORLD_DATA = "natural-earth-110m"  # the boundaries' name in a spec's datasets
ONE_DAY = pd.Timedelta(days=1)
MS_PER_DAY = 86_400_000
LATEST = "latest"
# The days `make figures` draws, with what happened on each; LATEST is `latest_day`.
MAP_DAYS = {
    "2001-06-15": "the SCO is founded in Shanghai",
    "2017-06-09": "India and Pakistan join at the Astana summit",
    "2024-07-04": "Belarus joins at the Astana summit",
    LATEST: "the newest change the memberships table records",
}


# The part of the world the maps show (degrees: west, south, east, north): the SCO's states,
# from Egypt and Belarus to the Pacific, and their neighbours.
SHOWN = (10.0, -12.0, 170.0, 90.0)


@cache
def _world_text() -> str:
    return BOUNDARIES.read_text("utf-8")


def _arc_indexes(arcs: list) -> list[int]:
    """The arcs a geometry's nested rings name; ~i is arc i walked backwards."""
    flat = []
    for item in arcs:
        flat.extend(_arc_indexes(item) if isinstance(item, list) else [item])
    return flat


def _renumbered(arcs: list, new: dict[int, int]) -> list:
    return [
        _renumbered(a, new) if isinstance(a, list) else (new[a] if a >= 0 else ~new[~a])
        for a in arcs
    ]


def _arc_boxes(topology: dict) -> list[tuple[float, float, float, float]]:
    """(west, south, east, north) of each arc, in degrees (arcs are delta-encoded)."""
    (sx, sy), (tx, ty) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    boxes = []
    for arc in topology["arcs"]:
        xs = list(accumulate(point[0] for point in arc))
        ys = list(accumulate(point[1] for point in arc))
        boxes.append(
            (min(xs) * sx + tx, min(ys) * sy + ty, max(xs) * sx + tx, max(ys) * sy + ty)
        )
    return boxes


def world(shown: tuple[float, float, float, float] = SHOWN) -> dict:
    """The TopoJSON of the countries (object `countries`, ids ISO numeric) that reach into the
    `shown` box, with only their arcs: what lies off the map is left out of the figure."""
    topology = json.loads(_world_text())
    west, south, east, north = shown
    boxes = _arc_boxes(topology)

    def reaches_in(geometry: dict) -> bool:
        return any(
            b[2] >= west and b[0] <= east and b[3] >= south and b[1] <= north
            for b in (
                boxes[a if a >= 0 else ~a]
                for a in _arc_indexes(geometry.get("arcs", []))
            )
        )

    kept = [g for g in topology["objects"]["countries"]["geometries"] if reaches_in(g)]
    used = sorted(
        {a if a >= 0 else ~a for g in kept for a in _arc_indexes(g.get("arcs", []))}
    )
    new = {old: index for index, old in enumerate(used)}
    return {
        "type": "Topology",
        "transform": topology["transform"],
        "arcs": [topology["arcs"][index] for index in used],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {**g, "arcs": _renumbered(g.get("arcs", []), new)} for g in kept
                ],
            }
        },
    }


def world_text() -> str:
    """`world()` as compact JSON text, which Vega-Lite parses as TopoJSON."""
    return json.dumps(world(), separators=(",", ":"))


def drawn_ids() -> set[str]:
    """The ISO numeric codes that have a boundary at this scale."""
    geometries = json.loads(_world_text())["objects"]["countries"]["geometries"]
    return {g["id"] for g in geometries if "id" in g}


def iso_numeric(iso3: str) -> str:
    """A state's ISO 3166-1 numeric code as world-atlas writes it ("004" for AFG)."""
    country = pycountry.countries.get(alpha_3=iso3)
    return country.numeric if country else ""


def _sco(tables: dict) -> pd.DataFrame:
    m = tables["memberships"]
    return m[m["organisation_id"] == SCO]


def change_days(tables: dict) -> list[pd.Timestamp]:
    """Every day on which some SCO status surely or maybe starts, or stops holding."""
    m = _sco(tables)
    days = pd.concat(
        [
            m["start_date"],
            last_day(m["start_date"], m["start_precision"]),
            m["end_date"] + ONE_DAY,
            last_day(m["end_date"], m["end_precision"]) + ONE_DAY,
        ]
    )
    return sorted(set(days.dropna()))


def latest_day(tables: dict) -> pd.Timestamp:
    """The newest day on which a status changed, as far as the data goes: from this day on the
    map stays as it is until the table records another change (not the build date, so the
    committed figure does not move with the calendar)."""
    return change_days(tables)[-1]


def map_day(tables: dict, day: str) -> pd.Timestamp:
    return latest_day(tables) if day == LATEST else pd.Timestamp(day)


def _words(value, precision) -> str:
    length = {"year": 4, "month": 7}.get(None if pd.isna(precision) else precision, 10)
    return f"{value:%Y-%m-%d}"[:length]


def statuses_on(tables: dict, day: pd.Timestamp) -> pd.DataFrame:
    """One row per state holding an SCO status on `day`, surely or maybe (`sure`), with its
    ISO numeric code, name and a sentence saying so. Where two statuses of one state may both
    hold (an end and the next start known only to the month), the one that surely holds, else
    the later, is kept."""
    m = _sco(tables)
    surely, maybe = held_on(m, day)
    names = dict(
        zip(tables["states"]["iso3"].astype(str), tables["states"]["name"].astype(str))
    )
    rows = []
    for row, sure in zip(m[maybe].itertuples(index=False), surely[maybe]):
        iso3, status = str(row.state_iso3), str(row.status)
        name = names.get(iso3, iso3)
        words = status.replace("_", " ")
        if not sure:
            unsure = [
                f"{edge} known only to {_words(date, precision)}"
                for edge, date, precision in (
                    ("start", row.start_date, row.start_precision),
                    ("end", row.end_date, row.end_precision),
                )
                if not pd.isna(date) and precision in ("month", "year")
            ]
            words = f"maybe {words} ({', '.join(unsure)})"
        rows.append(
            {
                "id": iso_numeric(iso3),
                "iso3": iso3,
                "state": name,
                "status": status,
                "sure": bool(sure),
                "description": f"{name}: {words}",
                "start": row.start_date,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["id", "iso3", "state", "status", "sure", "description", "start"]
    )
    frame = frame.sort_values(["iso3", "sure", "start"], kind="stable")
    return frame.drop_duplicates("iso3", keep="last").drop(columns="start")


def day_words(frame: pd.DataFrame) -> dict:
    """What a map says beside the shapes of a day's `statuses_on`: the member count (sure, and
    at most) and the states it cannot draw at this scale."""
    members = frame[frame["status"] == "member"]
    sure, possible = int(members["sure"].sum()), len(members)
    count = f"{sure} member state{'s' if sure != 1 else ''}"
    if possible > sure:
        count += f", {possible} with those whose dates leave the day open"
    small = frame[~frame["id"].isin(drawn_ids())]
    return {
        "members": sure,
        "members_possible": possible,
        "count": count,
        "not_drawn": (
            "Too small to draw at this scale: " + "; ".join(small["description"])
            if len(small)
            else ""
        ),
    }


def ms(day: pd.Timestamp) -> int:
    return int((day - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1))


def eras(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per era and state holding a status in it, one row per era with its words).

    An era runs from `from_ms` to just before `to_ms` (UTC milliseconds, as Vega counts time);
    the last one holds up to `latest_day` included."""
    days = change_days(tables)
    ends = days[1:] + [days[-1] + ONE_DAY]
    states, words = [], []
    for start, end in zip(days, ends):
        frame = statuses_on(tables, start)
        bounds = {"from_ms": ms(start), "to_ms": ms(end)}
        states.append(frame.assign(**bounds))
        words.append({**bounds, **day_words(frame)})
    return pd.concat(states, ignore_index=True), pd.DataFrame(words)
