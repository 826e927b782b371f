"""The dialog that tells the user, in plain words, that something unexpected went wrong, with
a report they can copy for the maintainers (shown by ui.crash_handler)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.logs import log_file


class CrashDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.report = report
        intro = QLabel("程序遇到了意外错误。已保存的案卷不受影响；正在编辑的案卷已自动存草稿，"
                       "下次启动时可以恢复。\n请点“复制报告”，把报告发给维护人员。"
                       f"报告中不含姓名、身份证号和电话，也已记入日志：\n{log_file()}")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QPlainTextEdit(report)
        text.setObjectName("crashReport")
        text.setReadOnly(True)
        text.setMinimumSize(640, 280)
        buttons = QDialogButtonBox()
        self.copy_button = buttons.addButton("复制报告", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("已复制")
