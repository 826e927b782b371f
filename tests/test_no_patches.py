"""No module of the app patches another library, the import system or Python's builtins: nothing
assigns to (or sets, or deletes) an attribute of an imported module or of anything imported
from one. The few documented settings a program is meant to set are named below, with why."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "wulong_desk"

# (imported name, attribute): documented as the program's to set
ALLOWED = {
    ("tempfile", "tempdir"): "the documented default folder of temporary files (tempfiles.py "
                             "sets it; the self-test puts back what it found)",
    ("sys", "stdout"): "standard output replaced by the null device after a broken pipe",
    ("sys", "excepthook"): "the documented hook for uncaught exceptions (the crash handler)",
    ("threading", "excepthook"): "the same hook for other threads (the crash handler)",
}


def _foreign_names(tree: ast.Module) -> set[str]:
    """Names bound by importing something that is not the app's own: `import x`, `import x.y`
    (binds x), `import x as y`, `from x import y`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("wulong_desk"):
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                not node.module.startswith("wulong_desk"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names | {"builtins", "__builtins__"}


def _root(node: ast.expr) -> tuple[str | None, str]:
    """For a.b.c: ("a", "b.c")."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), ".".join(reversed(parts))


def patches(source: str) -> list[str]:
    """Every `<imported>.<attr> = …` (also augmented, annotated and `del`), and every
    setattr/delattr on an imported name, as "name.attr"."""
    tree = ast.parse(source)
    foreign = _foreign_names(tree)
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("setattr", "delattr") and node.args:
            name, attr = _root(node.args[0])
            if name in foreign and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                found.append(f"{name}.{attr + '.' if attr else ''}{node.args[1].value}")
            elif name in foreign:
                found.append(f"{name}.{attr}")
        flat: list[ast.expr] = []
        for target in targets:
            flat += list(target.elts) if isinstance(target, ast.Tuple | ast.List) else [target]
        for target in flat:
            if isinstance(target, ast.Attribute):
                name, attr = _root(target)
                if name in foreign:
                    found.append(f"{name}.{attr}")
    return found


def test_no_module_of_the_app_patches_another_library_or_builtins():
    offenders, allowed_in_use = {}, set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "generated" in path.parts:
            continue
        for found in patches(path.read_text(encoding="utf-8")):
            if tuple(found.split(".", 1)) in ALLOWED:
                allowed_in_use.add(tuple(found.split(".", 1)))
            else:
                offenders.setdefault(str(path.relative_to(PACKAGE)), []).append(found)
    assert offenders == {}
    assert allowed_in_use == set(ALLOWED)  # (an allowance no longer needed is taken out)


@pytest.mark.parametrize(("source", "expected"), [
    ("from openpyxl.worksheet import _writer\n_writer.create_temporary_file = make\n",
     ["_writer.create_temporary_file"]),
    ("import argparse\nargparse._ = translate\nargparse.ngettext = translate_n\n",
     ["argparse._", "argparse.ngettext"]),
    ("import argparse\nargparse.ArgumentParser._get_value = get\n",
     ["argparse.ArgumentParser._get_value"]),
    ("import builtins\ndef f():\n    builtins.__import__ = mine\n", ["builtins.__import__"]),
    ("import builtins\nsetattr(builtins, '__import__', mine)\n", ["builtins.__import__"]),
    ("from PySide6.QtWidgets import QMessageBox\nQMessageBox.warning = quiet\n",
     ["QMessageBox.warning"]),
    ("import os.path as p\np.sep, x = '/', 1\n", ["p.sep"]),
    ("import json\ndel json.loads\n", ["json.loads"]),
])
def test_the_scan_sees_a_patch(source, expected):
    assert patches(source) == expected


def test_the_scan_leaves_the_apps_own_objects_alone():
    source = ("import decimal\nfrom wulong_desk import logs\n"
              "class A:\n    def f(self):\n        self.x = 1\n"
              "wb = make()\nwb.title = 'x'\nlogs.level = 2\n"
              "decimal.DefaultContext.traps[decimal.FloatOperation] = True\n")
    assert patches(source) == []
