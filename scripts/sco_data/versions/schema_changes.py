"""Classify how the descriptor and Table Schemas changed between two versions.

Levels follow the Frictionless data-package-version recipe, as this package applies it:
major for a removed or renamed table or field, a changed type or format, a tightened
constraint, a changed primary key or a new foreign key; minor for a new table or field and a
loosened constraint; patch for descriptions, titles, examples and other metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from sco_data.package import table_schema
from sco_data.package.descriptor import Descriptor

LEVELS = ("none", "patch", "minor", "major")
# Set by `make build` from the data, or by the version bump itself: not changes in their own right.
GENERATED_KEYS = {"bytes", "hash", "version", "created"}
METADATA_KEYS = {"description", "title", "example", "rdfType", "$schema"}


@dataclass(frozen=True)
class Change:
    level: str
    where: str
    what: str


def highest(changes) -> str:
    return max((c.level for c in changes), key=LEVELS.index, default="none")


def _tightened(kind: str, old, new) -> bool | None:
    """True if the constraint now rejects values it accepted; None if unchanged."""
    if old == new:
        return None
    if kind in ("required", "unique"):
        return bool(new) and not old
    if kind == "enum":
        if old is None:
            return True
        if new is None:
            return False
        return not set(new) >= set(old)
    if kind in ("minimum", "minLength"):
        return old is None or (new is not None and new > old)
    if kind in ("maximum", "maxLength"):
        return old is None or (new is not None and new < old)
    return new is not None  # pattern and anything else: a new or different rule


def _field_changes(table: str, old: dict, new: dict) -> list[Change]:
    where = f"{table}.{new['name']}"
    changes = []
    for key in ("type", "format"):
        if old.get(key, "default" if key == "format" else "string") != new.get(
            key, "default" if key == "format" else "string"
        ):
            changes.append(
                Change("major", where, f"{key} {old.get(key)!r} → {new.get(key)!r}")
            )
    old_c, new_c = table_schema.constraints(old), table_schema.constraints(new)
    for kind in sorted(set(old_c) | set(new_c)):
        tightened = _tightened(kind, old_c.get(kind), new_c.get(kind))
        if tightened is not None:
            level, verb = ("major", "tightened") if tightened else ("minor", "loosened")
            changes.append(Change(level, where, f"constraint {kind} {verb}"))
    for key in sorted(
        (set(old) | set(new)) - {"name", "type", "format", "constraints"}
    ):
        if old.get(key) != new.get(key):
            level = "patch" if key in METADATA_KEYS else "major"
            changes.append(Change(level, where, f"{key} changed"))
    return changes


def _schema_changes(table: str, old: dict, new: dict) -> list[Change]:
    changes = []
    old_fields = {f["name"]: f for f in table_schema.fields(old)}
    new_fields = {f["name"]: f for f in table_schema.fields(new)}
    for name in old_fields.keys() - new_fields.keys():
        changes.append(Change("major", f"{table}.{name}", "field removed or renamed"))
    for name in new_fields.keys() - old_fields.keys():
        changes.append(Change("minor", f"{table}.{name}", "field added"))
    for name in old_fields.keys() & new_fields.keys():
        changes += _field_changes(table, old_fields[name], new_fields[name])
    kept_old = [n for n in old_fields if n in new_fields]
    kept_new = [n for n in new_fields if n in old_fields]
    if kept_old != kept_new:
        changes.append(Change("major", table, "field order changed"))
    if table_schema.primary_key(old) != table_schema.primary_key(new):
        changes.append(Change("major", table, "primary key changed"))
    old_fk = {repr(k): k for k in table_schema.foreign_keys(old)}
    new_fk = {repr(k): k for k in table_schema.foreign_keys(new)}
    added = [new_fk[k] for k in new_fk.keys() - old_fk.keys()]
    # A key on fields added in the same release constrains no value that existed before:
    # it comes with the field, as its other constraints do.
    on_old_fields = [own for own, _, _ in added if set(own) & old_fields.keys()]
    if on_old_fields:
        changes.append(Change("major", table, "foreign key added or changed"))
    elif added:
        changes.append(Change("minor", table, "foreign key added on a new field"))
    elif old_fk.keys() - new_fk.keys():
        changes.append(Change("minor", table, "foreign key removed"))
    if table_schema.missing_values(old) != table_schema.missing_values(new):
        changes.append(Change("major", table, "missingValues changed"))
    for key in ("description", "title"):
        if old.get(key) != new.get(key):
            changes.append(Change("patch", table, f"schema {key} changed"))
    return changes


def classify(old: Descriptor, new: Descriptor) -> list[Change]:
    changes = []
    old_resources = {r["name"]: r for r in old.resources() if "name" in r}
    new_resources = {r["name"]: r for r in new.resources() if "name" in r}
    for name in old_resources.keys() - new_resources.keys():
        changes.append(Change("major", name, "table removed or renamed"))
    for name in new_resources.keys() - old_resources.keys():
        changes.append(Change("minor", name, "table added"))
    for name in old_resources.keys() & new_resources.keys():
        before, after = old_resources[name], new_resources[name]
        if before.get("path") != after.get("path"):
            changes.append(Change("major", name, "file path changed"))
        for key in sorted(
            (set(before) | set(after)) - GENERATED_KEYS - {"path", "schema"}
        ):
            if before.get(key) != after.get(key):
                changes.append(Change("patch", name, f"resource {key} changed"))
        changes += _schema_changes(
            name,
            old.schemas.get(before.get("schema"), {}),
            new.schemas.get(after.get("schema"), {}),
        )
    old_meta = {k: v for k, v in (old.package or {}).items() if k != "resources"}
    new_meta = {k: v for k, v in (new.package or {}).items() if k != "resources"}
    for key in sorted((set(old_meta) | set(new_meta)) - GENERATED_KEYS):
        if old_meta.get(key) != new_meta.get(key):
            changes.append(Change("patch", "datapackage.json", f"{key} changed"))
    return changes
