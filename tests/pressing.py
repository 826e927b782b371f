"""Pressing the app's widgets as a clerk does (pytest-qt, offscreen): a mouse click on a button,
QAction.trigger() from its menu, a key sequence on the window, and answering the modal dialog
an action opens (its own buttons pressed too)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QToolBar,
    QWidget,
)

LAPTOP_WIDTH, LAPTOP_HEIGHT = 1366, 768
# the most a window's inside may take on that laptop: the screen less a window's borders,
# its title bar and the taskbar
CLIENT_WIDTH, CLIENT_HEIGHT = LAPTOP_WIDTH - 16, LAPTOP_HEIGHT - 40 - 32


def plain(text: str) -> str:
    """A menu or button text without its accelerator: 文件(&F) → 文件, 保存(&S) → 保存."""
    return re.sub(r"\(&.\)|&", "", text).strip()


def click(button: QAbstractButton) -> None:
    """A left click on the button, which must be on screen and enabled (as for a clerk)."""
    assert button.isVisible(), f"{button.text()} is not on screen"
    assert button.isEnabled(), f"{button.text()} is greyed"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def button(parent: QWidget, text: str) -> QAbstractButton:
    """The visible button whose text (without accelerator) starts with `text`."""
    found = [b for b in parent.findChildren(QAbstractButton)
             if plain(b.text()).startswith(text) and b.isVisibleTo(parent)]
    assert found, f"no button {text!r} in {parent.windowTitle()!r}: " + ", ".join(
        plain(b.text()) for b in parent.findChildren(QAbstractButton) if b.text())
    return found[0]


def box_button(box: QDialogButtonBox, text: str) -> QAbstractButton:
    for candidate in box.buttons():
        if plain(candidate.text()).startswith(text):
            return candidate
    raise AssertionError(f"no {text!r} in " + ", ".join(plain(b.text()) for b in box.buttons()))


def menus(window: QMainWindow) -> dict[str, QMenu]:
    return {plain(action.text()): action.menu() for action in window.menuBar().actions()
            if action.menu() is not None}


def menu_entries(window: QMainWindow) -> list[tuple[str, str]]:
    """Every entry of every menu of the window, as (menu, entry) in plain words."""
    return [(title, plain(action.text())) for title, menu in menus(window).items()
            for action in menu.actions() if not action.isSeparator()]


def menu_action(window: QMainWindow, title: str, entry: str) -> QAction:
    menu = menus(window)[title]
    for action in menu.actions():
        if plain(action.text()) == entry:
            return action
    raise AssertionError(f"no {title} → {entry}")


def trigger(window: QMainWindow, title: str, entry: str) -> None:
    """Choose a menu entry (QAction.trigger(), as the menu does when it is clicked)."""
    action = menu_action(window, title, entry)
    assert action.isEnabled(), f"{title} → {entry} is greyed"
    action.trigger()
    QApplication.processEvents()


def keys(window: QWidget, sequence: str) -> None:
    """Press a key sequence (Ctrl+Shift+N) on the window, as the keyboard does."""
    window.activateWindow()
    QApplication.processEvents()
    combination = QKeySequence(sequence)[0]
    QTest.keyClick(window, combination.key(), combination.keyboardModifiers())
    QApplication.processEvents()


def toolbar_click(window: QMainWindow, action: QAction) -> None:
    """Click the action's button on the window's toolbar."""
    widget = next(bar.widgetForAction(action) for bar in window.findChildren(QToolBar)
                  if bar.widgetForAction(action) is not None)
    assert widget.isVisible(), f"{action.text()}: its toolbar button is off screen"
    click(widget)


class Answer:
    """Acts on the next modal window of a class once it is on screen (a dialog opened with
    exec(): the test cannot act after the call that opens it, so it acts meanwhile). Keep the
    Answer in a variable until the dialog has been answered: its timer lives with it."""

    def __init__(self, kind: type, act: Callable[[QWidget], object], timeout: float = 20):
        self.kind, self.act, self.seen = kind, act, []
        self.error: BaseException | None = None
        self.until = time.monotonic() + timeout
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, self.kind) and widget.isVisible() and widget not in self.seen:
            self.seen.append(widget)
            try:
                self.act(widget)
            except BaseException as exc:  # kept for the test; the dialog must not stay open
                self.error = exc
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.done(QDialog.DialogCode.Rejected)
            return
        if time.monotonic() < self.until:
            QTimer.singleShot(20, self._poll)

    @property
    def answered(self) -> bool:
        """Whether the dialog was answered (a failure while answering it is raised here)."""
        if self.error is not None:
            raise self.error
        return bool(self.seen)
