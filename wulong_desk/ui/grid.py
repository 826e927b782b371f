"""A keyboard-friendly grid over a QTableWidget: typed columns, Enter moves on, Enter in the
last cell (or Ctrl+Enter anywhere) adds a row, and per-cell problem marks with tooltips."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

PROBLEM_BRUSH = QBrush(QColor("#ffd6d6"))
CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"                   # text | number | bool | choice
    choices: tuple[tuple[str, str], ...] = ()   # (code, label) for choice columns
    tip: str = ""
    width: int = 0


ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for a choice column; items are numbered so a digit picks one."""

    def __init__(self, grid: Grid):
        super().__init__(grid.table)
        self.grid = grid

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        column = self.grid.columns[index.column()]
        if column.kind != "choice":
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for number, (code, label) in enumerate(column.choices, start=1):
            combo.addItem(f"{number} {label}", code)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            code = index.data(CHOICE_ROLE)
            position = editor.findData(code)
            editor.setCurrentIndex(max(0, position))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            code = editor.currentData()
            column = self.grid.columns[index.column()]
            model.setData(index, code, CHOICE_ROLE)
            model.setData(index, dict(column.choices).get(code, ""),
                          Qt.ItemDataRole.DisplayRole)
            return
        super().setModelData(editor, model, index)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # Enter in an editor commits and moves to the next cell, like Tab
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in ENTER_KEYS and isinstance(editor, QWidget):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.grid.advance()
            return True
        return super().eventFilter(editor, event)


class Grid(QObject):
    changed = Signal()

    def __init__(self, table: QTableWidget, columns: list[Column]):
        super().__init__(table)
        self.table = table
        self.columns = columns
        self._loading = False
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels([c.title for c in columns])
        for index, column in enumerate(columns):
            header = table.horizontalHeaderItem(index)
            if header is not None and column.tip:
                header.setToolTip(column.tip)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                              | QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setItemDelegate(ChoiceDelegate(self))
        table.itemChanged.connect(self._item_changed)
        table.installEventFilter(self)
        table.resizeColumnsToContents()

    # ---- rows
    def add_row(self, values: dict[str, Any] | None = None) -> int:
        row = self.table.rowCount()
        self._loading = True
        self.table.insertRow(row)
        for index, column in enumerate(self.columns):
            self.table.setItem(row, index, self._make_item(column, (values or {}).get(column.key)))
        self._loading = False
        if values is None:
            self.table.setCurrentCell(row, 0)
            self.changed.emit()
        return row

    def _make_item(self, column: Column, value: Any) -> QTableWidgetItem:
        item = QTableWidgetItem()
        if column.kind == "bool":
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
        elif column.kind == "choice":
            code = value or column.choices[0][0]
            item.setData(CHOICE_ROLE, code)
            item.setText(dict(column.choices).get(code, ""))
        else:
            item.setText("" if value is None else str(value))
            if column.kind == "number":
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self._loading = True
        self.table.setRowCount(0)
        self._loading = False
        for values in rows:
            self.add_row(values)
        self.table.resizeColumnsToContents()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def rows(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The non-blank rows as dicts (numbers as typed text, exact), and their table rows."""
        out: list[dict[str, Any]] = []
        where: list[int] = []
        for row in range(self.table.rowCount()):
            values: dict[str, Any] = {}
            blank = True
            for index, column in enumerate(self.columns):
                item = self.table.item(row, index)
                if item is None:
                    continue
                if column.kind == "bool":
                    values[column.key] = item.checkState() == Qt.CheckState.Checked
                elif column.kind == "choice":
                    values[column.key] = item.data(CHOICE_ROLE)
                else:
                    text = item.text().strip()
                    if text:
                        blank = False
                        values[column.key] = text
            if not blank:
                out.append(values)
                where.append(row)
        return out, where

    # ---- problems
    def clear_marks(self) -> None:
        self._loading = True
        for row in range(self.table.rowCount()):
            for index in range(len(self.columns)):
                item = self.table.item(row, index)
                if item is not None and item.toolTip():
                    item.setBackground(QBrush())
                    item.setToolTip("")
        self._loading = False

    def mark(self, row: int, key: str, message: str) -> bool:
        for index, column in enumerate(self.columns):
            if column.key == key:
                item = self.table.item(row, index)
                if item is None:
                    return False
                self._loading = True
                item.setBackground(PROBLEM_BRUSH)
                item.setToolTip(message)
                self._loading = False
                return True
        return False

    def set_editable(self, editable: bool) -> None:
        self.table.setEditTriggers(
            (QAbstractItemView.EditTrigger.AnyKeyPressed
             | QAbstractItemView.EditTrigger.DoubleClicked
             | QAbstractItemView.EditTrigger.EditKeyPressed) if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers)
        for row in range(self.table.rowCount()):
            for index, column in enumerate(self.columns):
                item = self.table.item(row, index)
                if item is not None and column.kind == "bool":
                    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                    if editable:
                        flags |= Qt.ItemFlag.ItemIsUserCheckable
                    item.setFlags(flags)

    # ---- keyboard
    def advance(self) -> None:
        """Move to the next cell; past the last cell of the last row, add a row."""
        row, column = self.table.currentRow(), self.table.currentColumn()
        if column + 1 < len(self.columns):
            self.table.setCurrentCell(row, column + 1)
        elif row + 1 < self.table.rowCount():
            self.table.setCurrentCell(row + 1, 0)
        else:
            self.add_row()
        self.table.setFocus()

    def clear_selected(self) -> bool:
        """Delete or Backspace on cells (not while typing in one): their text is cleared, as
        in a spreadsheet (a tick box or a list keeps its value: Space and digits set those)."""
        if self.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            return False   # (a locked case's table)
        items = self.table.selectedItems() or [self.table.currentItem()]
        cleared = False
        for item in items:
            if item is None or item.column() >= len(self.columns):
                continue
            if self.columns[item.column()].kind in ("text", "number") and item.text():
                item.setText("")   # (itemChanged: the form hears of it)
                cleared = True
        return cleared

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() in CLEAR_KEYS \
                and self.table.state() != QAbstractItemView.State.EditingState:
            self.clear_selected()
            return True
        if watched is self.table and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() in ENTER_KEYS:
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.add_row()
            else:
                self.advance()
            return True
        return super().eventFilter(watched, event)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._loading:
            self.changed.emit()
