"""Table cells and the editable date tables the timeline dialogs share."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

# the colour of a clock's state where it needs attention: red for overdue and for a period cut
# short (期限不足), amber for due soon (services.procedure's state codes)
STATE_COLOURS = {"overdue": "#b00020", "short": "#b00020", "due_soon": "#b36b00"}


CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


class ClearKeys(QObject):
    """Delete or Backspace on a table's editable cells (not while typing in one) clears them,
    as in a spreadsheet."""

    def __init__(self, table: QTableWidget):
        super().__init__(table)
        self.table = table
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in CLEAR_KEYS \
                and self.table.state() != QAbstractItemView.State.EditingState:
            for item in self.table.selectedItems() or [self.table.currentItem()]:
                if item is not None and item.flags() & Qt.ItemFlag.ItemIsEditable:
                    item.setText("")
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                    item.setToolTip("")
            return True
        return super().eventFilter(watched, event)


def cell(text: str, editable: bool = False) -> QTableWidgetItem:
    """A table cell showing text; the clerk can edit it only when editable."""
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def date_table(name: str, rows: int, headers: list[str], stretch: int) -> QTableWidget:
    """A table whose editable cells (dates) open on any edit key; column `stretch` takes the
    spare width; no row numbers."""
    table = QTableWidget(rows, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    ClearKeys(table)
    return table


def wrapped_rows(table: QTableWidget) -> None:
    """Long text wrapped and read in full (a clock's counting rule, a legal period): each row
    as tall as its text at its column's width (two fixed lines cut it with 「…」)."""
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
