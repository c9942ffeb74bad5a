"""Read the descriptor and the Table Schema files it names once, for every check to share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sco_data.findings import Finding

LAYER = "descriptor"


@dataclass
class Descriptor:
    file: str  # path of datapackage.json relative to the package root
    package: dict | None  # None when the file cannot be read as a JSON object
    schemas: dict[str, dict] = field(default_factory=dict)  # schema file -> its JSON
    problems: list[Finding] = field(default_factory=list)

    def resources(self) -> list[dict]:
        if not self.package or not isinstance(self.package.get("resources"), list):
            return []
        return [r for r in self.package["resources"] if isinstance(r, dict)]

    def table_schemas(self) -> dict[str, dict]:
        """Each resource's Table Schema by the resource's name ({} when it has none)."""
        return {
            r.get("name"): self.schemas.get(r.get("schema")) or {}
            for r in self.resources()
        }

    def resource_files(self) -> dict[str, str]:
        return {
            r["name"]: r["path"]
            for r in self.resources()
            if "name" in r and "path" in r
        }


def as_json_text(data: dict) -> str:
    """JSON as the package's files are written: two-space indents, UTF-8 kept as it is."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _read_json(root: Path, file: str) -> tuple[object, list[Finding]]:
    try:
        return json.loads((root / file).read_text("utf-8")), []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        message = f"{file} cannot be read as UTF-8 JSON: {error}"
        return None, [
            Finding(LAYER, file, line, None, "unreadable-json", None, message)
        ]


def read(root: Path, file: str = "datapackage.json") -> Descriptor:
    package, problems = _read_json(root, file)
    descriptor = Descriptor(
        file, package if isinstance(package, dict) else None, {}, problems
    )
    for resource in descriptor.resources():
        schema_file = resource.get("schema")
        if isinstance(schema_file, str) and (root / schema_file).is_file():
            schema, schema_problems = _read_json(root, schema_file)
            descriptor.problems += schema_problems
            if isinstance(schema, dict):
                descriptor.schemas[schema_file] = schema
    return descriptor
