"""`.zenodo.json`: the metadata Zenodo's GitHub integration deposits each release with, from
`datapackage.json` and `CITATION.cff` (`dataset_metadata`); `make build` writes it and a test
fails when it has drifted.

The repository it links to (`related_identifiers`, relation `isSupplementTo`) is CITATION.cff's
`repository-code`; without one, the deposit names no repository (Zenodo's GitHub integration
adds the release it archives anyway).
"""

from __future__ import annotations

from pathlib import Path

from sco_data.package.descriptor import as_json_text
from sco_data.package.descriptor import read as read_descriptor
from sco_data.publish import dataset_metadata

FILE = ".zenodo.json"


def metadata(root: Path) -> dict:
    descriptor = read_descriptor(root)
    if descriptor.package is None:
        raise SystemExit("datapackage.json cannot be read; run `make validate`.")
    package, cited = descriptor.package, dataset_metadata.citation(root)
    creators = [
        {"name": a["name"]}
        if "name" in a
        else {"name": ", ".join(p for p in (a["family"], a["given"]) if p)}
        for a in dataset_metadata.authors(package, cited)
    ]
    found = {
        "upload_type": "dataset",
        "title": cited.get("title") or package.get("title"),
        "version": package.get("version"),
        "publication_date": str(cited.get("date-released", "")),
        "description": package.get("description", ""),
        "creators": creators,
        "license": dataset_metadata.licence(package)["name"].lower(),
        "access_right": "open",
        "keywords": dataset_metadata.keywords(package, cited),
    }
    if cited.get("repository-code"):
        found["related_identifiers"] = [
            {
                "identifier": cited["repository-code"],
                "relation": "isSupplementTo",
                "scheme": "url",
            }
        ]
    return {key: value for key, value in found.items() if value not in ("", None)}


def built(root: Path) -> dict[str, str]:
    """{file: the text it should have}."""
    return {FILE: as_json_text(metadata(root))}
