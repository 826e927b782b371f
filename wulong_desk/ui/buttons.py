"""The button row every dialog ends with, labelled in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox

Button = QDialogButtonBox.StandardButton


def ok_cancel(dialog: QDialog, ok_text: str, cancel_text: str = "取消", *,
              ok: Button = Button.Ok, on_ok: Callable[[], object] | None = None
              ) -> QDialogButtonBox:
    """An OK/Cancel row: OK runs on_ok (the dialog's accept by default), Cancel rejects."""
    buttons = QDialogButtonBox(ok | Button.Cancel)
    buttons.button(ok).setText(ok_text)
    buttons.button(Button.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def save_close(dialog: QDialog, on_save: Callable[[], object]) -> QDialogButtonBox:
    """A 保存/关闭 row: 保存 and Ctrl+S run on_save, 关闭 rejects."""
    buttons = QDialogButtonBox(Button.Save | Button.Close)
    buttons.button(Button.Save).setText("保存(&S)")
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    QShortcut(QKeySequence.StandardKey.Save, dialog, activated=on_save)
    return buttons
