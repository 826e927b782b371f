"""The desktop app, driven like a clerk would: keyboard entry, live breakdown, save, search,
ID checks at the field, the lock on signed cases. pytest-qt, offscreen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pressing import Answer
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
)
from sqlalchemy import select
from store_helpers import project_form, walk_to

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Project
from wulong_desk.ui.case_editor import CaseEditor
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.project_dialog import ProjectDialog

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def store(tmp_path, qapp):
    register_fonts(qapp)
    s = open_store(tmp_path / "gui.sqlite", "界面测试")
    yield s
    s.close()


def type_text(text: str) -> None:
    """Type into whatever has the keyboard focus, one key at a time (CJK characters arrive as
    key events carrying their text, as an input method delivers them)."""
    for ch in text:
        target = QApplication.focusWidget()
        if ch.isascii():
            QTest.keyClicks(target, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                         ch))


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), key, modifier)
    QApplication.processEvents()


def focus(qtbot, widget) -> None:
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: widget.hasFocus() or widget.isAncestorOf(QApplication.focusWidget()))


def fill_row(qtbot, table, values: list[str]) -> None:
    """Ctrl+Enter adds a row; each value is typed, Enter moves to the next cell."""
    focus(qtbot, table)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    for value in values:
        if value:
            type_text(value)
        press(Qt.Key.Key_Return)


def test_create_a_project_in_the_dialog(qtbot, store):
    dialog = ProjectDialog(store)
    qtbot.addWidget(dialog)
    dialog.texts["name"].setText("芙蓉路片区")
    dialog.texts["decision_no"].setText("武隆征〔2023〕5号")
    qtbot.keyClicks(dialog.dates["announced_on"].edit, "2023/5/10")     # as people type dates
    qtbot.keyClicks(dialog.dates["signing_deadline"].edit, "20230710")
    zone = dialog.options["zone"]
    zone.setCurrentIndex(zone.findData("outer"))
    extra = dialog.options["residential_extra_area"]
    assert extra.placeholderText() == "0–5"  # the range from the standard file
    assert "标准第5项" in extra.toolTip()
    dialog.options["maintenance_fund_rate"].setText("40")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    created = projects.list_projects(store)
    assert created[0]["name"] == "芙蓉路片区"
    assert created[0]["zone"] == "outer" and created[0]["maintenance_fund_rate"] == "40"


def _new_project_dialog(qtbot, store) -> ProjectDialog:
    dialog = ProjectDialog(store)
    qtbot.addWidget(dialog)
    dialog.texts["name"].setText("芙蓉路片区")
    qtbot.keyClicks(dialog.dates["announced_on"].edit, "2023-05-10")
    dialog.show()
    focus(qtbot, dialog.dates["signing_deadline"])
    type_text("2023年7月10日")                # (CJK arrives as an input method sends it)
    return dialog


def test_a_rate_typed_in_the_project_dialog_is_stored_exactly_as_typed(qtbot, store):
    """0.035 has no exact float: through a spin box's float it came back as 0.04 (two places)
    or 0.035000000000000003; the stored figure is the Decimal the clerk typed."""
    dialog = _new_project_dialog(qtbot, store)
    rate = dialog.options["nonresidential_guide_rate"]
    assert rate.text() == "0.05"  # the standard file's default (标准第5项)
    rate.clear()
    qtbot.keyClicks(rate, "0.035")
    equipment = dialog.options["equipment_rate"]
    equipment.clear()
    equipment.insert("０．１２５")  # full-width, as an input method delivers it
    threshold = dialog.threshold
    threshold.clear()
    qtbot.keyClicks(threshold, "0.925")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with store.read() as session:
        project = session.execute(select(Project)).scalar_one()
        stored = (project.nonresidential_guide_rate, project.equipment_rate,
                  project.presign_threshold)
    assert stored == (Decimal("0.035"), Decimal("0.125"), Decimal("0.925"))
    assert [f"{value:f}" for value in stored] == ["0.035", "0.125", "0.925"]


def test_a_rate_outside_the_standard_range_is_refused_naming_the_field(qtbot, store,
                                                                       no_blocking_boxes):
    dialog = _new_project_dialog(qtbot, store)
    dialog.options["equipment_rate"].setText("0.25")  # 标准第4项: 0.10–0.20
    dialog.threshold.setText("0.85")  # 办法第二十三条: not below 0.90
    dialog.options["manufacturing_uplift"].setText("")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert projects.list_projects(store) == []
    shown = "\n".join(no_blocking_boxes)
    # each field named by the label the form shows it under
    assert "「可搬迁设备补助比例」：不能大于 0.20" in shown
    assert "「预签生效比例」：不能小于 0.90（办法第二十三条" in shown
    assert "「生产制造停产停业上浮」：应为数字，收到空白" in shown


def test_dates_left_blank_are_refused_not_taken_as_today(qtbot, store, no_blocking_boxes):
    dialog = ProjectDialog(store)
    qtbot.addWidget(dialog)
    dialog.texts["name"].setText("芙蓉路片区")
    # blank until typed: the hint is the box's placeholder, never part of its value
    assert dialog.dates["announced_on"].text() == ""
    assert dialog.dates["announced_on"].edit.placeholderText() == "如 2026-12-01"
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert projects.list_projects(store) == []
    shown = "\n".join(no_blocking_boxes)
    assert "征收决定公告日" in shown and "签约期限" in shown


def test_enter_example_2_by_keyboard_save_reopen_and_find(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    editor = window.new_case()
    assert editor is not None
    qtbot.waitExposed(editor)
    ui = editor.ui
    focus(qtbot, ui.caseNoEdit)
    type_text("A-001")
    press(Qt.Key.Key_Tab)
    focus(qtbot, ui.addressEdit)
    type_text("武隆区巷口街8号")
    focus(qtbot, ui.methodCombo)
    type_text("2")
    assert ui.methodCombo.currentData() == "exchange"
    press(Qt.Key.Key_Tab)                      # 补偿方式 → 签约日期 (blank until typed)
    assert ui.signedDate.isAncestorOf(QApplication.focusWidget())
    type_text("20230630")
    press(Qt.Key.Key_Tab)                      # leaving it shows what was read
    assert ui.signedDate.text() == "2023-06-30"
    assert QApplication.focusWidget() is editor.presignCheck   # Tab moved on: 预签协议 (left
    press(Qt.Key.Key_Tab)                                      # unticked), then 搬迁日期
    assert editor.movedDate.isAncestorOf(QApplication.focusWidget())
    assert editor.movedDate.text() == ""
    for check in (ui.movedOnTimeCheck, ui.minHousingCheck):
        focus(qtbot, check)
        press(Qt.Key.Key_Space)
    fill_row(qtbot, ui.ownersTable, ["", "李四", "11010519491231002X", "13912345678"])
    fill_row(qtbot, ui.partsTable, ["", "36.00", "33.00", "4000", "6000", "1", "1"])
    focus(qtbot, ui.transitionSpin)
    press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text("18")
    fill_row(qtbot, ui.housesTable, ["安置小区1栋101", "60.00", "50.00", "4500"])
    qtbot.waitUntil(lambda: editor.panel.settlement["net_payable"].text() == "-23,746.00",
                    timeout=3000)
    assert editor.panel.totals["total"].text() == "235,004.00"
    assert editor.panel.settlement_box.isVisible()

    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    assert editor.case_id is not None and not editor.dirty()
    with store.read() as session:
        record = stored_breakdown(cases.get_case(session, editor.case_id))
    assert record["settlement"]["net_payable"] == "-23746.00"
    editor.close()

    focus(qtbot, window.search)
    type_text("李四")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    qtbot.waitUntil(lambda: "显示 1 户" in window.totals_label.text(), timeout=3000)
    assert window.model.data(window.model.index(0, 1)) == "李四"
    assert "235,004.00" in window.totals_label.text()
    window.table.selectRow(0)
    reopened = window.open_case(window.model.case_id(0))
    qtbot.waitExposed(reopened)
    assert reopened.ui.caseNoEdit.text() == "A-001"
    assert reopened.panel.settlement["net_payable"].text() == "-23,746.00"
    reopened.close()
    assert project_id == window.project_id()


def test_wrong_id_check_digit_is_shown_at_the_field(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    editor = CaseEditor(store, project_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    fill_row(qtbot, editor.ui.ownersTable, ["", "王五", "110105194912310021"])
    editor.refresh()
    cell = editor.ui.ownersTable.item(0, 2)
    assert "校验位" in cell.toolTip()
    assert cell.background().color().name() == "#ffd6d6"
    messages = [editor.panel.messages.item(i).text()
                for i in range(editor.panel.messages.count())]
    assert any("身份证号" in m and "校验位" in m for m in messages)
    # the right check digit clears it
    editor.ui.ownersTable.item(0, 2).setText("11010519491231002X")
    editor.refresh()
    assert editor.ui.ownersTable.item(0, 2).toolTip() == ""


def test_signed_case_refuses_an_edit_until_unlocked(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    from store_helpers import case_form

    saved = cases.save_case(store, project_id, case_form(2))
    walk_to(store, saved.case_id, "signed")
    editor = CaseEditor(store, project_id, saved.case_id)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.locked
    assert "已锁定" in editor.ui.lockLabel.text()
    assert editor.ui.partsTable.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not editor.ui.methodCombo.isEnabled()
    assert editor.ui.unlockButton.isVisible()
    assert not editor.unlock_with("")  # a reason is required
    assert editor.unlock_with("评估单价更正")
    assert not editor.locked
    assert editor.ui.methodCombo.isEnabled()
    editor.ui.partsTable.item(0, 3).setText("4100")
    editor.refresh()
    assert editor.save()
    with store.read() as session:
        case = cases.get_case(session, saved.case_id)
        assert case.parts[0].unit_price == Decimal("4100")
    assert any(e.action == "unlock" and e.reason == "评估单价更正"
               for e in cases.history(store, saved.case_id))


def test_unsaved_changes_are_not_lost_silently(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    project_id = projects.create_project(store, project_form(2))
    editor = CaseEditor(store, project_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.ui.caseNoEdit.setText("X-1")
    assert editor.dirty()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Cancel))
    editor.close()
    assert editor.isVisible()  # cancelled: still open, still there
    editor.revert()
    assert not editor.dirty()
    assert editor.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save) is not None


def test_first_start_offers_demo_data_in_its_own_database(qtbot, store, isolated_home):
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert window.project_combo.count() == 0
    demo = window.open_demo()
    assert demo is not None and demo.store.path == isolated_home / "演示数据.sqlite"
    assert demo.project_combo.count() == 1
    demo.wait_for_totals()
    assert demo.model.total_count == 36
    assert "显示 36 户" in demo.totals_label.text()
    # the user's own database was not touched (finding 9)
    assert projects.list_projects(store) == []
    assert window.project_combo.count() == 0
    assert window.open_demo() is demo    # opened once, brought forward after
    demo.close()


def test_a_closed_case_opens_again(qtbot, store):
    create_demo(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    case_id = window.model.case_id(0)
    editor = window.open_case(case_id)
    editor.close()
    assert not editor.isVisible()
    again = window.open_case(case_id)
    assert again is not editor and again.isVisible()     # not the hidden one raised (finding 7)
    again.close()


def test_deleting_and_voiding_from_the_case_list(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    project_id = projects.create_project(store, project_form(2))
    from store_helpers import case_form

    first = cases.save_case(store, project_id, case_form(2, case_no="A-001")).case_id
    cases.save_case(store, project_id, case_form(2, case_no="A-002"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert window.project_combo.currentText().endswith("（2户）")
    window.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    window.remove_selected()
    assert window.model.rowCount() == 1
    assert window.project_combo.currentText().endswith("（1户）")   # the count stays current
    second = window.model.case_id(0)
    walk_to(store, second, "signed")
    window.apply_filter()
    window.table.selectRow(0)
    answered = Answer(QInputDialog, lambda dialog: (dialog.setTextValue("协议解除，另行重签"),
                                                   dialog.accept()))
    window.remove_selected()
    assert answered.answered
    with store.read() as session:
        assert cases.get_case(session, second).status == "void"
    assert window.model.rows[0].status == "void"
    assert window.model.data(window.model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert any(e.action == "remove" for e in cases.history(store, first))


def test_status_filter_and_sorting(qtbot, store):
    create_demo(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.status_filter.setCurrentIndex(window.status_filter.findData("signed"))
    assert window.model.rowCount() > 0
    assert {r.status for r in window.model.rows} == {"signed"}
    window.model.sort(6, Qt.SortOrder.DescendingOrder)
    totals = [r.total for r in window.model.rows if r.total is not None]
    assert totals == sorted(totals, reverse=True)


def test_the_editor_asks_why_a_stage_is_skipped_and_records_the_move_out(qtbot, store):
    from store_helpers import case_form

    project_id = projects.create_project(store, project_form(2))
    case_id = cases.save_case(store, project_id, case_form(2)).case_id
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.ui.statusCombo.setCurrentIndex(editor.ui.statusCombo.findData("reviewed"))
    asked = []
    editor.ask_reason = lambda title, prompt: asked.append(prompt) or None
    assert not editor.save()                      # no reason given: nothing saved
    assert asked and "已审核" in asked[0]
    editor.ask_reason = lambda title, prompt: "评估审核已在线下完成"
    assert editor.save()
    assert [e.reason for e in cases.history(store, case_id) if e.action == "status"] == \
        ["评估审核已在线下完成"]
    walk_to(store, case_id, "signed")
    editor.load()
    assert editor.locked and editor.movedDate.isEnabled()
    editor.ui.statusCombo.setCurrentIndex(editor.ui.statusCombo.findData("moved"))
    focus(qtbot, editor.movedDate)
    type_text("2023.7.20")
    assert editor.save()
    with store.read() as session:
        case = cases.get_case(session, case_id)
        assert case.status == "moved" and case.moved_on.isoformat() == "2023-07-20"
    editor.close()


def test_an_impossible_typed_date_is_named_not_changed(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    editor = CaseEditor(store, project_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    ui = editor.ui
    focus(qtbot, ui.signedDate)
    type_text("20230230")
    press(Qt.Key.Key_Tab)
    assert ui.signedDate.text() == "20230230"               # kept as typed, never a guess
    assert "不是真实存在的日期" in ui.signedDate.toolTip()     # the field is marked
    assert editor.form()["case"]["signed_on"] == "20230230"
    editor.refresh()
    assert any(p.path == "case.signed_on" for p in editor.last_preview.problems)
    assert not editor.save()                                # refused at the field
    focus(qtbot, ui.signedDate)
    press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text("20230630")
    assert editor.form()["case"]["signed_on"] == "2023-06-30"
