"""Load the package as typed pandas DataFrames, built from the Table Schemas.

    from sco_data.load import load_package
    tables = load_package(".")          # {"events": DataFrame, ...}

Dates become datetime64, integers nullable Int64, numbers Float64, booleans nullable boolean,
fields with an `enum` categoricals with exactly those categories, other text pandas strings;
missing values become <NA>. The index holds each row's CSV line number (header = 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sco_data import table_schema
from sco_data.csv_files import RawTable, read_table
from sco_data.descriptor import Descriptor
from sco_data.descriptor import read as read_descriptor


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


def typed_frame(table: RawTable) -> pd.DataFrame:
    """The table with the schema's types; cells that do not parse become <NA>."""
    missing = table_schema.missing_values(table.schema)
    columns = {
        field["name"]: _typed_column(field, table.frame[field["name"]], missing)
        for field in table_schema.fields(table.schema)
    }
    return pd.DataFrame(columns, index=table.frame.index)


def read_tables(root: Path, descriptor: Descriptor) -> dict[str, RawTable]:
    tables = {}
    for resource in descriptor.resources():
        name, file, schema_file = (
            resource.get("name"),
            resource.get("path"),
            resource.get("schema"),
        )
        schema = descriptor.schemas.get(schema_file)
        if isinstance(name, str) and isinstance(file, str) and schema is not None:
            tables[name] = read_table(root, name, file, schema)
    return tables


def load_package(root: str | Path = ".") -> dict[str, pd.DataFrame]:
    root = Path(root)
    tables = read_tables(root, read_descriptor(root))
    return {
        name: typed_frame(table)
        for name, table in tables.items()
        if table.frame is not None
    }
