"""The layout holds: dependencies point one way (api → planning → awards → scoring → campaigns → core) and no module
imports another in a circle, counting the imports written inside functions (a circle hidden there is still one)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each layer may import the layers after it, never one before it.
LAYERS = ("api", "planning", "awards", "scoring", "campaigns", "core")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in (*LAYERS, "config")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Project modules a file imports anywhere in it (top level, inside functions, under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name in MODULES:
                found.add(name)
    return found


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    return module.split(".")[0]


def test_every_module_imports():
    for name in MODULES:
        importlib.import_module(name)


def test_dependencies_point_down_the_layers():
    upward = [
        f"{module} → {imported}"
        for module, imported_modules in GRAPH.items()
        if _layer(module) in LAYERS
        for imported in imported_modules
        if _layer(imported) == "config"
        or (_layer(imported) in LAYERS and LAYERS.index(_layer(imported)) < LAYERS.index(_layer(module)))
    ]
    assert upward == []


def test_no_module_imports_another_in_a_circle():
    # Tarjan's strongly connected components: any component of more than one module is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
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

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert circles == []


def test_awards_holds_no_plan_file_editor_close_or_demo_code():
    names = {path.stem for path in (ROOT / "awards").rglob("*.py")}
    assert not names & {"plan_io", "plan_rule_forms", "plan_rule_selectors", "plan_rules", "closing", "load_demo"}
