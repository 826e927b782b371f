"""Two versions of one case side by side, field by field; the user keeps one. Shown when a save
met someone else's newer save, and for a case a sync found changed on both sides."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.services.cases.compare import compare_forms


class VersionsDialog(QDialog):
    """`choice` is "mine" or "theirs" after exec(); None when cancelled (nothing changes)."""

    def __init__(self, case_no: str, mine: dict[str, Any], theirs: dict[str, Any], *,
                 mine_label: str = "我的修改", theirs_label: str = "别人已保存的版本",
                 intro: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.choice: str | None = None
        self.setWindowTitle(f"案卷 {case_no} 有两个版本")
        text = QLabel(intro or f"案卷 {case_no} 在你编辑期间已被别人修改并保存。下面逐项列出"
                      "两个版本不同的地方，请选择保留哪一个（另一个不会保存）。")
        text.setWordWrap(True)
        self.differences = compare_forms(mine, theirs)
        table = QTableWidget(len(self.differences), 3, self)
        table.setObjectName("differences")
        table.setHorizontalHeaderLabels(["项目", mine_label, theirs_label])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, difference in enumerate(self.differences):
            for column, value in enumerate((difference.field, difference.mine,
                                            difference.theirs)):
                table.setItem(row, column, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        buttons = QDialogButtonBox(self)
        self.keep_mine = buttons.addButton(f"保留{mine_label}",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.take_theirs = buttons.addButton(f"采用{theirs_label}",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("暂不处理", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_mine.clicked.connect(lambda: self._choose("mine"))
        self.take_theirs.clicked.connect(lambda: self._choose("theirs"))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(720, 420)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
