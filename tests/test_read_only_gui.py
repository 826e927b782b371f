"""The app opens a database set read-only with a notice, and leaves its file mode alone."""

from __future__ import annotations

import os
import stat

from store_helpers import project_form

from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store


def test_the_window_says_the_database_was_opened_read_only(qtbot, tmp_path, no_blocking_boxes):
    from wulong_desk.ui import app as app_module
    from wulong_desk.ui.main_window import MainWindow

    db = tmp_path / "w.sqlite"
    with open_store(db, "甲") as store:
        projects.create_project(store, project_form(1))
    os.chmod(db, 0o400)
    store = app_module.open_database(db, "甲")
    window = MainWindow(store)
    qtbot.addWidget(window)
    try:
        app_module._ready(window)
        assert any(said.startswith("只读打开") and "不能保存" in said
                   for said in no_blocking_boxes)
    finally:
        window.close()  # stops its queries before the store they read goes away
        store.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o400
