"""Each resource's size and SHA-256 hash, recorded in the descriptor by `make build`.

frictionless checks them on every load and validation (rules `byte-count` and `hash-count`), so a
user who downloads the files can tell they arrived whole.
"""

from __future__ import annotations

from pathlib import Path

from sco_data.package.csv_reader import scan_bytes


def measure(path: Path) -> tuple[int, str]:
    # The same block-by-block scan that validation checks these values with.
    scan = scan_bytes(path, "sha256")
    return scan.size, "sha256:" + scan.digest


def recorded(package: dict, root: Path) -> dict:
    """The descriptor with every resource's `bytes` and `hash` set from its file."""
    resources = []
    for resource in package.get("resources", []):
        path = root / resource["path"]
        if path.is_file():
            size, digest = measure(path)
            # Keep the keys in a fixed place so the descriptor's diff stays small.
            resource = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
            resource["bytes"], resource["hash"] = size, digest
        resources.append(resource)
    return {**package, "resources": resources}
