"""Buttons (and shortcuts) in the case editor for the case's payments, clocks, exchange houses
from the stock and 逾期交房加付. The dialogs write to the store directly; the editor reloads
afterwards (or, with unsaved edits, says that the stored case changed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMessageBox, QPushButton

from wulong_desk.services.procedure.conversion import REVALUE_STAGES

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


def attach_path(editor: CaseEditor, row: QHBoxLayout) -> list[QPushButton]:
    """The decision path's two buttons (重新估价…, 决定结果…) in the case window's 程序 row,
    shown only for a case they apply to (show_path_buttons)."""
    made = []
    for text, tip, name, slot in (
            ("重新估价…", "复核评估、专家鉴定后，按修改后的评估报告重新估价"
             "（办法第五十四至五十六条）", "revalueButton", lambda: revalue(editor)),
            ("决定结果…", "补偿决定的复议、诉讼，或被撤销、变更、其后签订协议（办法第三十一条）",
             "outcomeButton", lambda: outcome(editor))):
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        row.addWidget(button)
        made.append(button)
    row.addStretch(1)
    return made


def show_path_buttons(editor: CaseEditor, status: str | None) -> bool:
    """重新估价… for a converted, signed, moved or decided case; 决定结果… for a decided one.
    True when one of them is shown."""
    shown = False
    for button in editor.path_buttons:
        if button.objectName() == "revalueButton":
            visible = status in REVALUE_STAGES     # the stages revalue_case accepts
        else:
            visible = status in ("decided", "moved") and bool(editor.decision_text)
        button.setVisible(visible)
        shown = shown or visible
    return shown


def revalue(editor: CaseEditor) -> None:
    from wulong_desk.ui.revalue_dialog import RevalueDialog

    if (case_id := _saved(editor)) is not None:
        dialog = RevalueDialog(editor.store, case_id, editor)
        dialog.changed.connect(editor.saved_elsewhere)
        dialog.exec()


def outcome(editor: CaseEditor) -> None:
    from wulong_desk.ui.decision_outcome_dialog import DecisionOutcomeDialog

    if (case_id := _saved(editor)) is not None:
        dialog = DecisionOutcomeDialog(editor.store, case_id, editor)
        dialog.changed.connect(editor.saved_elsewhere)
        dialog.exec()


def _saved(editor: CaseEditor) -> int | None:
    if editor.case_id is None:
        QMessageBox.information(editor, "请先保存", "请先保存这个新案卷。")
    return editor.case_id


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
        editor.saved_elsewhere()


def delay(editor: CaseEditor) -> None:
    from wulong_desk.ui.delay_dialog import DelayDialog

    if (why := editor.store.may("逾期交房加付")) is not None:
        QMessageBox.warning(editor, "逾期交房加付", why)
        return
    if (case_id := _saved(editor)) is not None:
        if DelayDialog(editor.store, case_id, editor).exec() == QDialog.DialogCode.Accepted:
            editor.saved_elsewhere()
