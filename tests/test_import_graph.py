"""The app's modules import each other without a cycle, hidden or not: every import that runs
counts — at the top of a module and inside a function alike (an import moved into a function to
break a cycle only hides it) — and only a type-only import (`if TYPE_CHECKING:`) does not. The
layers point one way (docs/architecture.md): the engine, the store and the writers never import
the use cases, the command line or the screens; the use cases never import the screens or the
command line. services/ is grouped by capability: no module sits loose beside the subpackages.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wulong_desk"
SKIPPED = ("generated", "migrations")   # Designer output; migrations load by path (alembic)
# what each layer may never import (the layers of docs/architecture.md)
FORBIDDEN = {
    "rules": ("store", "services", "exports", "commands", "ui"),
    "store": ("services", "exports", "commands", "ui"),
    "exports": ("services", "commands", "ui"),
    "services": ("commands", "ui"),
}


def modules_of(root: Path, package: str) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if any(part in SKIPPED for part in relative.parts):
            continue
        parts = [package, *relative.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_only(tree: ast.Module) -> set[int]:
    """The import nodes under `if TYPE_CHECKING:` (never run)."""
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                hidden |= {id(n) for n in ast.walk(inner)}
    return hidden


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The app's modules this one imports when it runs, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    hidden = _type_only(tree)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:   # `from package import module` imports the module
                whole = f"{base}.{alias.name}"
                found.add(whole if whole in modules else base)
    return {m for m in found if m in modules and m != name}


def graph_of(root: Path, package: str) -> dict[str, set[str]]:
    modules = modules_of(root, package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (a → b → … → a) if there is any."""
    state: dict[str, int] = {}    # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_itself_back():
    cycle = find_cycle(graph_of(PACKAGE, "wulong_desk"))
    assert cycle is None, " → ".join(cycle or [])


def test_the_check_sees_a_cycle_hidden_in_a_function(tmp_path):
    (tmp_path / "a.py").write_text("from app import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from app.a import x\n    return x\n")
    assert find_cycle(graph_of(tmp_path, "app")) == ["app.a", "app.b", "app.a"]


def test_a_type_only_import_is_no_cycle(tmp_path):
    (tmp_path / "a.py").write_text("from app import b\n")
    (tmp_path / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                   "    from app.a import X\n")
    assert find_cycle(graph_of(tmp_path, "app")) is None


def test_relative_imports_count_too(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "__init__.py").write_text("")
    (tmp_path / "sub" / "a.py").write_text("from . import b\n")
    (tmp_path / "sub" / "b.py").write_text("def f():\n    from .a import x\n")
    assert find_cycle(graph_of(tmp_path, "app")) == ["app.sub.a", "app.sub.b", "app.sub.a"]


def test_each_layer_imports_only_the_layers_below_it():
    offenders = []
    for name, targets in graph_of(PACKAGE, "wulong_desk").items():
        layer = name.split(".")[1] if name.count(".") else ""
        for target in targets:
            upper = target.split(".")[1] if target.count(".") else ""
            if upper in FORBIDDEN.get(layer, ()):
                offenders.append(f"{name} → {target}")
    assert offenders == []


def test_services_are_grouped_by_capability():
    services = PACKAGE / "services"
    loose = sorted(p.name for p in services.glob("*.py") if p.name != "__init__.py")
    groups = sorted(p.name for p in services.iterdir() if (p / "__init__.py").exists())
    assert loose == []
    assert groups == ["cases", "documents", "exchange", "money", "procedure", "projects"]
