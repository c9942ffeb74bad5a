"""Each table as the site shows it: rows of cells, each cell knowing its links.

Built from the descriptor and the Table Schemas only, so a new table gets its page with no
code: a row's anchor is its primary key; a foreign key links to the row it names (or, when
it names fields other than that table's key, to that table filtered on them), showing that
row's label (the first of its schema's `labelFields` that is not empty) with the key beside
it; a `uri` field links out; a link to a row that has an address (a source's `url`) links
there too. Each field with categories (`table_schema.category_fields`) is counted by value,
each count a link to the page filtered on it. Given the GitHub repository, each row also
links to its issue form with the table and the row's key filled in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from sco_data.package import table_schema
from sco_data.package.csv_reader import RawTable
from sco_data.package.typed import is_free_text

KEY_SEPARATOR = "/"  # between the values of a composite key in a row's anchor
# .github/ISSUE_TEMPLATE/data-problem.yml; GitHub fills in its fields named in the query string.
ISSUE_FORM = "data-problem.yml"
NUMERIC = ("integer", "number")


@dataclass
class Link:
    href: str
    text: str
    title: str = ""
    external: bool = False


@dataclass
class Cell:
    value: str
    links: list[Link] = field(default_factory=list)
    label: str = ""  # the label of the row a foreign key names: shown, filtered on

    @property
    def filter_text(self) -> str:
        return f"{self.value} {self.label}".strip()


@dataclass
class Column:
    name: str
    kind: str  # Table Schema type
    description: str
    sort: (
        str  # "number" or "text": the page sorts numbers as numbers, ISO dates as text
    )
    shape: (
        str  # how cells are laid out: "number", "label", "code", "uri", "prose" or ""
    )


def _shape(field: dict, linked: set[str], labelled: set[str]) -> str:
    if field.get("type") in NUMERIC:
        return "number"
    if field.get("format") == "uri":
        return "uri"
    if (
        field["name"] in labelled
    ):  # a label (a source's title may be long), then the code
        return "label"
    if field["name"] in linked:  # keys and foreign keys: codes kept on one line
        return "code"
    if is_free_text(field):
        return "prose"
    return ""


@dataclass
class Facet:
    """A field's rows counted by category, in the order of its `enum`."""

    name: str
    counts: list[tuple[str, int, str]]  # (value, rows, the page filtered on it)


def _facets(schema: dict, records: list[dict]) -> list[Facet]:
    facets = []
    for name in table_schema.category_fields(schema):
        counted = Counter(r[name] for r in records if r[name])
        enum = table_schema.constraints(
            next(f for f in table_schema.fields(schema) if f["name"] == name)
        )["enum"]
        order = [v for v in enum if v in counted]
        order += sorted(set(counted) - set(order))  # none in valid data
        # A quoted term matches the whole cell (assets/table.js), so "member" is not
        # also "former_member".
        counts = [(v, counted[v], "?" + urlencode({name: f'"{v}"'})) for v in order]
        facets.append(Facet(name, counts))
    return facets


@dataclass
class Row:
    anchor: str
    cells: list[Cell]
    report: str = ""  # the issue form for this row, when the repository is known


def issue_form_url(repository: str, **fields: str) -> str:
    """The repository's "Report a problem in the data" form, with `fields` filled in."""
    query = urlencode({"template": ISSUE_FORM, **fields})
    return f"https://github.com/{repository}/issues/new?{query}"


def report_url(repository: str, table: str, row_anchor: str) -> str:
    """The issue form for one row: its table, and its key as the row's anchor writes it."""
    if not row_anchor:  # a table without a primary key: the reader names the row
        return issue_form_url(repository, table=table)
    return issue_form_url(repository, table=table, row_id=row_anchor)


@dataclass
class TablePage:
    name: str
    title: str
    description: str
    file: str
    key: list[str]
    columns: list[Column]
    rows: list[Row]
    references: list[
        tuple[str, str]
    ]  # (own fields, "table.fields") for the page's notes
    facets: list[Facet] = field(default_factory=list)


def page_file(table: str) -> str:
    return f"{table}.html"


def anchor(values: list[str]) -> str:
    return KEY_SEPARATOR.join(values)


def _url_field(schema: dict) -> str | None:
    return next(
        (f["name"] for f in table_schema.fields(schema) if f.get("format") == "uri"),
        None,
    )


@dataclass
class Target:
    """What a link to a row of one table needs: its key, a label and an address."""

    key: list[str]
    labels: dict[str, str]  # anchor -> label
    urls: dict[str, str]  # anchor -> address


def _targets(tables: dict[str, RawTable]) -> dict[str, Target]:
    targets = {}
    for name, table in tables.items():
        key = table_schema.primary_key(table.schema)
        label_fields = [
            f
            for f in table_schema.label_fields(table.schema)
            if table.frame is not None and f in table.frame
        ]
        url = _url_field(table.schema)
        labels, urls = {}, {}
        if key and table.frame is not None:
            anchors = [
                anchor(list(values))
                for values in table.frame[key].itertuples(index=False, name=None)
            ]
            if label_fields:
                named = table.frame[label_fields].itertuples(index=False, name=None)
                labels = {
                    place: next((v for v in values if v), "")
                    for place, values in zip(anchors, named, strict=True)
                }
            if url:
                urls = dict(zip(anchors, table.frame[url], strict=True))
        targets[name] = Target(key, labels, urls)
    return targets


def _reference(
    values: list[str], target_name: str, target_fields: list[str], target: Target | None
) -> tuple[str, str, str]:
    """(link to the row the values name, that row's label, its address or "")."""
    if target is not None and target_fields == target.key:
        place = anchor(values)
        href = f"{page_file(target_name)}#{quote(place, safe='/')}"
        return href, target.labels.get(place, ""), target.urls.get(place, "")
    # Not the target's key: show that table filtered on the fields named.
    query = urlencode(list(zip(target_fields, values, strict=True)))
    return f"{page_file(target_name)}?{query}", "", ""


def table_pages(
    tables: dict[str, RawTable], resources: list[dict], repository: str | None = None
) -> list[TablePage]:
    """Every table's page; with a GitHub `repository` ("owner/name"), rows link to its form."""
    targets = _targets(tables)
    pages = []
    for resource in resources:
        table = tables.get(resource.get("name"))
        if table is None or table.frame is None:
            continue
        schema = table.schema
        key = table_schema.primary_key(schema)
        fields = table_schema.fields(schema)
        names = [f["name"] for f in fields]
        references = table_schema.foreign_keys(schema)
        url_field = _url_field(schema)
        linked = set(key) | {f for own, _, _ in references for f in own}
        labelled = {
            f
            for own, other, _ in references
            if (target := targets.get(other or table.name)) and target.labels
            for f in own
        }
        columns = [
            Column(
                f["name"],
                f.get("type", "string"),
                f.get("description", ""),
                "number" if f.get("type") in NUMERIC else "text",
                _shape(f, linked, labelled),
            )
            for f in fields
        ]
        rows = []
        records = [
            dict(zip(names, values, strict=True))
            for values in table.frame[names].itertuples(index=False, name=None)
        ]
        for record in records:
            cells = {n: Cell(v) for n, v in record.items()}
            for own, other, other_fields in references:
                own_values = [record[f] for f in own]
                if not all(own_values):
                    continue
                target_name = other or table.name
                href, label, address = _reference(
                    own_values, target_name, other_fields, targets.get(target_name)
                )
                for f in own:
                    cells[f].label = label
                    cells[f].links = [Link(href, label or record[f])]
                    if address:
                        title = f"{record[f]} at its address"
                        cells[f].links.append(Link(address, "↗", title, True))
            if url_field and record[url_field]:
                cells[url_field].links = [
                    Link(record[url_field], record[url_field], external=True)
                ]
            row_anchor = anchor([record[k] for k in key]) if key else ""
            rows.append(
                Row(
                    row_anchor,
                    list(cells.values()),
                    report_url(repository, table.name, row_anchor)
                    if repository
                    else "",
                )
            )
        pages.append(
            TablePage(
                table.name,
                resource.get("title", table.name),
                resource.get("description", ""),
                resource.get("path", ""),
                key,
                columns,
                rows,
                [
                    (", ".join(own), f"{other or table.name}.{', '.join(fields_)}")
                    for own, other, fields_ in references
                ],
                _facets(schema, records),
            )
        )
    return pages
