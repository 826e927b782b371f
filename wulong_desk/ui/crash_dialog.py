"""When something unexpected goes wrong: log it (without personal data), tell the user in plain
words with a report they can copy for the maintainers, and keep the app running. Saved cases
are safe in the database; an open case's draft is autosaved.

`--no-crash-dialog` (scripts, CI) writes the report to standard error instead of a dialog.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.logs import log_crash, log_file


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


class CrashHandler(QObject):
    """Installed as sys.excepthook and threading.excepthook. Reports from a worker thread reach
    the GUI thread through a queued signal, so the dialog is only ever made there."""

    reported = Signal(str)

    def __init__(self, show_dialog: bool, parent: QObject | None = None):
        super().__init__(parent)
        self.show_dialog = show_dialog
        self.dialogs: list[CrashDialog] = []
        self.reports: list[str] = []
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, kind: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report = log_crash(kind, exc, tb)
        self.reports.append(report)
        self.reported.emit(report)

    def _show(self, report: str) -> None:
        if not self.show_dialog:
            print(report, file=sys.stderr)
            return
        if len(self.dialogs) >= 3:  # an error in a loop must not bury the screen in dialogs
            return
        dialog = CrashDialog(report)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        dialog.open()
