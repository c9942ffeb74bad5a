"""Read what the checks need from a Table Schema dict: the one place the rules are written."""

from __future__ import annotations

PRECISIONS = ("day", "month", "year")


def fields(schema: dict) -> list[dict]:
    return [f for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f]


def field_names(schema: dict) -> list[str]:
    return [f["name"] for f in fields(schema)]


def constraints(field: dict) -> dict:
    value = field.get("constraints")
    return value if isinstance(value, dict) else {}


def true_values(field: dict) -> list[str]:
    """Cells a boolean field reads as true (Table Schema's default unless the field says)."""
    return list(field.get("trueValues", ["true", "True", "TRUE", "1"]))


def false_values(field: dict) -> list[str]:
    return list(field.get("falseValues", ["false", "False", "FALSE", "0"]))


def primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def foreign_keys(schema: dict) -> list[tuple[list[str], str, list[str]]]:
    """(fields, referenced resource, referenced fields); an empty resource means this table."""
    keys = []
    for key in schema.get("foreignKeys") or []:
        own = key.get("fields")
        reference = key.get("reference") or {}
        other = reference.get("fields")
        own = [own] if isinstance(own, str) else list(own or [])
        other = [other] if isinstance(other, str) else list(other or [])
        keys.append((own, reference.get("resource", ""), other))
    return keys


def label_fields(schema: dict) -> list[str]:
    """The fields that name a row for a reader (the package's own `labelFields`): a link to
    the row shows the first of them that is not empty. None: the row has no name but its key."""
    labels = schema.get("labelFields") or []
    return [labels] if isinstance(labels, str) else list(labels)


def category_fields(schema: dict) -> list[str]:
    """The fields a reader splits rows by: those with an `enum`, save how precisely a date is
    known (the site's and Datasette's facets)."""
    return [
        f["name"]
        for f in fields(schema)
        if "enum" in constraints(f) and not f["name"].endswith("precision")
    ]


def missing_values(schema: dict) -> list[str]:
    return list(schema.get("missingValues", [""]))


def precision_field(schema: dict, date_field: str) -> str | None:
    """The column that says how much of a date is known.

    Convention: `<stem>_date` pairs with `<stem>_precision`; a table whose dates share one
    precision (events' start and end) names it `date_precision`.
    """
    names = set(field_names(schema))
    stem = date_field.removesuffix("_date")
    for candidate in (f"{stem}_precision", "date_precision"):
        if candidate in names and candidate != date_field:
            return candidate
    return None


def date_fields(schema: dict) -> list[str]:
    return [f["name"] for f in fields(schema) if f.get("type") == "date"]
