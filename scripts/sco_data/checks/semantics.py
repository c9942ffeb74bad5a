"""Rules Table Schema cannot express: temporal order, date precision, and agreement between
tables. Each rule is a vectorised test on the typed tables, declared once above its function
(`declare`, see `rule_registry`): its name, where it applies, its message and what it reads.
`semantic_run` runs them as pandera checks.

Most rules read one row of their table at a time, plus rows of other tables they look up
(`looks_up`): they run on each batch of the table as it is read, provided the tables they look
up were read before it. Those that compare rows of their own table (`across_rows`), or look up
a table read later, wait until every table is read and run on what each kept."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sco_data.checks.rule_registry import Declarations, Target
from sco_data.package import table_schema
from sco_data.package.compact import find_sorted
from sco_data.package.dates import (
    definitely_before,
    held_on,
    last_day,
    off_first_day,
)

MEMBERSHIP_STATUSES = {"member", "observer", "dialogue_partner", "partner"}


class Context:
    """The typed tables, their schemas, and the day that counts as today. While a table
    is read, its frame is the batch at hand; the tables read before it are whole, and
    what is derived from them is built once (`derived`) for all the batches."""

    def __init__(self, frames: dict, schemas: dict, today: dt.date):
        self.frames, self.schemas = frames, schemas
        self.today = pd.Timestamp(today)
        self._derived: dict[tuple, object] = {}
        self._applied: dict[frozenset, list] = {}

    def set_frame(self, table: str, frame: pd.DataFrame) -> None:
        self.frames[table] = frame
        self._derived = {k: v for k, v in self._derived.items() if table not in k[1]}

    def derived(self, name: str, tables: tuple[str, ...], build):
        """`build()`, made once while `tables` stay as they are."""
        key = (name, tables)
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    def precision(self, table: str, date_field: str) -> pd.Series | None:
        field = table_schema.precision_field(self.schemas[table], date_field)
        return self.frames[table][field] if field else None

    def by_id(self, table: str) -> Rows:
        """The table's rows by id, sorted once for all the lookups into it."""
        return self.derived("by-id", (table,), lambda: Rows(self.frames[table]))

    def applied(self, rule_set) -> list:
        """The rules of `rule_set` that apply to the tables present: worked out once for
        each set of tables, and so once for all the batches of a table."""
        present = frozenset(self.frames)
        if present not in self._applied:
            self._applied[present] = rule_set.applied(self.schemas, present)
        return self._applied[present]

    def has(self, *tables: str) -> bool:
        return all(t in self.frames for t in tables)


class Rows:
    """A table's rows found by their id: the ids sorted, for a binary search of many at
    once (16 bytes a row, where pandas' hash table of an index takes about 30)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        ids = frame["id"]
        present = np.flatnonzero(ids.notna().to_numpy(dtype=bool))
        values = ids.iloc[present].to_numpy()
        order = np.argsort(values, kind="stable")  # repeated ids: the first row wins
        self.ids, self.rows = values[order], present[order]

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame[column]

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """The row of each key, -1 where no row has it."""
        found = find_sorted(self.ids, keys)
        return np.where(found >= 0, self.rows[found], -1)


def _lookup(keys: pd.Series, values: pd.Series, rows: Rows) -> pd.Series:
    """`values` (a column of `rows`' table) at the row each of `keys` names, <NA> where
    none does; looked up once per distinct key: a million rows usually name a few
    thousand events or sources."""
    codes, distinct = pd.factorize(keys)
    found = values.array.take(rows.positions(np.asarray(distinct)), allow_fill=True)
    return pd.Series(found.take(codes, allow_fill=True), index=keys.index)


def _ok(frame) -> pd.Series:
    return pd.Series(True, index=frame.index)


# The rules, in the order their checks run. Each function takes the context and its target's
# params, and returns True on the rows that pass.
declare = Declarations()


def date_fields(schemas: dict):
    """Every date field of every table."""
    for table, schema in schemas.items():
        for field in table_schema.date_fields(schema):
            yield Target(table, field, {"table": table, "field": field})


@declare(
    "precision-first-day",
    targets=date_fields,
    message=(
        "'{field}' is {value} but its precision is month or year: write the first day "
        "of that month or year."
    ),
)
def _precision_first_day(ctx: Context, table: str, field: str):
    precision = ctx.precision(table, field)
    dates = ctx.frames[table][field]
    if precision is None:
        return _ok(dates)
    # A date that does not parse is the contract's to report (type-error), not this rule's.
    return pd.Series(~off_first_day(dates, precision), index=dates.index)


@declare(
    "future-date",
    targets=date_fields,
    message="'{field}' is {value}, after today; the package records what has happened.",
)
def _not_in_future(ctx: Context, table: str, field: str):
    return ~(ctx.frames[table][field] > ctx.today).fillna(False).astype(bool)


PERIODS = (  # (table, start, end): an end is not before its start
    ("events", "start_date", "end_date"),
    ("memberships", "start_date", "end_date"),
    ("office_terms", "start_date", "end_date"),
    ("trade_stats", "period_start_date", "period_end_date"),
    ("organisation_seats", "start_date", "end_date"),
)


@declare(
    "end-before-start",
    targets=lambda schemas: (
        Target(table, end, {"table": table, "start": start, "end": end})
        for table, start, end in PERIODS
    ),
    message="The end date {value} is before the row's {start}.",
)
def _end_not_before_start(ctx: Context, table: str, start: str, end: str):
    frame = ctx.frames[table]
    return ~definitely_before(frame[end], ctx.precision(table, end), frame[start])


@declare(
    "membership-overlap",
    table="memberships",
    column="start_date",
    message=(
        "This status starts on {value} while the state's previous status in the "
        "organisation has no end date or ends later; end the earlier row the day before."
    ),
    across_rows=True,
)
def _memberships_do_not_overlap(ctx: Context):
    return ~_overlaps_previous(
        ctx.frames["memberships"], ["organisation_id", "state_iso3"]
    )


def _overlaps_previous(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per row of a table of periods (start_date, start_precision, end_date): the previous
    period with the same `keys` is open, or surely still running on the day this one
    starts."""
    periods = frame[[*keys, "start_date", "end_date"]].assign(
        latest_start=last_day(frame["start_date"], frame["start_precision"])
    )
    periods = periods.sort_values([*keys, "start_date"])
    same = periods[keys[0]] == periods[keys[0]].shift()
    for key in keys[1:]:
        same = same & (periods[key] == periods[key].shift())
    previous_end = periods["end_date"].shift()
    overlap = same & (previous_end.isna() | (periods["latest_start"] <= previous_end))
    return overlap.reindex(frame.index).fillna(False).astype(bool)


@declare(
    "office-overlap",
    table="office_terms",
    column="start_date",
    message=(
        "This term starts on {value}, but the previous term of the same office ends "
        "later: one holder at a time. End the earlier term on or before this start."
    ),
    across_rows=True,
)
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


@declare(
    "period-not-calendar-year",
    table="trade_stats",
    column="period_start_date",
    message=(
        "The period starting {value} is not one calendar year: a yearly figure runs "
        "from 1 January to 31 December of the same year."
    ),
)
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


@declare(
    "partner-state-or-group",
    table="trade_stats",
    column="partner_group",
    message=(
        "Fill exactly one of partner_state_iso3 (one state) and partner_group "
        "(a group of states)."
    ),
)
def _one_partner(ctx: Context):
    return _exactly_one_of(
        ctx.frames["trade_stats"], "partner_state_iso3", "partner_group"
    )


def _exactly_one_of(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    return frame[first].isna() != frame[second].isna()


@declare(
    "compiler-not-a-side",
    table="trade_stats",
    column="compiled_by_state_iso3",
    message=(
        "{value} is neither the row's state nor its partner state: trade statistics "
        "are compiled by one side of the trade."
    ),
)
def _compiler_is_a_side(ctx: Context):
    """Trade statistics are compiled by one of the two sides of the trade."""
    frame = ctx.frames["trade_stats"]
    compiler = frame["compiled_by_state_iso3"]
    sides = (compiler == frame["state_iso3"]) | (
        compiler == frame["partner_state_iso3"]
    )
    return (compiler.isna() | sides.fillna(False)).astype(bool)


def _owners(ctx: Context) -> pd.Series:
    """Per event (in the order of its rows), the organisation whose memberships govern
    it: its own, or the nearest parent that has members."""
    organisations = ctx.frames["organisations"]
    parent = dict(zip(organisations["id"], organisations["parent_id"], strict=True))
    with_members = set(ctx.frames["memberships"]["organisation_id"].dropna())

    def owner(org):
        seen = set()
        # Ids are kept as hashes of their text (see sco_data.package.compact).
        while pd.notna(org) and org not in with_members and org not in seen:
            seen.add(org)
            org = parent.get(org)
        return org if org in with_members else None

    owners = pd.Series(
        [owner(org) for org in organisations["id"]], dtype=organisations["id"].dtype
    )
    events = ctx.frames["events"]
    return _lookup(events["organisation_id"], owners, ctx.by_id("organisations"))


def _statuses_as_text(ctx: Context) -> pd.DataFrame:
    """What a participant's claimed status is matched against: each membership's
    organisation, state, status (as text, to match the participants' own categories)
    and dates."""
    memberships = ctx.frames["memberships"]
    columns = ["organisation_id", "state_iso3", "status", "start_date"]
    columns += ["start_precision", "end_date", "end_precision"]
    return memberships[columns].astype({"status": "string"})


@declare(
    "status-on-event-day",
    table="event_participants",
    column="capacity",
    message=(
        "The state takes part as '{value}', but memberships gives it no such status on "
        "the event's first day."
    ),
    looks_up={
        "events": ("id", "organisation_id", "start_date"),
        "organisations": ("id", "parent_id"),
        "memberships": (
            "organisation_id",
            "state_iso3",
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
        ),
    },
)
def _status_on_event_day(ctx: Context):
    """A state that took part in an organisation's event as member/observer/partner held
    that status on the event's first day."""
    participants = ctx.frames["event_participants"]
    ok = _ok(participants)
    claimed = participants["capacity"].isin(MEMBERSHIP_STATUSES)
    if not claimed.any():
        return ok
    events = ctx.by_id("events")
    event_org = ctx.derived(
        "event-owner", ("events", "organisations", "memberships"), lambda: _owners(ctx)
    )
    statuses = ctx.derived(
        "statuses-as-text", ("memberships",), lambda: _statuses_as_text(ctx)
    )
    rows = participants.loc[claimed, ["event_id", "state_iso3", "capacity"]]
    rows = rows.assign(
        line=rows.index,
        organisation_id=_lookup(rows["event_id"], event_org, events),
        day=_lookup(rows["event_id"], events["start_date"], events),
        status=rows["capacity"].astype("string"),
    )
    candidates = rows.merge(
        statuses, on=["organisation_id", "state_iso3", "status"], how="left"
    )
    # Held on at least one of the days its dates may stand for.
    _, maybe = held_on(candidates, candidates["day"])
    held_lines = set(candidates.loc[maybe, "line"])
    # An event whose first day does not parse is reported by the contract; no status
    # can be checked against it.
    unknown = rows["organisation_id"].isna() | rows["day"].isna()
    ok[rows.index] = rows["line"].isin(held_lines) | unknown
    return ok


@declare(
    "quote-outside-event",
    table="quotes",
    column="date",
    message="The quote is dated {value}, outside the dates of its event.",
    looks_up={"events": ("id", "start_date", "end_date", "date_precision")},
)
def _quote_within_event(ctx: Context):
    return _dated_within_event(ctx, "quotes")


def _dated_within_event(ctx: Context, table: str) -> pd.Series:
    """A row's `date` (with its `date_precision`) may fall within its event's dates."""
    rows, events = ctx.frames[table], ctx.by_id("events")
    precision = events["date_precision"]
    start = _lookup(rows["event_id"], events["start_date"], events)
    end = _lookup(rows["event_id"], last_day(events["end_date"], precision), events)
    before = definitely_before(rows["date"], rows["date_precision"], start)
    after = (rows["date"] > end).fillna(False).astype(bool)
    return ~(before | after)


@declare(
    "stat-before-opening",
    table="infrastructure_stats",
    column="period_start_date",
    message="The period starts on {value}, before the project opened.",
    looks_up={"infrastructure": ("id", "opened_date")},
)
def _stat_after_opening(ctx: Context):
    stats = ctx.frames["infrastructure_stats"]
    infrastructure = ctx.by_id("infrastructure")
    opened = _lookup(stats["project_id"], infrastructure["opened_date"], infrastructure)
    return ~definitely_before(
        stats["period_start_date"], stats["period_start_precision"], opened
    )


@declare(
    "document-outside-event",
    table="documents",
    column="date",
    message="The document is dated {value}, outside the dates of the event it belongs to.",
    looks_up={"events": ("id", "start_date", "end_date", "date_precision")},
)
def _document_within_event(ctx: Context):
    return _dated_within_event(ctx, "documents")


@declare(
    "status-before-decision",
    table="memberships",
    column="decision_document_id",
    message=(
        "The status starts before decision '{value}' was adopted; a status starts on or "
        "after the decision that granted it."
    ),
    looks_up={"documents": ("id", "date")},
)
def _status_not_before_decision(ctx: Context):
    memberships, documents = ctx.frames["memberships"], ctx.by_id("documents")
    decided = _lookup(memberships["decision_document_id"], documents["date"], documents)
    # The latest day a month- or year-precision start can stand for: only a start
    # surely before the decision is one.
    latest_start = last_day(memberships["start_date"], memberships["start_precision"])
    return ~(latest_start < decided).fillna(False).astype(bool)


@declare(
    "exercise-participant-without-status",
    table="event_participants",
    column="capacity",
    message=(
        "A state in a joint exercise takes part with the SCO status it held on the first "
        "day, or as 'guest' with the reason in notes; this row gives no capacity."
    ),
    looks_up={"events": ("id", "event_type")},
)
def _exercise_participant_has_capacity(ctx: Context):
    """Whether the status held that day is status-on-event-day's question; this one asks
    that the row says which, or that the state came as a guest."""
    participants, events = ctx.frames["event_participants"], ctx.by_id("events")
    kind = _lookup(participants["event_id"], events["event_type"], events)
    exercise = (kind.astype("string") == "military_exercise").fillna(False)
    return (~exercise | participants["capacity"].notna()).astype(bool)


@declare(
    "party-state-or-organisation",
    table="document_parties",
    column="organisation_id",
    message=(
        "Fill exactly one of state_iso3 (a state) and organisation_id (an organisation): "
        "a party is one or the other."
    ),
)
def _one_party(ctx: Context):
    return _exactly_one_of(
        ctx.frames["document_parties"], "state_iso3", "organisation_id"
    )


@declare(
    "party-id",
    table="document_parties",
    column="id",
    message=(
        "Id '{value}' must be '<document_id>--<iso3 in lower case>' for a state, or "
        "'<document_id>--<organisation_id>' for an organisation."
    ),
    reads_text=True,
)
def _party_id_follows_rule(ctx: Context):
    p = ctx.frames["document_parties"]
    who = p["state_iso3"].str.lower().fillna(p["organisation_id"])
    return (p["id"] == p["document_id"] + "--" + who).fillna(False).astype(bool)


@declare(
    "seat-overlap",
    table="organisation_seats",
    column="start_date",
    message=(
        "This seat starts on {value} while the organisation's previous seat has no end "
        "date or ends later: one seat at a time. End the earlier row the day before."
    ),
    across_rows=True,
)
def _seats_do_not_overlap(ctx: Context):
    return ~_overlaps_previous(ctx.frames["organisation_seats"], ["organisation_id"])


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
    ("documents", "source_id", "date"),
    ("organisation_seats", "source_id", "start_date"),
)


def _sourced_dates(schemas: dict):
    """The pairs of `SOURCED_DATES` whose table has the source column."""
    for table, source_field, fact in SOURCED_DATES:
        if table in schemas and source_field in table_schema.field_names(
            schemas[table]
        ):
            params = {"table": table, "fact_field": fact, "source_field": source_field}
            yield Target(table, source_field, params)


@declare(
    "source-before-fact",
    targets=_sourced_dates,
    message=(
        "Source '{value}' was published before the row's {fact_field}, so it cannot "
        "report it."
    ),
    looks_up={"sources": ("id", "published_date", "published_precision")},
)
def _source_not_before_fact(
    ctx: Context, table: str, fact_field: str, source_field: str
):
    """A source cannot report a fact it was published before."""
    sources = ctx.by_id("sources")
    frame = ctx.frames[table]
    # The latest day each source may have been published, worked out once per run.
    latest = ctx.derived(
        "latest-publication-day",
        ("sources",),
        lambda: last_day(sources["published_date"], sources["published_precision"]),
    )
    published = _lookup(frame[source_field], latest, sources)
    return ~definitely_before(published, None, frame[fact_field])


@declare(
    "accessed-before-published",
    table="sources",
    column="accessed_date",
    message="The page was accessed on {value}, before it was published.",
)
def _accessed_after_published(ctx: Context):
    sources = ctx.frames["sources"]
    return ~definitely_before(sources["accessed_date"], None, sources["published_date"])


@declare(
    "person-state-mismatch",
    targets=lambda schemas: (
        Target(table, "state_iso3", {"table": table})
        for table in ("event_participants", "office_terms")
    ),
    message="State {value} is not the state of the row's person in 'people'.",
    looks_up={"people": ("id", "state_iso3")},
)
def _person_matches_state(ctx: Context, table: str):
    rows = ctx.frames[table]
    people = ctx.by_id("people")
    state = _lookup(rows["person_id"], people["state_iso3"], people)
    return (state.isna() | (state == rows["state_iso3"])).fillna(True).astype(bool)


@declare(
    "participant-id",
    table="event_participants",
    column="id",
    message=(
        "Id '{value}' must be '<event_id>--<person_id>', or "
        "'<event_id>--<iso3 in lower case>' when no person is named."
    ),
    reads_text=True,
)
def _participant_id_follows_rule(ctx: Context):
    p = ctx.frames["event_participants"]
    who = p["person_id"].fillna(p["state_iso3"].str.lower())
    return (p["id"] == p["event_id"] + "--" + who).fillna(False).astype(bool)


RULES = declare.done()

# Views of the declarations, by rule name (derived: never edit them by hand).
# What each rule reads of other tables: a table keeps these columns once it is read.
LOOKS_UP = {rule.name: rule.looks_up for rule in RULES if rule.looks_up}
# Rules that compare rows of their own table with each other.
ACROSS_ROWS = frozenset(rule.name for rule in RULES if rule.across_rows)
# Rules that read the text of ids rather than compare them.
READS_TEXT = frozenset(rule.name for rule in RULES if rule.reads_text)


def rules(ctx: Context):
    """Every semantic rule that applies to the tables present, on each of its targets:
    (table, column the finding names, rule name, message, test(context) -> ok Series)."""
    return ctx.applied(RULES)
