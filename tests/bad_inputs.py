"""The catalogue of bad input the package rejects: each entry breaks a fresh copy of the real
package in one way and names the finding `make validate` must report.

Run `python tests/bad_inputs.py docs/bad-inputs.md` (`make docs`) to write the page from it, or
without an argument to print it.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Expected:
    layer: str
    file: str
    line: int | None
    column: str | None
    rule: str
    count: int | None = (
        None  # cells or rows in the grouped entry, for systematic mistakes
    )


@dataclass(frozen=True)
class BadInput:
    name: str
    example: str  # what the fixture does, for the docs
    apply: Callable[[Path], None]  # breaks the package copy in place
    expect: Callable[[Path], Expected]  # computed from the real data, so rows may move


# --- helpers that address rows by key, so the catalogue survives new data --------------------


def data_file(table: str) -> str:
    return f"data/{table}.csv"


def _rows(root: Path, table: str) -> tuple[list[str], list[list[str]]]:
    text = (root / data_file(table)).read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def _write(root: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (root / data_file(table)).write_text(buffer.getvalue(), "utf-8")


def line_of(root: Path, table: str, key: str) -> int:
    """CSV line of the row whose first column is `key` (header = line 1)."""
    _, rows = _rows(root, table)
    return [r[0] for r in rows].index(key) + 2


def set_cell(table: str, key: str, column: str, value: str):
    def apply(root: Path) -> None:
        header, rows = _rows(root, table)
        rows[line_of(root, table, key) - 2][header.index(column)] = value
        _write(root, table, header, rows)

    return apply


def _copy_cell(table: str, source_key: str, key: str, column: str):
    """Give row `key` the value row `source_key` has in `column`."""

    def apply(root: Path) -> None:
        header, rows = _rows(root, table)
        value = rows[line_of(root, table, source_key) - 2][header.index(column)]
        set_cell(table, key, column, value)(root)

    return apply


def set_cells(table: str, key: str, **values: str):
    def apply(root: Path) -> None:
        for column, value in values.items():
            set_cell(table, key, column, value)(root)

    return apply


def at(layer: str, table: str, key: str | None, column: str | None, rule: str):
    def expect(root: Path) -> Expected:
        line = line_of(ROOT, table, key) if key else None
        return Expected(layer, data_file(table), line, column, rule)

    return expect


def at_line(layer: str, file: str, line, column: str | None, rule: str):
    def expect(root: Path) -> Expected:
        number = line(root) if callable(line) else line
        return Expected(layer, file, number, column, rule)

    return expect


def edit_bytes(table: str, change: Callable[[bytes], bytes]):
    def apply(root: Path) -> None:
        path = root / data_file(table)
        path.write_bytes(change(path.read_bytes()))

    return apply


def edit_line(table: str, key: str, change: Callable[[bytes], bytes]):
    """Change the raw bytes of one row's line (rows here hold no line breaks)."""

    def apply(root: Path) -> None:
        path = root / data_file(table)
        lines = path.read_bytes().split(b"\n")
        number = line_of(root, table, key)
        lines[number - 1] = change(lines[number - 1])
        path.write_bytes(b"\n".join(lines))

    return apply


def edit_columns(table: str, change: Callable[[list[str], list[list[str]]], tuple]):
    def apply(root: Path) -> None:
        header, rows = _rows(root, table)
        _write(root, table, *change(header, rows))

    return apply


def edit_json(file: str, change: Callable[[dict], None]):
    def apply(root: Path) -> None:
        path = root / file
        data = json.loads(path.read_text("utf-8"))
        change(data)
        path.write_text(json.dumps(data, indent=2), "utf-8")

    return apply


def _drop(name):
    def change(header, rows):
        i = header.index(name)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return change


def _add_column(header, rows):
    return header + ["rating"], [r + ["5"] for r in rows]


def _rename(old, new):
    def change(header, rows):
        return [new if h == old else h for h in header], rows

    return change


def _swap(a, b):
    def change(header, rows):
        i, j = header.index(a), header.index(b)
        order = list(range(len(header)))
        order[i], order[j] = j, i
        return [header[k] for k in order], [[r[k] for k in order] for r in rows]

    return change


def _last_line(root: Path) -> int:
    return len((ROOT / data_file("events")).read_bytes().rstrip(b"\n").split(b"\n"))


def _truncate(data: bytes) -> bytes:
    return data.rstrip(b"\n")[:-25]


def _membership_line(state: str, status: str = "member") -> Callable[[Path], int]:
    """The line of a state's SCO status in the real memberships table."""

    def line(root: Path) -> int:
        header, rows = _rows(ROOT, "memberships")
        keys = [
            (r[header.index("state_iso3")], r[header.index("status")]) for r in rows
        ]
        return keys.index((state, status)) + 2

    return line


def _set_membership(state: str, status: str, /, **values: str):
    """Set cells of a state's status row, found in the real memberships table."""

    def apply(root: Path) -> None:
        header, rows = _rows(root, "memberships")
        row = rows[_membership_line(state, status)(root) - 2]
        for column, value in values.items():
            row[header.index(column)] = value
        _write(root, "memberships", header, rows)

    return apply


def _enum_widened_without_suite(schema: dict) -> None:
    for field in schema["fields"]:
        if field["name"] == "event_type":
            field["constraints"]["enum"].append("reception")


def _extra_csv(root: Path) -> None:
    (root / "data" / "notes.csv").write_text("id,text\nx,draft\n", "utf-8")


CSV, PA, GX, ISO = (
    "csv-file",
    "pandera",
    "great-expectations",
    "iso-codes",
)
EV, SRC_ARTICLE = (
    "xi-proposes-silk-road-economic-belt-2013",
    "src-khovar-wang-yi-rahmon-2024",
)
QUOTE = "xi-2024-first-proposed-silk-road-economic-belt"
CHAIR_KAZ, CHAIR_CHN = "sco-rotating-chair-2023-kaz", "sco-rotating-chair-2024-chn"
SG_NOROV = "sco-secretary-general-2019-vladimir-norov"
TRADE_KAZ = "kaz-total-2024-astanatimes-china-ca-trade-2024"
DECLARATION = "sco-summit-2024-astana-declaration"
DECLARATION_PARTY = f"{DECLARATION}--sco-heads-of-state-council"
WASTE_STATEMENT = "sco-summit-2024-astana-waste-management-statement"
BELARUS_MEMBER = "sco-summit-2024-astana-decision-belarus-member"
JOINT_STATEMENT = "xi-tokayev-talks-2024-joint-statement"
TROOPS = "peace-mission-2007-personnel-xinhua"
DIRECTOR_ZHANG = "sco-rats-director-2013-zhang-xinfeng"
DIRECTOR_SYSOYEV = "sco-rats-director-2016-yevgeny-sysoyev"
DUPLICATE_FIGURE_COLUMNS = (
    "partner_state_iso3,partner_group,flow,period_start_date,unit,"
    "compiled_by_state_iso3,source_id"
)

CATALOGUE: list[BadInput] = [
    # --- keys ------------------------------------------------------------------------------
    BadInput(
        "duplicate primary key",
        "an event takes the id of the event before it",
        set_cell("events", "rahmon-state-visit-china-2023", "id", EV),
        at_line(PA, "data/events.csv", 3, "id", "primary-key"),
    ),
    BadInput(
        "broken foreign key",
        "a participant names a person who is not in people",
        set_cell(
            "event_participants", f"{EV}--xi-jinping", "person_id", "nobody-known"
        ),
        at(PA, "event_participants", f"{EV}--xi-jinping", "person_id", "foreign-key"),
    ),
    # --- values ----------------------------------------------------------------------------
    BadInput(
        "value outside its categories",
        "event_type 'party'",
        set_cell("events", EV, "event_type", "party"),
        at(PA, "events", EV, "event_type", "constraint-error"),
    ),
    BadInput(
        "impossible date",
        "start_date 2024-02-30",
        set_cell("events", EV, "start_date", "2024-02-30"),
        at(PA, "events", EV, "start_date", "type-error"),
    ),
    BadInput(
        "malformed date",
        "accessed_date 28/11/2026",
        set_cell("sources", SRC_ARTICLE, "accessed_date", "28/11/2026"),
        at(PA, "sources", SRC_ARTICLE, "accessed_date", "type-error"),
    ),
    BadInput(
        "end before start",
        "an event ends the day before it starts",
        set_cell("events", EV, "end_date", "2013-09-06"),
        at(PA, "events", EV, "end_date", "end-before-start"),
    ),
    BadInput(
        "blank required value",
        "an event without a title",
        set_cell("events", EV, "title", ""),
        at(PA, "events", EV, "title", "constraint-error"),
    ),
    BadInput(
        "negative quantity",
        "a capacity of -66500",
        set_cell(
            "infrastructure_stats",
            "xian-kazakhstan-terminal-annual-capacity-2024",
            "value",
            "-66500",
        ),
        at(
            PA,
            "infrastructure_stats",
            "xian-kazakhstan-terminal-annual-capacity-2024",
            "value",
            "constraint-error",
        ),
    ),
    BadInput(
        "absurd quantity",
        "the SCO's share of world population as 400 percent",
        set_cell(
            "organisation_stats", "sco-share-of-world-population-2024", "value", "400"
        ),
        at(
            GX,
            "organisation_stats",
            "sco-share-of-world-population-2024",
            "value",
            "absurd-quantity",
        ),
    ),
    BadInput(
        "unit that does not measure the metric",
        "a share of world population in USD",
        set_cell(
            "organisation_stats", "sco-share-of-world-population-2024", "unit", "USD"
        ),
        at(
            GX,
            "organisation_stats",
            "sco-share-of-world-population-2024",
            "metric,unit",
            "metric-unit",
        ),
    ),
    BadInput(
        "not a number",
        "a capacity written 66,500",
        set_cell(
            "infrastructure_stats",
            "xian-kazakhstan-terminal-annual-capacity-2024",
            "value",
            "66,500",
        ),
        at(
            PA,
            "infrastructure_stats",
            "xian-kazakhstan-terminal-annual-capacity-2024",
            "value",
            "type-error",
        ),
    ),
    BadInput(
        "not a boolean",
        "is_translation 'maybe'",
        set_cell("quotes", QUOTE, "is_translation", "maybe"),
        at(PA, "quotes", QUOTE, "is_translation", "type-error"),
    ),
    BadInput(
        "malformed web address",
        "url 'helsinkitimes dot fi'",
        set_cell("sources", SRC_ARTICLE, "url", "helsinkitimes dot fi"),
        at(PA, "sources", SRC_ARTICLE, "url", "type-error"),
    ),
    BadInput(
        "unknown ISO code",
        "a state with alpha-3 code AZR",
        set_cell("states", "AZE", "iso3", "AZR"),
        at_line(
            ISO,
            "data/states.csv",
            lambda r: line_of(ROOT, "states", "AZE"),
            "iso3",
            "iso-3166-1",
        ),
    ),
    BadInput(
        "ISO alpha-2 code of another state",
        "Kazakhstan with alpha-2 KX",
        set_cell("states", "KAZ", "iso2", "KX"),
        at(ISO, "states", "KAZ", "iso2", "iso-3166-1"),
    ),
    BadInput(
        "malformed Wikidata QID",
        "wikidata_qid '15031' without its Q",
        set_cell("states", "KAZ", "wikidata_qid", "15031"),
        at(PA, "states", "KAZ", "wikidata_qid", "constraint-error"),
    ),
    BadInput(
        "date in the future",
        "a membership that starts in 2099",
        set_cell("memberships", "sco", "start_date", "2099-06-15"),
        at(PA, "memberships", "sco", "start_date", "future-date"),
    ),
    BadInput(
        "month-precision date not on the first",
        "a month-precision start_date of 2023-05-15",
        set_cells(
            "events",
            "rahmon-state-visit-china-2023",
            start_date="2023-05-15",
            end_date="2023-05-15",
        ),
        at(
            PA,
            "events",
            "rahmon-state-visit-china-2023",
            "start_date",
            "precision-first-day",
        ),
    ),
    BadInput(
        "date without its precision",
        "an opening date with an empty opened_precision",
        set_cell("infrastructure", "xian-kazakhstan-terminal", "opened_precision", ""),
        at(
            GX,
            "infrastructure",
            "xian-kazakhstan-terminal",
            "opened_precision",
            "precision-pairing",
        ),
    ),
    # --- across rows and tables -------------------------------------------------------------
    BadInput(
        "overlapping memberships",
        "China made an observer in 2010 while still a member",
        _set_membership(
            "KAZ",
            "member",
            state_iso3="CHN",
            status="observer",
            start_date="2010-01-01",
        ),
        at_line(
            PA,
            "data/memberships.csv",
            _membership_line("KAZ"),
            "start_date",
            "membership-overlap",
        ),
    ),
    BadInput(
        "status that memberships do not give",
        "Kazakhstan at the 2024 summit as an observer",
        set_cell(
            "event_participants", "sco-summit-2024-astana--kaz", "capacity", "observer"
        ),
        at(
            PA,
            "event_participants",
            "sco-summit-2024-astana--kaz",
            "capacity",
            "status-on-event-day",
        ),
    ),
    BadInput(
        "quote outside its event",
        "a quote dated a month after its event",
        set_cell("quotes", QUOTE, "date", "2024-08-02"),
        at(PA, "quotes", QUOTE, "date", "quote-outside-event"),
    ),
    BadInput(
        "source published before the fact",
        "the date source of a May 2024 meeting dated January 2024",
        set_cell("sources", SRC_ARTICLE, "published_date", "2024-01-01"),
        at(
            PA,
            "events",
            "wang-yi-meets-rahmon-2024",
            "date_source_id",
            "source-before-fact",
        ),
    ),
    BadInput(
        "page accessed before it was published",
        "accessed_date 2000-01-01",
        set_cell("sources", SRC_ARTICLE, "accessed_date", "2000-01-01"),
        at(PA, "sources", SRC_ARTICLE, "accessed_date", "accessed-before-published"),
    ),
    BadInput(
        "statistic before the project opened",
        "cargo counted from June 2023 for a terminal opened in February 2024",
        set_cell(
            "infrastructure_stats",
            "xian-kazakhstan-terminal-cargo-handled-2024",
            "period_start_date",
            "2023-06-01",
        ),
        at(
            PA,
            "infrastructure_stats",
            "xian-kazakhstan-terminal-cargo-handled-2024",
            "period_start_date",
            "stat-before-opening",
        ),
    ),
    BadInput(
        "participant's state differs from the person's",
        "Xi Jinping taking part for Kazakhstan",
        set_cell("event_participants", f"{EV}--xi-jinping", "state_iso3", "KAZ"),
        at(
            PA,
            "event_participants",
            f"{EV}--xi-jinping",
            "state_iso3",
            "person-state-mismatch",
        ),
    ),
    BadInput(
        "participant id off its rule",
        "a participation id that does not name its event and person",
        set_cell("event_participants", f"{EV}--xi-jinping", "id", "speech--xi"),
        at_line(
            PA,
            "data/event_participants.csv",
            lambda r: line_of(ROOT, "event_participants", f"{EV}--xi-jinping"),
            "id",
            "participant-id",
        ),
    ),
    BadInput(
        "the same page recorded twice",
        "a second source row with the article's address",
        set_cell(
            "sources",
            "src-iso-3166-pycountry",
            "url",
            "https://www.helsinkitimes.fi/world-int/25398-xi-jinping-visits-kazakhstan-and-tajikistan-for-sco-summit.html",
        ),
        at(GX, "sources", "src-iso-3166-pycountry", "url", "duplicate-source"),
    ),
    BadInput(
        "empty table",
        "organisation_stats with its header only",
        edit_bytes("organisation_stats", lambda data: data.split(b"\n", 1)[0] + b"\n"),
        at_line(GX, "data/organisation_stats.csv", None, None, "row-count"),
    ),
    # --- offices and trade -------------------------------------------------------------------
    BadInput(
        "two holders of one office at a time",
        "Kazakhstan's 2023-2024 chairmanship ending a day after China's began",
        set_cell("office_terms", CHAIR_KAZ, "end_date", "2024-07-05"),
        at(PA, "office_terms", CHAIR_CHN, "start_date", "office-overlap"),
    ),
    BadInput(
        "office term that ends before it starts",
        "a Secretary-General's term ending the day before it began",
        set_cell("office_terms", SG_NOROV, "end_date", "2018-12-31"),
        at(PA, "office_terms", SG_NOROV, "end_date", "end-before-start"),
    ),
    BadInput(
        "two terms of one office starting the same day",
        "a second chairmanship recorded from China's first day",
        set_cell("office_terms", CHAIR_KAZ, "start_date", "2024-07-04"),
        at(
            GX,
            "office_terms",
            CHAIR_KAZ,
            "organisation_id,office,start_date",
            "duplicate-term",
        ),
    ),
    BadInput(
        "rotating chair held by a person",
        "a person_id on a chairmanship",
        set_cell("office_terms", CHAIR_CHN, "person_id", "xi-jinping"),
        at(GX, "office_terms", CHAIR_CHN, "person_id", "office-holder"),
    ),
    BadInput(
        "office holder's state differs from the person's",
        "Vladimir Norov's term recorded for Kazakhstan",
        set_cell("office_terms", SG_NOROV, "state_iso3", "KAZ"),
        at(PA, "office_terms", SG_NOROV, "state_iso3", "person-state-mismatch"),
    ),
    BadInput(
        "yearly figure that is not one calendar year",
        "a 2024 trade figure whose period ends on 30 June",
        set_cell("trade_stats", TRADE_KAZ, "period_end_date", "2024-06-30"),
        at(
            PA,
            "trade_stats",
            TRADE_KAZ,
            "period_start_date",
            "period-not-calendar-year",
        ),
    ),
    BadInput(
        "trade partner that is both a state and a group",
        "a figure for Kazakhstan that also names the group of five",
        set_cell("trade_stats", TRADE_KAZ, "partner_group", "central_asia_5"),
        at(PA, "trade_stats", TRADE_KAZ, "partner_group", "partner-state-or-group"),
    ),
    BadInput(
        "trade statistics of a third state",
        "China's trade with Kazakhstan attributed to Russia's statistics",
        set_cell("trade_stats", TRADE_KAZ, "compiled_by_state_iso3", "RUS"),
        at(
            PA,
            "trade_stats",
            TRADE_KAZ,
            "compiled_by_state_iso3",
            "compiler-not-a-side",
        ),
    ),
    BadInput(
        "the same trade figure twice from one source",
        "a second row copying another's partner, flow, year and source",
        set_cells(
            "trade_stats",
            "kaz-total-2024-1prime-tokayev-2025",
            source_id="src-astanatimes-china-ca-trade-2024",
            compiled_by_state_iso3="CHN",
        ),
        at(
            GX,
            "trade_stats",
            "kaz-total-2024-1prime-tokayev-2025",
            DUPLICATE_FIGURE_COLUMNS,
            "duplicate-figure",
        ),
    ),
    # --- documents and security -------------------------------------------------------------
    BadInput(
        "document outside its event",
        "the Astana Declaration dated a month after the summit",
        set_cell("documents", DECLARATION, "date", "2024-08-04"),
        at(PA, "documents", DECLARATION, "date", "document-outside-event"),
    ),
    BadInput(
        "document recorded twice at one event",
        "a 2024 statement given the Astana Declaration's title",
        _copy_cell("documents", DECLARATION, WASTE_STATEMENT, "title"),
        at(GX, "documents", WASTE_STATEMENT, "event_id,title", "duplicate-document"),
    ),
    BadInput(
        "status before the decision that granted it",
        "Belarus's 2015 observer status citing the 2024 decision on its membership",
        _set_membership("BLR", "observer", decision_document_id=BELARUS_MEMBER),
        at_line(
            PA,
            "data/memberships.csv",
            _membership_line("BLR", "observer"),
            "decision_document_id",
            "status-before-decision",
        ),
    ),
    BadInput(
        "party that is both a state and an organisation",
        "the Astana Declaration's party naming Kazakhstan too",
        set_cell("document_parties", DECLARATION_PARTY, "state_iso3", "KAZ"),
        at(
            PA,
            "document_parties",
            DECLARATION_PARTY,
            "organisation_id",
            "party-state-or-organisation",
        ),
    ),
    BadInput(
        "party id off its rule",
        "a party id that does not name its document and party",
        set_cell("document_parties", DECLARATION_PARTY, "id", "declaration--sco"),
        at_line(
            PA,
            "data/document_parties.csv",
            lambda r: line_of(ROOT, "document_parties", DECLARATION_PARTY),
            "id",
            "party-id",
        ),
    ),
    BadInput(
        "the same party twice on one document",
        "China's party to the 2024 joint statement made Kazakhstan's again",
        set_cell("document_parties", f"{JOINT_STATEMENT}--chn", "state_iso3", "KAZ"),
        at(
            GX,
            "document_parties",
            f"{JOINT_STATEMENT}--chn",
            "document_id,state_iso3",
            "duplicate-party",
        ),
    ),
    BadInput(
        "troops counted in documents",
        "a Peace Mission 2007 troop figure in documents",
        set_cell("event_stats", TROOPS, "unit", "documents"),
        at(GX, "event_stats", TROOPS, "metric,unit", "metric-unit"),
    ),
    BadInput(
        "exercise participant with neither status nor guest",
        "Kazakhstan in Peace Mission 2007 with no capacity",
        set_cell("event_participants", "peace-mission-2007--kaz", "capacity", ""),
        at(
            PA,
            "event_participants",
            "peace-mission-2007--kaz",
            "capacity",
            "exercise-participant-without-status",
        ),
    ),
    BadInput(
        "two seats of one organisation at once",
        "RATS's planned Bishkek seat left open after Tashkent's began",
        set_cells(
            "organisation_seats", "sco-rats-bishkek", end_date="", end_precision=""
        ),
        at(PA, "organisation_seats", "sco-rats-tashkent", "start_date", "seat-overlap"),
    ),
    BadInput(
        "two directors of one office at a time",
        "the first RATS director's term running into his successor's",
        set_cell("office_terms", DIRECTOR_ZHANG, "end_date", "2016-06-30"),
        at(PA, "office_terms", DIRECTOR_SYSOYEV, "start_date", "office-overlap"),
    ),
    BadInput(
        "director without a person",
        "a RATS director's term naming no one",
        set_cell("office_terms", DIRECTOR_SYSOYEV, "person_id", ""),
        at(GX, "office_terms", DIRECTOR_SYSOYEV, "person_id", "office-holder"),
    ),
    # --- text -------------------------------------------------------------------------------
    BadInput(
        "leading or trailing space",
        "a title ending in a space",
        set_cell(
            "events", EV, "title", "Xi Jinping proposes the Silk Road Economic Belt "
        ),
        at(PA, "events", EV, "title", "surrounding-space"),
    ),
    BadInput(
        "control character",
        "a tab inside a title",
        set_cell(
            "events", EV, "title", "Xi Jinping proposes\tthe Silk Road Economic Belt"
        ),
        at(PA, "events", EV, "title", "control-character"),
    ),
    BadInput(
        "text not in Unicode NFC",
        "'Türkiye' written with a combining diaeresis",
        set_cell("people", "xi-jinping", "notes", "Visited Tu\u0308rkiye."),
        at(PA, "people", "xi-jinping", "notes", "not-nfc"),
    ),
    BadInput(
        "spreadsheet formula",
        "a title starting with '='",
        set_cell("events", EV, "title", '=HYPERLINK("http://example.org")'),
        at(PA, "events", EV, "title", "spreadsheet-formula"),
    ),
    BadInput(
        "spreadsheet formula starting with '@'",
        "a note starting with '@'",
        set_cell("people", "xi-jinping", "notes", "@SUM(A1:A2)"),
        at(PA, "people", "xi-jinping", "notes", "spreadsheet-formula"),
    ),
    # --- the file itself --------------------------------------------------------------------
    BadInput(
        "UTF-8 byte-order mark",
        "events.csv saved with a BOM",
        edit_bytes("events", lambda data: b"\xef\xbb\xbf" + data),
        at_line(CSV, "data/events.csv", 1, "id", "byte-order-mark"),
    ),
    BadInput(
        "file that is not UTF-8",
        "a Latin-1 'é' in an event's notes",
        set_cell("events", EV, "notes", "MARKER"),
        at(PA, "events", EV, "notes", "not-utf8"),
    ),
    BadInput(
        "CRLF line endings",
        "events.csv saved with Windows line endings",
        edit_bytes("events", lambda data: data.replace(b"\n", b"\r\n")),
        at_line(CSV, "data/events.csv", 1, "notes", "line-endings"),
    ),
    BadInput(
        "mixed line endings",
        "one row of events.csv ends with CRLF",
        edit_line("events", "rahmon-state-visit-china-2023", lambda line: line + b"\r"),
        at_line(CSV, "data/events.csv", 3, "notes", "line-endings"),
    ),
    BadInput(
        "ragged row",
        "a row with one cell too many",
        edit_line(
            "events", "rahmon-state-visit-china-2023", lambda line: line + b",extra"
        ),
        at_line(CSV, "data/events.csv", 3, "notes", "ragged-row"),
    ),
    BadInput(
        "unbalanced quote",
        "a quote opened before a title and never closed",
        edit_line(
            "events",
            "rahmon-state-visit-china-2023",
            lambda line: line.replace(b",Emomali", b',"Emomali', 1),
        ),
        at_line(CSV, "data/events.csv", 3, None, "csv-syntax"),
    ),
    BadInput(
        "truncated file",
        "events.csv cut off in the middle of its last row",
        edit_bytes("events", _truncate),
        at_line(CSV, "data/events.csv", _last_line, None, "no-final-newline"),
    ),
    BadInput(
        "missing column",
        "events.csv without its notes column",
        edit_columns("events", _drop("notes")),
        at_line(CSV, "data/events.csv", 1, "notes", "missing-column"),
    ),
    BadInput(
        "extra column",
        "events.csv with a 'rating' column the schema does not have",
        edit_columns("events", _add_column),
        at_line(CSV, "data/events.csv", 1, "rating", "extra-column"),
    ),
    BadInput(
        "renamed column",
        "events.csv with 'title' renamed 'name'",
        edit_columns("events", _rename("title", "name")),
        at_line(CSV, "data/events.csv", 1, "title", "missing-column"),
    ),
    BadInput(
        "reordered columns",
        "events.csv with city and state_iso3 swapped",
        edit_columns("events", _swap("city", "state_iso3")),
        at_line(CSV, "data/events.csv", 1, "city", "column-order"),
    ),
    BadInput(
        "file listed in the descriptor but missing",
        "data/quotes.csv deleted",
        lambda root: (root / "data" / "quotes.csv").unlink(),
        at_line(CSV, "data/quotes.csv", None, None, "missing-file"),
    ),
    BadInput(
        "CSV the descriptor does not list",
        "a stray data/notes.csv",
        _extra_csv,
        at_line(CSV, "data/notes.csv", None, None, "unlisted-file"),
    ),
    BadInput(
        "stale bytes and hash in the descriptor",
        "a row added to people.csv without `make build`",
        edit_bytes(
            "people", lambda data: data + b"z-person,Z,CHN,,,src-iso-3166-pycountry,\n"
        ),
        at_line(CSV, "data/people.csv", None, None, "hash-count"),
    ),
    # --- descriptor and suites -----------------------------------------------------------------
    BadInput(
        "expectation suite out of step with its schema",
        "a category added to events' event_type without `make suites`",
        edit_json("schemas/events.schema.json", _enum_widened_without_suite),
        at_line(GX, "schemas/expectations/events.json", None, None, "suite-drift"),
    ),
    BadInput(
        "expectation suite that is not JSON",
        "schemas/expectations/events.json cut off after its first line",
        lambda root: (root / "schemas" / "expectations" / "events.json").write_text(
            '{"name": "events",\n', "utf-8"
        ),
        at_line(GX, "schemas/expectations/events.json", None, None, "unreadable-suite"),
    ),
]


def _latin1(root: Path) -> None:
    path = root / "data" / "events.csv"
    path.write_bytes(path.read_bytes().replace(b"MARKER", "café".encode("latin-1")))


def _compose(*steps):
    def apply(root: Path) -> None:
        for step in steps:
            step(root)

    return apply


# The Latin-1 case writes a marker through the CSV writer, then swaps in the raw byte.
CATALOGUE = [
    BadInput(c.name, c.example, _compose(c.apply, _latin1), c.expect)
    if c.name == "file that is not UTF-8"
    else c
    for c in CATALOGUE
]


# --- systematic mistakes: one slip repeated in every row, reported as one group ---------------


def every_row(table: str, change: Callable[[dict[str, str]], None]):
    def apply(root: Path) -> None:
        header, rows = _rows(root, table)
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            change(cells)
            row[:] = [cells[name] for name in header]
        _write(root, table, header, rows)

    return apply


def in_every_row(layer: str, table: str, column: str, rule: str):
    """One group naming every row of the table, its first example on line 2."""

    def expect(root: Path) -> Expected:
        count = len(_rows(ROOT, table)[1])
        return Expected(layer, data_file(table), 2, column, rule, count)

    return expect


def _day_month_year(cells: dict[str, str]) -> None:
    year, month, day = cells["start_date"].split("-")
    cells["start_date"] = f"{day}/{month}/{year}"


def _swap_state_and_role(cells: dict[str, str]) -> None:
    cells["state_iso3"], cells["role"] = cells["role"], cells["state_iso3"]


def _accented_summary(cells: dict[str, str]) -> None:
    cells["summary"] = "Résumé: " + cells["summary"]


def _saved_as_latin1(root: Path) -> None:
    path = root / data_file("events")
    text = path.read_text("utf-8")
    path.write_bytes(text.encode("latin-1", errors="replace"))


CATALOGUE += [
    BadInput(
        "a whole date column in another format",
        "every event's start_date written DD/MM/YYYY",
        every_row("events", _day_month_year),
        in_every_row(PA, "events", "start_date", "type-error"),
    ),
    BadInput(
        "a file saved as Latin-1 with many accented cells",
        "every event summary starts 'Résumé: ', and events.csv is saved as Latin-1",
        _compose(every_row("events", _accented_summary), _saved_as_latin1),
        in_every_row(PA, "events", "summary", "not-utf8"),
    ),
    BadInput(
        "two columns swapped in every row",
        "event_participants' state_iso3 and role exchanged on every line",
        every_row("event_participants", _swap_state_and_role),
        in_every_row(PA, "event_participants", "role", "constraint-error"),
    ),
]


def markdown() -> str:
    lines = [
        "<!-- Generated by `make docs` from tests/bad_inputs.py; do not edit by hand. -->",
        "# Bad input the package rejects",
        "",
        "Each row is a test (`tests/test_bad_inputs.py`): the fixture breaks a fresh copy of the",
        "package, and `make validate` must exit 1 with the finding shown, naming the file, line",
        "and column. Descriptor typos and misplaced keys are tested in",
        "`tests/test_descriptor_is_strict.py`. A file changed after `make build` recorded its",
        "`bytes` and `hash` is reported by the CSV layer, with the advice to run `make build`.",
        "Full `frictionless validate` is the reference: `tests/test_contract_equivalence.py`",
        "shows on every fixture that the checks above flag each row and field it flags.",
        "",
        "A systematic mistake (the last rows) is one grouped entry: its count of cells is",
        'checked too, and the line is that of its first example. "last" is the table\'s last',
        'line and "every row" its number of rows, whatever they are when the test runs.',
        "",
        "| Bad input | Fixture | Check | Rule | File | Line | Column | Cells |",
        "|---|---|---|---|---|---|---|---:|",
    ]
    for case in CATALOGUE:
        found = case.expect(ROOT)
        line, count = _size_free(found)
        lines.append(
            f"| {case.name} | {case.example} | {found.layer} | `{found.rule}` | "
            f"`{found.file}` | {line} | {found.column or ''} | {count} |"
        )
    return "\n".join(lines) + "\n"


def _size_free(found: Expected) -> tuple[str, str]:
    """The line and count as the page shows them: "last" and "every row" where they are
    the table's size, so that a row added to the data leaves the page as it is."""
    line, count = str(found.line or ""), str(found.count or "")
    path = ROOT / found.file
    if found.file.endswith(".csv") and path.is_file() and (found.line or found.count):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        if found.line == rows + 1:
            line = "last"
        if found.count == rows:
            count = "every row"
    return line, count


def main(argv: list[str]) -> int:
    if not argv:
        sys.stdout.write(markdown())
        return 0
    from sco_data.files import WriteFailed, write_changed

    try:
        for path in write_changed({Path(argv[0]): markdown()}):
            print(f"wrote {path}")
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
