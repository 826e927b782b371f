"""The case window and the payments window for the money over time, pressed as a clerk does:
过渡逾期 is no longer typed (only shown), the agreement's 付款约定 (each part's term, the payee)
is entered in the case window and locked once signed, 逾期交房加付… adds a delay, a correction
that leaves more paid than owed asks first and the payments window then shows 应追回 in red;
the project dialog keeps the default terms."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from pressing import Answer, box_button, click
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import payments
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case
from wulong_desk.ui import delay_dialog
from wulong_desk.ui.case_editor import CaseEditor
from wulong_desk.ui.delay_dialog import DelayDialog
from wulong_desk.ui.payments_dialog import PaymentsDialog
from wulong_desk.ui.project_dialog import ProjectDialog

REASON = "测试：直接录入到这一阶段"


def _store(tmp_path, n: int = 2, **project):
    store = open_store(tmp_path / "gui.sqlite", "经办甲")
    project_id = projects.create_project(store, project_form(n, **project))
    return store, project_id


def test_the_editor_shows_but_does_not_offer_overdue_and_keeps_the_agreement(
        qtbot, tmp_path, no_blocking_boxes):
    store, project_id = _store(tmp_path)
    editor = CaseEditor(store, project_id, cases.save_case(
        store, project_id, case_form(2)).case_id)
    qtbot.addWidget(editor)
    editor.show()
    spin = editor.ui.overdueSpin
    assert spin.isReadOnly() and "逾期交房加付" in spin.toolTip()
    # the before_move term: 15 working days from the agreement taking effect; the payee
    combo, days, workdays, _fixed = editor.termsEditor.rows["before_move"]
    combo.setCurrentIndex(combo.findData("effective"))
    days.setValue(15)
    click(workdays)
    editor.payee["name"].setFocus()
    QTest.keyClicks(editor.payee["name"], "Li Si")
    QTest.keyClicks(editor.payee["account"], "6217 0000 1")
    save = box_button(editor.ui.buttonBox, "保存")
    qtbot.waitUntil(save.isEnabled)
    click(save)
    assert not no_blocking_boxes, no_blocking_boxes
    with store.read() as session:
        case = session.get(Case, editor.case_id)
        assert (case.payee_name, case.payee_account) == ("Li Si", "6217 0000 1")
        assert case.payment_terms == ('{"before_move": {"days": 15, "from": "effective", '
                                      '"workdays": true}}')
    editor.close()
    store.close()


def test_a_signed_cases_agreement_is_locked_in_the_editor(qtbot, tmp_path):
    store, project_id = _store(tmp_path)
    case_id = cases.save_case(store, project_id, case_form(2, status="signed"),
                              reason=REASON).case_id
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    combo = editor.termsEditor.rows["before_move"][0]
    assert not combo.isEnabled() and not editor.payee["account"].isEnabled()
    editor.close()
    store.close()


def test_the_delay_button_adds_months_of_delay(qtbot, tmp_path, no_blocking_boxes):
    store, project_id = _store(tmp_path)
    form = case_form(2, status="signed")
    form["case"]["moved_on_time"] = True
    case_id = cases.save_case(store, project_id, form, reason=REASON).case_id
    cases.set_status(store, case_id, "moved", moved_on=date(2023, 7, 5))
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    button = editor.delay_button
    assert button.isVisible() and button.isEnabled()

    def answer(dialog: DelayDialog) -> None:
        assert "约定交房日 2025-01-05" in dialog.facts.text()
        dialog.months.setValue(2)
        dialog.reason.setFocus()
        QTest.keyClicks(dialog.reason, "house 3 late")
        click(box_button(dialog.buttons, "登记加付"))

    answered = Answer(DelayDialog, answer)
    click(button)
    assert answered.answered
    assert any("逾期交房加付 2 个月" in box and "1,260.00" in box for box in no_blocking_boxes)
    assert editor.ui.overdueSpin.value() == 2          # the editor shows it, reloaded
    with store.read() as session:
        assert session.get(Case, case_id).overdue_months == 2
    editor.close()
    store.close()


def test_the_delay_is_written_on_a_worker_while_the_dialog_waits(
        qtbot, tmp_path, no_blocking_boxes, monkeypatch):
    """登记加付 returns at once: the event is written on a worker thread while the dialog's
    buttons are greyed and Esc does not close it; a refusal is said in Chinese, naming the
    field, and the dialog stays open to be corrected."""
    store, project_id = _store(tmp_path)
    form = case_form(2, status="signed")
    form["case"]["moved_on_time"] = True
    case_id = cases.save_case(store, project_id, form, reason=REASON).case_id
    cases.set_status(store, case_id, "moved", moved_on=date(2023, 7, 5))
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    told: list[int] = []
    editor.saved.connect(told.append)
    release = threading.Event()
    threads: list[bool] = []
    service = delay_dialog.add_delay

    def held(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        assert release.wait(20)
        return service(*args, **kwargs)

    monkeypatch.setattr(delay_dialog, "add_delay", held)

    def answer(dialog: DelayDialog) -> None:
        ok = box_button(dialog.buttons, "登记加付")
        release.set()                    # no reason typed: refused
        click(ok)
        assert dialog.job.wait() == "failed"
        QApplication.processEvents()
        assert "不能登记: 「理由」" in no_blocking_boxes[-1] and "必须写明理由" in \
            no_blocking_boxes[-1] and "reason" not in no_blocking_boxes[-1]
        assert dialog.isVisible() and ok.isEnabled()
        release.clear()
        dialog.reason.setFocus()
        QTest.keyClicks(dialog.reason, "house 3 late")
        click(ok)                        # returns while the service is still writing
        assert dialog.job.running and not ok.isEnabled() and not dialog.buttons.isEnabled()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible()        # not closed half-way
        release.set()
        assert dialog.job.wait() == "succeeded"
        QApplication.processEvents()

    answered = Answer(DelayDialog, answer)
    click(editor.delay_button)
    assert answered.answered and not answered.error
    assert threads == [False, False]     # never on the GUI thread
    assert any("逾期交房加付 1 个月（累计 1 个月）" in box for box in no_blocking_boxes)
    assert editor.ui.overdueSpin.value() == 1 and told == [case_id]
    editor.close()
    store.close()


def test_a_correction_leaving_more_paid_asks_and_the_payments_window_says_recover(
        qtbot, tmp_path, no_blocking_boxes):
    store, project_id = _store(tmp_path, 1)
    case_id = cases.save_case(store, project_id, case_form(1, status="signed"),
                              reason=REASON).case_id
    payments.record_payment(store, case_id, Decimal("513834.00"), date(2023, 8, 10), "付-1")
    cases.unlock_case(store, case_id, "装修评估值复核后调减")
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.parts.table.item(0, 4).setText("10000")          # 装修评估值 15000 → 10000
    no_blocking_boxes.answer = QMessageBox.StandardButton.Cancel
    save = box_button(editor.ui.buttonBox, "保存")
    qtbot.waitUntil(save.isEnabled)
    click(save)
    assert "多付的 5,000.00 元应追回" in no_blocking_boxes[-1]
    with store.read() as session:
        assert session.get(Case, case_id).unlocked_reason      # not saved: still unlocked
    no_blocking_boxes.answer = QMessageBox.StandardButton.Save
    click(box_button(editor.ui.buttonBox, "保存"))
    with store.read() as session:
        case = session.get(Case, case_id)
        assert case.locked and case.parts[0].decoration_value == Decimal("10000")
    editor.close()
    dialog = PaymentsDialog(store, case_id)
    qtbot.addWidget(dialog)
    assert dialog.recover.isVisibleTo(dialog)
    assert "应追回 5,000.00 元" in dialog.recover.text() and "b00020" in \
        dialog.recover.styleSheet()
    assert dialog.buckets.item(0, 2).text() == "508,834.00"     # 搬迁前应付 owed now
    store.close()


def test_the_project_dialog_keeps_the_default_terms(qtbot, tmp_path, no_blocking_boxes):
    store, project_id = _store(tmp_path)
    dialog = ProjectDialog(store, project_id)
    qtbot.addWidget(dialog)
    combo, days, _workdays, _fixed = dialog.terms.rows["after_move"]
    combo.setCurrentIndex(combo.findData("move"))
    days.setValue(30)
    job = dialog.save()
    assert job is not None and job.wait() == "succeeded", no_blocking_boxes
    again = ProjectDialog(store, project_id)
    qtbot.addWidget(again)
    assert again.terms.terms() == {"after_move": {"from": "move", "days": 30,
                                                  "workdays": False}}
    store.close()
