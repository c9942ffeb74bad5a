"""Reject descriptor keys that frictionless would silently ignore.

frictionless accepts `foreignKey`, a resource-level `primaryKey` or a `pattern` outside
`constraints` without a word, so a typo quietly switches a rule off. The allowed keys per level
live in strict_descriptor_profile.json; this module only walks the descriptor against it.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator

from sco_data.findings import Finding
from sco_data.package import table_schema
from sco_data.package.descriptor import Descriptor

LAYER = "descriptor-keys"


@cache
def _profile() -> dict:
    text = (
        resources.files("sco_data.checks")
        .joinpath("strict_descriptor_profile.json")
        .read_text("utf-8")
    )
    return json.loads(text)


def _allowed_keys_by_level() -> dict[str, set[str]]:
    return {name: set(spec["properties"]) for name, spec in _profile()["$defs"].items()}


def _hint(key: str, level: str) -> str:
    levels = _allowed_keys_by_level()
    close = difflib.get_close_matches(key, sorted(levels[level]), n=1)
    if close:
        return f" Did you mean '{close[0]}'?"
    elsewhere = sorted(
        name for name, keys in levels.items() if key in keys and name != level
    )
    if elsewhere:
        return f" '{key}' belongs in a {' or '.join(elsewhere)} object, not here."
    return ""


def _level_of(schema: dict) -> str:
    for name, spec in _profile()["$defs"].items():
        if spec is schema or spec == schema:
            return name
    return "package"


def _json_path(parts) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check_object(instance: dict, file: str, level: str = "package") -> list[Finding]:
    """Findings for every unknown key in `instance`, checked as a `level` object."""
    schema = {**_profile(), "$ref": f"#/$defs/{level}"}
    validator = Draft202012Validator(schema)
    findings = []
    for error in validator.iter_errors(instance):
        for sub in [error, *error.context]:
            if sub.validator != "additionalProperties":
                continue
            sub_level = _level_of(sub.schema)
            for key in sorted(set(sub.instance) - set(sub.schema["properties"])):
                where = _json_path(sub.absolute_path)
                findings.append(
                    Finding(
                        layer=LAYER,
                        file=file,
                        line=None,
                        column=where,
                        rule="unknown-key",
                        value=key,
                        message=f"Unknown key '{key}' in the {sub_level} at {where}; "
                        f"frictionless would ignore it silently.{_hint(key, sub_level)}",
                    )
                )
    return sorted(set(findings), key=lambda f: (f.file, f.column or "", f.value or ""))


def check_label_fields(schema: dict, file: str) -> list[Finding]:
    """`labelFields`, the package's own key, must name fields of its schema: frictionless
    does not read it, and a misspelt name would quietly leave the site's links unnamed."""
    names = set(table_schema.field_names(schema))
    return [
        Finding(
            layer=LAYER,
            file=file,
            line=None,
            column="$.labelFields",
            rule="unknown-label-field",
            value=str(label),
            message=f"labelFields names '{label}', which is not a field of this schema."
            + (f" Did you mean '{close[0]}'?" if close else ""),
        )
        for label in table_schema.label_fields(schema)
        if label not in names
        for close in [difflib.get_close_matches(str(label), sorted(names), n=1)]
    ]


def check_package(descriptor: Descriptor) -> list[Finding]:
    """Check the descriptor and every Table Schema file it points to."""
    if descriptor.package is None:
        return []
    findings = check_object(descriptor.package, descriptor.file, "package")
    for schema_file, schema in descriptor.schemas.items():
        findings += check_object(schema, schema_file, "tableSchema")
        findings += check_label_fields(schema, schema_file)
    return findings
