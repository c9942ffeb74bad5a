"""Full `frictionless validate`, the reference, remembering each resource's findings.

A bad-input case changes one or two files of the package. A resource whose validation
could not have changed (the same descriptor and schemas, the same bytes of its own file and
of every file its foreign keys point into) gives the findings it gave before; the others are
validated again by frictionless in the package's context, foreign keys included. A change
to the descriptor or a schema validates the whole package again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import frictionless
from sco_data.checks import frictionless_metadata
from sco_data.package import table_schema
from sco_data.package.descriptor import read as read_descriptor


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _bytes(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b"\0missing"


def _contract(root: Path) -> str:
    files = [root / "datapackage.json", *sorted((root / "schemas").rglob("*.json"))]
    return _digest(
        *(p.relative_to(root).as_posix().encode() for p in files), *map(_bytes, files)
    )


def _resource_keys(root: Path, descriptor, contract: str) -> dict[str, str]:
    files = descriptor.resource_files()
    schemas = descriptor.table_schemas()
    keys = {}
    for name, file in files.items():
        targets = {
            target or name
            for _, target, _ in table_schema.foreign_keys(schemas.get(name) or {})
        }
        read = [_bytes(root / files[t]) for t in sorted(targets) if t in files]
        keys[name] = _digest(
            contract.encode(), name.encode(), _bytes(root / file), *read
        )
    return keys


def reference(root: Path, memory: dict) -> list:
    """What `frictionless_metadata.check_package` finds, from memory where it can be."""
    descriptor = read_descriptor(root)
    contract = _contract(root)
    if contract not in memory:
        findings, _ = frictionless_metadata.check_package(root, descriptor)
        files = descriptor.resource_files()
        if any(f.file not in files.values() for f in findings):
            return findings  # a broken contract: frictionless reads no row, nothing to keep
        by_file = {}
        for finding in findings:
            by_file.setdefault(finding.file, []).append(finding)
        keys = _resource_keys(root, descriptor, contract)
        memory[contract] = True
        for name, key in keys.items():
            memory[key] = by_file.get(files[name], [])
        return findings
    found = []
    package = None
    for name, key in _resource_keys(root, descriptor, contract).items():
        if key not in memory:
            package = package or frictionless.Package(str(root / descriptor.file))
            report = package.get_resource(name).validate()
            memory[key] = frictionless_metadata.task_findings(package, report.tasks[0])
        found += memory[key]
    return found
