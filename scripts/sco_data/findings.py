"""One shape for every problem any check finds, so the report can list them together."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    layer: str  # which check found it: descriptor, descriptor-keys, frictionless, iso-codes
    file: str  # path relative to the package root
    line: int | None  # CSV line number (header = 1); None for whole-file findings
    column: str | None  # field name, or a JSON path for descriptor findings
    rule: str  # short machine-readable name of the rule broken
    value: str | None  # the offending value, when there is one
    message: str  # a sentence a contributor understands

    def as_dict(self) -> dict:
        return asdict(self)

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", {self.column}"
        return where
