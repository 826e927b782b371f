"""The question that asks for a reason (作废, 解锁更正, 退回 or 跳过阶段): 确定 with a reason
too short says why and keeps the dialog open with the typed text, so the clerk adds to it
instead of starting again; 取消 gives up."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from wulong_desk.errors import UserError
from wulong_desk.services.cases.field_names import describe_message
from wulong_desk.services.cases.lifecycle import clean_reason


class ReasonDialog(QInputDialog):
    def __init__(self, parent: QWidget | None, title: str, prompt: str, what: str) -> None:
        super().__init__(parent)
        self.what = what
        self.setWindowTitle(title)
        self.setLabelText(prompt)
        self.setInputMode(QInputDialog.InputMode.TextInput)

    def accept(self) -> None:
        """The rule the service applies (services/cases/lifecycle.clean_reason), said at the
        field."""
        try:
            clean_reason(self.textValue(), self.what)
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), describe_message(str(exc)))
            return
        super().accept()


def ask_reason(parent: QWidget | None, title: str, prompt: str, what: str) -> str | None:
    """The reason typed, or None when the clerk chose 取消."""
    dialog = ReasonDialog(parent, title, prompt, what)
    try:
        return dialog.textValue() if dialog.exec() else None
    finally:
        dialog.deleteLater()
