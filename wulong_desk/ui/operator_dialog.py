"""Who is working: asked at start (the last name is offered), written into every change's
audit entry."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.ui.buttons import ok_cancel


class OperatorDialog(QDialog):
    def __init__(self, current: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("操作人")
        self.name_edit = QLineEdit(current)
        self.name_edit.setObjectName("operatorEdit")
        self.name_edit.setMaxLength(100)
        self.name_edit.selectAll()
        self.hint = QLabel("每一处修改都会记下操作人和时间（修改记录）。")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        buttons = ok_cancel(self, "确定", "退出")
        form = QFormLayout()
        form.addRow("操作人姓名：", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def name(self) -> str:
        return self.name_edit.text().strip()

    def accept(self) -> None:
        if not self.name():
            self.problem.setText("请填写操作人姓名")
            self.name_edit.setFocus()
            return
        super().accept()
