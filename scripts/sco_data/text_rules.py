"""Rules every text cell of the package obeys, whatever its table.

Table Schema cannot say these, and frictionless accepts all of them: spaces around a value,
control characters, text not in Unicode NFC, bytes that were not UTF-8, and cells a
spreadsheet would run as a formula.
"""

from __future__ import annotations

import pandas as pd

NOT_UTF8 = "[\udc80-\udcff]"  # how undecodable bytes survive reading (surrogateescape)
CONTROL = r"[\x00-\x1f\x7f]"
FORMULA_START = r"[=+\-@]"


def _ok_where(pattern: str):
    return lambda s: ~s.str.contains(pattern, regex=True)


def undecodable_cells(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(line, column, message) of each cell holding bytes that were not UTF-8.

    Found before pandera runs: it cannot report a value that cannot be encoded."""
    found = []
    for column in frame.columns:
        cells = frame[column]
        if cells.dtype != object:  # Arrow-backed text is valid UTF-8 by construction
            continue
        bad = cells.str.contains(NOT_UTF8, regex=True).fillna(False).astype(bool)
        for line in cells.index[bad]:
            found.append(
                (
                    int(line),
                    column,
                    f"'{column}' holds bytes that are not UTF-8; save the file as UTF-8.",
                )
            )
    return found


def _is_nfc(cells: pd.Series) -> pd.Series:
    ascii_only = cells.str.isascii()  # ASCII is always NFC: skip the costly part
    ok = pd.Series(True, index=cells.index)
    other = cells[~ascii_only]
    if len(other):
        ok[~ascii_only] = other == other.str.normalize("NFC")
    return ok


def checks(field: dict):
    """(rule, vectorised test, message) for the field's cells."""
    name = field["name"]
    rules = [
        (
            "control-character",
            _ok_where(CONTROL),
            lambda v: (
                f"'{name}' holds a control character (tab, line break or "
                "similar); remove it."
            ),
        ),
        (
            "surrounding-space",
            lambda s: s == s.str.strip(),
            lambda v: f"'{name}' starts or ends with a space; remove it.",
        ),
        (
            "not-nfc",
            _is_nfc,
            lambda v: (
                f"'{name}' is not in Unicode NFC (composed) form; "
                "normalise it, e.g. with unicodedata.normalize('NFC', text)."
            ),
        ),
    ]
    if field.get("type", "string") == "string":
        rules.append(
            (
                "spreadsheet-formula",
                lambda s: ~s.str.match(FORMULA_START),
                lambda v: (
                    f"'{name}' starts with '{v[:1]}', so a spreadsheet would run "
                    "it as a formula; reword it so it starts otherwise."
                ),
            )
        )
    return rules
