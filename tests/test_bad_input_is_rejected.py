"""Each rule rejects a bad fixture, with a finding that names file, line and column."""

from __future__ import annotations

import json

import pytest
from conftest import edit_json, set_cell
from sco_data.validate import main, run_checks


def _findings(root):
    findings, _ = run_checks(root)
    return findings


def _assert_found(findings, *, layer, file, line, column, rule):
    located = [(f.layer, f.file, f.line, f.column, f.rule) for f in findings]
    assert (layer, file, line, column, rule) in located, located


FRICTIONLESS, ISO = "frictionless", "iso-codes"
COMPOSITE_KEY = "organisation_id,state_iso3,status,start_date"

# case: (table, CSV line, column, bad value, layer, rule, column the finding names)
CELL_CASES = {
    "duplicate primary key": (
        "events",
        3,
        "id",
        "xi-proposes-silk-road-economic-belt-2013",
        FRICTIONLESS,
        "primary-key",
        "id",
    ),
    # Line 3 (KAZ) becomes a second CHN row with the same start as line 2.
    "duplicate composite key": (
        "memberships",
        3,
        "state_iso3",
        "CHN",
        FRICTIONLESS,
        "primary-key",
        COMPOSITE_KEY,
    ),
    "broken foreign key": (
        "event_participants",
        2,
        "person_id",
        "nobody-known",
        FRICTIONLESS,
        "foreign-key",
        None,
    ),
    "value outside its categories": (
        "events",
        2,
        "event_type",
        "party",
        FRICTIONLESS,
        "constraint-error",
        None,
    ),
    "impossible date": (
        "events",
        2,
        "start_date",
        "2024-02-30",
        FRICTIONLESS,
        "type-error",
        None,
    ),
    "malformed date": (
        "sources",
        2,
        "accessed_date",
        "28/11/2026",
        FRICTIONLESS,
        "type-error",
        None,
    ),
    "blank required value": (
        "events",
        2,
        "title",
        "",
        FRICTIONLESS,
        "constraint-error",
        None,
    ),
    "malformed identifier": (
        "people",
        2,
        "wikidata_qid",
        "15031",
        FRICTIONLESS,
        "constraint-error",
        None,
    ),
    "negative quantity": (
        "infrastructure_stats",
        2,
        "value",
        "-66500",
        FRICTIONLESS,
        "constraint-error",
        None,
    ),
    "not a number": (
        "infrastructure_stats",
        2,
        "value",
        "66,500",
        FRICTIONLESS,
        "type-error",
        None,
    ),
    "not a boolean": (
        "quotes",
        2,
        "is_translation",
        "maybe",
        FRICTIONLESS,
        "type-error",
        None,
    ),
    "malformed address": (
        "sources",
        2,
        "url",
        "helsinkitimes dot fi",
        FRICTIONLESS,
        "type-error",
        None,
    ),
    "alpha-2 code that ISO gives another state": (
        "states",
        3,
        "iso2",
        "KX",
        ISO,
        "iso-3166-1",
        None,
    ),
    "alpha-3 code that is not ISO": (
        "states",
        12,
        "iso3",
        "AZR",
        ISO,
        "iso-3166-1",
        None,
    ),
    "name that is not ISO's": (
        "states",
        4,
        "name",
        "Russia Federation",
        ISO,
        "iso-3166-1",
        None,
    ),
}


@pytest.mark.parametrize("case", CELL_CASES, ids=list(CELL_CASES))
def test_bad_cell_is_rejected_with_its_location(package, case):
    table, line, column, value, layer, rule, reported_column = CELL_CASES[case]
    set_cell(package, table, line, column, value)
    _assert_found(
        _findings(package),
        layer=layer,
        file=f"data/{table}.csv",
        line=line,
        column=reported_column or column,
        rule=rule,
    )


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
def test_unknown_descriptor_key_is_rejected_by_name(package, case):
    file, change, key, path, hint = DESCRIPTOR_CASES[case]
    edit_json(package / file, change)
    matches = [
        f for f in _findings(package) if f.layer == "descriptor-keys" and f.value == key
    ]
    assert len(matches) == 1, _findings(package)
    assert matches[0].file == file
    assert matches[0].column == path
    assert f"'{key}'" in matches[0].message and hint in matches[0].message


def test_validate_command_exits_1_and_names_the_problem(package, capsys):
    set_cell(package, "events", 2, "event_type", "party")
    assert main([str(package)]) == 1
    out = capsys.readouterr().out
    assert "data/events.csv, line 2, event_type" in out
    assert "'party'" in out
    assert out.rstrip().endswith("INVALID")


def test_json_report_lists_findings_for_machines(package, capsys):
    set_cell(package, "people", 3, "state_iso3", "ZZZ")
    assert main([str(package), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {
        "layer": "frictionless",
        "file": "data/people.csv",
        "line": 3,
        "column": "state_iso3",
        "rule": "foreign-key",
        "value": "ZZZ",
    }.items() <= report["findings"][0].items()


def test_missing_data_file_is_reported_without_a_traceback(package, capsys):
    (package / "data" / "quotes.csv").unlink()
    assert main([str(package)]) == 1
    out = capsys.readouterr().out
    assert "data/quotes.csv" in out


def test_descriptor_that_is_not_json_is_reported(package, capsys):
    (package / "datapackage.json").write_text('{"name": "broken",', "utf-8")
    assert main([str(package)]) == 1
    out = capsys.readouterr().out
    assert "datapackage.json" in out and "unreadable-json" in out


def test_a_folder_without_descriptor_is_a_usage_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "No datapackage.json" in capsys.readouterr().err


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
def test_broken_table_schema_is_reported_under_its_file(package, case):
    change, rule, detail = SCHEMA_CASES[case]
    edit_json(package / "schemas" / "events.schema.json", change)
    findings = _findings(package)
    assert [(f.file, f.rule) for f in findings] == [
        ("schemas/events.schema.json", rule)
    ]
    assert detail in findings[0].message
