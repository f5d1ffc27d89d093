"""The house's plan, checked on the code itself: each app imports only from the apps below
it (core ← institutions ← notifications ← metrics ← reviews ← dashboards), and no two
modules import each other, directly or round a circle, late imports included."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Lowest first. An app may import from its own floor and the floors below.
FLOORS = {
    "core": 0,
    "institutions": 1,
    "notifications": 2,
    "metrics": 3,
    "reviews": 4,
    "surveys": 4,
    "dashboards": 5,
}


def _modules() -> dict[str, Path]:
    found = {}
    for app in FLOORS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules this module imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            candidates = bases
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            candidates = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in candidates:
            # The deepest project module the name points to (a package or a module).
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_no_app_imports_from_an_app_above_it():
    upward = [
        f"{source} → {target}"
        for source, targets in _graph().items()
        for target in targets
        if FLOORS[target.split(".")[0]] > FLOORS[source.split(".")[0]]
    ]
    assert upward == []


def test_no_module_imports_round_a_circle():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


def test_the_graph_sees_imports_of_every_kind():
    """The checks above can fail: the graph finds relative, absolute and late imports."""
    graph = _graph()
    assert "metrics.selectors.metric_values" in graph["dashboards.selectors.national"]
    assert "reviews.selectors.quadrant" in graph["dashboards.selectors.national"]
    assert "core.tables.problems" in graph["core.tables.files"]


def test_only_the_plug_in_lists_reach_code_by_a_dotted_path():
    """An app may not call up the house through a path in settings (a hook hides the real
    dependency from readers and tools); only the plug-in lists of core.sections (header
    links, home panels, page sections) and the demo's steps are loaded that way."""
    allowed = {"core.sections", "institutions.management.commands.load_demo"}
    loaders = sorted(
        name
        for name, path in _modules().items()
        if "import_string" in path.read_text(encoding="utf-8") and name not in allowed
    )
    assert loaders == []
