"""Test set-up: Qt offscreen, and the FloatOperation trap on so no float sneaks into money."""

from __future__ import annotations

import decimal
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


def _trap_floats() -> None:
    decimal.getcontext().traps[decimal.FloatOperation] = True


_trap_floats()


@pytest.fixture(autouse=True)
def float_trap():
    _trap_floats()
    yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own user data folder; nothing touches the real one."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WULONG_DESK_HOME", str(home))
    return home


class Shown(list):
    """Message boxes a GUI test caused, as "title: text"; `answer` is what questions get."""

    answer: object = None


@pytest.fixture
def no_blocking_boxes(monkeypatch):
    """Message boxes never block a GUI test: they are recorded, and questions get `answer`
    (Discard unless the test sets another)."""
    from PySide6.QtWidgets import QMessageBox

    shown = Shown()
    shown.answer = QMessageBox.StandardButton.Discard

    def record(answer):
        def box(parent, title, text, *args, **kwargs):
            shown.append(f"{title}: {text}")
            return shown.answer if answer is None else answer
        return staticmethod(box)

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record(QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", record(None))
    return shown
