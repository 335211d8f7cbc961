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
    """document, search, annotations and library know nothing of the app, the command line or
    the UI: the composition root hands them what they need."""
    offenders = [
        name
        for name, path in source_files()
        if name.startswith(("document/", "search/", "annotations/", "library/"))
        and any(
            m.startswith(("reader.app", "reader.cli", "reader.ui")) for m in imported_modules(path)
        )
    ]
    assert offenders == []


def test_the_core_never_imports_the_ui() -> None:
    offenders = [
        name
        for name, path in source_files()
        if name.startswith(("document/", "search/", "annotations/", "library/"))
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


UI_MODULE_LINE_LIMIT = 300


def ui_import_graph() -> dict[str, set[str]]:
    """reader.ui module -> the reader.ui modules it imports (TYPE_CHECKING imports included:
    a cycle hidden behind them is still two modules that cannot be understood apart)."""
    graph: dict[str, set[str]] = {}
    for name, path in source_files():
        if name.startswith("ui/"):
            module = "reader." + name.removesuffix(".py").replace("/", ".")
            graph[module] = {m for m in imported_modules(path) if m.startswith("reader.ui.")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in `graph` (its modules in order), or [] when there is none."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> list[str]:
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return []
        visiting.append(module)
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported)
            if cycle:
                return cycle
        visiting.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_inside_the_ui() -> None:
    """The window builds its menus from a table; nothing it builds imports it back."""
    assert find_cycle(ui_import_graph()) == []


def test_ui_modules_stay_small() -> None:
    oversized = {
        name: length
        for name, path in source_files()
        if name.startswith("ui/")
        and (length := len(path.read_text(encoding="utf-8").splitlines())) > UI_MODULE_LINE_LIMIT
    }
    assert oversized == {}


def test_one_background_job_wrapper() -> None:
    """Loading, searching and re-anchoring all run through `reader.ui.workers.Job`, not three
    copies of the same wrapper."""
    wrappers = [
        f"{name}:{node.name}"
        for name, path in source_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith("QRunnable") for base in node.bases)
    ]
    assert wrappers == ["ui/workers.py:Job"]


def test_the_page_keeps_no_search_hits_and_lends_no_document() -> None:
    """The window owns the current document and the search controller the hits: the page is
    handed what to show and never asked for it back."""
    page_modules = ("ui/reader_view.py", "ui/page_marks.py", "ui/page_builder.py")
    importers = [
        name
        for name, path in source_files()
        if name in page_modules
        and any(m.startswith("reader.search") for m in imported_modules(path))
    ]
    assert importers == []
    tree = ast.parse((PACKAGE / "ui" / "reader_view.py").read_text(encoding="utf-8"))
    [view] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "ReaderView"]
    lenders = [
        node.name
        for node in view.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and node.returns is not None
        and "Document" in ast.unparse(node.returns).replace("QTextDocument", "")
    ]
    assert lenders == []
