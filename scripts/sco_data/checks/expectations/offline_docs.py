"""The Data Docs open with no network: what GX's pages load from seven outside hosts comes
from local copies beside the report.

GX 1.x writes pages that load jQuery, Popper, Bootstrap, bootstrap-table (and its filter
control), bootstrap-datepicker, bootstrap-dark, Font Awesome, Vega, Vega-Lite and vega-embed
from CDNs, and its logo from S3. `make data-docs-assets` installs those files, at the
versions the pages name, from npm (`tools/data-docs-assets/`, pinned by its package-lock.json);
`localise` copies them into the report's `static/vendor/`, keeping each package's own layout
(Font Awesome's CSS finds its fonts at `../webfonts/`) with each package's licence and
package.json, and rewrites every page and style sheet to load them by relative address, so
the report also opens from disk (file://). The
logo is GX's own copy in `static/images/`; links to GX's web site and newsletter lose their
address and keep their text. A page that would still load anything from another host is
an error (`OutsideReference`), so a new CDN link in a later GX cannot slip through.

Only the standard library: the worker imports this before anything heavy.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

# Where `make data-docs-assets` installs the copies; SCO_DATA_DOCS_ASSETS names another.
ASSETS_ENV = "SCO_DATA_DOCS_ASSETS"
INSTALLED = (
    Path(__file__).resolve().parents[4] / "tools" / "data-docs-assets" / "node_modules"
)
VENDOR = "static/vendor"  # in the report, the copies under their npm package paths
LOGO = "static/images/logo-long.png"  # GX's logo, which GX itself copies into static/

# Every outside address GX's templates load -> the file of the pinned npm package.
COPIES = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js/dist/umd/popper.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap/dist/css/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap/dist/js/bootstrap.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table/dist/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table/dist/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table/dist/extensions/filter-control/"
        "bootstrap-table-filter-control.min.js"
    ),
    # GX names 1.19.0 for the filter control's style sheets; 1.19.1's are served instead,
    # beside the 1.19.1 script they style.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table/dist/extensions/filter-control/"
        "bootstrap-table-filter-control.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": (
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": (
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": (
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "@fortawesome/fontawesome-free/css/all.min.css"
    ),
    # jsDelivr serves the newest 5.x, 5.x and 6.x; the copies are pinned ones of those.
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}
# Folders a copied file refers to by relative address.
FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)
GX_IMAGES = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/"
    r"[A-Za-z0-9_./-]+(?:\?[^\s\"'<>)]*)?"
)
TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
OUTSIDE_LINK = re.compile(
    r"(<a\b[^>]*?)\s+href=([\"'])(?:https?:)?//[^\"']*\2([^>]*>)", re.IGNORECASE
)
# A reference the browser would follow by itself: an attribute or a CSS url() or @import.
REFERENCE = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?|url\(\s*["']?|"""
    r"""@import\s+["'])\s*((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)
SUBRESOURCE_CHECK = re.compile(r"\s+(?:integrity|crossorigin)(?:=([\"'])[^\"']*\1)?")


class MissingAssets(OSError):
    """The local copies are not installed."""

    def __init__(self, folder: Path):
        super().__init__(
            f"the local copies of its scripts and styles are missing from {folder}: "
            "run `make data-docs-assets`"
        )
        self.strerror = str(self)


class OutsideReference(ValueError):
    """A written page would load something from another host."""

    def __init__(self, file: Path, address: str):
        super().__init__(
            f"{file.name} loads {address}, which has no local copy "
            "(sco_data.checks.expectations.offline_docs.COPIES)"
        )
        self.strerror = str(self)


def assets_folder() -> Path:
    return Path(os.environ.get(ASSETS_ENV) or INSTALLED)


def copy_assets(docs: Path, assets: Path | None = None) -> list[Path]:
    """Copy every local copy into `docs`/static/vendor; return the files copied there."""
    assets = assets or assets_folder()
    wanted = sorted(set(COPIES.values()))
    missing = [f for f in wanted if not (assets / f).is_file()]
    missing += [f for f in FOLDERS if not (assets / f).is_dir()]
    if missing:
        raise MissingAssets(assets)
    copied = []
    for relative in wanted:
        target = docs / VENDOR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        copied.append(Path(shutil.copyfile(assets / relative, target)))
    for relative in FOLDERS:
        shutil.copytree(assets / relative, docs / VENDOR / relative, dirs_exist_ok=True)
        copied += sorted((docs / VENDOR / relative).rglob("*"))
    for package in sorted(packages()):  # each copy's licence and version go with it
        for notice in [assets / package / "package.json", *licences(assets / package)]:
            target = docs / VENDOR / package / notice.name
            copied.append(Path(shutil.copyfile(notice, target)))
    return copied


def packages() -> set[str]:
    """The npm packages of the copies ("jquery", "@fortawesome/fontawesome-free", ...)."""
    return {
        "/".join(path.split("/")[: 2 if path.startswith("@") else 1])
        for path in [*COPIES.values(), *FOLDERS]
    }


def licences(package: Path) -> list[Path]:
    return sorted(p for p in package.glob("LICEN[CS]E*") if p.is_file())


def _local_tag(tag: str, to_root: str) -> str:
    """A <script>, <link> or <img> tag with its CDN address replaced by the local copy's.

    Its `integrity` and `crossorigin` go too: a page opened from disk has no origin that
    a cross-origin check could pass, and the copies are pinned by package-lock.json."""
    for address, relative in COPIES.items():
        for quote in "\"'":
            if f"{quote}{address}{quote}" in tag:
                tag = tag.replace(
                    f"{quote}{address}{quote}",
                    f"{quote}{to_root}{VENDOR}/{relative}{quote}",
                )
                return SUBRESOURCE_CHECK.sub("", tag)
    return tag


def localised(text: str, to_root: str) -> str:
    """A page or style sheet's text loading only local files; `to_root` is the relative
    address of the report's root from the file ("", "../../", ...)."""
    text = TAG.sub(lambda tag: _local_tag(tag[0], to_root), text)
    text = GX_IMAGES.sub(to_root + LOGO, text)
    return OUTSIDE_LINK.sub(lambda link: link[1] + link[3], text)


def outside_references(text: str) -> list[str]:
    """The addresses on other hosts that the text would make a browser load."""
    return REFERENCE.findall(text)


def localise(docs: Path, assets: Path | None = None) -> None:
    """Make the Data Docs in `docs` load nothing from another host (see the module)."""
    copy_assets(docs, assets)
    vendor = docs / VENDOR
    for file in sorted(docs.rglob("*")):
        if file.suffix not in (".html", ".css") or vendor in file.parents:
            continue
        if not file.is_file():  # a folder named like a file, as `popper.js`
            continue
        to_root = os.path.relpath(docs, file.parent).replace(os.sep, "/") + "/"
        to_root = "" if to_root == "./" else to_root
        text = localised(file.read_text("utf-8"), to_root)
        for address in outside_references(text):
            raise OutsideReference(file, address)
        file.write_text(text, "utf-8")
