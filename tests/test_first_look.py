"""The window's first look at the database (read with sqlite3 before SQLAlchemy loads) shows
exactly what the store's own reads show, and the start-up path paints the case table from it,
then comes alive when the store has opened on a worker thread."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services import cases, projects
from wulong_desk.services.case_rows import PAGE
from wulong_desk.services.demo import create_demo
from wulong_desk.services.first_look import ProjectEntry, first_look, sound
from wulong_desk.services.search import search_cases
from wulong_desk.store import open_store


@pytest.fixture
def db(tmp_path):
    """Two projects: the demo (36 households, several people and parts each) and a small one
    whose second case cannot be computed yet (no total) and whose third has two owners."""
    path = tmp_path / "look.sqlite"
    with open_store(path, "甲", auto_backup=False) as store:
        demo = create_demo(store)
        small = projects.create_project(store, project_form(2, name="小项目"))
        cases.save_case(store, small, case_form(2, "B-003"))
        incomplete = case_form(2, "B-001")
        del incomplete["case"]["parts"][0]["unit_price"]
        cases.save_case(store, small, incomplete)
        two = case_form(1, "B-002")
        two["owners"].append({"role": "owner", "name": "钱二"})
        cases.save_case(store, small, two)
    return path, demo, small


def _store_view(path, project_id, page=PAGE):
    from wulong_desk.services.projects import list_projects

    with open_store(path, "甲", auto_backup=False) as store:
        listed = tuple(ProjectEntry(p["id"], p["name"], p["households"])
                       for p in list_projects(store))
        with store.read() as session:
            rows = tuple(search_cases(session, project_id, limit=page))
    return listed, rows


@pytest.mark.parametrize("page", [PAGE, 5])
def test_the_first_look_is_what_the_store_shows(db, page):
    path, demo, small = db
    for wanted in (demo, small):
        look = first_look(path, wanted, page)
        assert look is not None and look.project_id == wanted
        listed, rows = _store_view(path, wanted, page)
        assert look.projects == listed
        assert look.rows == rows
    assert len(first_look(path, demo).rows) == 36
    small_rows = first_look(path, small).rows
    assert [row.case_no for row in small_rows] == ["B-001", "B-002", "B-003"]
    assert small_rows[0].total is None and not small_rows[0].ok  # cannot be computed yet
    assert "、" in small_rows[1].owner and small_rows[2].total is not None


def test_the_first_look_falls_back_to_the_first_project(db):
    path, demo, _small = db
    assert first_look(path, 999).project_id == demo
    assert first_look(path, None).project_id == demo


def test_an_empty_database_is_looked_at_as_empty(tmp_path):
    path = tmp_path / "empty.sqlite"
    open_store(path, "甲").close()
    look = first_look(path)
    assert look is not None and look.projects == () and look.rows == ()


def test_only_an_up_to_date_database_is_looked_at(db, tmp_path):
    path, demo, _small = db
    assert first_look(tmp_path / "missing.sqlite") is None
    (tmp_path / "empty-file.sqlite").write_bytes(b"")
    assert first_look(tmp_path / "empty-file.sqlite") is None
    (tmp_path / "junk.sqlite").write_bytes(b"not a database at all" * 100)
    assert first_look(tmp_path / "junk.sqlite") is None
    with sqlite3.connect(path) as conn:  # an older schema: the store migrates it first
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
    assert first_look(path, demo) is None


def test_the_first_look_writes_nothing(db):
    path, demo, _small = db
    before = path.read_bytes()
    assert first_look(path, demo) is not None
    assert path.read_bytes() == before


# ---- the start-up path
def test_the_window_paints_its_first_look_without_sqlalchemy(db):
    """In a fresh interpreter: the command line read, the app's modules, the first look and the
    painted window load no SQLAlchemy (the slow part of the start waits until the table is on
    screen)."""
    path, demo, _small = db
    script = f"""
import sys
from pathlib import Path
from wulong_desk.cli import build_parser
from wulong_desk.ui.app import make_app
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.services.first_look import first_look
args = build_parser().parse_args(["--db", {str(path)!r}, "--operator", "甲"])  # as cli.main does
app = make_app()
window = MainWindow(None, operator="甲", first_look=first_look(Path({str(path)!r}), {demo}))
window.show()
app.processEvents()
assert window.model.rowCount() == 36, window.model.rowCount()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic"))
print(loaded)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_window_comes_alive_when_the_store_has_opened(qtbot, db, no_blocking_boxes,
                                                          monkeypatch):
    import threading

    from wulong_desk.ui import app as app_module
    from wulong_desk.ui.settings import settings

    path, _demo, small = db
    settings().setValue("last_project", small)
    checked = threading.Event()  # the store opens only once the waiting window is checked
    warmed = []  # the PDF warm-up, started once the window is usable
    monkeypatch.setattr(app_module, "warm_up_documents", lambda: warmed.append(window.store))
    real_open = app_module._open
    monkeypatch.setattr(app_module, "_open", lambda *args, **kwargs: (
        checked.wait(10), real_open(*args, **kwargs))[1])
    window, opening = app_module.open_window(path, "乙")
    qtbot.addWidget(window)
    assert opening is not None
    first = list(window.model.rows)
    assert [row.case_no for row in first] == ["B-001", "B-002", "B-003"]
    assert window.project_id() == small and "乙" in window.windowTitle()
    assert window.store is None
    assert not window.new_case_action.isEnabled() and not window.search.isEnabled()
    assert not window.export_action.isEnabled() and not window.menuBar().isEnabled()
    assert window.open_case(first[0].id) is None  # waits for the store, says so
    assert "数据库正在打开" in window.statusBar().currentMessage()
    checked.set()
    assert opening.wait() == "succeeded"
    assert window.store is not None and window.store.operator == "乙"
    assert window.new_case_action.isEnabled() and window.search.isEnabled()
    assert window.model.rows == first  # the store's page is the one already shown
    qtbot.waitUntil(lambda: warmed == [window.store])
    window.wait_for_totals()
    assert window.totals_label.text().startswith("显示 3 户")
    editor = window.open_case(first[0].id)
    assert editor is not None
    editor.close()
    window.close()
    window.store.close()


def test_a_database_that_fails_to_open_after_its_first_look_is_explained(
        qtbot, db, monkeypatch, no_blocking_boxes):
    from wulong_desk import store as store_module
    from wulong_desk.errors import UserError
    from wulong_desk.ui.app import open_window

    path, _demo, _small = db

    def refuse(*_args, **_kwargs):
        raise UserError("数据库文件损坏（测试）")

    monkeypatch.setattr(store_module, "open_store", refuse)
    window, opening = open_window(path, "乙")
    qtbot.addWidget(window)
    failures = []
    opening.failed.connect(failures.append)
    assert opening.wait() == "failed"
    assert window.store is None and "损坏" in opening.message
    window.close()


def test_a_window_closed_before_the_store_opened_is_left_alone(qtbot, db, no_blocking_boxes):
    from wulong_desk.ui.app import open_window

    path, _demo, _small = db
    window, opening = open_window(path, "乙")
    qtbot.addWidget(window)
    window.close()
    assert opening.wait() == "succeeded"
    assert window.store is None  # not attached to a closed window …
    opening.result.close()       # … the caller closes it (as ui.app.run does)


def _index_out_of_step(path):
    """Damage the first look never reads: the audit log's index declared on other columns than
    its entries were made for (the table and the pages themselves stay sound)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_audit_case ON audit_log (id)'"
                 " WHERE name = 'ix_audit_case'")
    conn.commit()
    conn.close()


def test_the_check_made_while_sqlalchemy_loads_is_the_full_integrity_check(db):
    path, _demo, _small = db
    assert sound(path)
    _index_out_of_step(path)
    assert not sound(path)
    conn = sqlite3.connect(path)  # the cheaper quick_check would have let this file through
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    conn.close()


def test_a_database_damaged_where_the_first_look_does_not_read_is_refused_by_the_window(
        qtbot, db, no_blocking_boxes):
    from wulong_desk.ui.app import open_window

    path, demo, _small = db
    _index_out_of_step(path)
    damaged = path.read_bytes()
    assert first_look(path, demo) is not None  # the window is painted …
    window, opening = open_window(path, "乙")
    qtbot.addWidget(window)
    assert opening is not None
    assert opening.wait() == "failed"  # … but the store is not opened on it
    assert window.store is None
    assert "数据库文件已损坏" in opening.message and "ix_audit_case" in opening.message
    assert path.read_bytes() == damaged
    window.close()
