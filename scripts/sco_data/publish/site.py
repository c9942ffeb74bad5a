"""`make site`: write a static site for the package into site/, from the descriptor and data.

- index.html: what the package is, the figures (inline SVG), the downloads with their SHA-256,
  how to load the package and how to cite it;
- tables/<table>.html for every resource in datapackage.json: every row, sortable and
  filterable in the page (assets/table.js), keys and foreign keys as links;
- data-dictionary.html and changelog.html, from docs/data-dictionary.md and CHANGELOG.md;
- map.html: each state's SCO status on the day a slider names (site_map.py);
- the package itself (datapackage.json, schemas/, data/), the figures' SVG and Vega-Lite specs,
  and, when `make release` has built dist/, the release artefacts under downloads/.

Given the GitHub repository ("owner/name": $GITHUB_REPOSITORY in GitHub Actions, else the
clone's github.com `origin`), every row links to its "Report a problem in the data" issue form;
without one, no row does and the home page says where to report.

Nothing is fetched from another host: scripts, styles and figures are all in site/.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt

from sco_data.package.descriptor import as_json_text
from sco_data.package.descriptor import read as read_descriptor
from sco_data.package.typed import read_tables, typed_frame
from sco_data.publish import dataset_metadata, figure_files, site_map
from sco_data.publish.figures import FIGURES, Figure
from sco_data.publish.site_tables import issue_form_url, page_file, table_pages

HERE = Path(__file__).parent
TEMPLATES = HERE / "site_templates"
ASSETS = HERE / "site_assets"
# A site folder holds this file; the build replaces only a folder that has it (or is empty).
MARKER = ".generated-by-make-site"
DOCUMENTS = (  # (page, source file, title)
    ("data-dictionary.html", "docs/data-dictionary.md", "Data dictionary"),
    ("changelog.html", "CHANGELOG.md", "Changelog"),
)
PACKAGE_FILES = ("datapackage.json", "CITATION.cff", "LICENSE-DATA.md")
GITHUB_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")  # "owner/name"
# https://github.com/o/n(.git), git@github.com:o/n(.git), ssh://git@github.com/o/n(.git);
# the name is matched lazily so that a trailing ".git" is left out of it.
GITHUB_REMOTE = re.compile(
    r"(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com(?::\d+)?/)"
    r"(?P<name>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?"
)


@dataclass
class Download:
    path: str  # relative to the site's root
    bytes: int
    sha256: str
    what: str


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-")


def markdown_html(text: str) -> str:
    """Markdown as HTML, raw HTML escaped, headings given ids to link to."""
    text = re.sub(
        r"\A(<!--.*?-->\s*)+", "", text, flags=re.DOTALL
    )  # "generated" notices
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def heading_open(renderer, tokens, index, options, env):
        tokens[index].attrSet("id", _slug(tokens[index + 1].content))
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("heading_open", heading_open)
    return md.render(text)


def _release_downloads(dist: Path) -> list[tuple[Path, str]]:
    """(artefact, sha256) for each file SHA256SUMS lists, when `make release` has run."""
    sums = dist / "SHA256SUMS"
    if not sums.is_file():
        return []
    listed = []
    for line in sums.read_text("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name and (dist / name).is_file():
            listed.append((dist / name, digest))
    return listed


def repository_of_remote(url: str) -> str | None:
    """The "owner/name" of a github.com remote address (https or ssh); None for another host."""
    match = GITHUB_REMOTE.fullmatch(url.strip())
    return match["name"] if match else None


def github_repository(
    root: Path, environ: Mapping[str, str] = os.environ
) -> str | None:
    """The GitHub repository the site's rows report problems to, or None if it is not known.

    GitHub Actions names it in GITHUB_REPOSITORY; a clone knows it from its `origin`.
    """
    named = environ.get("GITHUB_REPOSITORY", "")
    if GITHUB_NAME.fullmatch(named):
        return named
    try:
        remote = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:  # no git here: a copy of the package, not a clone
        return None
    return repository_of_remote(remote)


def _clear(out: Path) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise SystemExit(
                f"{out} exists and was not written by `make site`; not replacing it."
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("Generated by `make site`; replaced on each build.\n")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _citation(package: dict) -> str:
    authors = "; ".join(c.get("title", "") for c in package.get("contributors", []))
    year = str(package.get("created", ""))[:4]
    licence = ", ".join(lic.get("name", "") for lic in package.get("licenses", []))
    return (
        f"{authors} ({year}). {package.get('title', '')}, version "
        f"{package.get('version', '')} [data set]. Licence: {licence}."
    )


def build(
    root: Path,
    out: Path,
    dist: Path | None = None,
    figures: Sequence[Figure] = FIGURES,
    repository: str | None = None,
) -> list[Path]:
    """Write the site into `out`; `dist` holds the release artefacts to offer, if any.

    With a GitHub `repository` ("owner/name"), each row links to its issue form there.
    """
    descriptor = read_descriptor(root)
    if descriptor.package is None:
        raise SystemExit("datapackage.json cannot be read; run `make validate`.")
    package = descriptor.package
    resources = descriptor.resources()
    raw = read_tables(root, descriptor)
    pages = table_pages(raw, resources, repository)
    typed = {n: typed_frame(t) for n, t in raw.items() if t.frame is not None}

    _clear(out)
    written = []

    def write(relative: str, text: str) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)

    for file in PACKAGE_FILES:
        if (root / file).is_file():
            _copy(root / file, out / file)
    for schema in sorted((root / "schemas").glob("*.json")):
        _copy(schema, out / "schemas" / schema.name)
    downloads = [
        Download(
            "datapackage.json",
            (root / "datapackage.json").stat().st_size,
            _sha256(root / "datapackage.json"),
            "the descriptor: tables, Table Schemas, licence",
        )
    ]
    for resource in resources:
        _copy(root / resource["path"], out / resource["path"])
        recorded = str(resource.get("hash", ""))
        downloads.append(
            Download(
                resource["path"],
                resource.get("bytes", 0),
                recorded.removeprefix("sha256:"),  # as recorded by `make build`
                f"table {resource['name']}",
            )
        )
    release = []
    for artefact, digest in _release_downloads(dist or root / "dist"):
        relative = f"downloads/{artefact.relative_to(dist or root / 'dist').as_posix()}"
        _copy(artefact, out / relative)
        release.append(Download(relative, artefact.stat().st_size, digest, ""))

    drawn = []
    for figure, (name, spec) in zip(
        figures, figure_files.specs(typed, figures).items(), strict=True
    ):
        svg = figure_files.svg(spec)
        write(f"figures/{name}.svg", svg)
        write(f"figures/{name}.vl.json", as_json_text(spec))
        # The XML prolog is for files; inside HTML the <svg> element stands alone.
        drawn.append((figure, re.sub(r"\A<\?xml[^>]*>\s*", "", svg)))
    for asset in sorted(ASSETS.iterdir()):
        _copy(asset, out / "assets" / asset.name)

    env = _environment()
    common = {
        "package": package,
        "tables": pages,
        "documents": [(page, title) for page, _, title in DOCUMENTS],
        "page_file": page_file,
        "issue_form": issue_form_url(repository) if repository else "",
    }
    write(
        "index.html",
        env.get_template("index.html").render(
            **common,
            root="",
            figures=drawn,
            downloads=downloads,
            release=release,
            citation=_citation(package),
            dataset_json_ld=dataset_metadata.script_text(
                dataset_metadata.dataset(
                    package,
                    dataset_metadata.citation(root),
                    typed,
                    downloads + release,
                    repository,
                )
            ),
            cff=(root / "CITATION.cff").read_text("utf-8")
            if (root / "CITATION.cff").is_file()
            else "",
        ),
    )
    for page in pages:
        write(
            f"tables/{page_file(page.name)}",
            env.get_template("table.html").render(**common, root="../", table=page),
        )
    for page, source, title in DOCUMENTS:
        text = (root / source).read_text("utf-8") if (root / source).is_file() else ""
        write(
            page,
            env.get_template("document.html").render(
                **common, root="", title=title, body=markdown_html(text)
            ),
        )
    written += site_map.build(out, typed, env, common)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--out", default="site")
    parser.add_argument("--dist", default="dist", help="release artefacts to offer")
    parser.add_argument(
        "--repository",
        help="GitHub owner/name whose issue form each row links to "
        "(default: $GITHUB_REPOSITORY, else the github.com remote `origin`)",
    )
    args = parser.parse_args(argv)
    if args.repository and not GITHUB_NAME.fullmatch(args.repository):
        parser.error(f"--repository {args.repository!r} is not GitHub's owner/name")
    root = Path(args.root)
    repository = args.repository or github_repository(root)
    build(root, root / args.out, root / args.dist, repository=repository)
    reports = f"rows report to {repository}" if repository else "no report links"
    print(f"wrote {args.out}/index.html and {len(FIGURES)} figures; {reports}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
