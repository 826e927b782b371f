"""Buttons (and shortcuts) in the case editor for the case's payments, clocks, exchange houses
from the stock and 逾期交房加付. The dialogs write to the store directly; the editor reloads
afterwards (or, with unsaved edits, says that the stored case changed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QPushButton

if TYPE_CHECKING:
    from wulong_desk.ui.case_editor import CaseEditor


def attach(editor: CaseEditor) -> list[QPushButton]:
    """Put the three buttons beside 修改记录… (and 逾期交房加付… with the exchange houses) and
    bind their shortcuts."""
    # the row 修改记录… sits in (ui.bottomLayout: a layout inside the dialog's own, so the
    # dialog's top layout does not hold the button and would drop the three)
    row = editor.ui.bottomLayout
    at = row.indexOf(editor.ui.historyButton)
    made = []
    for text, keys, slot in (("付款…", "Ctrl+Shift+M", lambda: payments(editor)),
                             ("时限与材料…", "Ctrl+Shift+K", lambda: clocks(editor)),
                             ("安置房源…", "Ctrl+Shift+H", lambda: houses(editor))):
        button = QPushButton(f"{text}（{keys}）")
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        QShortcut(QKeySequence(keys), editor, activated=slot)
        row.insertWidget(at + 1 + len(made), button)
        made.append(button)
    # 逾期交房加付 is an exchange case's: beside its houses (the exchange group shows only then)
    button = QPushButton("逾期交房加付…（Ctrl+Shift+Y）")
    button.setObjectName("delayButton")
    button.setAutoDefault(False)
    button.clicked.connect(lambda: delay(editor))
    QShortcut(QKeySequence("Ctrl+Shift+Y"), editor, activated=lambda: delay(editor))
    why = editor.store.may("逾期交房加付")   # on the office server: reviewers only
    button.setEnabled(why is None)
    button.setToolTip(why or "征收部门逾期交付产权调换房屋的月数，签约或搬迁后逐次登记")
    houses_row = editor.ui.housesButtons
    houses_row.insertWidget(houses_row.count() - 1, button)   # (before the row's spacer)
    editor.delay_button = button
    return made


def _saved(editor: CaseEditor) -> int | None:
    if editor.case_id is None:
        QMessageBox.information(editor, "请先保存", "请先保存这个新案卷。")
    return editor.case_id


def _reload(editor: CaseEditor) -> None:
    if editor.dirty():
        QMessageBox.information(editor, "案卷已更新",
                                "数据库中的案卷已更新；当前有未保存的修改，请撤销修改后再查看。")
    else:
        editor.load()
        editor.refresh()


def payments(editor: CaseEditor) -> None:
    from wulong_desk.ui.payments_dialog import PaymentsDialog

    if (case_id := _saved(editor)) is not None:
        PaymentsDialog(editor.store, case_id, editor).exec()


def clocks(editor: CaseEditor) -> None:
    from wulong_desk.ui.case_clocks_dialog import CaseClocksDialog

    if (case_id := _saved(editor)) is not None:
        CaseClocksDialog(editor.store, case_id, editor).exec()


def houses(editor: CaseEditor) -> None:
    from wulong_desk.ui.housing_dialog import HousingDialog

    if (case_id := _saved(editor)) is not None:
        HousingDialog(editor.store, editor.project_id, case_id, editor).exec()
        _reload(editor)


def delay(editor: CaseEditor) -> None:
    from wulong_desk.ui.delay_dialog import DelayDialog

    if (why := editor.store.may("逾期交房加付")) is not None:
        QMessageBox.warning(editor, "逾期交房加付", why)
        return
    if (case_id := _saved(editor)) is not None:
        DelayDialog(editor.store, case_id, editor).exec()
        _reload(editor)
