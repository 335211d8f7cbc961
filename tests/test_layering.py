"""The architecture, enforced: Qt stays in the UI, and the core layers keep their direction."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reader"
QT_ALLOWED = ("ui/",)


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module `path` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def source_files() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(PACKAGE)), p) for p in sorted(PACKAGE.rglob("*.py"))]


def test_only_the_ui_imports_qt() -> None:
    offenders = [
        name
        for name, path in source_files()
        if not name.startswith(QT_ALLOWED)
        and any(m.split(".")[0] in {"PySide6", "shiboken6"} for m in imported_modules(path))
    ]
    assert offenders == []


def test_the_entry_point_loads_qt_and_the_command_line_only_when_wanted() -> None:
    tree = ast.parse((PACKAGE / "app" / "main.py").read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {getattr(n, "module", None) or n.names[0].name for n in top_level}
    assert not any(name.startswith(("PySide6", "reader.ui", "reader.cli")) for name in names)


def test_the_core_never_imports_the_application_around_it() -> None:
    """document, search and annotations know nothing of the app, the command line or the UI:
    the composition root hands them what they need."""
    offenders = [
        name
        for name, path in source_files()
        if name.startswith(("document/", "search/", "annotations/"))
        and any(
            m.startswith(("reader.app", "reader.cli", "reader.ui")) for m in imported_modules(path)
        )
    ]
    assert offenders == []


def test_the_core_never_imports_the_ui() -> None:
    offenders = [
        name
        for name, path in source_files()
        if name.startswith(("document/", "search/", "annotations/"))
        and any(m.startswith("reader.ui") for m in imported_modules(path))
    ]
    assert offenders == []


def test_search_and_annotations_never_import_each_other() -> None:
    offenders = []
    for name, path in source_files():
        modules = imported_modules(path)
        if name.startswith("search/") and any(m.startswith("reader.annotations") for m in modules):
            offenders.append(name)
        if name.startswith("annotations/") and any(m.startswith("reader.search") for m in modules):
            offenders.append(name)
    assert offenders == []


def test_the_document_layer_depends_on_nothing_else_of_ours() -> None:
    offenders = [
        name
        for name, path in source_files()
        if name.startswith("document/")
        and any(
            m.startswith("reader.") and not m.startswith("reader.document")
            for m in imported_modules(path)
        )
    ]
    assert offenders == []
