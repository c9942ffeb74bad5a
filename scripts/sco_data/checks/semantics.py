"""Rules Table Schema cannot express: temporal order, date precision, and agreement between
tables. Each rule is a vectorised pandera check on the typed tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

from sco_data.checks.pandera_run import Rule, run_keyed
from sco_data.findings import Group
from sco_data.package import table_schema
from sco_data.package.dates import definitely_before, last_day

MEMBERSHIP_STATUSES = {"member", "observer", "dialogue_partner", "partner"}
# Rules that read the text of ids rather than compare them: they run on each batch of the
# table as it is read, the others once every table is, on what the batches kept.
READS_TEXT = {"participant-id": "event_participants"}  # rule: its table


class Context:
    """The typed tables, their schemas, and the day that counts as today."""

    def __init__(self, frames: dict, schemas: dict, today: dt.date):
        self.frames, self.schemas = frames, schemas
        self.today = pd.Timestamp(today)
        self._by_id: dict[str, pd.DataFrame] = {}

    def precision(self, table: str, date_field: str) -> pd.Series | None:
        field = table_schema.precision_field(self.schemas[table], date_field)
        return self.frames[table][field] if field else None

    def by_id(self, table: str) -> pd.DataFrame:
        """The table indexed by its id, built once: its index's hash table is reused."""
        if table not in self._by_id:
            self._by_id[table] = self.frames[table].set_index("id")
        return self._by_id[table]

    def has(self, *tables: str) -> bool:
        return all(t in self.frames for t in tables)


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """`keys.map(values)`, looked up once per distinct key: a million rows usually name a
    few thousand events or sources, and pandas would look each row up on its own."""
    if not values.index.is_unique:  # duplicate ids are the contract's to report
        values = values[~values.index.duplicated()]
    codes, distinct = pd.factorize(keys)
    found = values.array.take(values.index.get_indexer(distinct), allow_fill=True)
    return pd.Series(found.take(codes, allow_fill=True), index=keys.index)


def _ok(frame) -> pd.Series:
    return pd.Series(True, index=frame.index)


# Each rule: (table, column the finding names, rule name, message, test(context) -> ok Series)


def _precision_first_day(ctx: Context, table: str, field: str):
    precision = ctx.precision(table, field)
    dates = ctx.frames[table][field]
    if precision is None:
        return _ok(dates)
    month_off = (precision == "month") & (dates.dt.day != 1)
    year_off = (precision == "year") & ((dates.dt.day != 1) | (dates.dt.month != 1))
    # A date that does not parse is the contract's to report (type-error), not this rule's.
    off = (month_off | year_off) & dates.notna()
    return ~off.fillna(False).astype(bool)


def _not_in_future(ctx: Context, table: str, field: str):
    return ~(ctx.frames[table][field] > ctx.today).fillna(False).astype(bool)


def _end_not_before_start(ctx: Context, table: str, start: str, end: str):
    frame = ctx.frames[table]
    return ~definitely_before(frame[end], ctx.precision(table, end), frame[start])


def _memberships_do_not_overlap(ctx: Context):
    frame = ctx.frames["memberships"].copy()
    frame["latest_start"] = last_day(frame["start_date"], frame["start_precision"])
    frame = frame.sort_values(["organisation_id", "state_iso3", "start_date"])
    same = (frame["organisation_id"] == frame["organisation_id"].shift()) & (
        frame["state_iso3"] == frame["state_iso3"].shift()
    )
    previous_end = frame["end_date"].shift()
    # The earlier status is open, or surely still running on the day this one starts.
    overlap = same & (previous_end.isna() | (frame["latest_start"] <= previous_end))
    return ~overlap.reindex(ctx.frames["memberships"].index).fillna(False).astype(bool)


def _status_on_event_day(ctx: Context):
    """A state that took part in an organisation's event as member/observer/partner held
    that status on the event's first day."""
    participants = ctx.frames["event_participants"]
    events = ctx.frames["events"]
    organisations = ctx.frames["organisations"]
    memberships = ctx.frames["memberships"]
    ok = _ok(participants)
    claimed = participants["capacity"].astype("string").isin(MEMBERSHIP_STATUSES)
    if not claimed.any():
        return ok
    parent = dict(zip(organisations["id"], organisations["parent_id"], strict=True))
    with_members = set(memberships["organisation_id"].dropna())

    def owner(org):  # the organisation whose memberships govern an event of `org`
        seen = set()
        # Ids are kept as hashes of their text (see sco_data.package.compact).
        while pd.notna(org) and org not in with_members and org not in seen:
            seen.add(org)
            org = parent.get(org)
        return org if org in with_members else None

    owners = pd.Series(
        [owner(org) for org in organisations["id"]], index=organisations["id"]
    )
    event_day = ctx.by_id("events")["start_date"]
    # Indexed like event_day, so both lookups below share one hash table of event ids.
    event_org = pd.Series(
        _lookup(events["organisation_id"], owners).array, index=event_day.index
    )
    rows = participants[claimed].copy()
    rows["line"] = rows.index
    rows["organisation_id"] = _lookup(rows["event_id"], event_org)
    rows["day"] = _lookup(rows["event_id"], event_day)
    rows["status"] = rows["capacity"].astype("string")
    candidates = rows.merge(
        memberships.astype({"status": "string"}),
        on=["organisation_id", "state_iso3", "status"],
        how="left",
        suffixes=("", "_membership"),
    )
    holds = (candidates["start_date"] <= candidates["day"]) & (
        candidates["end_date"].isna()
        | (
            last_day(candidates["end_date"], candidates["end_precision"])
            >= candidates["day"]
        )
    )
    held_lines = set(candidates.loc[holds.fillna(False).astype(bool), "line"])
    # An event whose first day does not parse is reported by the contract; no status
    # can be checked against it.
    unknown = rows["organisation_id"].isna() | rows["day"].isna()
    ok[rows.index] = rows["line"].isin(held_lines) | unknown
    return ok


def _quote_within_event(ctx: Context):
    quotes, events = ctx.frames["quotes"], ctx.by_id("events")
    precision = events["date_precision"]
    start = _lookup(quotes["event_id"], events["start_date"])
    end = _lookup(quotes["event_id"], last_day(events["end_date"], precision))
    before = definitely_before(quotes["date"], quotes["date_precision"], start)
    after = (quotes["date"] > end).fillna(False).astype(bool)
    return ~(before | after)


def _stat_after_opening(ctx: Context):
    stats = ctx.frames["infrastructure_stats"]
    opened = _lookup(stats["project_id"], ctx.by_id("infrastructure")["opened_date"])
    return ~definitely_before(
        stats["period_start_date"], stats["period_start_precision"], opened
    )


def _source_not_before_fact(
    ctx: Context, table: str, fact_field: str, source_field: str
):
    """A source cannot report a fact it was published before."""
    sources = ctx.by_id("sources")
    frame = ctx.frames[table]
    published = _lookup(frame[source_field], sources["published_date"])
    precision = _lookup(frame[source_field], sources["published_precision"])
    return ~definitely_before(published, precision, frame[fact_field])


def _accessed_after_published(ctx: Context):
    sources = ctx.frames["sources"]
    return ~definitely_before(sources["accessed_date"], None, sources["published_date"])


def _person_matches_state(ctx: Context, table: str):
    rows = ctx.frames[table]
    state = _lookup(rows["person_id"], ctx.by_id("people")["state_iso3"])
    return (state.isna() | (state == rows["state_iso3"])).fillna(True).astype(bool)


def _office_terms_do_not_overlap(ctx: Context):
    """One holder at a time per organisation and office. A term whose end no source gives
    ran at most until the next began; a chair's last day is its successor's first (the
    handover meeting), so only an end later than the next start is a second holder."""
    terms = ctx.frames["office_terms"]
    frame = pd.DataFrame(
        {
            "organisation": terms["organisation_id"].astype("string"),
            "office": terms["office"].astype("string"),
            "start": terms["start_date"],
            "latest_start": last_day(terms["start_date"], terms["start_precision"]),
            "end": terms["end_date"],
        },
        index=terms.index,
    ).sort_values(["organisation", "office", "start"])
    same = (frame["organisation"] == frame["organisation"].shift()) & (
        frame["office"] == frame["office"].shift()
    )
    # The earlier term surely still ran after every day this one could have started.
    overlap = same & (frame["end"].shift() > frame["latest_start"])
    return ~overlap.reindex(terms.index).fillna(False).astype(bool)


def _period_is_calendar_year(ctx: Context):
    frame = ctx.frames["trade_stats"]
    start, end = frame["period_start_date"], frame["period_end_date"]
    year = (
        (start.dt.month == 1)
        & (start.dt.day == 1)
        & (end.dt.month == 12)
        & (end.dt.day == 31)
        & (start.dt.year == end.dt.year)
    )
    # A missing or unreadable date is the contract's to report.
    return (year | start.isna() | end.isna()).astype(bool)


def _one_partner(ctx: Context):
    frame = ctx.frames["trade_stats"]
    return frame["partner_state_iso3"].isna() != frame["partner_group"].isna()


def _compiler_is_a_side(ctx: Context):
    """Trade statistics are compiled by one of the two sides of the trade."""
    frame = ctx.frames["trade_stats"]
    compiler = frame["compiled_by_state_iso3"]
    sides = (compiler == frame["state_iso3"]) | (
        compiler == frame["partner_state_iso3"]
    )
    return (compiler.isna() | sides.fillna(False)).astype(bool)


def _participant_id_follows_rule(ctx: Context):
    p = ctx.frames["event_participants"]
    who = p["person_id"].fillna(p["state_iso3"].str.lower())
    return (p["id"] == p["event_id"] + "--" + who).fillna(False).astype(bool)


SOURCED_DATES = (  # (table, column naming a source, the date of the fact it reports)
    ("events", "source_id", "start_date"),
    ("events", "date_source_id", "start_date"),
    ("memberships", "source_id", "start_date"),
    ("quotes", "source_id", "date"),
    ("quotes", "date_source_id", "date"),
    ("infrastructure", "source_id", "opened_date"),
    ("infrastructure_stats", "source_id", "as_of_date"),
    ("organisation_stats", "source_id", "as_of_date"),
    ("office_terms", "source_id", "start_date"),
    ("office_terms", "end_source_id", "end_date"),
    ("trade_stats", "source_id", "period_start_date"),
)

PERIODS = (  # (table, start, end): an end is not before its start
    ("events", "start_date", "end_date"),
    ("memberships", "start_date", "end_date"),
    ("office_terms", "start_date", "end_date"),
    ("trade_stats", "period_start_date", "period_end_date"),
)


def rules(ctx: Context):
    """Every semantic rule that applies to the tables present."""
    found = []
    for table, schema in ctx.schemas.items():
        if table not in ctx.frames:
            continue
        for field in table_schema.date_fields(schema):
            found.append(
                (
                    table,
                    field,
                    "precision-first-day",
                    lambda v, f=field: (
                        f"'{f}' is {v} but its precision is month or "
                        "year: write the first day of that month or year."
                    ),
                    lambda c, t=table, f=field: _precision_first_day(c, t, f),
                )
            )
            found.append(
                (
                    table,
                    field,
                    "future-date",
                    lambda v, f=field: (
                        f"'{f}' is {v}, after today; the package records "
                        "what has happened."
                    ),
                    lambda c, t=table, f=field: _not_in_future(c, t, f),
                )
            )
    for table, start, end in PERIODS:
        if ctx.has(table):
            found.append(
                (
                    table,
                    end,
                    "end-before-start",
                    lambda v, s=start: f"The end date {v} is before the row's {s}.",
                    lambda c, t=table, s=start, e=end: _end_not_before_start(
                        c, t, s, e
                    ),
                )
            )
    if ctx.has("memberships"):
        found.append(
            (
                "memberships",
                "start_date",
                "membership-overlap",
                lambda v: (
                    f"This status starts on {v} while the state's previous status "
                    "in the organisation has no end date or ends later; end the earlier "
                    "row the day before."
                ),
                _memberships_do_not_overlap,
            )
        )
    if ctx.has("office_terms"):
        found.append(
            (
                "office_terms",
                "start_date",
                "office-overlap",
                lambda v: (
                    f"This term starts on {v}, but the previous term of the same office "
                    "ends later: one holder at a time. End the earlier term on or before "
                    "this start."
                ),
                _office_terms_do_not_overlap,
            )
        )
    if ctx.has("trade_stats"):
        found += [
            (
                "trade_stats",
                "period_start_date",
                "period-not-calendar-year",
                lambda v: (
                    f"The period starting {v} is not one calendar year: a yearly figure "
                    "runs from 1 January to 31 December of the same year."
                ),
                _period_is_calendar_year,
            ),
            (
                "trade_stats",
                "partner_group",
                "partner-state-or-group",
                lambda v: (
                    "Fill exactly one of partner_state_iso3 (one state) and "
                    "partner_group (a group of states)."
                ),
                _one_partner,
            ),
            (
                "trade_stats",
                "compiled_by_state_iso3",
                "compiler-not-a-side",
                lambda v: (
                    f"{v} is neither the row's state nor its partner state: trade "
                    "statistics are compiled by one side of the trade."
                ),
                _compiler_is_a_side,
            ),
        ]
    if ctx.has("event_participants", "events", "organisations", "memberships"):
        found.append(
            (
                "event_participants",
                "capacity",
                "status-on-event-day",
                lambda v: (
                    f"The state takes part as '{v}', but memberships gives it no "
                    "such status on the event's first day."
                ),
                _status_on_event_day,
            )
        )
    if ctx.has("quotes", "events"):
        found.append(
            (
                "quotes",
                "date",
                "quote-outside-event",
                lambda v: f"The quote is dated {v}, outside the dates of its event.",
                _quote_within_event,
            )
        )
    if ctx.has("infrastructure_stats", "infrastructure"):
        found.append(
            (
                "infrastructure_stats",
                "period_start_date",
                "stat-before-opening",
                lambda v: f"The period starts on {v}, before the project opened.",
                _stat_after_opening,
            )
        )
    if ctx.has("sources"):
        for table, source_field, fact in SOURCED_DATES:
            if ctx.has(table) and source_field in ctx.frames[table]:
                found.append(
                    (
                        table,
                        source_field,
                        "source-before-fact",
                        lambda v, f=fact: (
                            f"Source '{v}' was published before the "
                            f"row's {f}, so it cannot report it."
                        ),
                        lambda c, t=table, f=fact, s=source_field: (
                            _source_not_before_fact(c, t, f, s)
                        ),
                    )
                )
        found.append(
            (
                "sources",
                "accessed_date",
                "accessed-before-published",
                lambda v: f"The page was accessed on {v}, before it was published.",
                _accessed_after_published,
            )
        )
    for table in ("event_participants", "office_terms"):
        if ctx.has(table, "people"):
            found.append(
                (
                    table,
                    "state_iso3",
                    "person-state-mismatch",
                    lambda v: (
                        f"State {v} is not the state of the row's person in 'people'."
                    ),
                    lambda c, t=table: _person_matches_state(c, t),
                )
            )
    if ctx.has("event_participants"):
        found.append(
            (
                "event_participants",
                "id",
                "participant-id",
                lambda v: (
                    f"Id '{v}' must be '<event_id>--<person_id>', or "
                    "'<event_id>--<iso3 in lower case>' when no person is named."
                ),
                _participant_id_follows_rule,
            )
        )
    return found


def _guarded(test, ctx):
    def check(frame):
        try:
            return test(ctx)
        except (KeyError, TypeError, ValueError):
            # A table too broken to compare (its columns missing or mistyped) is reported by
            # the contract; this rule has nothing sound to say about it.
            return _ok(frame)

    return check


def _keyed(
    frames: dict,
    schemas: dict,
    files: dict,
    today: dt.date,
    reading_text: bool,
    values_kept: int | None,
    hashed: dict[str, set[str]],
) -> list[tuple[tuple, Group]]:
    ctx = Context(frames, schemas, today)
    by_table: dict[str, list] = {}
    for table, column, rule, message, test in rules(ctx):
        if (rule in READS_TEXT) == reading_text:
            by_table.setdefault(table, []).append((column, rule, message, test))
    groups = []
    for table, table_rules in by_table.items():
        checks, meanings = [], {}
        for number, (column, rule, message, test) in enumerate(table_rules):
            checks.append(pa.Check(_guarded(test, ctx), name=rule))
            meanings[number] = Rule(rule, message, column)
        schema = pa.DataFrameSchema(checks=checks, name=table)
        read_back = hashed.get(table, set())
        groups += run_keyed(
            schema, frames[table], files[table], {}, meanings, values_kept, read_back
        )
    return groups


def check(
    frames: dict,
    schemas: dict,
    files: dict,
    today: dt.date,
    values_kept: int | None = None,
    hashed: dict[str, set[str]] | None = None,
) -> list[Group]:
    """The rules that compare rows and tables, on what each table kept. `hashed` names
    per table the columns held as hashes, whose values are read back from the file."""
    found = _keyed(frames, schemas, files, today, False, values_kept, hashed or {})
    return [group for _, group in found]


def check_text(
    table: str, frame, schema: dict, file: str, today: dt.date, values_kept=None
) -> list[tuple[tuple, Group]]:
    """The rules that read the text of ids, on one batch of a table: (check, group)."""
    return _keyed(
        {table: frame}, {table: schema}, {table: file}, today, True, values_kept, {}
    )
