"""数据 → 已删除的案卷…: the project's cases deleted by mistake, from the 修改记录 (which keeps
each one whole), and 恢复 to bring the chosen one back as it was."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.errors import UserError
from wulong_desk.services.cases.removed import RemovedCase, removed_cases
from wulong_desk.store import Store
from wulong_desk.ui.screen_fit import fit_to_screen
from wulong_desk.ui.tables import cell

HEADERS = ["删除时间（北京时间）", "操作人", "案卷编号", "被征收人", "坐落"]


class RemovedDialog(QDialog):
    def __init__(self, store: Store, project_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.project_id = store, project_id
        self.setWindowTitle("已删除的案卷")
        self.restored: list[int] = []   # the cases brought back (their new ids)
        self.rows: list[RemovedCase] = []
        note = QLabel("删除的未签约案卷，全部内容留在修改记录中。选中一户后按“恢复所选案卷”，"
                      "它按删除前的内容回到案卷表（恢复也记入修改记录）。")
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("removedTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.restore_button = QPushButton("恢复所选案卷(&R)")
        self.restore_button.setObjectName("restoreRemoved")
        self.restore_button.clicked.connect(lambda _checked=False: self.restore())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 440)
        self.load()

    def load(self) -> None:
        self.rows = removed_cases(self.store, self.project_id)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate((row.at, row.operator, row.case_no, row.owners,
                                      row.address)):
                self.table.setItem(r, c, cell(text))
        self.table.resizeColumnsToContents()
        if self.rows:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(self.rows))

    def restore(self) -> int | None:
        from wulong_desk.services.cases.changes import restore_removed
        from wulong_desk.services.cases.field_names import describe_message

        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            QMessageBox.information(self, "恢复案卷", "请先选中一个删除的案卷。")
            return None
        chosen = self.rows[row]
        try:
            saved = restore_removed(self.store, chosen.entry_id)
        except UserError as exc:
            QMessageBox.warning(self, "不能恢复", describe_message(str(exc)))
            return None
        self.restored.append(saved.case_id)
        QMessageBox.information(self, "恢复案卷", f"案卷 {chosen.case_no} 已恢复。")
        self.load()
        return saved.case_id
