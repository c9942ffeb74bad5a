"""Each resource's size and SHA-256 hash, recorded in the descriptor by `make build`.

frictionless checks them on every load and validation (rules `byte-count` and `hash-count`), so a
user who downloads the files can tell they arrived whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def measure(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), "sha256:" + hashlib.sha256(data).hexdigest()


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
