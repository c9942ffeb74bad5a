"""Rules every text cell of the package obeys, whatever its table.

Table Schema cannot say these, and frictionless accepts all of them: spaces around a value,
control characters, text not in Unicode NFC, bytes that were not UTF-8, and cells a
spreadsheet would run as a formula.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sco_data.checks.pandera_run import aligned
from sco_data.package import arrow_text
from sco_data.package.csv_reader import NOT_UTF8

CONTROL = r"[\x00-\x1f\x7f]"
FORMULA_START = "=+-@"  # the characters a spreadsheet reads as the start of a formula


def undecodable_lines(frame: pd.DataFrame) -> list[tuple[str, np.ndarray, str]]:
    """(column, lines, message) for each column holding bytes that were not UTF-8.

    Found before pandera runs: it cannot report a value that cannot be encoded."""
    found = []
    for column in frame.columns:
        cells = frame[column]
        if cells.dtype != object:  # Arrow-backed text is valid UTF-8 by construction
            continue
        bad = cells.str.contains(NOT_UTF8, regex=True).fillna(False).to_numpy(bool)
        if bad.any():
            message = (
                f"'{column}' holds bytes that are not UTF-8; save the file as UTF-8."
            )
            found.append((column, cells.index.to_numpy()[bad], message))
    return found


def _is_nfc(cells: pd.Series) -> pd.Series:
    ascii_only = arrow_text.is_ascii(cells)  # ASCII is always NFC: skip the costly part
    ok = pd.Series(True, index=cells.index)
    if not ascii_only.all():
        other = cells[~ascii_only]
        ok[~ascii_only] = other == other.str.normalize("NFC")
    return ok


def checks(field: dict, may_hold_control: bool = True, ascii_only: bool = False):
    """(rule, vectorised test, message) for the field's cells.

    A file whose bytes hold no control character, or no byte outside ASCII, has no cell that
    could break the control-character or the NFC rule: the CSV layer's scan of the bytes
    tells, and the per-cell test is then left out."""
    name = field["name"]
    rules = []
    if may_hold_control:
        rules.append(
            (
                "control-character",
                aligned(lambda s: ~arrow_text.contains(s, CONTROL)),
                lambda v: (
                    f"'{name}' holds a control character (tab, line break or "
                    "similar); remove it."
                ),
            )
        )
    rules.append(
        (
            "surrounding-space",
            aligned(lambda s: ~arrow_text.has_surrounding_space(s)),
            lambda v: f"'{name}' starts or ends with a space; remove it.",
        )
    )
    if not ascii_only:
        rules.append(
            (
                "not-nfc",
                _is_nfc,
                lambda v: (
                    f"'{name}' is not in Unicode NFC (composed) form; "
                    "normalise it, e.g. with unicodedata.normalize('NFC', text)."
                ),
            )
        )
    if field.get("type", "string") == "string":
        rules.append(
            (
                "spreadsheet-formula",
                aligned(lambda s: ~arrow_text.starts_with_any(s, FORMULA_START)),
                lambda v: (
                    f"'{name}' starts with '{v[:1]}', so a spreadsheet would run "
                    "it as a formula; reword it so it starts otherwise."
                ),
            )
        )
    return rules
