"""The code's shape: imports go only downward between subpackages, and no module imports
itself back through others. ARCHITECTURE.md draws the same order."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE_DIR = ROOT / "scripts" / "sco_data"
# Lowest first: a unit may import from units below it and from itself, never from above.
ORDER = (
    {"findings", "files", "memory"},  # shapes and helpers every layer shares
    {"package"},  # reading the package
    {"checks"},  # `make validate`'s layers
    {"versions", "publish"},  # what compares or publishes a checked package
    {"contribute"},  # what a pull request and a release need: pr-check, prepare-release
    {"bench"},  # measures all of the above
    {"validate", "load"},  # entry points for users
)


def module_name(path: Path, package_dir: Path) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every sco_data module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return {name for name in found if name.split(".")[0] == "sco_data"}


def import_graph(package_dir: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    files = {module_name(p, package_dir): p for p in package_dir.rglob("*.py")}
    return {name: imports_of(path, set(files)) - {name} for name, path in files.items()}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def rank(module: str) -> int:
    return next(n for n, units in enumerate(ORDER) if unit(module) in units)


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if unit(module) != unit(target) and rank(target) >= rank(module)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the path that closes it (depth-first search)."""
    found, done = [], set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            found.append(path[path.index(module) :] + [module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


def test_every_module_belongs_to_a_unit_of_the_order():
    graph = import_graph()
    assert "sco_data.checks.pipeline" in graph
    unplaced = [
        m for m in graph if m != "sco_data" and not any(unit(m) in u for u in ORDER)
    ]
    assert unplaced == []


def test_imports_go_only_downward_between_subpackages():
    assert upward_imports(import_graph()) == []


def test_no_module_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_checks_catch_an_upward_import_and_a_cycle(tmp_path):
    # The checks above must be able to fail: a reader that imports a layer, and a loop.
    package = tmp_path / "sco_data"
    (package / "package").mkdir(parents=True)
    (package / "checks").mkdir()
    for folder in (package, package / "package", package / "checks"):
        (folder / "__init__.py").write_text("")
    (package / "package" / "reader.py").write_text("from sco_data.checks import rule\n")
    (package / "checks" / "rule.py").write_text("import sco_data.package.reader\n")
    graph = import_graph(package)
    assert upward_imports(graph) == [
        ("sco_data.package.reader", "sco_data.checks.rule")
    ]
    assert cycles(graph) == [
        [
            "sco_data.checks.rule",
            "sco_data.package.reader",
            "sco_data.checks.rule",
        ]
    ]


def test_architecture_names_every_module_that_holds_rules():
    page = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    for folder in ("checks", "checks/expectations", "package"):
        for path in sorted((PACKAGE_DIR / folder).glob("*.py")):
            if path.stem != "__init__":
                assert f"{folder}/{path.stem}" in page, f"{folder}/{path.name}"


def test_the_readme_stays_for_data_users():
    # Contributors' and code readers' matter lives in CONTRIBUTING.md and ARCHITECTURE.md.
    readme = ROOT / "README.md"
    assert readme.stat().st_size <= 12 * 1024
    for page in ("CONTRIBUTING.md", "ARCHITECTURE.md", "docs/data-dictionary.md"):
        assert f"]({page})" in readme.read_text("utf-8") and (ROOT / page).is_file()
