"""Run something once a widget has been painted for the first time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

LATEST_MS = 300  # a window that is never painted (started minimised) does not wait for ever


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then: Callable[[], object] | None = then
        widget.installEventFilter(self)
        QTimer.singleShot(LATEST_MS, self, self._run)  # dropped if the widget goes first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            QTimer.singleShot(0, self, self._run)  # after the paint has finished
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self.parent().removeEventFilter(self)
            then()


def after_first_paint(widget: QWidget, then: Callable[[], object]) -> None:
    """Call then() on the event loop once widget has finished its first paint, or after
    LATEST_MS if it is not painted by then; exactly once."""
    _FirstPaint(widget, then)
