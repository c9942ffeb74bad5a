"""Check the states table against ISO 3166-1 as packaged by pycountry."""

from __future__ import annotations

import pycountry

from sco_data.findings import Finding, Group, grouped
from sco_data.package.csv_reader import RawTable

LAYER = "iso-codes"
STATES_TABLE = "states"


def _problems(row: dict) -> list[tuple[str, str, str]]:
    """(column, value, message) for each way a row disagrees with ISO 3166-1."""
    iso3 = row.get("iso3", "")
    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    if country is None:
        return [("iso3", iso3, f"'{iso3}' is not an ISO 3166-1 alpha-3 code.")]
    problems = []
    if row.get("iso2") != country.alpha_2:
        problems.append(
            (
                "iso2",
                row.get("iso2", ""),
                f"ISO 3166-1 gives alpha-2 '{country.alpha_2}' for {iso3}.",
            )
        )
    names = {country.name, getattr(country, "common_name", country.name)}
    if row.get("name") not in names:
        expected = " or ".join(f"'{n}'" for n in sorted(names))
        problems.append(
            ("name", row.get("name", ""), f"ISO 3166-1 names {iso3} {expected}.")
        )
    return problems


def check_states(tables: dict[str, RawTable]) -> list[Group]:
    states = tables.get(STATES_TABLE)
    if states is None or states.frame is None:
        return []  # a missing table is reported on its own
    findings = []
    for line, row in zip(
        states.frame.index, states.frame.to_dict("records"), strict=True
    ):
        for column, value, message in _problems(row):
            findings.append(
                Finding(
                    LAYER, states.file, int(line), column, "iso-3166-1", value, message
                )
            )
    return grouped(findings)
