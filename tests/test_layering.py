"""Only wulong_desk/ui/ may import Qt: the core, store, exports and services stay Qt-free."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wulong_desk"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names = [a.value for a in node.args if isinstance(a, ast.Constant)]
        found += [n for n in names if isinstance(n, str) and n.split(".")[0] in QT_MODULES]
    return found


def test_nothing_outside_ui_imports_qt():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui":
            continue
        if found := qt_imports(path):
            offenders[str(relative)] = found
    assert offenders == {}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def test_writers_never_import_the_use_cases():
    """exports/ takes records and writes files; services/ loads records and calls the writers."""
    offenders = {}
    for path in (PACKAGE / "exports").rglob("*.py"):
        bad = [m for m in imported_modules(path) if m.startswith("wulong_desk.services")]
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_the_layer_check_would_see_a_services_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from wulong_desk.services.cases.changes import get_case\n")
    assert imported_modules(sample) == ["wulong_desk.services.cases.changes"]


def test_the_check_would_see_a_qt_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport shiboken6\n")
    assert qt_imports(sample) == ["PySide6.QtCore", "shiboken6"]


def test_core_imports_without_qt_loaded():
    import subprocess
    import sys

    code = ("import sys, wulong_desk.rules, wulong_desk.cli; "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_every_use_and_method_has_its_words():
    from wulong_desk.rules.model import METHODS, USES
    from wulong_desk.statuses import METHOD_LABELS, USE_LABELS

    assert tuple(USE_LABELS) == USES
    assert tuple(METHOD_LABELS) == METHODS


def test_the_contract_reads_exactly_the_money_columns_the_server_guards():
    """services/cases/contract.py and the office server's guard name the same case columns."""
    from helpers import example

    from wulong_desk.services.cases.contract import case_to_contract
    from wulong_desk.services.cases.form import form_to_case
    from wulong_desk.services.projects import examples
    from wulong_desk.store.models import CASE_MONEY_COLUMNS, Case

    case = form_to_case(examples.case_form(example(2), "A-001"))
    columns = {c.key for c in Case.__table__.columns}
    read: set[str] = set()

    class Watching:
        def __getattr__(self, name):
            if name in columns:
                read.add(name)
            return getattr(case, name)

    case_to_contract(Watching())
    assert read == set(CASE_MONEY_COLUMNS)


def store_reads(path: Path) -> list[str]:
    """Every `.read()` / `.transaction()` call in a module (the screens ask services; services
    open sessions), as "line: call"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{node.lineno}: .{node.func.attr}()" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("read", "transaction")]


def orm_imports(path: Path) -> list[str]:
    return [m for m in imported_modules(path)
            if m.split(".")[0] == "sqlalchemy" or m.startswith("wulong_desk.store.models")]


def test_the_screens_read_through_services():
    """ui/ neither imports the ORM (the store's models, SQLAlchemy) nor opens a session of its
    own: every read and write goes through a service that returns plain data."""
    offenders = {}
    for path in (PACKAGE / "ui").rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if "generated" in relative.parts:
            continue
        if found := orm_imports(path) + store_reads(path):
            offenders[str(relative)] = found
    assert offenders == {}


def test_the_screens_check_would_see_a_session_and_a_model(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from wulong_desk.store.models import Case\nimport sqlalchemy.orm\n"
                      "def f(store):\n    with store.read() as s:\n        pass\n"
                      "    with store.transaction() as s:\n        pass\n"
                      "    from sqlalchemy.engine import make_url\n")
    assert orm_imports(sample) == ["wulong_desk.store.models", "sqlalchemy.orm",
                                   "sqlalchemy.engine"]
    assert store_reads(sample) == ["4: .read()", "6: .transaction()"]
