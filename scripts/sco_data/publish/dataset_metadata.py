"""What search engines and archives read about the package: its schema.org `Dataset` (JSON-LD on
the site's home page, for Google Dataset Search and others) and its Zenodo deposit metadata
(`.zenodo.json`, see `publish/zenodo.py`), both from `datapackage.json` and `CITATION.cff`.

- name, description, keywords, licence and version: the descriptor's, with CITATION.cff's title,
  keywords and authors;
- datePublished: the descriptor's `created` (the day the package was first published);
  dateModified: CITATION.cff's `date-released` (the day this version was released, which
  `make prepare-release` writes);
- temporalCoverage: the earliest and latest date any table holds (ISO 8601 interval), but the
  `sources` table, whose dates say when a document was published or read;
- spatialCoverage: one `Place` per row of the `states` table (every state the package names);
- distribution: one `DataDownload` per file the site offers (descriptor, each CSV, and the
  release's zip, SQLite and Parquet files when `make release` has built them), with its size
  in bytes (`contentSize`, e.g. "151964 B") and its SHA-256 in schema.org's `sha256` property.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import yaml  # a dependency of frictionless

CITATION = "CITATION.cff"
NOT_COVERAGE = ("sources",)  # its dates are when documents were published and read
ENCODINGS = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".sqlite": "application/vnd.sqlite3",
    ".parquet": "application/vnd.apache.parquet",
}


def citation(root: Path) -> dict:
    """CITATION.cff as a mapping; empty when the package has none."""
    path = root / CITATION
    if not path.is_file():
        return {}
    found = yaml.safe_load(path.read_text("utf-8"))
    return found if isinstance(found, dict) else {}


def keywords(package: Mapping, cited: Mapping) -> list[str]:
    """The descriptor's keywords, then CITATION.cff's, each once (whatever its case)."""
    seen, merged = set(), []
    for word in [*package.get("keywords", []), *cited.get("keywords", [])]:
        if str(word).casefold() not in seen:
            seen.add(str(word).casefold())
            merged.append(str(word))
    return merged


def authors(package: Mapping, cited: Mapping) -> list[dict]:
    """CITATION.cff's authors, else the descriptor's contributors with the role `creator`,
    as {"name"} for an organisation or {"given", "family"} for a person."""
    found = []
    for author in cited.get("authors", []):
        if author.get("family-names"):
            found.append(
                {
                    "family": author["family-names"],
                    "given": author.get("given-names", ""),
                }
            )
        elif author.get("name"):
            found.append({"name": author["name"]})
    if found:
        return found
    return [
        {"name": c["title"]}
        for c in package.get("contributors", [])
        if "creator" in c.get("roles", []) and c.get("title")
    ]


def licence(package: Mapping) -> dict:
    """The descriptor's first licence: {"name": SPDX-like id, "path": address}."""
    licences = package.get("licenses") or [{}]
    return {"name": licences[0].get("name", ""), "path": licences[0].get("path", "")}


def temporal_coverage(typed: Mapping[str, pd.DataFrame]) -> str | None:
    """ "first/last" over every date column of every table but NOT_COVERAGE."""
    days = []
    for name, frame in typed.items():
        if name in NOT_COVERAGE:
            continue
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                days += [frame[column].min(), frame[column].max()]
    days = [d for d in days if not pd.isna(d)]
    if not days:
        return None
    return f"{min(days).date().isoformat()}/{max(days).date().isoformat()}"


def spatial_coverage(typed: Mapping[str, pd.DataFrame]) -> list[dict]:
    states = typed.get("states")
    if states is None or not {"iso3", "name"} <= set(states.columns):
        return []
    return [
        {"@type": "Place", "name": str(name), "identifier": str(code)}
        for code, name in sorted(zip(states["iso3"], states["name"], strict=True))
    ]


def site_address(repository: str | None) -> str | None:
    """The GitHub Pages address of the site of the GitHub repository "owner/name"."""
    if not repository:
        return None
    owner, name = repository.split("/")
    if name.lower() == f"{owner}.github.io".lower():
        return f"https://{name.lower()}/"
    return f"https://{owner.lower()}.github.io/{name}/"


def distribution(downloads: Iterable, base: str | None) -> list[dict]:
    """One DataDownload per download (`path` from the site's root, `bytes`, `sha256`)."""
    found = []
    for download in downloads:
        suffix = Path(download.path).suffix
        found.append(
            {
                "@type": "DataDownload",
                "name": Path(download.path).name,
                "contentUrl": (base or "") + download.path,
                "encodingFormat": ENCODINGS.get(suffix, "application/octet-stream"),
                "contentSize": f"{download.bytes} B",
                "sha256": download.sha256,
            }
        )
    return found


def dataset(
    package: Mapping,
    cited: Mapping,
    typed: Mapping[str, pd.DataFrame],
    downloads: Iterable,
    repository: str | None = None,
) -> dict:
    """The schema.org Dataset (see the module's docstring for where each part comes from)."""
    base = site_address(repository)
    creators = [
        {"@type": "Organization", "name": a["name"]}
        if "name" in a
        else {"@type": "Person", "givenName": a["given"], "familyName": a["family"]}
        for a in authors(package, cited)
    ]
    found = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": package.get("title") or package.get("name"),
        "alternateName": package.get("name"),
        "description": package.get("description", ""),
        "url": base,
        "version": package.get("version"),
        "license": licence(package)["path"] or licence(package)["name"],
        "isAccessibleForFree": True,
        "creator": creators,
        "keywords": keywords(package, cited),
        "datePublished": str(package.get("created", ""))[:10] or None,
        "dateModified": str(cited.get("date-released", "")) or None,
        "temporalCoverage": temporal_coverage(typed),
        "spatialCoverage": spatial_coverage(typed),
        "distribution": distribution(downloads, base),
    }
    return {key: value for key, value in found.items() if value not in (None, [], "")}


def script_text(data: Mapping) -> str:
    """JSON for a <script type="application/ld+json"> element: no "<", ">" or "&" that the
    HTML parser could read as the element's end."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
