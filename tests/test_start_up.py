"""The app's start, one plain sequence: the PDF library is loaded and the store opened on a worker
thread while a small window says 正在打开… (the GUI's event loop keeps running), then the main
window is shown on it; a database that cannot be opened is explained and no window opens."""

from __future__ import annotations

import argparse
import sqlite3
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.ui.instance_lock import acquire
from wulong_desk.ui.main_window import MainWindow


def _args(db) -> argparse.Namespace:
    return argparse.Namespace(db=db, operator="乙", no_crash_dialog=True)


def _splash_saying() -> str | None:
    """What the start-up's small window says while the store opens, if it is on screen."""
    from PySide6.QtWidgets import QApplication, QLabel

    return next((w.text().split("\n")[-1] for w in QApplication.topLevelWidgets()
                 if isinstance(w, QLabel) and w.objectName() == "openingNote"
                 and w.isVisible()), None)


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()]


def _database(tmp_path):
    db = tmp_path / "start.sqlite"
    with open_store(db, "甲") as store:
        project_id = projects.create_project(store, project_form())
        for number in ("B-002", "B-001"):
            cases.save_case(store, project_id, case_form(case_no=number))
    return db


def test_the_store_opens_on_a_worker_while_the_gui_says_so_then_the_window_shows(
        qapp, tmp_path, monkeypatch, no_blocking_boxes):
    from wulong_desk.ui import app as app_module

    db = _database(tmp_path)
    real_open = app_module.open_database
    go_on = threading.Event()
    opened_on: list[threading.Thread] = []

    from wulong_desk.exports import pdf_style

    fonts_on: list[threading.Thread] = []
    real_font = pdf_style.register_font

    def font() -> str:
        fonts_on.append(threading.current_thread())
        return real_font()

    def held_open(path, operator):  # waits until the GUI thread has seen the splash
        opened_on.append(threading.current_thread())
        go_on.wait(timeout=30)
        return real_open(path, operator)

    seen_while_opening: list[tuple[str | None, int]] = []

    def look() -> None:  # called from the GUI thread's event loop while the store opens
        if opened_on and not go_on.is_set():
            seen_while_opening.append((_splash_saying(), len(_main_windows())))
            go_on.set()

    at_exec: dict[str, object] = {}

    def exec_(_app) -> int:
        [window] = _main_windows()
        at_exec.update(splash=_splash_saying(), store=window.store is not None,
                       operator=window.store.operator, rows=[r.case_no for r in window.model.rows],
                       usable=window.new_case_action.isEnabled() and window.search.isEnabled()
                       and window.menuBar().isEnabled())
        return 0

    monkeypatch.setattr(app_module, "open_database", held_open)
    monkeypatch.setattr(pdf_style, "register_font", font)
    monkeypatch.setattr(QApplication, "exec", exec_)
    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(5)
    try:
        assert app_module.run(_args(db)) == 0
    finally:
        timer.stop()
    assert opened_on and opened_on[0] is not threading.main_thread()
    assert fonts_on == opened_on  # the PDF library and its font loaded on the same worker
    assert seen_while_opening == [("正在打开…", 0)]  # said so; no window before the store
    assert at_exec == {"splash": None, "store": True, "operator": "乙",
                       "rows": ["B-001", "B-002"], "usable": True}
    assert no_blocking_boxes == []
    acquire(db).unlock()  # the lock was let go


def _index_out_of_step(path) -> None:
    """Damage only SQLite's full integrity check finds: the audit log's index declared on other
    columns than its entries were made for (the tables themselves stay readable)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_audit_case ON audit_log (id)'"
                 " WHERE name = 'ix_audit_case'")
    conn.commit()
    conn.close()


def test_a_damaged_database_is_explained_and_no_window_opens(qapp, tmp_path, monkeypatch,
                                                             no_blocking_boxes):
    from wulong_desk.ui import app as app_module

    db = _database(tmp_path)
    _index_out_of_step(db)
    damaged = db.read_bytes()
    monkeypatch.setattr(QApplication, "exec", lambda _app: 99)  # (never reached)
    assert app_module.run(_args(db)) == 1
    [said] = no_blocking_boxes
    assert said.startswith("无法打开数据库: ") and "数据库文件已损坏" in said, said
    assert "ix_audit_case" in said
    assert _main_windows() == [] and _splash_saying() is None
    assert db.read_bytes() == damaged  # never written to
    acquire(db).unlock()
