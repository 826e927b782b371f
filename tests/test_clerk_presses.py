"""Every action pressed like a clerk presses it, on a 1366×768 screen (tests/conftest.py):
each menu entry (QAction.trigger()), each toolbar button (a mouse click), each shortcut (its
key sequence) and each button of the dialogs they open (mouse clicks), with the file dialogs
answered by the `file_dialogs` fixture. None may end in an internal error; each must do what
it says. `PRESSED` lists the menu entries and which test presses each; a menu entry added
without a test here fails test_every_menu_entry_is_pressed_by_this_suite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pressing import (
    Answer,
    box_button,
    button,
    click,
    keys,
    menu_action,
    menu_entries,
    toolbar_click,
    trigger,
)
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from sheet_helpers import housing_sheet, survey_sheet
from sqlalchemy import func, select
from test_gui import fill_row, focus, type_text
from test_survey import GOOD

from wulong_desk.services.cases import changes as case_service
from wulong_desk.services.money import housing, payments
from wulong_desk.services.procedure.catalogue import STEPS
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, CaseDate, CaseResult, Project
from wulong_desk.ui.app import install_chinese_translation
from wulong_desk.ui.case_clocks_dialog import CaseClocksDialog
from wulong_desk.ui.data_dialog import DataDialog
from wulong_desk.ui.export_dialog import ExportDialog
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.history_dialog import HistoryDialog
from wulong_desk.ui.housing_dialog import HousingDialog
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.operator_dialog import OperatorDialog
from wulong_desk.ui.payments_dialog import PaymentsDialog
from wulong_desk.ui.procedure_dialog import ProcedureDialog
from wulong_desk.ui.project_dialog import ProjectDialog
from wulong_desk.ui.removed_dialog import RemovedDialog
from wulong_desk.ui.restore_dialog import RestoreDialog
from wulong_desk.ui.server_login_dialog import ServerLoginDialog

# every menu entry, and the test below that presses it
PRESSED = {
    ("文件", "导出…"): "test_export_and_preview",
    ("文件", "预览协议"): "test_export_and_preview",
    ("文件", "导入调查登记表…"): "test_survey_import_from_the_file_menu",
    ("文件", "草稿…"): "test_a_case_kept_as_a_draft_comes_back_from_the_file_menu",
    ("文件", "更换操作人…"): "test_change_operator_and_quit",
    ("文件", "退出"): "test_change_operator_and_quit",
    ("项目", "新建项目…"): "test_new_project_and_project_settings",
    ("项目", "项目设置…"): "test_new_project_and_project_settings",
    ("案卷", "新建案卷"): "test_new_case_every_editor_button",
    ("案卷", "打开"): "test_open_delete_restore_void",
    ("案卷", "删除/作废…"): "test_open_delete_restore_void",
    ("案卷", "查找…"): "test_find_with_full_width_digits",
    ("数据", "立即备份"): "test_backups_and_restore",
    ("数据", "备份到…"): "test_backups_and_restore",
    ("数据", "从备份恢复…"): "test_backups_and_restore",
    ("数据", "已删除的案卷…"): "test_open_delete_restore_void",
    ("数据", "待确认的更正…"):
        "test_proposals.py::test_the_window_s_menu_lists_accepts_and_refuses",
    ("数据", "按新规则重算…"): "test_recalc_and_data_dialog",
    ("数据", "数据与标准…"): "test_recalc_and_data_dialog",
    ("数据", "连接办公室服务器…"): "test_office_server_entries_ask_for_the_login",
    ("数据", "与办公室同步"): "test_office_server_entries_ask_for_the_login",
    ("程序", "程序时限与征求意见…"): "test_timeline_dialog_buttons",
    ("程序", "所选案卷：付款与收款…"): "test_payments_and_clocks_dialog_buttons",
    ("程序", "所选案卷：时限与材料…"): "test_payments_and_clocks_dialog_buttons",
    ("程序", "安置房源…"): "test_housing_import_from_its_button",
    ("程序", "导出资金拨付台账…"): "test_payments_ledger_from_the_menu",
    # the decision path (issue 27), pressed beside its own tests
    ("程序", "作出征收决定…"):
        "test_decision_path_gui.py::test_terminate_refused_then_decide_from_the_procedure_menu",
    ("程序", "终止项目…"):
        "test_decision_path_gui.py::test_terminate_refused_then_decide_from_the_procedure_menu",
    ("程序", "导入正式评估结果…"):
        "test_decision_path_gui.py::test_import_convert_decide_and_the_case_window",
    ("程序", "转为补偿协议…"):
        "test_decision_path_gui.py::test_import_convert_decide_and_the_case_window",
    ("程序", "所选案卷：补偿决定…"):
        "test_decision_path_gui.py::test_import_convert_decide_and_the_case_window",
}


@pytest.fixture
def opened(monkeypatch):
    """Folders and files handed to the system (打开文件夹, 打开文件): recorded, not opened."""
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: urls.append(url.toLocalFile()) or True))
    return urls


@pytest.fixture
def boxes(no_blocking_boxes):
    """The message boxes shown, as "title: text" (tests/conftest.py)."""
    return no_blocking_boxes


@pytest.fixture
def office(qtbot, tmp_path, qapp, no_blocking_boxes, file_dialogs, opened):
    """The demo project (36 households) in the main window, on a file, the window shown."""
    register_fonts(qapp)
    install_chinese_translation(qapp)   # Qt's own buttons (确定, 取消, 关闭) as a clerk sees them
    store = open_store(tmp_path / "office.sqlite", "王科员")
    project_id = create_demo(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.select_project(project_id)
    window.show()
    qtbot.waitExposed(window)
    window.wait_for_totals()
    yield window, store, project_id
    # whatever was pressed, no internal error reached the clerk
    assert not [box for box in no_blocking_boxes if "内部错误" in box], no_blocking_boxes
    for editor in list(window.editors):
        editor.discard_draft()
    store.close()


def first(store, project_id, **where) -> Case:
    with store.read() as session:
        query = select(Case).join(CaseResult).where(Case.project_id == project_id,
                                                     CaseResult.ok.is_(True))
        for key, value in where.items():
            query = query.where(getattr(Case, key) == value)
        found = session.execute(query.order_by(Case.case_no)).scalars().first()
        session.expunge(found)
        return found


def select_case(window: MainWindow, number: str) -> None:
    row = next(r for r, entry in enumerate(window.model.rows) if entry.case_no == number)
    window.table.setFocus()
    window.table.selectRow(row)
    QApplication.processEvents()


def count_cases(store) -> int:
    with store.read() as session:
        return session.execute(select(func.count(Case.id))).scalar_one()


def type_into_cell(qtbot, table, row: int, column: int, text: str) -> None:
    """Go to the cell, F2 to edit it, type, Enter: as a clerk fills a table's cell."""
    table.setFocus()
    table.setCurrentCell(row, column)
    if not isinstance(QApplication.focusWidget(), QLineEdit):
        QTest.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    type_text(text)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    # (the view takes the editor's text once the key has been handled)
    qtbot.waitUntil(lambda: not isinstance(QApplication.focusWidget(), QLineEdit))


def closes(dialog: QDialog, text: str = "关闭") -> None:
    click(box_button(dialog.findChild(QDialogButtonBox), text))


def test_every_menu_entry_is_pressed_by_this_suite(office):
    window, _store, _project = office
    assert set(menu_entries(window)) == set(PRESSED)
    names = {name for name in globals() if name.startswith("test_")}
    for module, name in (value.split("::") for value in PRESSED.values() if "::" in value):
        # a dialog pressed beside the tests of its own feature (tests/<module>)
        text = (Path(__file__).parent / module).read_text(encoding="utf-8")
        assert f"def {name}(" in text, (module, name)
    assert {value for value in PRESSED.values() if "::" not in value} <= names


def test_every_toolbar_action_has_a_menu_entry_and_a_shortcut(office):
    window, _store, _project = office
    in_menus = {menu_action(window, title, entry) for title, entry in menu_entries(window)}
    for action in (window.new_project_action, window.edit_project_action,
                   window.new_case_action, window.open_case_action,
                   window.remove_case_action, window.export_action, window.preview_action):
        assert action in in_menus, action.text()
        assert not action.shortcut().isEmpty(), action.text()
        assert action.shortcut().toString() in action.toolTip(), action.toolTip()


# ---- 文件 ------------------------------------------------------------------------------------

def test_export_and_preview(qtbot, office, file_dialogs, tmp_path, opened, boxes):
    window, store, project_id = office
    # 导出… on the toolbar: the dialog's 浏览… asks where, 导出 writes the ledger
    target = tmp_path / "台账.xlsx"
    file_dialogs.answer("保存表格", target)

    def export(dialog: ExportDialog) -> None:
        click(button(dialog, "浏览"))
        assert dialog.target_edit.text() == str(target)
        closes(dialog, "导出")

    answered = Answer(ExportDialog, export)
    toolbar_click(window, window.export_action)
    assert answered.answered
    assert window.exports.job.wait() == "succeeded"
    assert load_workbook(target).sheetnames
    qtbot.waitUntil(lambda: window.exports.done_box.isVisible())
    click(button(window.exports.done_box, "打开文件"))
    assert opened == [str(target)]
    # Ctrl+E, then 取消: nothing is exported (the file is suggested where the last one went)
    suggested: list[Path] = []
    cancelled = Answer(ExportDialog, lambda d: (suggested.append(Path(d.target_edit.text())),
                                                closes(d, "取消")))
    keys(window, "Ctrl+E")
    assert cancelled.answered and suggested[-1].parent == tmp_path
    # the case list's right-click entries open the dialog for that document
    select_case(window, first(store, project_id, status="signed").case_no)
    kinds = []
    for action in window.table.actions():
        answered = Answer(ExportDialog, lambda d: (kinds.append(d.kind()), closes(d, "取消")))
        action.trigger()
    assert kinds == ["agreement", "presign", "settlement"]

    # 预览协议 (Ctrl+P) on the selected case: 另存为…, 打印… and 关闭
    keys(window, "Ctrl+P")
    preview = window.exports.previews[-1]
    assert preview.job.wait() == "succeeded"
    qtbot.waitUntil(preview.save_button.isEnabled)
    (tmp_path / "文书").mkdir()
    saved = tmp_path / "文书" / "预览.pdf"
    file_dialogs.answer("保存 PDF", saved)
    click(preview.save_button)
    assert saved.read_bytes() == preview.data
    assert Path(file_dialogs.started["保存 PDF"]).parent == tmp_path   # the last folder used
    printed = Answer(QDialog, lambda d: d.reject())   # the system's print dialog: 取消
    click(preview.print_button)
    assert printed.answered
    click(button(preview, "关闭"))
    assert not preview.isVisible()
    # 文件 → 预览协议 with nothing selected says so
    window.table.clearSelection()
    window.table.setCurrentIndex(window.model.index(-1, -1))
    trigger(window, "文件", "预览协议")
    assert "请先在案卷表中选中一户" in boxes[-1]
    # the next export is suggested in the folder the PDF was saved to
    cancelled = Answer(ExportDialog, lambda d: (suggested.append(Path(d.target_edit.text())),
                                                closes(d, "取消")))
    keys(window, "Ctrl+E")
    assert cancelled.answered and suggested[-1].parent == saved.parent


def test_survey_import_from_the_file_menu(qtbot, office, file_dialogs, tmp_path, boxes):
    window, store, _project = office
    before = count_cases(store)
    households = len({row[0] for row in GOOD})
    (tmp_path / "调查").mkdir()
    sheet = survey_sheet(tmp_path / "调查", GOOD)
    file_dialogs.answer("导入调查登记表", sheet)
    trigger(window, "文件", "导入调查登记表…")
    qtbot.waitUntil(lambda: any(b.startswith("导入完成") for b in boxes), timeout=10000)
    assert count_cases(store) == before + households
    # cancelled in the file dialog: nothing happens
    trigger(window, "文件", "导入调查登记表…")
    assert file_dialogs.asked[-1] == ("open", "导入调查登记表")
    assert Path(file_dialogs.started["导入调查登记表"]) == sheet.parent   # where it was read
    assert count_cases(store) == before + households


def test_change_operator_and_quit(qtbot, office):
    window, store, _project = office

    def rename(dialog: OperatorDialog) -> None:
        dialog.name_edit.setFocus()
        dialog.name_edit.selectAll()
        QTest.keyClicks(dialog.name_edit, "Li")
        closes(dialog, "确定")

    answered = Answer(OperatorDialog, rename)
    trigger(window, "文件", "更换操作人…")
    assert answered.answered and store.operator == "Li" and "Li" in window.windowTitle()
    trigger(window, "文件", "退出")
    assert not window.isVisible()


# ---- 项目 ------------------------------------------------------------------------------------

def test_new_project_and_project_settings(qtbot, office, boxes):
    window, store, project_id = office
    count = window.project_combo.count()

    def fill(dialog: ProjectDialog) -> None:
        focus(qtbot, dialog.texts["name"])
        type_text("江口片区")
        focus(qtbot, dialog.dates["announced_on"])
        type_text("2026年3月2日")
        focus(qtbot, dialog.dates["signing_deadline"])
        type_text("2026/6/30")
        focus(qtbot, dialog.dates["move_deadline"])
        type_text("2026.5.31")     # before the signing deadline: refused, the rule named
        click(box_button(dialog.buttons, "保存"))
        assert "「搬迁期限」" in boxes[-1] and "签约期限届满日 ≤ 搬迁期限" in boxes[-1]
        focus(qtbot, dialog.dates["move_deadline"])
        dialog.dates["move_deadline"].edit.selectAll()
        type_text("20260930")
        click(box_button(dialog.buttons, "保存"))

    answered = Answer(ProjectDialog, fill)
    toolbar_click(window, window.new_project_action)
    assert answered.answered
    assert window.project_combo.count() == count + 1
    with store.read() as session:
        made = session.execute(select(Project).where(Project.name == "江口片区")).scalar_one()
        assert (made.announced_on, made.signing_deadline, made.move_deadline) == (
            date(2026, 3, 2), date(2026, 6, 30), date(2026, 9, 30))
    # Ctrl+Shift+N and 取消: nothing made
    cancelled = Answer(ProjectDialog, lambda d: click(box_button(d.buttons, "取消")))
    keys(window, "Ctrl+Shift+N")
    assert cancelled.answered and window.project_combo.count() == count + 1

    # 项目 → 项目设置… on the demo project: a new 实施单位 saved (on a worker thread); the
    # decision's number, recorded by 作出征收决定, is not a setting any more (issue 27)
    window.select_project(project_id)

    def settings(dialog: ProjectDialog) -> None:
        assert not dialog.texts["decision_no"].isEnabled()
        focus(qtbot, dialog.texts["implementer"])
        dialog.texts["implementer"].selectAll()
        type_text("芙蓉街道办事处征收组")
        click(box_button(dialog.buttons, "保存"))
        assert dialog.job is not None and dialog.job.wait() == "succeeded"

    answered = Answer(ProjectDialog, settings)
    trigger(window, "项目", "项目设置…")
    assert answered.answered
    with store.read() as session:
        assert session.get(Project, project_id).implementer == "芙蓉街道办事处征收组"
    opened = Answer(ProjectDialog, lambda d: click(box_button(d.buttons, "取消")))
    keys(window, "Ctrl+Shift+P")
    assert opened.answered


# ---- 案卷 ------------------------------------------------------------------------------------

def test_new_case_every_editor_button(qtbot, office, boxes):
    window, _store, _project = office
    keys(window, "Ctrl+N")
    editor = window.editors[-1]
    qtbot.waitExposed(editor)
    ui = editor.ui
    focus(qtbot, ui.caseNoEdit)
    type_text("N-001")
    # 保存 with no 被征收人 and no house: refused, naming both, and the draft offered
    click(box_button(ui.buttonBox, "保存"))
    assert "「被征收人」：至少要有一位被征收人" in boxes[-1]
    assert "「房屋」：至少要有一处房屋" in boxes[-1] and "存为草稿" in boxes[-1]
    assert editor.case_id is None
    # 添加一行 / 删除选中行 on each table
    for add, remove, table in (
            (ui.addOwnerButton, ui.removeOwnerButton, ui.ownersTable),
            (ui.addPartButton, ui.removePartButton, ui.partsTable),
            (ui.addEquipmentButton, ui.removeEquipmentButton, ui.equipmentTable)):
        click(add)
        assert table.rowCount() == 1
        click(remove)
        assert table.rowCount() == 0
    ui.methodCombo.setCurrentIndex(ui.methodCombo.findData("exchange"))
    click(ui.addHouseButton)
    assert ui.housesTable.rowCount() == 1
    click(ui.removeHouseButton)
    assert ui.housesTable.rowCount() == 0
    ui.methodCombo.setCurrentIndex(ui.methodCombo.findData("money"))
    fill_row(qtbot, ui.ownersTable, ["", "周九", "11010519491231002X"])
    fill_row(qtbot, ui.partsTable, ["", "60", "52", "4200"])
    # a reusable machine with a 评估价值 typed: refused at the cell (it would be dropped)
    fill_row(qtbot, ui.equipmentTable, ["车床"])
    table = ui.equipmentTable
    table.item(0, 1).setCheckState(Qt.CheckState.Checked)
    table.item(0, 2).setText("8000")
    table.item(0, 4).setText("5000")
    click(box_button(ui.buttonBox, "保存"))
    assert "设施设备第1行「评估价值」：可搬迁的设备按折旧后净值补助" in boxes[-1]
    # Delete clears the cell, as in a spreadsheet
    table.setFocus()
    table.setCurrentCell(0, 4)
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert table.item(0, 4).text() == ""
    click(box_button(ui.buttonBox, "保存"))
    assert editor.case_id is not None and not editor.dirty()
    saved = editor.form()
    editor.load()
    assert editor.form() == saved            # nothing typed was dropped by the save
    # 撤销修改 undoes an edit; 修改记录… shows the history
    ui.remarksEdit.setText("临时")
    click(box_button(ui.buttonBox, "撤销修改"))
    assert ui.remarksEdit.text() == ""
    shown = Answer(HistoryDialog, closes)
    click(ui.historyButton)
    assert shown.answered
    # the three procedure buttons of a saved case
    for text, kind in (("付款", PaymentsDialog), ("时限与材料", CaseClocksDialog),
                       ("安置房源", HousingDialog)):
        answered = Answer(kind, lambda d: d.reject())
        click(button(editor, text))
        assert answered.answered, text
    click(box_button(ui.buttonBox, "关闭"))
    assert not editor.isVisible()


def test_a_case_kept_as_a_draft_comes_back_from_the_file_menu(qtbot, office, boxes):
    window, store, _project = office
    before = count_cases(store)
    toolbar_click(window, window.new_case_action)
    editor = window.editors[-1]
    qtbot.waitExposed(editor)
    focus(qtbot, editor.ui.caseNoEdit)
    type_text("D-001")
    fill_row(qtbot, editor.ui.ownersTable, ["", "吴十"])
    click(editor.draft_button)                 # 存为草稿: kept, not saved, the editor closed
    assert not editor.isVisible() and count_cases(store) == before
    trigger(window, "文件", "草稿…")
    again = window.editors[-1]
    assert again is not editor and again.ui.caseNoEdit.text() == "D-001"
    assert again.owners.rows()[0][0]["name"] == "吴十"
    qtbot.waitExposed(again)
    fill_row(qtbot, again.ui.partsTable, ["", "45", "40", "3900"])
    click(box_button(again.ui.buttonBox, "保存"))
    assert count_cases(store) == before + 1
    again.close()
    trigger(window, "文件", "草稿…")            # the draft is gone once saved
    assert boxes[-1] == "草稿: 没有未保存的草稿。"


def test_open_delete_restore_void(qtbot, office, boxes):
    window, store, project_id = office
    unsigned = first(store, project_id, status="surveyed")
    select_case(window, unsigned.case_no)
    keys(window, "Ctrl+O")                      # 打开
    editor = window.editors[-1]
    assert editor.case_id == unsigned.id
    editor.close()
    trigger(window, "案卷", "打开")
    assert window.editors[-1].case_id == unsigned.id
    window.editors[-1].close()
    # 删除: asked first, and the question says where to get it back
    boxes.answer = QMessageBox.StandardButton.Yes
    toolbar_click(window, window.remove_case_action)
    assert "数据 → 已删除的案卷…" in boxes[-1]
    with store.read() as session:
        assert session.get(Case, unsigned.id) is None
    # 数据 → 已删除的案卷…: 恢复所选案卷 brings it back as it was
    restored = []

    def restore(dialog: RemovedDialog) -> None:
        assert dialog.table.item(0, 2).text() == unsigned.case_no
        click(dialog.restore_button)
        restored.extend(dialog.restored)
        closes(dialog)

    answered = Answer(RemovedDialog, restore)
    trigger(window, "数据", "已删除的案卷…")
    assert answered.answered and len(restored) == 1
    with store.read() as session:
        assert session.get(Case, restored[0]).case_no == unsigned.case_no
    # 作废 a signed case (Ctrl+Del), with its reason typed into the question
    signed = first(store, project_id, status="signed")
    select_case(window, signed.case_no)

    def reason(dialog: QInputDialog) -> None:
        focus(qtbot, dialog.findChild(QLineEdit))
        type_text("协议解除，另行重签")
        closes(dialog, "确定")

    answered = Answer(QInputDialog, reason)
    keys(window.table, "Ctrl+Del")
    assert answered.answered
    with store.read() as session:
        assert session.get(Case, signed.id).status == "void"
    qtbot.waitUntil(lambda: "其中作废或不生效 1 户，不计入合计" in window.totals_label.text())


def test_a_too_short_void_reason_keeps_the_question_open_with_the_text(qtbot, office, boxes):
    """Ctrl+Del on a signed case, 「协议」 and 确定: the rule is said and the question stays, the
    text still in it; the clerk adds to it and 确定 voids the case."""
    window, store, project_id = office
    signed = first(store, project_id, status="signed")
    select_case(window, signed.case_no)
    seen = []

    def reason(dialog: QInputDialog) -> None:
        line = dialog.findChild(QLineEdit)
        focus(qtbot, line)
        type_text("协议")
        closes(dialog, "确定")
        assert boxes[-1] == "作废案卷: 「理由」：作废必须写明理由（至少4个字）"
        seen.append((dialog.isVisible(), line.text()))
        focus(qtbot, line)
        QTest.keyClick(line, Qt.Key.Key_End)
        type_text("解除，另行重签")
        closes(dialog, "确定")

    answered = Answer(QInputDialog, reason)
    keys(window.table, "Ctrl+Del")
    assert answered.answered
    assert seen == [(True, "协议")]
    with store.read() as session:
        case = session.get(Case, signed.id)
        assert (case.status, case.void_reason) == ("void", "协议解除，另行重签")


def test_find_with_full_width_digits(qtbot, office):
    window, _store, _project = office
    keys(window, "Ctrl+F")
    assert QApplication.focusWidget() is window.search
    type_text("ＦＲ－０００７")                  # as a Chinese input method types it
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.rows[0].case_no == "FR-0007"
    window.table.setFocus()
    trigger(window, "案卷", "查找…")
    assert QApplication.focusWidget() is window.search


# ---- 数据 ------------------------------------------------------------------------------------

def test_backups_and_restore(qtbot, office, file_dialogs, tmp_path, boxes):
    window, _store, _project = office
    trigger(window, "数据", "立即备份")
    qtbot.waitUntil(lambda: any(b.startswith("备份完成") for b in boxes), timeout=10000)
    assert "手动备份" in boxes[-1] and ".sqlite" not in boxes[-1]   # in words, no file name
    stick = tmp_path / "U盘"
    stick.mkdir()
    file_dialogs.answer("选择备份到的文件夹（如U盘）", stick)
    trigger(window, "数据", "备份到…")
    qtbot.waitUntil(lambda: bool(list(stick.glob("*.sqlite"))), timeout=10000)
    # 从备份恢复…: the list names each backup by date and kind; 恢复 puts it back
    boxes.answer = QMessageBox.StandardButton.Yes

    def restore(dialog: RestoreDialog) -> None:
        shown = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert shown and all("备份" in text for text in shown), shown
        assert not any(".sqlite" in text for text in shown), shown
        closes(dialog, "恢复")

    answered = Answer(RestoreDialog, restore)
    trigger(window, "数据", "从备份恢复…")
    assert answered.answered
    qtbot.waitUntil(lambda: any(b.startswith("恢复完成") for b in boxes), timeout=20000)
    assert window.store is not None and window.isEnabled()
    assert "恢复前的备份" in boxes[-1]
    # 选择其他备份文件…, answered with the copy on the stick; then 否 to the question
    boxes.answer = QMessageBox.StandardButton.No
    file_dialogs.answer("选择备份文件", next(stick.glob("*.sqlite")))
    other = Answer(RestoreDialog, lambda d: click(button(d, "选择其他备份文件")))
    trigger(window, "数据", "从备份恢复…")
    assert other.answered and "用这个备份替换当前数据库" in boxes[-1]
    # the file dialog opened in the folder backed up to last, never the program's own
    assert Path(file_dialogs.started["选择备份文件"]) == stick


def test_recalc_and_data_dialog(qtbot, office, opened, boxes):
    window, _store, _project = office
    trigger(window, "数据", "按新规则重算…")
    qtbot.waitUntil(lambda: getattr(window, "recalc_dialog", None) is not None, timeout=10000)
    dialog = window.recalc_dialog
    qtbot.waitExposed(dialog)
    click(dialog.apply_button)
    qtbot.waitUntil(lambda: any(b.startswith("重算完成") for b in boxes), timeout=20000)

    def look(dialog: DataDialog) -> None:
        for each in dialog.findChildren(QPushButton):
            if each.text().startswith("打开"):
                click(each)
        closes(dialog)

    answered = Answer(DataDialog, look)
    trigger(window, "数据", "数据与标准…")
    assert answered.answered and len(opened) >= 5


def test_office_server_entries_ask_for_the_login(qtbot, office):
    window, _store, _project = office
    for entry in ("连接办公室服务器…", "与办公室同步"):
        answered = Answer(ServerLoginDialog, lambda d: closes(d, "取消"))
        trigger(window, "数据", entry)
        assert answered.answered, entry
    assert window.store.server is None


# ---- 程序 ------------------------------------------------------------------------------------

def test_timeline_dialog_buttons(qtbot, office):
    window, _store, _project = office

    def work(dialog: ProcedureDialog) -> None:
        row = [s.code for s in STEPS].index("unregistered")
        type_into_cell(qtbot, dialog.steps, row, 1, "20260924")
        assert dialog.steps.item(row, 1).text() == "2026-09-24"   # read, and shown so
        consents = dialog.consents.rowCount()
        click(button(dialog, "添加一户"))
        assert dialog.consents.rowCount() == consents + 1
        dialog.consents.setCurrentCell(consents, 0)
        click(button(dialog, "删除所选"))
        assert dialog.consents.rowCount() == consents
        closes(dialog, "保存")
        assert dialog.steps.item(row, 4).text() == "2026-10-12"
        dialog.steps.setFocus()
        dialog.steps.setCurrentCell(row, 1)
        QTest.keyClick(dialog.steps, Qt.Key.Key_Delete)        # Delete clears the date
        assert dialog.steps.item(row, 1).text() == ""
        closes(dialog)

    answered = Answer(ProcedureDialog, work)
    keys(window, "Ctrl+Shift+T")
    assert answered.answered


def test_payments_and_clocks_dialog_buttons(qtbot, office):
    window, store, project_id = office
    signed = first(store, project_id, status="signed", method="money")
    select_case(window, signed.case_no)

    def pay(dialog: PaymentsDialog) -> None:
        # the agreement's terms and account are shown, never edited here (解锁更正 only)
        assert "付款期限：" in dialog.terms.text() and not dialog.findChildren(
            QLineEdit, "paymentTerm")
        dialog.amount.setFocus()
        QTest.keyClicks(dialog.amount, "1000")
        dialog.on.setFocus()
        QTest.keyClicks(dialog.on.edit, signed.signed_on.strftime("%Y%m%d"))
        dialog.voucher.setFocus()
        QTest.keyClicks(dialog.voucher, "P-1")
        click(dialog.record_button)
        assert dialog.table.rowCount() == 1
        assert dialog.on.day() == signed.signed_on         # kept for the next payment
        closes(dialog)

    answered = Answer(PaymentsDialog, pay)
    trigger(window, "程序", "所选案卷：付款与收款…")
    assert answered.answered
    with store.read() as session:
        assert payments.case_account(session, signed.id).paid == 1000

    def clocks(dialog: CaseClocksDialog) -> None:
        type_into_cell(qtbot, dialog.table, 0, 1, "2026/3/1")
        assert dialog.table.item(0, 1).text() == "2026-03-01"     # read, and shown so
        closes(dialog, "保存")
        closes(dialog)

    answered = Answer(CaseClocksDialog, clocks)
    keys(window, "Ctrl+Shift+K")
    assert answered.answered
    with store.read() as session:
        assert session.execute(select(CaseDate.on_date).where(
            CaseDate.case_id == signed.id)).scalars().all() == [date(2026, 3, 1)]


def test_housing_import_quotes_with_corner_brackets_and_takes_the_use_as_shown(
        qtbot, office, file_dialogs, tmp_path, boxes):
    """A refused cell quotes what it received with 「」; 用途 may be written as the app shows it
    (商业/办公 in the case editor, 商业/办公/业务用房 in the lists) or without the slashes."""
    window, store, project_id = office
    bad = housing_sheet(tmp_path, [["住宅", "9栋", "1", "101", "八十五", "70.00", "4000"],
                                   ["别墅", "9栋", "1", "102", "60.00", "52.00", "4000"]],
                        name="错.xlsx")
    good = housing_sheet(tmp_path, [["商业/办公", "9栋", "", "1", "80.00", "", "9000"],
                                    ["商业/办公/业务用房", "9栋", "", "2", "60.00", "", "9000"],
                                    ["商业办公", "9栋", "", "3", "50.00", "", "9000"]])

    def work(dialog: HousingDialog) -> None:
        file_dialogs.answer("导入房源表", bad)
        click(button(dialog, "导入房源表"))
        assert dialog.job is not None and dialog.job.wait() == "failed"
        qtbot.waitUntil(lambda: boxes and "未导入任何房源" in boxes[-1])
        assert "安置房源!E2（建筑面积）：应为数字（如 12 或 12.5），收到「八十五」" in boxes[-1]
        assert ("安置房源!A3（用途）：应为 住宅、商业/办公（或 商业办公）、生产用房 之一，"
                "收到「别墅」") in boxes[-1]
        assert "'" not in boxes[-1]
        file_dialogs.answer("导入房源表", good)
        click(button(dialog, "导入房源表"))
        assert dialog.job is not None and dialog.job.wait() == "succeeded"
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 3)
        assert {dialog.table.item(r, 1).text() for r in range(3)} == {"商业/办公/业务用房"}
        click(box_button(dialog.buttons, "关闭"))

    answered = Answer(HousingDialog, work)
    keys(window, "Ctrl+Shift+H")
    assert answered.answered
    with store.read() as session:
        uses = session.execute(select(housing.HousingUnit.use).where(
            housing.HousingUnit.project_id == project_id)).scalars().all()
    assert uses == ["commercial"] * 3


def test_the_housing_file_dialogs_open_in_the_documents_or_the_last_folder(
        qtbot, office, file_dialogs, tmp_path):
    """房源表模板… opened in the program's own folder (a bare file name); now it opens in the
    user's documents (or home) folder, and then where a file was last saved or read."""
    window, _store, _project = office
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    start = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    folder = tmp_path / "房源"
    folder.mkdir()
    file_dialogs.answer("保存房源表模板", folder / "模板.xlsx")

    def work(dialog: HousingDialog) -> None:
        click(button(dialog, "房源表模板"))
        qtbot.waitUntil(lambda: (folder / "模板.xlsx").exists())
        click(button(dialog, "导入房源表"))            # (cancelled)
        click(box_button(dialog.buttons, "关闭"))

    answered = Answer(HousingDialog, work)
    keys(window, "Ctrl+Shift+H")
    assert answered.answered
    assert Path(file_dialogs.started["保存房源表模板"]) == start / "安置房源表.xlsx"
    assert Path(file_dialogs.started["导入房源表"]) == folder
    assert Path.cwd() not in (start, folder)


def test_housing_import_from_its_button(qtbot, office, file_dialogs, tmp_path, boxes):
    """导入房源表… crashed (「内部错误：TypeError」) every time: the button's clicked(bool)
    reached the import as its file name."""
    window, store, project_id = office
    exchange = first(store, project_id, status="reviewed", method="exchange")
    select_case(window, exchange.case_no)
    template = tmp_path / "模板.xlsx"
    file_dialogs.answer("保存房源表模板", template)
    sheet = housing_sheet(tmp_path, [["住宅", "9栋", "1", "101", "80.00", "70.00", "4000"],
                                     ["住宅", "9栋", "1", "102", "60.00", "52.00", "4000"]])
    file_dialogs.answer("导入房源表", sheet)

    def work(dialog: HousingDialog) -> None:
        click(button(dialog, "房源表模板"))
        assert load_workbook(template)[housing.SHEET]
        click(button(dialog, "导入房源表"))
        assert dialog.job is not None and dialog.job.wait() == "succeeded"
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
        dialog.table.setCurrentCell(0, 0)
        click(dialog.assign_button)
        assert dialog.table.item(0, 6).text() == exchange.case_no
        dialog.table.item(0, 7).setText("2026/3/1")
        click(button(dialog, "保存交房日期"))
        assert dialog.houses[0].notice_on == date(2026, 3, 1)
        dialog.table.item(0, 7).setText("")
        click(button(dialog, "保存交房日期"))
        dialog.table.setCurrentCell(0, 0)
        click(button(dialog, "收回"))
        assert dialog.table.item(0, 6).text() == ""
        click(box_button(dialog.buttons, "关闭"))

    answered = Answer(HousingDialog, work)
    keys(window, "Ctrl+Shift+H")
    assert answered.answered
    assert not any("内部错误" in b for b in boxes), boxes
    with store.read() as session:
        assert len(housing.list_stock(session, project_id)) == 2


def test_payments_ledger_from_the_menu(qtbot, office, file_dialogs, tmp_path):
    window, _store, _project = office
    target = tmp_path / "资金.xlsx"
    file_dialogs.answer("导出资金拨付台账", target)
    trigger(window, "程序", "导出资金拨付台账…")
    assert window.procedure.job.wait() == "succeeded"
    assert load_workbook(target).sheetnames


# ---- the dashboard and the case editor's other buttons ----------------------------------------

def test_dashboard_refresh_button(qtbot, office):
    window, _store, _project = office
    window.tabs.setCurrentIndex(1)
    window.dashboard.wait()
    window.dashboard.progress_label.setText("")
    click(button(window.dashboard, "刷新"))
    window.dashboard.wait()
    assert "已签约" in window.dashboard.progress_label.text()


def test_case_editor_unlock_button_on_a_signed_case(qtbot, office):
    window, store, project_id = office
    signed = first(store, project_id, status="signed")
    editor = window.open_case(signed.id)
    qtbot.waitExposed(editor)
    assert editor.ui.lockLabel.text() == "【已锁定】已签约，金额相关数据不能修改"

    def reason(dialog: QInputDialog) -> None:
        focus(qtbot, dialog.findChild(QLineEdit))
        type_text("评估报告单价更正")
        closes(dialog, "确定")

    answered = Answer(QInputDialog, reason)
    click(editor.ui.unlockButton)
    assert answered.answered and not editor.locked
    editor.close()
    history = case_service.history(store, signed.id)
    assert [e.action for e in history][-2:] == ["unlock", "relock"]


# ---- the dialogs the app opens by itself ------------------------------------------------------

def test_the_welcome_box_on_a_first_start(qtbot, tmp_path, qapp, no_blocking_boxes):
    """No project yet: 新建项目 opens the project dialog, 打开演示数据 the demo window, 稍后
    closes the box."""
    register_fonts(qapp)
    install_chinese_translation(qapp)
    store = open_store(tmp_path / "empty.sqlite", "甲")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    answered = Answer(QMessageBox, lambda box: click(button(box, "稍后")))
    window.offer_first_start()
    assert answered.answered and window.project_combo.count() == 0
    project = Answer(ProjectDialog, lambda d: click(box_button(d.buttons, "取消")))
    answered = Answer(QMessageBox, lambda box: click(button(box, "新建项目")))
    window.offer_first_start()
    assert answered.answered and project.answered
    answered = Answer(QMessageBox, lambda box: click(button(box, "打开演示数据")))
    window.offer_first_start()
    assert answered.answered and window.demo_window is not None
    qtbot.waitUntil(lambda: window.demo_window.model.rowCount() == 36)
    window.demo_window.close()
    store.close()


def test_two_versions_of_a_case_keep_mine_or_take_theirs(qtbot, office):
    """Someone else saved the case while it was open: the two versions side by side, each
    button pressed."""
    window, store, project_id = office
    unsigned = first(store, project_id, status="surveyed")
    from wulong_desk.services.cases.form import case_to_form
    from wulong_desk.ui.versions_dialog import VersionsDialog

    choices = (("保留我的修改", "mine"), ("采用别人已保存的版本", "theirs"), ("暂不处理", "theirs"))
    for n, (choice, kept) in enumerate(choices):
        editor = window.open_case(unsigned.id)
        qtbot.waitExposed(editor)
        with store.read() as session:
            theirs = case_to_form(case_service.get_case(session, unsigned.id))
        written = {"mine": f"本窗口的备注{n}", "theirs": f"别处的备注{n}"}
        case_service.save_case(store, project_id, theirs | {"remarks": written["theirs"]},
                               unsigned.id)
        focus(qtbot, editor.ui.remarksEdit)
        editor.ui.remarksEdit.selectAll()
        type_text(written["mine"])
        answered = Answer(VersionsDialog, lambda d, c=choice: click(button(d, c)))
        save = box_button(editor.ui.buttonBox, "保存")
        qtbot.waitUntil(save.isEnabled)          # (once the editor has read what was typed)
        click(save)
        assert answered.answered, choice
        with store.read() as session:
            remarks = case_service.get_case(session, unsigned.id).remarks
        assert remarks == written[kept], choice
        editor.revert()
        editor.close()


def test_the_crash_dialog_buttons(qtbot, qapp):
    from wulong_desk.ui.crash_dialog import CrashDialog

    install_chinese_translation(qapp)
    dialog = CrashDialog("版本 1.0\n位置 x.py:1")
    qtbot.addWidget(dialog)
    dialog.show()
    click(dialog.copy_button)
    assert QApplication.clipboard().text() == "版本 1.0\n位置 x.py:1"
    assert dialog.copy_button.text() == "已复制"
    click(button(dialog, "关闭"))
    assert not dialog.isVisible()
