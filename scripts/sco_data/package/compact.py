"""What the rules across rows and tables keep of a table once its batches are gone.

A table is read and checked a batch at a time (`csv_reader.batches`); the keys and the
semantic rules compare rows across the whole table and across tables, so each batch leaves
behind a compact copy of the columns they compare:
- every key column (primary, unique, foreign, or the target of a foreign key) as a 64-bit
  hash of its text, <NA> where the value is missing: equal text, equal hash, at 9 bytes a row
  whatever the length of the ids;
- every other column but prose with the schema's types (dates, numbers, categories), plain
  text columns (ids, codes) again as hashes of their text.
A finding on a hashed column names its lines; its values are read back from the file.
Two different texts share a hash with odds of about n² / 2⁶⁵ for n rows (one in 300,000 at ten
million rows); a repeat found that way would be reported, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sco_data.package import table_schema
from sco_data.package.csv_reader import RawTable
from sco_data.package.typed import is_free_text, typed_frame


@dataclass
class KeptTable:
    name: str
    file: str
    schema: dict
    header: list[str]
    keys: pd.DataFrame  # hashed text of each key column, indexed by CSV line
    typed: pd.DataFrame  # typed non-prose columns, indexed by CSV line
    _members: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def hashed(self) -> set[str]:
        """The columns of `typed` held as hashes of their text."""
        return hashed_columns(self.schema)

    def members(self, columns: list[str]):
        """The distinct values of the key `columns` where none is missing, built once for
        every batch of every table whose foreign key names them: for one column, its
        hashes sorted (8 bytes a value, where a hash table would take 30); for several,
        a MultiIndex."""
        key = tuple(columns)
        if key not in self._members:
            present = self.keys[list(columns)].dropna()
            if len(columns) == 1:
                values = present[columns[0]].to_numpy(dtype=np.uint64)
                self._members[key] = np.unique(values)
            else:
                self._members[key] = pd.MultiIndex.from_frame(present).unique()
        return self._members[key]


def find_sorted(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Where each of `values` first stands in the sorted `ordered`, -1 where it is not
    there: a binary search of many values at once, with no hash table to build."""
    if not len(ordered):
        return np.full(len(values), -1)
    at = np.searchsorted(ordered, values).clip(max=len(ordered) - 1)
    return np.where(ordered[at] == values, at, -1)


def is_member(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Whether each of `values` is in the sorted `members`."""
    return find_sorted(members, values) >= 0


def key_columns(descriptor, read_before: dict[str, set[str]] | None = None):
    """Per table, the columns a key names: its own keys, and the targets of others'.
    Given the tables read before each (`read_before`), only those the keys compare once
    every table is read: a foreign key into a table read earlier is checked batch by
    batch, and its columns need not be kept."""
    found: dict[str, set[str]] = {}
    for name, schema in descriptor.table_schemas().items():
        columns = found.setdefault(name, set())
        columns |= set(table_schema.primary_key(schema))
        columns |= {
            f["name"]
            for f in table_schema.fields(schema)
            if table_schema.constraints(f).get("unique")
        }
        earlier = set() if read_before is None else read_before.get(name, set())
        for own, target, other in table_schema.foreign_keys(schema):
            if (target or name) not in earlier:
                columns |= set(own)
            found.setdefault(target or name, set()).update(other)
    return found


def hashes_of(values: np.ndarray, codes: np.ndarray, absent=None):
    """64-bit hashes of the distinct `values` (text), spread over the rows by `codes`;
    <NA> where the code is -1 or the value is `absent`. Each distinct value is hashed once."""
    # The values are distinct already: pandas would otherwise factorise them first.
    hashed = pd.util.hash_array(values.astype(object), categorize=False)
    hashes = pd.array(hashed, dtype="UInt64")
    if absent is not None:
        hashes[absent] = pd.NA
    return hashes.take(codes, allow_fill=True)


def text_hashes(table: RawTable, column: str) -> pd.api.extensions.ExtensionArray:
    """The column's text as hashes, <NA> for a missing value."""
    codes, distinct = table.distinct(column)
    missing = table_schema.missing_values(table.schema)
    return hashes_of(distinct.to_numpy(), codes, distinct.isin(missing).to_numpy())


def _is_plain_text(field: dict) -> bool:
    return field.get("type", "string") == "string" and "enum" not in (
        table_schema.constraints(field)
    )


def hashed_columns(schema: dict) -> set[str]:
    """Plain text columns that are not prose (ids, codes): kept as hashes of their text."""
    return {
        f["name"]
        for f in table_schema.fields(schema)
        if f.get("type", "string") == "string"
        and "enum" not in table_schema.constraints(f)
        and not is_free_text(f)
    }


def kept_part(table: RawTable, keys: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(keys, typed) of one batch, as `KeptTable` holds them."""
    columns = list(table.frame.columns)
    plain = hashed_columns(table.schema) & set(columns)
    hashes = {n: text_hashes(table, n) for n in columns if n in keys or n in plain}
    index = table.frame.index
    key_frame = pd.DataFrame(
        {n: hashes[n] for n in columns if n in keys}, index=index, copy=False
    )
    typed = typed_frame(table, free_text=False, skip=plain)
    for name in plain - keys:  # a key column's hashes are kept once, in `keys`
        typed[name] = hashes[name]
    return key_frame, typed


def kept_table(table: RawTable, key_parts: list, typed_parts: list) -> KeptTable:
    """The table's kept columns, the batches' parts joined; a plain text column that is
    also a key is held once and shared by both frames."""
    keys = joined(key_parts)
    typed = joined(typed_parts)
    hashed = hashed_columns(table.schema)
    columns = {}
    for name in table_schema.field_names(table.schema):
        if name in typed.columns:
            columns[name] = typed[name].array
        elif name in hashed and name in keys.columns:
            columns[name] = keys[name].array
    typed = pd.DataFrame(columns, index=typed.index, copy=False)
    return KeptTable(table.name, table.file, table.schema, table.header, keys, typed)


def joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches' parts as one frame, a column at a time: the parts' copy of a column
    is let go as soon as it is joined, so joining never holds the table twice."""
    if len(parts) == 1:
        return parts[0]
    index = parts[0].index.append([p.index for p in parts[1:]])
    columns = {}
    for name in list(parts[0].columns):
        columns[name] = pd.concat([p.pop(name) for p in parts], ignore_index=True).array
    return pd.DataFrame(columns, index=index, copy=False)
