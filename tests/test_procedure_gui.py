"""The procedure in the app (pytest-qt, offscreen): the dashboard's due list opens cases, the
payments, timeline, case clocks and housing dialogs work by keyboard."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sheet_helpers import housing_sheet
from sqlalchemy import select

from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.money import housing, payments
from wulong_desk.services.procedure.catalogue import STEPS, case_dates
from wulong_desk.services.procedure.consent import consent_tally, presign_ratio, set_project_totals
from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, CaseResult, Consent
from wulong_desk.ui.case_clocks_dialog import CaseClocksDialog
from wulong_desk.ui.housing_dialog import HousingDialog
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.payments_dialog import PaymentsDialog
from wulong_desk.ui.procedure_dialog import ProcedureDialog

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def demo(tmp_path, qapp):
    store = open_store(tmp_path / "gui.sqlite", "甲")
    project_id = create_demo(store)
    yield store, project_id
    store.close()


def first_case(store, project_id, **where) -> Case:
    with store.read() as session:
        query = select(Case).join(CaseResult).where(Case.project_id == project_id,
                                                     CaseResult.ok.is_(True))
        for key, value in where.items():
            query = query.where(getattr(Case, key) == value)
        case = session.execute(query.order_by(Case.case_no)).scalars().first()
        session.expunge(case)
        return case


def test_dashboard_lists_what_is_due_and_opens_the_case(qtbot, demo):
    store, project_id = demo
    set_project_totals(store, project_id, 40, None)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    win.tabs.setCurrentWidget(win.dashboard)
    win.dashboard.wait()
    board = win.dashboard
    with store.read() as session:
        expected = due_list(session, project_id, date.today())
    assert board.due == expected
    rows = board.due_table.rowCount()
    assert rows == len(expected)
    # the demo's move deadline (2023-10-31) has passed: each signed case not moved is overdue
    texts = [board.due_table.item(r, 3).text() for r in range(rows)]
    assert any("搬迁期限已过仍未搬迁" in t for t in texts)
    assert board.due_table.item(0, 0).text() == "已逾期"
    row = next(r for r in range(rows) if expected[r].case_id is not None)
    board.due_table.setCurrentCell(row, 0)
    board.due_table.cellActivated.emit(row, 0)
    assert win.editors[-1].case_id == expected[row].case_id
    win.editors[-1].close()
    assert "已拨付" in board.progress_label.text()
    with store.read() as session:
        signed = presign_ratio(session, project_id).signed_households
    # the demo is an old-town project: the presign share is counted on the whole area's 40
    assert f"预签 {signed} / 征收范围 40 户" in board.progress_label.text()


@pytest.mark.parametrize("table_name", ["due_table", "problems_table"])
def test_a_dashboard_line_opens_its_case_once_on_double_click_or_enter(qtbot, demo,
                                                                       table_name):
    """As in the case table: a double click or Enter opens the case, exactly once (a double
    click used to open it twice: once for the click, once for the activation); a single click
    only selects the line."""
    store, project_id = demo
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    win.tabs.setCurrentWidget(win.dashboard)
    win.dashboard.wait()
    board = win.dashboard
    table = getattr(board, table_name)
    column = 2 if table_name == "due_table" else 0  # the column holding the case
    row = next(r for r in range(table.rowCount()) if table.item(r, column) is not None
               and table.item(r, column).data(Qt.ItemDataRole.UserRole) is not None)
    case_id = table.item(row, column).data(Qt.ItemDataRole.UserRole)
    opened: list[int] = []
    board.open_case.connect(opened.append)
    table.scrollToItem(table.item(row, 0))
    where = table.visualItemRect(table.item(row, 0)).center()

    # a double click as the system delivers it: a click, then the double-click event
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [] and table.currentRow() == row   # selected, not opened
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [case_id]
    assert [editor.case_id for editor in win.editors] == [case_id]
    win.editors[-1].close()
    opened.clear()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [case_id]
    win.editors[-1].close()


def test_a_case_list_row_opens_once_on_double_click_or_enter(qtbot, demo, monkeypatch):
    store, project_id = demo
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    opened: list[int | None] = []
    monkeypatch.setattr(win, "open_case", opened.append)
    where = win.table.visualRect(win.model.index(0, 1)).center()
    qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [] and win.table.currentIndex().row() == 0   # selected, not opened
    qtbot.mouseDClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [win.model.case_id(0)]
    opened.clear()
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Return)
    assert opened == [win.model.case_id(0)]


def test_payments_dialog_by_keyboard(qtbot, demo, no_blocking_boxes):
    store, project_id = demo
    case = first_case(store, project_id, status="signed", method="money")
    dialog = PaymentsDialog(store, case.id)
    qtbot.addWidget(dialog)
    # its schedule's parts, each with what is owed now and the demo project's default term
    assert dialog.buckets.item(0, 0).text() == "搬迁前应付"
    assert dialog.buckets.item(0, 4).text() == "协议生效之日起15日内"
    assert dialog.buckets.item(2, 2).text() == "0.00"       # after_move: not before the move
    qtbot.keyClicks(dialog.amount, "1000.50")
    dialog.on.setText(case.signed_on.isoformat())
    qtbot.keyClicks(dialog.voucher, "P-GUI-1")
    qtbot.keyClick(dialog.voucher, Qt.Key.Key_Return)
    assert not no_blocking_boxes
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "1,000.50"
    assert "现应付" in dialog.summary.text() and dialog.buckets.item(0, 3).text() == "1,000.50"
    with store.read() as session:
        account = payments.case_account(session, case.id)
    assert account.paid == Decimal("1000.50")
    # too much: refused with the reason, nothing recorded
    qtbot.keyClicks(dialog.amount, "999999999")
    qtbot.keyClicks(dialog.voucher, "P-GUI-2")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert "超过现在应付未付的" in no_blocking_boxes[-1]
    assert dialog.table.rowCount() == 1


def test_timeline_dialog_saves_steps_and_shows_due_dates(qtbot, demo, no_blocking_boxes):
    store, project_id = demo
    dialog = ProcedureDialog(store, project_id)
    qtbot.addWidget(dialog)
    row = [s.code for s in STEPS].index("unregistered")
    dialog.steps.item(row, 1).setText("2026-09-24")
    dialog.households.setText("40")
    dialog.save()
    assert not no_blocking_boxes
    assert dialog.steps.item(row, 4).text() == "2026-10-12"
    assert "预签" in dialog.ratio_label.text() and "/ 征收范围总户数 40" in \
        dialog.ratio_label.text()
    dialog.steps.item(row, 2).setText("2026-13-01")
    dialog.save()
    assert ("「未登记建筑认定公示的公示结束日」：「2026-13-01」不是真实存在的日期"
            in no_blocking_boxes[-1])


@pytest.mark.parametrize(("where", "typed", "said"), [
    ("area", "1e3", "「征收范围总面积」：不能用科学计数法"),
    ("area", "NaN", "「征收范围总面积」：应为数字"),
    ("area", "1,200.5", "「征收范围总面积」：不能有千位分隔符"),
    ("households", "²", "「征收范围总户数」：只能用阿拉伯数字"),
    ("households", "40.5", "「征收范围总户数」：应为整数"),
    ("consent", "1e3", "征求意见第 1 行「专有部分面积」：不能用科学计数法"),
    ("consent", "٣٠", "征求意见第 1 行「专有部分面积」：只能用阿拉伯数字"),
    ("consent", "", "征求意见第 1 行「专有部分面积」：必须填写"),
    ("households", "9" * 30, "征收范围总户数应大于 0、不超过 10,000,000"),
], ids=["area-exponent", "area-nan", "area-thousands", "households-superscript",
        "households-fraction", "consent-exponent", "consent-arabic-indic-digits",
        "consent-blank", "households-too-many"])
def test_timeline_dialog_refuses_a_number_it_cannot_read_and_names_the_field(
        qtbot, demo, no_blocking_boxes, where, typed, said):
    store, project_id = demo
    dialog = ProcedureDialog(store, project_id)
    qtbot.addWidget(dialog)
    if where == "consent":
        dialog._add_consent("芙蓉路1号", "agree", typed)
    else:
        getattr(dialog, where).setText(typed)
    dialog.save()
    assert no_blocking_boxes and no_blocking_boxes[-1].startswith(f"程序时限: {said}")
    with store.read() as session:  # nothing was saved
        project = get_project(session, project_id)
        assert (project.total_households, project.total_area) == (None, None)
        assert consent_tally(session, project_id).counts["agree"] == 0


def test_timeline_dialog_skips_a_consent_row_left_empty(qtbot, demo, no_blocking_boxes):
    store, project_id = demo
    dialog = ProcedureDialog(store, project_id)
    qtbot.addWidget(dialog)
    dialog._add_consent("芙蓉路1号", "agree", "86.5")
    dialog._add_consent("", "none", "")  # 添加 clicked, nothing typed
    dialog.save()
    assert not no_blocking_boxes
    with store.read() as session:
        assert consent_tally(session, project_id).counts["agree"] == 1
        assert session.query(Consent).filter(Consent.project_id == project_id).count() == 1


def test_timeline_dialog_reads_full_width_digits_as_typed_by_a_chinese_input_method(
        qtbot, demo, no_blocking_boxes):
    store, project_id = demo
    dialog = ProcedureDialog(store, project_id)
    qtbot.addWidget(dialog)
    dialog.households.setText("４０")
    dialog.area.setText("３６００．５")
    dialog._add_consent("芙蓉路1号", "agree", "８６．５")
    dialog.save()
    assert not no_blocking_boxes
    with store.read() as session:
        project = get_project(session, project_id)
        assert (project.total_households, project.total_area) == (40, Decimal("3600.50"))
        [consent] = session.query(Consent).filter(Consent.project_id == project_id).all()
        assert consent.exclusive_area == Decimal("86.50")


def test_case_clocks_dialog(qtbot, demo):
    store, project_id = demo
    case = first_case(store, project_id, status="signed")
    dialog = CaseClocksDialog(store, case.id)
    qtbot.addWidget(dialog)
    row = dialog.codes.index("reminder")
    dialog.table.item(row, 1).setText("2026-09-21")
    dialog.save()
    # the 10th working day after it is 12 Oct: the court may be asked from the 13th
    assert dialog.table.item(row, 3).text() == "2026-10-13"
    with store.read() as session:
        assert case_dates(session, [case.id])[case.id] == {
            "reminder": date(2026, 9, 21)}


def test_housing_dialog_assigns_from_the_stock(qtbot, demo, tmp_path, no_blocking_boxes):

    store, project_id = demo
    house = ["住宅", "9栋", "1", "101", "80.00", "70.00", "4000"]
    housing.import_stock(store, project_id, housing_sheet(tmp_path, [house]))
    case = first_case(store, project_id, status="reviewed", method="exchange")
    dialog = HousingDialog(store, project_id, case.id)
    qtbot.addWidget(dialog)
    assert dialog.counts.text() == "房源 1 套：可选 1，已分配 0，已交房 0"
    dialog.table.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.assign_button, Qt.Key.Key_Space)
    assert not no_blocking_boxes
    assert dialog.table.item(0, 6).text() == case.case_no
    assert dialog.counts.text() == "房源 1 套：可选 0，已分配 1，已交房 0"


class HeldImport:
    """Stands in for housing.import_stock: records the thread it runs on and holds a worker
    thread until `go_on` (never the GUI thread: it would hang there)."""

    def __init__(self, monkeypatch):
        self.real = housing.import_stock
        self.threads: list[threading.Thread] = []
        self.started, self.go_on = threading.Event(), threading.Event()
        monkeypatch.setattr(housing, "import_stock", self)

    def __call__(self, store, project_id, path):
        self.threads.append(threading.current_thread())
        if threading.current_thread() is not threading.main_thread():
            self.started.set()
            self.go_on.wait(timeout=30)
        return self.real(store, project_id, path)


def _import_from_dialog(monkeypatch, dialog, path):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    return dialog.import_file()


def test_the_house_list_is_imported_on_a_worker_thread_the_dialog_locked_meanwhile(
        qtbot, demo, tmp_path, monkeypatch, no_blocking_boxes):
    store, project_id = demo
    held = HeldImport(monkeypatch)
    dialog = HousingDialog(store, project_id)
    qtbot.addWidget(dialog)
    dialog.show()
    houses = [["住宅", "9栋", "1", "101", "80.00", "70.00", "4000"],
              ["商业办公", "9栋", "", "商1", "45.50", "", "9000"]]
    job = _import_from_dialog(monkeypatch, dialog, housing_sheet(tmp_path, houses))
    assert job is not None, "the house list was imported on the GUI thread"
    qtbot.waitUntil(held.started.is_set)
    # held on the worker: the GUI thread shows it is busy and takes no other change meanwhile
    assert "正在导入房源表" in dialog.counts.text()
    assert not dialog.table.isEnabled() and not dialog.actions.isEnabled()
    assert job.dialog.labelText() == "正在检查并导入房源表…"
    assert dialog.import_file() is job
    dialog.reject()
    assert dialog.isVisible()
    held.go_on.set()
    qtbot.waitUntil(lambda: job.outcome is not None)
    assert job.outcome == "succeeded" and held.threads != []
    assert all(thread is not threading.main_thread() for thread in held.threads)
    assert dialog.table.isEnabled() and dialog.actions.isEnabled()
    assert dialog.counts.text() == "房源 2 套：可选 2，已分配 0，已交房 0"
    assert no_blocking_boxes == ["导入房源表: 已导入 2 套房源。"]


def test_a_wrong_house_list_is_refused_naming_the_cell_and_nothing_is_imported(
        qtbot, demo, tmp_path, monkeypatch, no_blocking_boxes):
    store, project_id = demo
    held = HeldImport(monkeypatch)
    held.go_on.set()
    dialog = HousingDialog(store, project_id)
    qtbot.addWidget(dialog)
    houses = [["住宅", "9栋", "1", "101", "80.00", "70.00", "4000"],
              ["住宅", "9栋", "1", "102", "八十", "", "4000"]]
    job = _import_from_dialog(monkeypatch, dialog, housing_sheet(tmp_path, houses))
    assert job is not None, "the house list was imported on the GUI thread"
    assert job.wait() == "failed"
    assert all(thread is not threading.main_thread() for thread in held.threads)
    assert len(no_blocking_boxes) == 1
    assert no_blocking_boxes[0].startswith("导入房源表: 房源表有 1 处问题，未导入任何房源")
    assert "安置房源!E3（建筑面积）" in no_blocking_boxes[0]
    assert dialog.counts.text() == "房源 0 套：可选 0，已分配 0，已交房 0"
    with store.read() as session:
        assert housing.list_stock(session, project_id) == []


def test_the_case_editor_assigns_a_house_and_shows_it(qtbot, demo, tmp_path, monkeypatch):

    from wulong_desk.ui.case_editor import CaseEditor

    store, project_id = demo
    house = ["住宅", "9栋", "", "202", "75.00", "66.00", "4100"]
    housing.import_stock(store, project_id, housing_sheet(tmp_path, [house]))
    case = first_case(store, project_id, status="reviewed", method="exchange")
    editor = CaseEditor(store, project_id, case.id)
    qtbot.addWidget(editor)
    before = editor.ui.housesTable.rowCount()
    texts = [b.text() for b in editor.procedure_buttons]
    assert texts == ["付款…（Ctrl+Shift+M）", "时限与材料…（Ctrl+Shift+K）",
                     "安置房源…（Ctrl+Shift+H）"]

    def choose_first(dialog):          # the clerk picks the house and presses 分配
        dialog.table.setCurrentCell(0, 0)
        dialog.assign()
        return 0

    monkeypatch.setattr(HousingDialog, "exec", choose_first)
    editor.procedure_buttons[2].click()
    assert editor.ui.housesTable.rowCount() == before + 1
    with store.read() as session:
        assert housing.list_stock(session, project_id)[0].case_no == case.case_no
