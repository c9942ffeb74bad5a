"""The package's figures, drawn from its typed tables: one function per figure.

`FIGURES` lists them in the order the pages show them. Adding a figure is one function that
takes the tables (`{"events": DataFrame, ...}`, as `load_package` gives them) and returns a
Vega-Altair chart, and one entry in `FIGURES`; `make figures` renders it to SVG and writes its
Vega-Lite spec beside it, and the site shows it.

A date known only to the month or year is drawn over every day it could be, faded (timeline),
or written as far as it is known (2025, 2024-12); never as a single day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from sco_data.package.dates import held_on, last_day
from sco_data.publish import status_map

FONT = "Liberation Sans"  # bundled with vl-convert, so text is measured the same everywhere
SCO = "sco"
SUMMIT_BODY = "sco-heads-of-state-council"  # its meetings are the SCO summits
STATUS_COLOURS = ("#1f4e79", "#e08214", "#2a9d8f", "#8e6bb8", "#b5475b", "#6b8e23")
QUALIFIER_SHAPES = {  # qualifier: (words in the legend, point shape)
    "exact": ("exact", "circle"),
    "at_least": ("over (at least)", "triangle-up"),
    "at_most": ("under (at most)", "triangle-down"),
    "approximately": ("about", "diamond"),
}
ONE_DAY = pd.Timedelta(days=1)
# Days in UTC, read and written: a figure must not shift with the machine's time zone.
DAY = "utcyearmonthdate"
AMOUNT = (  # axis labels as _amount writes the marks' labels: 8 bn, 12 m, 66,500
    "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, ',~g') + ' bn' : "
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, ',~g') + ' m' : "
    "format(datum.value, ',~g')"
)


@dataclass(frozen=True)
class Figure:
    name: str  # file stem in docs/figures/, and the figure's id in the site
    title: str  # what the figure shows, as a caption and image alt text
    draw: Callable[[dict[str, pd.DataFrame]], alt.TopLevelMixin]


# ---------------------------------------------------------------- shared pieces


def _day(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _date_words(value, precision) -> str:
    """A date as much as it is known: 2004-06 for a month, 2004 for a year."""
    if pd.isna(value):
        return ""
    length = {"year": 4, "month": 7}.get(None if pd.isna(precision) else precision, 10)
    return pd.Timestamp(value).strftime("%Y-%m-%d")[:length]


def _names(tables: dict, table: str, key: str, label: str) -> dict[str, str]:
    frame = tables[table]
    return dict(zip(frame[key].astype(str), frame[label].astype(str), strict=True))


def _last_package_day(tables: dict) -> pd.Timestamp:
    """The last day any membership or event speaks of, so the figures do not move with today."""
    dates = [tables["memberships"][c].max() for c in ("start_date", "end_date")]
    dates += [tables["events"][c].max() for c in ("start_date", "end_date")]
    return max(d for d in dates if not pd.isna(d))


def _status_colour(tables: dict) -> alt.Color:
    """One colour per SCO status, the same in every figure that shows statuses."""
    m = tables["memberships"]
    held = set(m.loc[m["organisation_id"] == SCO, "status"].astype(str))
    statuses = [s for s in m["status"].cat.categories if s in held]
    return alt.Color(
        "status:N",
        title="status",
        scale=alt.Scale(domain=statuses, range=list(STATUS_COLOURS[: len(statuses)])),
        legend=alt.Legend(orient="top", symbolOpacity=1),
    )


def _qualifier_shape(words: pd.Series) -> alt.Shape:
    """A shape for each qualifier in `words`, the chart's `qualifier` field (QUALIFIER_SHAPES'
    words, in its order; a qualifier it does not know, as a square)."""
    present = set(words)
    known = [shown for shown in QUALIFIER_SHAPES.values() if shown[0] in present]
    extra = sorted(present - {w for w, _ in known})
    return alt.Shape(
        "qualifier:N",
        title="the source says",
        scale=alt.Scale(
            domain=[w for w, _ in known] + extra,
            range=[shape for _, shape in known] + ["square"] * len(extra),
        ),
        legend=alt.Legend(orient="top", symbolOpacity=1),
    )


def _finish(chart, title: str, subtitle: list[str]):
    return (
        chart.properties(
            title=alt.TitleParams(title, subtitle=subtitle, anchor="start")
        )
        .configure(font=FONT, background="white")
        .configure_view(stroke=None)
    )


# ---------------------------------------------------------------- status timeline


def status_periods(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """(one row per SCO status period, one row per uncertain edge, the axis's last instant).

    A period is drawn from the first instant it surely held to the last: a start known to
    the month surely held from that month's last day; the days it may have held are the
    uncertain edge. An end date is the status's last day, so its bar runs to the next midnight.
    """
    m = tables["memberships"]
    m = m[m["organisation_id"] == SCO]
    axis_end = (_last_package_day(tables) + pd.offsets.YearEnd(0)) + ONE_DAY
    names = _names(tables, "states", "iso3", "name")
    start_first, start_last = (
        m["start_date"],
        last_day(m["start_date"], m["start_precision"]),
    )
    end_first = m["end_date"] + ONE_DAY
    end_last = last_day(m["end_date"], m["end_precision"]) + ONE_DAY
    periods = pd.DataFrame(
        {
            "state": m["state_iso3"].astype(str).map(names),
            "status": m["status"].astype(str),
            "surely_from": start_last.map(_day),
            "surely_to": end_first.fillna(axis_end).map(_day),
            "start": [
                _date_words(d, p) for d, p in zip(m["start_date"], m["start_precision"])
            ],
            "end": [
                _date_words(d, p) or "still held"
                for d, p in zip(m["end_date"], m["end_precision"])
            ],
            "source_id": m["source_id"].astype(str),
            "first_start": start_first,
        }
    )
    edges = [
        {
            "state": s,
            "status": st,
            "from": _day(a),
            "to": _day(b),
            "edge": edge,
            "known": w,
        }
        for edge, firsts, lasts, words in (
            ("start", start_first, start_last, periods["start"]),
            ("end", end_first, end_last, periods["end"]),
        )
        for s, st, a, b, w in zip(
            periods["state"], periods["status"], firsts, lasts, words
        )
        if not pd.isna(a) and a != b
    ]
    periods["description"] = [
        f"{state}: {status} from {start}"
        + (", still held" if m_end == "still held" else f" to {m_end}")
        + f" (source {source})"
        for state, status, start, m_end, source in zip(
            periods["state"],
            periods["status"],
            periods["start"],
            periods["end"],
            periods["source_id"],
        )
    ]
    order = periods.groupby("state")["first_start"].min().sort_values(kind="stable")
    periods["row"] = periods["state"].map({s: n for n, s in enumerate(order.index)})
    return periods.drop(columns="first_start"), pd.DataFrame(edges), axis_end


def status_timeline(tables: dict):
    periods, edges, axis_end = status_periods(tables)
    first_year = pd.Timestamp(periods["surely_from"].min()).replace(month=1, day=1)
    colour = _status_colour(tables)
    x_scale = alt.Scale(type="utc", domain=[_day(first_year), _day(axis_end)])
    y = alt.Y(
        "state:N",
        title=None,
        sort=alt.EncodingSortField("row", order="ascending"),
        axis=alt.Axis(labelLimit=160),
    )
    bars = (
        alt.Chart(periods)
        .mark_bar(height={"band": 0.7})
        .encode(
            x=alt.X(
                "surely_from:T",
                timeUnit=DAY,
                title=None,
                scale=x_scale,
                axis=alt.Axis(format="%Y"),
            ),
            x2=alt.X2("surely_to:T", timeUnit=DAY),
            y=y,
            color=colour,
            tooltip=["state", "status", "start", "end", "source_id"],
            description="description:N",  # what a screen reader says for the bar
        )
        .properties(name="status_bars")
    )
    layers = [bars]
    if len(edges):
        edges = edges.merge(periods[["state", "row"]].drop_duplicates(), on="state")
        uncertain = alt.Chart(edges).encode(y=y)
        layers.append(
            uncertain.mark_bar(height={"band": 0.7}, opacity=0.3)
            .encode(
                x=alt.X("from:T", timeUnit=DAY),
                x2=alt.X2("to:T", timeUnit=DAY),
                color=colour,
                tooltip=["state", "edge", "known"],
            )
            .properties(name="uncertain_edges")
        )
        # The span is narrow at this scale: say in words how much of the date is known.
        for edge, side, x_field, shift in (
            ("start", "right", "from", -3),
            ("end", "left", "to", 3),
        ):
            layers.append(
                uncertain.transform_filter(alt.datum.edge == edge)
                .mark_text(align=side, dx=shift, fontSize=9, color="#555")
                .encode(x=alt.X(f"{x_field}:T", timeUnit=DAY), text="known:N")
            )
    chart = alt.layer(*layers).properties(width=640, height={"step": 17})
    return _finish(
        chart,
        "Who held which SCO status, and when",
        [
            "One row per state, one bar per status period (memberships table).",
            "Faded, with the date as far as known: a start or end known only to the",
            "month or year. A bar that reaches the right edge is still held.",
        ],
    )


# ---------------------------------------------------------------- status maps


def status_map_chart(tables: dict, states: pd.DataFrame, day_param=None):
    """Each state in `states` (rows of status_map.statuses_on or .eras) on the map, coloured by
    status, faded where its dates leave the day open. With `day_param`, only the rows of the
    era holding that day (UTC milliseconds) are drawn: the site's slider sets it."""
    # Named, and as one string: the boundaries are held once in the spec, on one line.
    countries = alt.NamedData(
        name=status_map.WORLD_DATA,
        format=alt.DataFormat(type="topojson", feature="countries"),
    )
    land = alt.Chart(countries).mark_geoshape(
        fill="#e6e6e6", stroke="white", strokeWidth=0.5, clip=True
    )
    held = alt.Chart(states)
    if day_param is not None:
        held = held.transform_filter(
            f"datum.from_ms <= {day_param.name} && {day_param.name} < datum.to_ms"
        )
    shapes = (
        held.transform_lookup(
            lookup="id", from_=alt.LookupData(data=countries, key="id"), as_="geo"
        )
        .transform_filter("isValid(datum.geo)")  # too small for this scale
        .mark_geoshape(stroke="white", strokeWidth=0.5, clip=True)
        .encode(
            shape=alt.Shape(field="geo", type="geojson"),
            color=_status_colour(tables),
            opacity=alt.condition("datum.sure", alt.value(1.0), alt.value(0.3)),
            tooltip=["state", "status", "description"],
            description="description:N",  # what a screen reader says for the shape
        )
        .properties(name="status_shapes")
    )
    chart = alt.layer(land, shapes).properties(
        width=640,
        height=400,
        projection=alt.Projection(
            type="naturalEarth1",
            rotate=[-90, 0, 0],
            center=[0, 30],
            scale=270,
            translate=[330, 215],
        ),
    )
    chart = chart.properties(datasets={status_map.WORLD_DATA: status_map.world_text()})
    return chart.add_params(day_param) if day_param is not None else chart


def _status_map(day: str):
    def draw(tables: dict):
        shown = status_map.map_day(tables, day)
        states = status_map.statuses_on(tables, shown)
        words = status_map.day_words(states)
        latest = " (the newest change in the data)" if day == status_map.LATEST else ""
        what = status_map.MAP_DAYS[day]
        return _finish(
            status_map_chart(tables, states),
            f"SCO statuses on {shown:%Y-%m-%d}{latest}: {words['count']}",
            [
                f"{what[0].upper()}{what[1:]}. Colour: each state's status that day.",
                "Faded: a status whose date is known only to the month or year, which may",
                "not hold on that very day. Boundaries: Natural Earth 1:110m.",
            ]
            + ([words["not_drawn"] + "."] if words["not_drawn"] else []),
        )

    return draw


def status_map_by_day(tables: dict):
    """The map of every era, showing the one that holds the day its `day` parameter names (UTC
    milliseconds; the newest change to begin with): the site's map page sets it."""
    states, _ = status_map.eras(tables)
    day = alt.param(name="day", value=status_map.ms(status_map.latest_day(tables)))
    return _finish(
        status_map_chart(tables, states, day),
        "Each state's SCO status on the chosen day",
        [
            "Colour: each state's status that day (memberships table). Faded: a status whose",
            "date is known only to the month or year, which may not hold on that very day.",
        ],
    )


# ---------------------------------------------------------------- summits


def summit_rows(tables: dict) -> pd.DataFrame:
    """Every SCO heads-of-state summit with its host and the members on its first day.

    `members` counts states surely members that day; `members_possible` adds those whose
    month- or year-precision dates leave it open."""
    e = tables["events"]
    e = e[(e["event_type"] == "summit") & (e["organisation_id"] == SUMMIT_BODY)]
    e = e.sort_values(["start_date", "id"], kind="stable")
    m = tables["memberships"]
    m = m[(m["organisation_id"] == SCO) & (m["status"] == "member")]
    names = _names(tables, "states", "iso3", "name")
    rows = []
    for event in e.itertuples(index=False):
        day = event.start_date
        surely, maybe = held_on(m, day)
        city = "" if pd.isna(event.city) else str(event.city)
        rows.append(
            {
                "id": event.id,
                "title": event.title,
                "date": _day(day),
                "year": f"{day:%Y}",
                "host": names.get(str(event.state_iso3), str(event.state_iso3)),
                "city": city or "online",
                "members": int(surely.sum()),
                "members_possible": int(maybe.sum()),
            }
        )
    frame = pd.DataFrame(rows)
    frame["label"] = frame["year"] + " " + frame["city"]
    repeated = frame["label"].duplicated(keep=False)
    frame.loc[repeated, "label"] = frame["date"] + " " + frame["city"]
    return frame


def summits(tables: dict):
    frame = summit_rows(tables)
    x = alt.X(
        "label:N",
        title=None,
        sort=list(frame["label"]),
        axis=alt.Axis(labelAngle=-50, labelLimit=140),
    )
    y_title = "member states on the first day"
    base = alt.Chart(frame).encode(x=x)
    tooltip = ["title", "date", "host", "city", "members", "members_possible"]
    bars = (
        base.mark_bar()
        .encode(
            y=alt.Y("members:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "host:N",
                title="host",
                legend=alt.Legend(orient="right", symbolOpacity=1),
            ),
            tooltip=tooltip,
        )
        .properties(name="summit_bars")
    )
    # Members whose dates leave it open, faded; the legend keeps the solid colours.
    unsure = base.mark_bar(opacity=0.3).encode(
        y="members:Q", y2="members_possible:Q", color=alt.Color("host:N", legend=None)
    )
    counts = base.mark_text(dy=-6, fontSize=10).encode(
        y="members_possible:Q", text="members:Q"
    )
    chart = alt.layer(bars, unsure, counts).properties(width=620, height=220)
    return _finish(
        chart,
        "Every SCO heads-of-state summit: where, and how many members sat",
        [
            "Events of type summit held by the SCO Council of Heads of State. Bars: the",
            "member states on its first day, from the memberships table. Colour: the host.",
        ],
    )


# ---------------------------------------------------------------- summit documents

DOCUMENT_COUNTS = {  # event_stats metric: what the source counts, as the colour says it
    "documents_signed": "signed",
    "documents_adopted": "adopted",
    "documents": "signed or adopted (not said)",
}
QUALIFIER_SIGNS = {"at_least": "≥ ", "at_most": "≤ ", "approximately": "≈ "}
SUMMIT_STEP = 30  # pixels per summit along the axis
SUMMIT_GAP = 0.1  # the share of a summit's step left between two bars
# The pixels a summit's bar spans, and across which its sources' marks sit.
SUMMIT_BAND = SUMMIT_STEP * (1 - SUMMIT_GAP)
SOURCE_SPACING = 6  # pixels between the marks of one summit's sources, side by side


def _documents(says: str, value: int) -> str:
    return f"{says} document" + ("" if value == 1 else "s")


def summit_document_rows(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every heads-of-state summit with the number of `documents` rows recorded for it,
    one row per event_stats row counting a summit's documents signed or adopted).

    Each source's count keeps its own row, set side by side by `offset` (pixels from the
    middle of its summit's band): counts are never merged, even when they agree."""
    summits = summit_rows(tables)[["id", "title", "date", "host", "city", "label"]]
    recorded = tables["documents"]["event_id"].astype(str).value_counts()
    summits["recorded"] = summits["id"].map(recorded).fillna(0).astype(int)
    summits["description"] = [
        f"{label}: {_documents(str(n), n)} recorded in this package"
        for label, n in zip(summits["label"], summits["recorded"], strict=True)
    ]
    stats = tables["event_stats"]
    stats = stats[
        stats["event_id"].astype(str).isin(set(summits["id"]))
        & stats["metric"].astype(str).isin(DOCUMENT_COUNTS)
    ].sort_values(["event_id", "value", "metric", "id"])
    labels = dict(zip(summits["id"], summits["label"], strict=True))
    publishers = _names(tables, "sources", "id", "publisher")
    rows = []
    for stat in stats.itertuples(index=False):
        qualifier, source = str(stat.qualifier), str(stat.source_id)
        rows.append(
            {
                "id": stat.id,
                "summit_id": str(stat.event_id),
                "label": labels[str(stat.event_id)],
                "value": int(stat.value),
                "says": f"{QUALIFIER_SIGNS.get(qualifier, '')}{int(stat.value)}",
                "counted": DOCUMENT_COUNTS[str(stat.metric)],
                "qualifier": QUALIFIER_SHAPES.get(qualifier, (qualifier, ""))[0],
                "source_id": source,
                "source": publishers.get(source, source).split(" (")[0],
                "notes": "" if pd.isna(stat.notes) else str(stat.notes),
            }
        )
    counts = pd.DataFrame(rows)
    counts["description"] = [
        f"{row.label}: {_documents(row.says, row.value)} {row.counted}"
        f" (source {row.source_id})"
        for row in counts.itertuples(index=False)
    ]
    slot = counts.groupby("summit_id").cumcount()
    sources = counts.groupby("summit_id")["id"].transform("size")
    counts["offset"] = (slot - (sources - 1) / 2) * SOURCE_SPACING
    return summits, counts


def summit_documents(tables: dict):
    summits, counts = summit_document_rows(tables)
    x = alt.X(
        "label:N",
        title=None,
        sort=list(summits["label"]),
        scale=alt.Scale(paddingInner=SUMMIT_GAP),
        axis=alt.Axis(labelAngle=-50, labelLimit=140),
    )
    y = alt.Y("value:Q", title="documents", axis=alt.Axis(tickMinStep=1))
    recorded = (
        alt.Chart(summits)
        # Sized in pixels: beside a layer with an offset, Vega-Lite gives bars a fixed width.
        .mark_bar(color="#d4d4d4", width=SUMMIT_BAND)
        .encode(
            x=x,
            y=alt.Y("recorded:Q", title="documents"),
            tooltip=["title", "date", "host", "city", "recorded"],
            description="description:N",  # what a screen reader says for the bar
        )
        .properties(name="recorded_bars")
    )
    said = (
        alt.Chart(counts)
        .mark_point(size=45, filled=True, opacity=0.9)
        .encode(
            x=x,
            # The band's middle is 0: a lone source's mark sits over its summit's bar.
            xOffset=alt.XOffset(
                "offset:Q", scale=alt.Scale(domain=[-SUMMIT_BAND / 2, SUMMIT_BAND / 2])
            ),
            y=y,
            shape=_qualifier_shape(counts["qualifier"]),
            color=alt.Color(
                "counted:N",
                title="the source counts documents",
                scale=alt.Scale(
                    domain=list(DOCUMENT_COUNTS.values()),
                    range=list(STATUS_COLOURS[:3]),
                ),
                legend=alt.Legend(orient="top", symbolOpacity=1),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="summit"),
                "says",
                "counted",
                "qualifier",
                "source",
                "source_id",
                "notes",
            ],
            description="description:N",  # what a screen reader says for the mark
        )
        .properties(name="source_counts")
    )
    chart = alt.layer(recorded, said).properties(
        width={"step": SUMMIT_STEP}, height=240
    )
    return _finish(
        chart,
        "What each SCO summit signed or adopted: the sources' counts beside this package's rows",
        [
            "One mark per source (event_stats): how many documents it says the summit signed or",
            "adopted, side by side where sources differ, shaped by how the source words it.",
            "Grey bars: the documents this package records for the summit (documents table).",
        ],
    )


# ---------------------------------------------------------------- corridor figures


def _amount(value: float) -> str:
    for size, word in ((1e9, " bn"), (1e6, " m")):
        if abs(value) >= size:
            return f"{value / size:,.3g}{word}"
    return f"{value:,.0f}"


def corridor_rows(tables: dict) -> pd.DataFrame:
    """One row per figure in infrastructure_stats, with its project, source and panel."""
    s = tables["infrastructure_stats"].sort_values(
        ["project_id", "metric", "as_of_date"]
    )
    projects = _names(tables, "infrastructure", "id", "name")
    publishers = _names(tables, "sources", "id", "publisher")
    titles = _names(tables, "sources", "id", "title")
    urls = _names(tables, "sources", "id", "url")
    rows = []
    for stat, a in zip(s.itertuples(index=False), s["as_of_date"], strict=True):
        qualifier = str(stat.qualifier)
        words, _ = QUALIFIER_SHAPES.get(qualifier, (qualifier, "square"))
        source = str(stat.source_id)
        as_of = _date_words(stat.as_of_date, stat.as_of_precision)
        rows.append(
            {
                "id": stat.id,
                "panel": f"{projects[str(stat.project_id)]}: "
                f"{str(stat.metric).replace('_', ' ')} ({stat.unit})",
                "value": float(stat.value),
                "amount": _amount(float(stat.value)),
                "qualifier": words,
                "source_id": source,
                # The publisher without its parenthesis ("Xinhua (via ...)"): short labels.
                "source": f"{publishers.get(source, source).split(' (')[0]}, {as_of}",
                "source_title": titles.get(source, ""),
                "url": urls.get(source, ""),
                "as_of": as_of,
                # Rows sort by the first day the figure could be as of.
                "order": _day(a),
            }
        )
    return pd.DataFrame(rows)


def corridor_figures(tables: dict):
    frame = corridor_rows(tables)
    shape = _qualifier_shape(frame["qualifier"])
    panels = []
    for panel, rows in frame.groupby("panel", sort=False):
        base = alt.Chart(rows).encode(
            y=alt.Y(
                "source:N",
                title=None,
                sort=alt.EncodingSortField("order", order="ascending"),
                # One width for every panel's labels, so the panels line up.
                axis=alt.Axis(labelLimit=230, minExtent=230),
            )
        )
        x = alt.X(
            "value:Q",
            title=None,
            scale=alt.Scale(zero=True),
            axis=alt.Axis(labelExpr=AMOUNT, tickCount=4),
        )
        points = (
            base.mark_point(size=90, filled=True, color="#1f4e79")
            .encode(
                x=x,
                shape=shape,
                tooltip=[
                    "source_id",
                    "source_title",
                    "url",
                    "amount",
                    "qualifier",
                    "as_of",
                ],
            )
            .properties(name="observations")
        )
        labels = base.mark_text(align="left", dx=8, fontSize=10).encode(
            x=x, text="amount:N"
        )
        panels.append(
            alt.layer(points, labels).properties(
                title=alt.TitleParams(panel, fontSize=12, anchor="start"),
                width=220,
                height={"step": 18},
            )
        )
    chart = alt.concat(*panels, columns=2).resolve_scale(
        x="independent", y="independent"
    )
    return _finish(
        chart,
        "Corridor projects: every figure as its source gives it",
        [
            "One mark per row of infrastructure_stats, shaped by how the source words it;",
            "rows name the source and the date the figure is as of, as far as known.",
            "Where sources disagree, one panel holds marks at different values.",
        ],
    )


# ---------------------------------------------------------------- trade by year

PARTNER_GROUPS = {"central_asia_5": "The five together"}
COMPILERS = {  # whose statistics, as the colour shows it
    "CHN": "China's statistics",
    "": "not said",
}


def trade_rows(tables: dict) -> pd.DataFrame:
    """China's total trade in goods with each partner, one row per source and year, in US
    dollars (the one figure a source gives in yuan is left out rather than converted)."""
    trade = tables["trade_stats"]
    trade = trade[(trade["flow"] == "total") & (trade["unit"] == "USD")]
    states = _names(tables, "states", "iso3", "name")
    publishers = _names(tables, "sources", "id", "publisher")
    rows = []
    for row in trade.itertuples(index=False):
        state = "" if pd.isna(row.partner_state_iso3) else str(row.partner_state_iso3)
        group = "" if pd.isna(row.partner_group) else str(row.partner_group)
        compiler = (
            ""
            if pd.isna(row.compiled_by_state_iso3)
            else str(row.compiled_by_state_iso3)
        )
        words, _ = QUALIFIER_SHAPES.get(str(row.qualifier), (str(row.qualifier), ""))
        source = str(row.source_id)
        rows.append(
            {
                "partner": states.get(state, PARTNER_GROUPS.get(group, group)),
                "year": int(pd.Timestamp(row.period_start_date).year),
                "value": float(row.value),
                "amount": _amount(float(row.value)),
                "qualifier": words,
                "statistics": COMPILERS.get(
                    compiler, f"{states.get(compiler, compiler)}'s statistics"
                ),
                "source_id": source,
                "source": publishers.get(source, source).split(" (")[0],
            }
        )
    return pd.DataFrame(rows).sort_values(["partner", "year", "value"])


def trade_by_year(tables: dict):
    frame = trade_rows(tables)
    shape = alt.Shape(
        "qualifier:N",
        title="the source says",
        scale=alt.Scale(
            domain=[words for words, _ in QUALIFIER_SHAPES.values()],
            range=[mark for _, mark in QUALIFIER_SHAPES.values()],
        ),
        legend=alt.Legend(orient="top", symbolOpacity=1),
    )
    colour = alt.Color(
        "statistics:N",
        title="whose statistics",
        scale=alt.Scale(range=list(STATUS_COLOURS)),
        legend=alt.Legend(orient="top"),
    )
    points = (
        alt.Chart(frame)
        .mark_point(size=70, filled=True, opacity=0.85)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelExpr=AMOUNT)),
            shape=shape,
            color=colour,
            tooltip=[
                "partner",
                "year",
                "amount",
                "qualifier",
                "statistics",
                "source",
                "source_id",
            ],
        )
        .properties(width=260, height=160, name="observations")
    )
    chart = points.facet(
        facet=alt.Facet("partner:N", title=None, sort=sorted(set(frame["partner"]))),
        columns=3,
    ).resolve_scale(y="independent")
    return _finish(
        chart,
        "China's trade in goods with Central Asia, by year (US dollars)",
        [
            "One mark per row of trade_stats (total flow): every source keeps its own mark,",
            "coloured by whose statistics it cites; Chinese and partner figures often differ.",
        ],
    )


FIGURES = (
    Figure(
        "status-timeline",
        "Timeline of SCO statuses: one row per state, one bar per status period",
        status_timeline,
    ),
    Figure(
        "summits",
        "SCO heads-of-state summits by year and host, with the member states on each first day",
        summits,
    ),
    Figure(
        "corridor-figures",
        "Corridor projects' figures, one mark per source, shaped by qualifier",
        corridor_figures,
    ),
    Figure(
        "trade-by-year",
        "China's yearly trade in goods with each Central Asian state and the five together, "
        "one mark per source",
        trade_by_year,
    ),
    Figure(
        "summit-documents",
        "How many documents each SCO heads-of-state summit signed or adopted, one mark per "
        "source, beside the documents this package records for it",
        summit_documents,
    ),
    *(
        Figure(
            f"status-map-{day}",
            f"Map of each state's SCO status on {day}: {what}"
            if day != status_map.LATEST
            else "Map of each state's SCO status on the newest day the data records a change",
            _status_map(day),
        )
        for day, what in status_map.MAP_DAYS.items()
    ),
)
