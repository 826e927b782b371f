"""The start-up's ordering helpers: the store opens once the table has been painted, and the
store's libraries are imported past PySide6's import wrapper (bench/bench_ui.py measures why)."""

from __future__ import annotations

import builtins
import os

import pytest
from PySide6.QtWidgets import QTableView

from wulong_desk.ui.first_paint import LATEST_MS, after_first_paint
from wulong_desk.ui.plain_imports import plain_imports


def test_runs_once_after_the_first_paint(qtbot):
    table = QTableView()
    qtbot.addWidget(table)
    calls: list[bool] = []
    after_first_paint(table.viewport(), lambda: calls.append(table.viewport().isVisible()))
    assert calls == []  # not before the widget is painted
    table.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=LATEST_MS - 50)
    table.viewport().update()
    table.repaint()
    qtbot.wait(LATEST_MS + 50)  # past the fallback too: still once
    assert calls == [True]


def test_runs_once_even_if_never_painted(qtbot):
    table = QTableView()  # never shown: a window started minimised is not painted
    qtbot.addWidget(table)
    calls: list[int] = []
    after_first_paint(table.viewport(), lambda: calls.append(1))
    qtbot.waitUntil(lambda: calls == [1], timeout=LATEST_MS + 1000)
    table.show()
    qtbot.wait(50)
    assert calls == [1]


def test_plain_imports_restore_the_wrapper_whatever_happens():
    wrapped = builtins.__import__
    original = builtins.__orig_import__  # PySide6 is loaded (the tests run pytest-qt)
    assert wrapped is not original
    with plain_imports():
        assert builtins.__import__ is original
        import json  # noqa: F401  (imports still work)
    assert builtins.__import__ is wrapped
    with pytest.raises(RuntimeError), plain_imports():
        raise RuntimeError
    assert builtins.__import__ is wrapped


def test_nothing_runs_when_the_widget_is_gone_first(qtbot):
    table = QTableView()
    calls: list[int] = []
    after_first_paint(table.viewport(), lambda: calls.append(1))
    table.deleteLater()
    qtbot.waitUntil(lambda: not calls and _gone(table))
    qtbot.wait(LATEST_MS + 50)
    assert calls == []


def _gone(widget: QTableView) -> bool:
    from shiboken6 import isValid

    return not isValid(widget)


def test_a_remembered_setting_is_written_only_when_it_changes(tmp_path, monkeypatch):
    from wulong_desk.ui.settings import remember, settings

    monkeypatch.setenv("WULONG_DESK_HOME", str(tmp_path))
    remember("last_project", 3)
    remember("operator", "张三")
    kept = next(tmp_path.rglob("settings.ini"))
    written = kept.stat().st_mtime_ns, kept.read_bytes()
    kept.touch()
    os.utime(kept, ns=(1, 1))  # a write from here on would change the time
    remember("last_project", 3)
    remember("operator", "张三")
    assert kept.stat().st_mtime_ns == 1 and kept.read_bytes() == written[1]
    remember("last_project", 4)
    assert settings().value("last_project", None, int) == 4
    assert kept.stat().st_mtime_ns != 1
