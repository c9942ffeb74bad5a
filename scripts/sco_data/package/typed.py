"""Load the package as typed pandas DataFrames, built from the Table Schemas.

    from sco_data.package.typed import load_package
    tables = load_package(".")          # {"events": DataFrame, ...}

Dates become datetime64, integers nullable Int64, numbers Float64, booleans nullable boolean,
fields with an `enum` categoricals with exactly those categories, other text pandas strings;
missing values become <NA>. The index holds each row's CSV line number (header = 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sco_data.package import table_schema
from sco_data.package.csv_reader import RawTable, open_table, read_table
from sco_data.package.descriptor import Descriptor
from sco_data.package.descriptor import read as read_descriptor


def _typed_column(field: dict, cells: pd.Series, missing: list[str]) -> pd.Series:
    cells = cells.mask(cells.isin(missing))
    kind = field.get("type", "string")
    if kind == "date":
        return pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce")
    if kind == "integer":
        return pd.to_numeric(cells, errors="coerce").astype("Int64")
    if kind == "number":
        return pd.to_numeric(cells, errors="coerce").astype("Float64")
    if kind == "boolean":
        truthy = set(table_schema.true_values(field))
        return cells.map(lambda v: None if pd.isna(v) else v in truthy).astype(
            "boolean"
        )
    enum = table_schema.constraints(field).get("enum")
    if enum:
        categories = [str(v) for v in enum]
        # A value outside the categories is the contract's to report; here it is <NA>.
        return pd.Categorical(
            cells.where(cells.isin(categories)), categories=categories
        )
    return cells.astype("string")


def is_free_text(field: dict) -> bool:
    """Prose (titles, summaries, notes): text with no category, shape or format to check."""
    return (
        field.get("type", "string") == "string"
        and "format" not in field
        and not {"enum", "pattern"} & set(table_schema.constraints(field))
    )


def typed_frame(
    table: RawTable, free_text: bool = True, skip: set[str] = frozenset()
) -> pd.DataFrame:
    """The table with the schema's types; cells that do not parse become <NA>.

    `free_text=False` leaves prose columns out: rules that compare rows never read them, and
    on a large table they hold most of its bytes."""
    missing = table_schema.missing_values(table.schema)
    columns = {}
    for field in table_schema.fields(table.schema):
        if (free_text or not is_free_text(field)) and field["name"] not in skip:
            # Each distinct cell is parsed once, then spread over the rows.
            codes, distinct = table.distinct(field["name"])
            typed = _typed_column(field, distinct, missing)
            columns[field["name"]] = pd.Series(typed).array.take(codes)
    return pd.DataFrame(columns, index=table.frame.index, copy=False)


def _readable(descriptor: Descriptor):
    """(resource, schema) of each resource that names a table, a file and a schema."""
    for resource in descriptor.resources():
        name, file = resource.get("name"), resource.get("path")
        schema = descriptor.schemas.get(resource.get("schema"))
        if isinstance(name, str) and isinstance(file, str) and schema is not None:
            yield resource, schema


def iter_tables(root: Path, descriptor: Descriptor):
    """Each table in the descriptor's order, read when asked for: a caller that is done
    with one table before reading the next never holds two large ones at once."""
    for resource, schema in _readable(descriptor):
        yield read_table(root, resource, schema)


def iter_opened(root: Path, descriptor: Descriptor):
    """Each table in the descriptor's order, its file scanned but its rows not yet read
    (see `csv_reader.batches`)."""
    for resource, schema in _readable(descriptor):
        yield open_table(root, resource, schema)


def read_tables(root: Path, descriptor: Descriptor) -> dict[str, RawTable]:
    return {table.name: table for table in iter_tables(root, descriptor)}


def load_package(root: str | Path = ".") -> dict[str, pd.DataFrame]:
    root = Path(root)
    tables = read_tables(root, read_descriptor(root))
    return {
        name: typed_frame(table)
        for name, table in tables.items()
        if table.frame is not None
    }
