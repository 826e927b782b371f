"""The decision path pressed like a clerk presses it (issue 27): 程序 → 终止项目… and 作出征收决定…
on a project before its decision, 导入正式评估结果… (its template written, the sheet filled, a
dry run, the import), 转为补偿协议…, 所选案卷：补偿决定…, and in the case window 决定结果… and
重新估价… — each a real widget pressed, each long step on a worker thread."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pressing import Answer, button, click, trigger
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select
from test_gui import focus, type_text

from wulong_desk.services.procedure.dated import set_step
from wulong_desk.services.procedure.project_decision import decide_project
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, Project
from wulong_desk.ui.appraisal_dialog import AppraisalDialog
from wulong_desk.ui.case_decision_dialog import CaseDecisionDialog
from wulong_desk.ui.convert_dialog import ConvertDialog
from wulong_desk.ui.decide_dialog import DecideDialog
from wulong_desk.ui.decision_outcome_dialog import DecisionOutcomeDialog
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.revalue_dialog import RevalueDialog
from wulong_desk.ui.terminate_dialog import TerminateDialog

# the presign demo made as if 40 days ago: its presign period ended 54 days before today, so
# every later step (decision, publicity, import) lies in the past, whatever today's calendar
BACK = timedelta(days=40)


@pytest.fixture
def town(qtbot, tmp_path, qapp, no_blocking_boxes, file_dialogs):
    register_fonts(qapp)
    store = open_store(tmp_path / "town.sqlite", "赵科长")
    today = date.today() - BACK
    project_id = create_demo(store, stage="presign", today=today)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.select_project(project_id)
    window.show()
    qtbot.waitExposed(window)
    window.wait_for_totals()
    yield window, store, project_id
    assert not [box for box in no_blocking_boxes if "内部错误" in box], no_blocking_boxes
    store.close()


def project_of(store, project_id) -> Project:
    with store.read() as session:
        project = session.get(Project, project_id)
        session.expunge(project)
        return project


def statuses(store, project_id) -> dict[str, int]:
    with store.read() as session:
        found: dict[str, int] = {}
        for status in session.execute(select(Case.status).where(
                Case.project_id == project_id)).scalars():
            found[status] = found.get(status, 0) + 1
        return found


def type_date(qtbot, field, day: date) -> None:
    focus(qtbot, field.edit)
    field.edit.selectAll()
    type_text(day.isoformat())


def type_line(qtbot, edit, text: str) -> None:
    focus(qtbot, edit)
    edit.selectAll()
    type_text(text)


def finished(dialog) -> str:
    assert dialog.job is not None
    outcome = dialog.job.wait()
    QApplication.processEvents()
    return outcome


def test_terminate_refused_then_decide_from_the_procedure_menu(qtbot, town, no_blocking_boxes):
    window, store, project_id = town
    project = project_of(store, project_id)
    end = project.presign_end

    def terminate(dialog: TerminateDialog) -> None:
        type_date(qtbot, dialog.on, end + timedelta(days=1))
        type_line(qtbot, dialog.number, "武隆府〔演示〕终1号")
        type_line(qtbot, dialog.reason, "预签比例未达到")
        no_blocking_boxes.answer = QMessageBox.StandardButton.Yes
        click(button(dialog, "终止项目"))
        assert finished(dialog) == "failed"   # 34 of 36 presigned: the share was reached
        assert "预签比例已达到" in dialog.output.toPlainText()
        click(button(dialog, "关闭"))

    answered = Answer(TerminateDialog, terminate)
    trigger(window, "程序", "终止项目…")
    assert answered.answered
    assert project_of(store, project_id).decision_state == "planned"

    made = end + timedelta(days=1)

    def decide(dialog: DecideDialog) -> None:
        assert "预签 34 户，征收范围总户数 36 户" in dialog.intro.text()
        type_date(qtbot, dialog.made_on, made)
        type_date(qtbot, dialog.announced_on, made + timedelta(days=2))
        type_line(qtbot, dialog.number, "武隆府征〔演示〕1号")
        click(button(dialog, "记录征收决定"))
        assert finished(dialog) == "succeeded"
        assert "已记录作出征收决定" in dialog.output.toPlainText()
        # the header no longer says the decision is planned
        assert dialog.intro.text().startswith("已记录作出征收决定")
        assert "尚未作出" not in dialog.intro.text()
        assert not button(dialog, "记录征收决定").isEnabled()
        click(button(dialog, "关闭"))

    answered = Answer(DecideDialog, decide)
    trigger(window, "程序", "作出征收决定…")
    assert answered.answered
    decided = project_of(store, project_id)
    assert (decided.decision_state, decided.decision_made_on, decided.announced_on,
            decided.decision_no) == ("decided", made, made + timedelta(days=2),
                                     "武隆府征〔演示〕1号")


def test_import_convert_decide_and_the_case_window(qtbot, town, file_dialogs, tmp_path):
    window, store, project_id = town
    project = project_of(store, project_id)
    made = project.presign_end + timedelta(days=1)
    decide_project(store, project_id, made, made, "武隆府征〔演示〕1号")
    set_step(store, project_id, "appraisal_publicity", made + timedelta(days=1), None)
    sheet = tmp_path / "正式评估结果.xlsx"
    file_dialogs.answer("写出正式评估结果表", sheet)

    def appraisal(dialog: AppraisalDialog) -> None:
        click(button(dialog, "写出模板"))
        assert finished(dialog) == "succeeded" and sheet.exists()
        workbook = load_workbook(sheet)
        rows = workbook["正式评估结果"]
        with store.read() as session:
            prices = {(case.case_no, part.position + 1): part.unit_price
                      for case in session.execute(select(Case).where(
                          Case.project_id == project_id)).scalars() for part in case.parts}
        for row in rows.iter_rows(min_row=2):
            # the formal report corrects every price upward by 100 yuan (and prices the one
            # household the preliminary appraisal had not reached)
            price = prices[(row[0].value, row[2].value)] or Decimal(4900)
            row[5].value = f"{price + 100:f}"
            row[6].value = 0
            row[7].value = (made + timedelta(days=3)).isoformat()
        workbook.save(sheet)
        assert dialog.file.text() == str(sheet)
        click(button(dialog, "试导入"))
        assert finished(dialog) == "succeeded"
        assert "试导入（未写入）" in dialog.output.toPlainText()
        click(button(dialog, "导入"))
        assert finished(dialog) == "succeeded"
        assert "已导入" in dialog.output.toPlainText()
        click(button(dialog, "关闭"))

    answered = Answer(AppraisalDialog, appraisal)
    trigger(window, "程序", "导入正式评估结果…")
    assert answered.answered

    def convert(dialog: ConvertDialog) -> None:
        assert finished(dialog) == "succeeded"     # the presigns counted on a worker thread
        assert "其中 34 户已有正式评估结果" in dialog.intro.text()
        click(button(dialog, "转为补偿协议"))
        assert finished(dialog) == "succeeded"
        assert "已转为补偿协议 34 户" in dialog.output.toPlainText()
        click(button(dialog, "关闭"))

    answered = Answer(ConvertDialog, convert)
    trigger(window, "程序", "转为补偿协议…")
    assert answered.answered
    assert statuses(store, project_id).get("signed") == 34

    # the household that never signed, its owner unclear: the district's 补偿决定 at once
    window.apply_filter()
    reviewed = next(row for row in window.model.rows if row.status == "reviewed")
    window.table.setFocus()
    window.table.selectRow(window.model.rows.index(reviewed))
    QApplication.processEvents()

    def decide_case(dialog: CaseDecisionDialog) -> None:
        type_line(qtbot, dialog.number, "武隆府征补决〔演示〕1号")
        dialog.ground.setCurrentIndex(dialog.ground.findData("owner_unclear"))
        type_date(qtbot, dialog.made_on, date.today())
        type_date(qtbot, dialog.served_on, date.today())
        type_date(qtbot, dialog.move_by, date.today() + timedelta(days=30))
        click(button(dialog, "作出补偿决定"))
        assert finished(dialog) == "succeeded"
        click(button(dialog, "关闭"))

    answered = Answer(CaseDecisionDialog, decide_case)
    trigger(window, "程序", "所选案卷：补偿决定…")
    assert answered.answered
    assert statuses(store, project_id).get("decided") == 1

    # the case window: the decision shown, its 决定结果… pressed (a 复议 applied for)
    editor = window.open_case(reviewed.id)
    assert "补偿决定 武隆府征补决〔演示〕1号" in editor.pathLabel.text()
    outcome = next(b for b in editor.path_buttons if b.objectName() == "outcomeButton")

    def appeal(dialog: DecisionOutcomeDialog) -> None:
        dialog.what.setCurrentIndex(dialog.what.findData("review_filed"))
        type_date(qtbot, dialog.on, date.today())
        click(button(dialog, "登记"))
        assert finished(dialog) == "succeeded"
        click(button(dialog, "关闭"))

    answered = Answer(DecisionOutcomeDialog, appeal)
    click(outcome)
    assert answered.answered
    assert "行政复议尚未结束" in editor.pathLabel.text()
    editor.close()

    # a converted case's 重新估价… after a 复核 (办法第五十四条)
    with store.read() as session:
        converted = session.execute(select(Case).where(
            Case.project_id == project_id, Case.status == "signed").order_by(Case.case_no)
        ).scalars().first()
        converted_id = converted.id
        price, total = converted.parts[0].unit_price, converted.result.total_cents
    editor = window.open_case(converted_id)
    revalue = next(b for b in editor.path_buttons if b.objectName() == "revalueButton")
    assert revalue.isVisible()

    def correct(dialog: RevalueDialog) -> None:
        from PySide6.QtCore import Qt

        # only the new price and decoration are typed: the part's number, use, area and the
        # values as they stand cannot be edited (a changed 部位序号 could not be read back)
        editable = [bool(dialog.table.item(0, c).flags() & Qt.ItemFlag.ItemIsEditable)
                    for c in range(dialog.table.columnCount())]
        assert editable == [False, False, False, False, True, False, True]
        dialog.kind.setCurrentIndex(dialog.kind.findData("review"))
        type_date(qtbot, dialog.served_on, date.today())
        dialog.table.item(0, 4).setText(f"{price + 50:f}")
        click(button(dialog, "记录重新估价"))
        assert finished(dialog) == "succeeded"
        assert "已按修改后的评估报告重新估价" in dialog.output.toPlainText()
        click(button(dialog, "关闭"))

    answered = Answer(RevalueDialog, correct)
    click(revalue)
    assert answered.answered
    with store.read() as session:
        again = session.get(Case, converted_id)
        assert again.parts[0].unit_price == price + Decimal(50)
        assert again.result.total_cents > total
    editor.close()


def test_convert_counts_the_presigns_once_off_the_gui_thread(qtbot, town, monkeypatch):
    """转为补偿协议… opens at once: what it may do is read by one service call on a worker
    thread (the dialog says 正在统计…, its button greyed, until the answer is in)."""
    from wulong_desk.ui import convert_dialog

    window, store, project_id = town
    project = project_of(store, project_id)
    made = project.presign_end + timedelta(days=1)
    decide_project(store, project_id, made, made, "武隆府征〔演示〕1号")
    window.apply_filter()
    presigned = next(row for row in window.model.rows if row.status == "presigned")
    window.table.setFocus()
    window.table.selectRow(window.model.rows.index(presigned))
    QApplication.processEvents()
    release = threading.Event()
    calls: list[tuple[bool, int | None]] = []
    service = convert_dialog.presign_readiness

    def held(store, project_id, case_id=None):
        calls.append((threading.current_thread() is threading.main_thread(), case_id))
        assert release.wait(20)
        return service(store, project_id, case_id)

    monkeypatch.setattr(convert_dialog, "presign_readiness", held)

    def convert(dialog: ConvertDialog) -> None:
        assert dialog.intro.text().startswith("正在统计本项目的预签…")
        assert not button(dialog, "转为补偿协议").isEnabled()
        assert not dialog.only.isEnabled()
        release.set()
        assert finished(dialog) == "succeeded"
        # 34 presigns, none with its formal values yet
        assert dialog.intro.text().startswith("本项目有预签 34 户，其中 0 户已有正式评估结果")
        assert button(dialog, "转为补偿协议").isEnabled()
        assert dialog.only.isEnabled() and dialog.only.text() == \
            f"只转所选案卷 {presigned.case_no}"
        click(button(dialog, "关闭"))

    answered = Answer(ConvertDialog, convert)
    trigger(window, "程序", "转为补偿协议…")
    assert answered.answered
    assert calls == [(False, presigned.id)]


def test_one_step_of_the_decision_path_refreshes_the_dashboard_once(
        qtbot, town, monkeypatch):
    from wulong_desk.ui.dashboard import Dashboard

    window, store, project_id = town
    window.tabs.setCurrentIndex(1)                  # the dashboard on screen
    window.dashboard.wait()
    refreshed: list[int | None] = []
    monkeypatch.setattr(Dashboard, "refresh", lambda self: refreshed.append(self.project_id))
    made = project_of(store, project_id).presign_end + timedelta(days=1)

    def decide(dialog: DecideDialog) -> None:
        type_date(qtbot, dialog.made_on, made)
        type_date(qtbot, dialog.announced_on, made + timedelta(days=2))
        type_line(qtbot, dialog.number, "武隆府征〔演示〕1号")
        click(button(dialog, "记录征收决定"))
        assert finished(dialog) == "succeeded"
        click(button(dialog, "关闭"))

    answered = Answer(DecideDialog, decide)
    trigger(window, "程序", "作出征收决定…")
    assert answered.answered
    assert refreshed == [project_id]
