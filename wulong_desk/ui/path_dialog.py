"""What the decision path's dialogs share (作出征收决定…, 终止项目…, 导入正式评估结果…,
转为补偿协议…, 补偿决定…, 重新估价…, 补偿决定的结果…): a short explanation, a form, a
read-only area for what was done (or what would be), and a button row; each step runs on a
worker thread (ui/jobs.py) with its progress, its refusal said in a message box naming the
rule. Not a dialog itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.jobs import Job


class PathDialog(QDialog):
    """A dialog of the decision path. `changed` is emitted after a step wrote something."""

    changed = Signal()

    def __init__(self, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.job: Job | None = None
        self.done_message = ""
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setObjectName("pathIntro")
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.output = QPlainTextEdit()
        self.output.setObjectName("pathOutput")
        self.output.setReadOnly(True)
        self.output.setPlaceholderText("办理结果将显示在这里")
        self.output.setMinimumHeight(120)
        layout.addWidget(self.output, 1)
        self.buttons = QDialogButtonBox()
        close = self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(640, 460)

    def date_row(self, label: str, field: str) -> DateField:
        widget = DateField(self, field)
        self.form.addRow(label, widget)
        return widget

    def action(self, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def dates_readable(self, *fields: DateField) -> bool:
        """Each date typed can be read (else it is named at its field, nothing is done)."""
        for field in fields:
            problem = field.problem()
            if problem:
                field.mark(f"「{field.field}」：{problem}")
                QMessageBox.warning(self, "不能办理", f"「{field.field}」：{problem}")
                return False
        return True

    def run(self, title: str, label: str, work: Callable[[Any], Any],
            done: Callable[[Any], str], *, writes: bool = True) -> Job:
        """Run `work(progress)` on a worker thread; `done(result)` says what was done (shown
        in the output area)."""
        job = Job(self, title, label, work, cancellable=False)

        def succeeded(result: Any) -> None:
            self.done_message = done(result)
            self.output.setPlainText(self.done_message)
            if writes:
                self.changed.emit()

        def failed(message: str) -> None:
            from wulong_desk.services.cases.field_names import describe_message

            self.output.setPlainText(f"未办理：{describe_message(message)}")
            QMessageBox.warning(self, f"不能{title}", describe_message(message))

        job.succeeded.connect(succeeded)
        job.failed.connect(failed)
        self.job = job
        job.start()
        return job
