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

from wulong_desk.services.cases import HistoryEntry
from wulong_desk.statuses import STATUS_LABELS

ACTIONS = {"create": "新建", "update": "修改", "delete": "删除", "unlock": "解锁更正",
           "relock": "重新锁定", "status": "改变阶段", "recompute": "重算", "correct": "更正",
           "void": "作废", "remove": "删除案卷"}
ENTITIES = {"case": "案卷", "person": "被征收人", "part": "房屋", "equipment": "设备",
            "exchange_house": "调换房屋", "project": "项目", "result": "计算结果"}
OLD_NEW = ("update", "status", "recompute", "correct", "void")


def _shown(value: str | None) -> str:
    return STATUS_LABELS.get(value or "", value or "（空）")


class HistoryDialog(QDialog):
    def __init__(self, entries: list[HistoryEntry], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("修改记录")
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        table = QTableWidget(len(entries), 6)
        table.setObjectName("historyTable")
        table.setHorizontalHeaderLabels(["时间（UTC）", "操作人", "操作", "对象.字段",
                                         "原值 → 新值", "理由"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, e in enumerate(entries):
            if e.action in OLD_NEW:
                change = f"{_shown(e.old)} → {_shown(e.new)}"
            elif e.action == "remove":
                change = "全部内容已留存在修改记录中，可以恢复"
            else:
                change = e.new or e.old or ""
            values = [e.at, e.operator, ACTIONS.get(e.action, e.action),
                      f"{ENTITIES.get(e.entity, e.entity)}.{e.field}", change, e.reason or ""]
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table = table
