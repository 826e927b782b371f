"""The self-test's window step: open the main window offscreen on the test database, wait for
the case table to be painted, and close it."""

from __future__ import annotations

import os

from wulong_desk.store import Store


def open_and_close_main_window(store: Store, project_id: int) -> int:
    """Returns the number of cases the table shows."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed (xcb if asked)
    from wulong_desk.ui.app import make_app
    from wulong_desk.ui.main_window import MainWindow

    app = make_app()
    window = MainWindow(store)
    window.select_project(project_id)
    window.show()
    app.processEvents()
    window.table.viewport().repaint()
    window.wait_for_totals()
    shown = window.model.rowCount()
    window.close()
    window.deleteLater()
    app.processEvents()
    return shown
