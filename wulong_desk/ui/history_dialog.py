"""A case's history: the audit trail, newest last."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.services.cases.changes import HistoryEntry
from wulong_desk.services.cases.history import describe


class HistoryDialog(QDialog):
    def __init__(self, entries: list[HistoryEntry], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("修改记录")
        self.resize(980, 480)
        layout = QVBoxLayout(self)
        table = QTableWidget(len(entries), 6)
        table.setObjectName("historyTable")
        table.setHorizontalHeaderLabels(["时间（北京时间）", "操作人", "操作", "内容",
                                         "原值 → 新值", "理由"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for row, e in enumerate(entries):
            shown = describe(e.at, e.operator, e.action, e.entity, e.field, e.old, e.new,
                             e.reason)
            values = [shown.at, shown.operator, shown.action, shown.what, shown.change,
                      shown.reason]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)  # a long record in full
                table.setItem(row, column, item)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table = table
