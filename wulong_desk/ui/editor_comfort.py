"""The case editor at any size and by keyboard: it opens maximised the first time, then at the
size and splitter position it was closed with; the first field has the focus (案卷编号 for a new
case); Enter in a field or a table never presses a button (Ctrl+S saves); the tables' columns
grow with what is typed; a new row added by button gets the focus in its first cell; full-width
digits and punctuation typed by a Chinese input method are made half-width in number columns."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from wulong_desk.ui.grid import Grid
from wulong_desk.ui.settings import settings

GEOMETRY_KEY = "case_editor/geometry"
SPLITTER_KEY = "case_editor/splitter"
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# full-width digits and the marks a Chinese input method types in a number
HALF_WIDTH = str.maketrans("０１２３４５６７８９．，－＋　", "0123456789.,-+ ")


def half_width(text: str) -> str:
    """８６．５ → 86.5 (only full-width digits and marks; anything else is left for the
    checker to name)."""
    return text.translate(HALF_WIDTH)


class EditorComfort(QObject):
    def __init__(self, editor: QDialog, splitter: QSplitter, first_field: QWidget,
                 grids: list[Grid], number_fields: list[QLineEdit]):
        super().__init__(editor)
        self.editor = editor
        self.splitter = splitter
        self.first_field = first_field
        editor.installEventFilter(self)
        for grid in grids:
            grid.table.itemChanged.connect(
                lambda item, g=grid: self._typed(g, item))
            grid.table.model().rowsInserted.connect(
                lambda _parent, first, _last, g=grid: self._row_added(g, first))
        for field in number_fields:
            field.textEdited.connect(lambda text, f=field: self._typed_field(f, text))
        self._restore()

    @staticmethod
    def _typed_field(field: QLineEdit, text: str) -> None:
        normal = half_width(text)
        if normal != text:
            position = field.cursorPosition()
            field.setText(normal)
            field.setCursorPosition(position)

    # ---- size
    def _restore(self) -> None:
        store = settings()
        geometry = store.value(GEOMETRY_KEY, QByteArray(), QByteArray)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() \
                and self.editor.restoreGeometry(geometry):
            state = store.value(SPLITTER_KEY, QByteArray(), QByteArray)
            if isinstance(state, QByteArray) and not state.isEmpty():
                self.splitter.restoreState(state)
        else:
            self.editor.setWindowState(self.editor.windowState()
                                       | Qt.WindowState.WindowMaximized)
            self.splitter.setStretchFactor(0, 3)
            self.splitter.setStretchFactor(1, 2)

    def remember(self) -> None:
        store = settings()
        store.setValue(GEOMETRY_KEY, self.editor.saveGeometry())
        store.setValue(SPLITTER_KEY, self.splitter.saveState())

    # ---- focus and keys
    def focus_first(self) -> None:
        widget = self.first_field
        if not widget.isEnabled() or (isinstance(widget, QLineEdit) and widget.isReadOnly()):
            found = [w for w in self.editor.findChildren(QLineEdit)
                     if w.isEnabled() and not w.isReadOnly() and w.isVisibleTo(self.editor)]
            widget = found[0] if found else widget
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor:
            kind = event.type()
            if kind == QEvent.Type.Show:
                self.focus_first()  # before the window picks its own first widget
            elif kind == QEvent.Type.Close:
                self.remember()
            elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                    and event.key() in ENTER_KEYS \
                    and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                # Enter that no field or table used is never "press the default button"
                # (that saved the case while a new row was being typed): Ctrl+S saves
                return True
        return super().eventFilter(watched, event)

    # ---- tables
    def _typed(self, grid: Grid, item: QTableWidgetItem) -> None:
        column = grid.columns[item.column()] if item.column() < len(grid.columns) else None
        if column is not None and column.kind == "number":
            text = item.text()
            normal = half_width(text)
            if normal != text:
                item.setText(normal)  # calls back once more with nothing left to change
                return
        grid.table.resizeColumnToContents(item.column())

    def _row_added(self, grid: Grid, row: int) -> None:
        table: QTableWidget = grid.table
        if self.editor.isVisible() and self.editor.focusWidget() is not table \
                and isinstance(self.editor.focusWidget(), QAbstractButton):
            QTimer.singleShot(0, lambda: (table.setCurrentCell(row, 0), table.setFocus()))
