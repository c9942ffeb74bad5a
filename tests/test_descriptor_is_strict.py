"""Descriptor and Table Schema mistakes are reported by name, under the file that holds them."""

from __future__ import annotations

import pytest
from conftest import ROOT, edit_json, expanded
from sco_data.checks import descriptor_keys
from sco_data.package.descriptor import read as read_descriptor


@pytest.fixture
def findings_of(all_layers):
    return lambda root: expanded(all_layers(root)[0])


def _assert_found(findings, *, layer, file, line, column, rule):
    located = [(f.layer, f.file, f.line, f.column, f.rule) for f in findings]
    assert (layer, file, line, column, rule) in located, located


# (file, change, key, JSON path) for keys frictionless would silently ignore
def _misspelled_foreign_keys(schema):
    schema["foreignKey"] = schema.pop("foreignKeys")


def _primary_key_at_resource_level(package):
    package["resources"][1]["primaryKey"] = ["iso3"]


def _pattern_outside_constraints(schema):
    schema["fields"][0]["pattern"] = "^[A-Z]{3}$"


def _misspelled_license_key(package):
    package["licences"] = package.pop("licenses")


DESCRIPTOR_CASES = {
    "foreignKey instead of foreignKeys": (
        "schemas/events.schema.json",
        _misspelled_foreign_keys,
        "foreignKey",
        "$",
        "foreignKeys",
    ),
    "primaryKey at resource level": (
        "datapackage.json",
        _primary_key_at_resource_level,
        "primaryKey",
        "$.resources[1]",
        "tableSchema",
    ),
    "pattern outside constraints": (
        "schemas/states.schema.json",
        _pattern_outside_constraints,
        "pattern",
        "$.fields[0]",
        "constraints",
    ),
    "licences instead of licenses": (
        "datapackage.json",
        _misspelled_license_key,
        "licences",
        "$",
        "licenses",
    ),
}


@pytest.mark.parametrize("case", DESCRIPTOR_CASES, ids=list(DESCRIPTOR_CASES))
def test_unknown_descriptor_key_is_rejected_by_name(package, case, findings_of):
    file, change, key, path, hint = DESCRIPTOR_CASES[case]
    edit_json(package / file, change)
    findings = findings_of(package)
    matches = [f for f in findings if f.layer == "descriptor-keys" and f.value == key]
    assert len(matches) == 1, findings
    assert matches[0].file == file
    assert matches[0].column == path
    assert f"'{key}'" in matches[0].message and hint in matches[0].message


def _unknown_field_type(schema):
    schema["fields"][1]["type"] = "strin"


def _primary_key_on_a_missing_field(schema):
    schema["primaryKey"] = ["no_such_field"]


def _enum_that_is_not_a_list(schema):
    schema["fields"][2]["constraints"]["enum"] = "summit"


SCHEMA_CASES = {
    "unknown field type": (_unknown_field_type, "field-error", "strin"),
    "primary key on a missing field": (
        _primary_key_on_a_missing_field,
        "schema-error",
        "no_such_field",
    ),
    "enum that is not a list": (
        _enum_that_is_not_a_list,
        "field-error",
        "constraints/enum",
    ),
}


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=list(SCHEMA_CASES))
def test_broken_table_schema_is_reported_under_its_file(package, case, findings_of):
    change, rule, detail = SCHEMA_CASES[case]
    edit_json(package / "schemas" / "events.schema.json", change)
    findings = findings_of(package)
    assert [(f.file, f.rule) for f in findings] == [
        ("schemas/events.schema.json", rule)
    ]
    assert detail in findings[0].message


def test_label_fields_is_a_key_of_the_package_that_names_fields(package):
    # Allowed by the strict profile in every real schema that states it ...
    assert descriptor_keys.check_package(read_descriptor(ROOT)) == []
    # ... and a name that is no field of the schema is a finding, with a hint.
    edit_json(
        package / "schemas" / "states.schema.json",
        lambda s: s.update(labelFields=["nmae"]),
    )
    (finding,) = descriptor_keys.check_package(read_descriptor(package))
    assert (finding.file, finding.column, finding.rule, finding.value) == (
        "schemas/states.schema.json",
        "$.labelFields",
        "unknown-label-field",
        "nmae",
    )
    assert "Did you mean 'name'?" in finding.message
