"""Full `frictionless validate`, the reference, remembering each resource's findings.

A bad-input case changes one or two files of the package. A resource whose validation
could not have changed (the same descriptor and schemas, the same bytes of its own file, and
the same of every file its foreign keys point into) gives the findings it gave before; the
others are validated again by frictionless in the package's context, foreign keys included.
A change to the descriptor or a schema validates the whole package again.

Of a file its foreign keys point into, frictionless reads the referenced fields of every
row (`TableResource.__prepare_lookup`), each row parsed with the dialect it sniffs from the
first lines. So where that file is plain (UTF-8 without a byte-order mark, LF line ends,
read as comma-separated with double quotes, every record as long as the header), what
counts is its header, its records' lengths and the referenced cells; a change to another
cell of it (most cases change one) leaves the files pointing into it as they were.
Otherwise what counts is every byte.

A resource validated again is validated in a package of it and the resources its foreign
keys point into, and the lookup frictionless builds for each of its foreign keys (the
referenced fields of every row of the target) is remembered for the same contract, key and
bytes of the target: most resources point into the same few (sources, states, events).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import frictionless
from frictionless.resources.table import TableResource
from frictionless.table import Lookup
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


SNIFFED_LINES = 100  # frictionless.formats.csv.parser.SAMPLE_SIZE
SNIFFED_DELIMITERS = ",\t;|"

# frictionless builds a resource's lookup (`TableResource.__open_lookup`) by reading, for
# each of its foreign keys, the referenced fields of every row of the resource it points
# into: the same few files (sources, events) for nearly every resource and bad input.
OPEN_LOOKUP = "_TableResource__open_lookup"
BUILT_LOOKUP = "_TableResource__lookup"  # what it builds
LOOKUPS = "foreign-key lookups"  # the memory's entry for them
CELLS = "referenced cells"  # the memory's entry for `_referenced`


def _plain_records(text: str) -> list[list[str]] | None:
    """The records of a CSV text as frictionless reads them, when it reads them as
    Python's default dialect does; None otherwise. frictionless sniffs the dialect from
    the first lines, takes a sniffed single quote for a double one, and keeps doubled
    quotes unless an escape character was sniffed (`CsvParser`, `CsvControl.to_python`)."""
    if text.startswith("\ufeff") or "\r" in text:
        return None
    sample = "".join(text.splitlines(keepends=True)[:SNIFFED_LINES])
    try:
        sniffed = csv.Sniffer().sniff(sample, SNIFFED_DELIMITERS)
    except csv.Error:
        sniffed = csv.excel
    read_as_default = (
        sniffed.delimiter == ","
        and sniffed.quotechar in ('"', "'")
        and sniffed.escapechar is None
        and not sniffed.skipinitialspace
    )
    if not read_as_default:
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None
    if not records or any(len(r) != len(records[0]) for r in records):
        return None
    return records


def _plain_text_records(data: bytes) -> list[list[str]] | None:
    """The file's records when frictionless reads it as the default dialect (see
    `_plain_records`)."""
    try:
        return _plain_records(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _read_by_references(
    read: tuple[bytes, list[list[str]] | None], schema: dict, fields: set[str]
) -> bytes:
    """What a foreign key into the file `read` (its bytes, and its records as
    `_plain_text_records` gives them) can depend on (see the module's note)."""
    data, records = read
    names = table_schema.field_names(schema)
    if records is None or not fields <= set(names):
        return data
    positions = [names.index(name) for name in sorted(fields)]
    kept = [records[0], [[r[i] for i in positions] for r in records[1:]]]
    return b"referenced cells\0" + json.dumps(kept).encode()


def _contract(root: Path, descriptor) -> str:
    """The descriptor and the Table Schemas it names: all frictionless reads but data."""
    named = {r.get("schema") for r in descriptor.resources()}
    names = [descriptor.file, *sorted(n for n in named if isinstance(n, str))]
    files = [root / name for name in names]
    return _digest(*(name.encode() for name in names), *map(_bytes, files))


def _referenced(path: Path, schema: dict, fields: set[str], known: dict) -> bytes:
    """What a foreign key into the file can depend on (see `_read_by_references`), as a
    digest; worked out once for the same bytes, schema and fields."""
    data = _bytes(path)
    key = _digest(data, json.dumps([schema, sorted(fields)], sort_keys=True).encode())
    if key not in known:
        read = (data, _plain_text_records(data))
        known[key] = hashlib.sha256(_read_by_references(read, schema, fields)).digest()
    return known[key]


def _resource_keys(root: Path, descriptor, contract: str, known: dict) -> dict:
    files = descriptor.resource_files()
    schemas = descriptor.table_schemas()
    keys = {}
    for name, file in files.items():
        referenced: dict[str, set[str]] = {}
        for _, target, other in table_schema.foreign_keys(schemas.get(name) or {}):
            referenced.setdefault(target or name, set()).update(other)
        read = [
            _referenced(root / files[target], schemas.get(target) or {}, fields, known)
            for target, fields in sorted(referenced.items())
            if target in files
        ]
        keys[name] = _digest(
            contract.encode(), name.encode(), _bytes(root / file), *read
        )
    return keys


def reference(root: Path, memory: dict) -> list:
    """What `frictionless_metadata.check_package` finds, from memory where it can be."""
    descriptor = read_descriptor(root)
    contract = _contract(root, descriptor)
    if contract not in memory:
        findings, _ = frictionless_metadata.check_package(root, descriptor)
        files = descriptor.resource_files()
        if any(f.file not in files.values() for f in findings):
            return findings  # a broken contract: frictionless reads no row, nothing to keep
        by_file = {}
        for finding in findings:
            by_file.setdefault(finding.file, []).append(finding)
        known = memory.setdefault(CELLS, {})
        keys = _resource_keys(root, descriptor, contract, known)
        memory[contract] = True
        for name, key in keys.items():
            memory[key] = by_file.get(files[name], [])
        return findings
    found = []
    files = descriptor.resource_files()
    lookup = _remembered_lookup(memory.setdefault(LOOKUPS, {}), root, contract, files)
    known = memory.setdefault(CELLS, {})
    for name, key in _resource_keys(root, descriptor, contract, known).items():
        if key not in memory:
            package = _package_for(root, descriptor, name)
            with mock.patch.object(TableResource, OPEN_LOOKUP, lookup):
                report = package.get_resource(name).validate()
            memory[key] = frictionless_metadata.task_findings(package, report.tasks[0])
        found += memory[key]
    return found


def _one_key(real_open_lookup, resource, key: dict) -> dict:
    """What frictionless's own lookup holds for one foreign key of `resource` (it is run
    on the resource with that key alone), its sets of values frozen."""
    alone = SimpleNamespace(
        schema=SimpleNamespace(foreign_keys=[key]),
        name=resource.name,
        package=resource.package,
        to_copy=resource.to_copy,
    )
    real_open_lookup(alone)
    built = getattr(alone, BUILT_LOOKUP)
    return {t: {f: frozenset(c) for f, c in k.items()} for t, k in built.items()}


def _remembered_lookup(lookups: dict, root: Path, contract: str, files: dict):
    """`TableResource.__open_lookup`, each foreign key's part answered from `lookups` for
    the same key, contract (every resource's descriptor) and bytes of the file it points
    into."""
    real = getattr(TableResource, OPEN_LOOKUP)

    def open_lookup(resource) -> None:
        names = {
            k["reference"]["resource"] or resource.name
            for k in resource.schema.foreign_keys
        }
        if not names <= set(files):
            return real(resource)  # frictionless says what is missing
        lookup = Lookup()
        for key in resource.schema.foreign_keys:
            target = key["reference"]["resource"] or resource.name
            digest = _digest(
                contract.encode(),
                json.dumps(key, sort_keys=True).encode(),
                target.encode(),
                _bytes(root / files[target]),
            )
            if digest not in lookups:
                lookups[digest] = _one_key(real, resource, key)
            for name, values in lookups[digest].items():
                for fields, cells in values.items():
                    lookup.setdefault(name, {}).setdefault(fields, cells)
        setattr(resource, BUILT_LOOKUP, lookup)

    return open_lookup


def _package_for(root: Path, descriptor, name: str) -> frictionless.Package:
    """The package as frictionless reads it, with only the resources that validating
    `name` reads (itself and those its foreign keys point into): frictionless checks each
    resource it is given, which for the whole package costs more than the validation."""
    schema = descriptor.table_schemas().get(name) or {}
    read = {name} | {t for _, t, _ in table_schema.foreign_keys(schema) if t}
    resources = [r for r in descriptor.resources() if r.get("name") in read]
    return frictionless.Package(
        {**descriptor.package, "resources": resources}, basepath=str(root)
    )
