"""Defects found walking a clerk's day through the app (round-3 QA), pinned. pytest-qt,
offscreen."""

from __future__ import annotations

import pytest
from store_helpers import project_form
from test_gui import fill_row, focus, type_text

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.ui.case_editor import CaseEditor
from wulong_desk.ui.fonts import register_fonts

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def store(tmp_path, qapp):
    register_fonts(qapp)
    s = open_store(tmp_path / "qa.sqlite", "王科员")
    yield s
    s.close()


def test_gas_cost_typed_on_a_residential_part_is_refused_at_the_cell(qtbot, store):
    """It used to be saved, then read back as blank, and the next save put
    「燃气开户费」2,000.00 元 → 0.00 元 into the 修改记录 under the clerk's name."""
    project_id = projects.create_project(store, project_form(2))
    editor = CaseEditor(store, project_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    focus(qtbot, editor.ui.caseNoEdit)
    type_text("G-1")
    fill_row(qtbot, editor.ui.ownersTable, ["", "李四", "11010519491231002X"])
    #                                     用途 证载 套内  单价   装修 水 电 气 燃气开户费
    fill_row(qtbot, editor.ui.partsTable, ["", "50", "45", "4000", "", "1", "1", "1", "2000"])
    editor.refresh()
    messages = [editor.panel.messages.item(i).text()
                for i in range(editor.panel.messages.count())]
    assert any("房屋第1行「燃气开户费」" in m for m in messages), messages
    assert "气表户" in editor.ui.partsTable.item(0, 8).toolTip()
    assert not editor.save()
    assert editor.case_id is None and projects.list_projects(store)[0]["households"] == 0
    editor.ui.partsTable.item(0, 8).setText("")
    assert editor.save()
    editor.load()
    assert not editor.dirty()        # what was saved is exactly what reads back
    assert [e.action for e in cases.history(store, editor.case_id)].count("update") == 0
    editor.close()


def test_payment_ledger_keeps_typed_text_as_text_never_a_formula(tmp_path):
    """A 凭证号 typed as "=1+1" (`payments add --voucher =1+1`) came out of `payments ledger`
    as a live formula in 拨付明细."""
    from datetime import date
    from decimal import Decimal
    from io import BytesIO

    from openpyxl import load_workbook

    from wulong_desk.exports.payments_ledger import (
        AccountRow,
        PaymentEntry,
        build_payments_ledger,
    )

    payment = PaymentEntry(date(2026, 11, 1), "拨付", Decimal("100.00"), "=1+1", "=王科员")
    zero = Decimal("0.00")
    row = AccountRow("=A1", "=HYPERLINK(\"http://x\",\"张三\")", "货币补偿",
                     (Decimal("500.00"), zero, zero, zero), None, Decimal("500.00"),
                     Decimal("100.00"), Decimal("400.00"), zero, "+签约后15日", "=SUM(1)",
                     [payment])
    book = load_workbook(BytesIO(build_payments_ledger("=项目", [row], operator="=甲")))
    typed = ["=1+1", "=王科员", "=A1", "=HYPERLINK(\"http://x\",\"张三\")", "+签约后15日",
             "=SUM(1)"]
    seen = {}
    for sheet in book:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    seen[cell.value] = cell.data_type
    for text in typed:
        assert seen.get(text) == "s", (text, seen.get(text))
    assert all(kind == "s" for kind in seen.values()), seen


@pytest.mark.parametrize("make", ["not a zip", "an xlsx named .json", "missing"])
def test_housing_import_of_a_wrong_file_says_so_in_chinese(tmp_path, make):
    """`housing import` of a file that is not a workbook showed openpyxl's English
    ('openpyxl does not support .json file format, please check …')."""
    import re

    from openpyxl import Workbook

    from wulong_desk.errors import UserError
    from wulong_desk.services.money.housing import import_stock

    path = tmp_path / "房源.json"
    if make == "not a zip":
        path.write_text("{bad", encoding="utf-8")
    elif make == "an xlsx named .json":
        Workbook().save(path)
    store = open_store(tmp_path / "h.sqlite", "王科员")
    try:
        project_id = projects.create_project(store, project_form(2))
        with pytest.raises(UserError) as refused:
            import_stock(store, project_id, path)
    finally:
        store.close()
    text = str(refused.value)
    assert ("找不到房源表" if make == "missing" else "不是有效的 xlsx 文件") in text
    words = set(re.findall(r"[A-Za-z]+", text.replace(str(path), "")))
    assert words <= {"xlsx", "zip", "Excel"}, text


def test_blank_survey_sheet_is_not_reported_as_imported(tmp_path):
    """A blank template used to answer “已导入 0 户：” (window: 导入完成)."""
    from wulong_desk.errors import UserError
    from wulong_desk.services.exchange.survey import import_survey, write_template

    sheet = write_template(tmp_path / "调查表.xlsx")
    store = open_store(tmp_path / "s.sqlite", "王科员")
    try:
        project_id = projects.create_project(store, project_form(2))
        with pytest.raises(UserError) as refused:
            import_survey(store, project_id, sheet)
    finally:
        store.close()
    assert "没有填写任何案卷" in str(refused.value)


@pytest.mark.parametrize("households", ["5", "99999"])
def test_demo_household_count_out_of_range_is_refused_not_replaced(tmp_path, capsys,
                                                                   households):
    """`demo --households 5` quietly made 30 households; a huge number ran on and on."""
    from wulong_desk.cli import main

    db = tmp_path / "d.sqlite"
    assert main(["demo", "--households", households, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "--households" in err and "30 到 2000" in err and households in err
    assert not db.exists()       # refused before the database is even opened


def test_the_selected_cases_stay_selected_when_the_list_is_refreshed(qtbot, store):
    """Saving a case, or closing 安置房源, reloads the list; that used to drop the selection,
    so the next 预览协议 said “请先在案卷表中选中一户”."""
    from PySide6.QtCore import QItemSelectionModel

    from wulong_desk.services.projects.demo import create_demo
    from wulong_desk.ui.main_window import MainWindow

    project_id = create_demo(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.select_project(project_id)
    window.show()
    window.wait_for_totals()
    window.table.selectRow(2)
    window.table.selectionModel().select(
        window.model.index(4, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    chosen = window.selected_case_ids()
    current = window.current_case_id()
    assert len(chosen) == 2 and current == window.model.case_id(2)
    window._cases_changed()            # what a save in the editor does
    window.wait_for_totals()
    assert window.selected_case_ids() == chosen
    assert window.current_case_id() == current
    window.search.setText("no such household")   # a filter that hides them: nothing selected
    window.apply_filter()
    assert window.selected_case_ids() == []


@pytest.mark.parametrize(("typed", "says"), [("1,0,0", "千位分隔符"), ("١٠٠", "阿拉伯数字"),
                                             ("1 00", "应为数字")])
def test_payment_amount_is_read_like_every_other_number(tmp_path, capsys, typed, says):
    """`payments add --amount 1,0,0` registered 100.00 元 (commas were stripped anywhere,
    any script's digits read): the payments screen and command now read amounts with
    rules.decimals.read_number, as the editor and the sheets do."""
    from test_payments import signed_case

    from wulong_desk.cli import main
    from wulong_desk.services.money import payments

    db = tmp_path / "p.sqlite"
    store = open_store(db, "甲")
    _, case_id = signed_case(store, 1)
    store.close()
    assert main(["payments", "add", "--case", str(case_id), "--amount", typed,
                 "--date", "2023-08-02", "--voucher", "付-1", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "金额" in err and says in err, err
    store = open_store(db, "甲")
    try:
        with store.read() as session:
            assert payments.case_account(session, case_id).paid == 0
    finally:
        store.close()


def test_payments_dialog_refuses_a_guessed_amount(qtbot, store, no_blocking_boxes):
    from test_payments import signed_case

    from wulong_desk.ui.payments_dialog import PaymentsDialog

    _, case_id = signed_case(store, 1)
    dialog = PaymentsDialog(store, case_id)
    qtbot.addWidget(dialog)
    dialog.amount.setText("1,0,0")
    dialog.on.setText("2023-08-02")
    dialog.voucher.setText("付-1")
    dialog.record()
    assert any("千位分隔符" in shown for shown in no_blocking_boxes), no_blocking_boxes
    with store.read() as session:
        from wulong_desk.services.money import payments

        assert payments.case_account(session, case_id).paid == 0


@pytest.mark.parametrize("text", ["{oops", '{"a" 1}', '{"a":1 "b":2}', '"abc', '{"a":1} x', "",
                                  '"\\q"', '"\\u12"', "[1,]", '"a\tb"'])
def test_unreadable_json_is_explained_in_chinese(text):
    """`calc` and `import-cases` printed Python's own English after the position
    ('Expecting property name enclosed in double quotes')."""
    import re

    from wulong_desk.exact_json import JsonTextError, parse_exact

    with pytest.raises(JsonTextError) as refused:
        parse_exact(text)
    message = str(refused.value)
    assert message.startswith("JSON 格式错误（第1行第")
    assert not set(re.findall(r"[A-Za-z]+", message)) - {"JSON", "u"}, message


def test_backup_to_a_folder_and_deleting_a_signed_case_say_it_plainly(tmp_path, capsys):
    """`backup --out FOLDER` ended in English ('Is a directory'); deleting a signed case said
    “已已签约”."""
    from store_helpers import project_with_case, walk_to

    from wulong_desk.cli import main
    from wulong_desk.failures import plain_message

    db = tmp_path / "b.sqlite"
    store = open_store(db, "甲")
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    store.close()
    folder = tmp_path / "U盘"
    folder.mkdir()
    assert main(["backup", "--out", str(folder), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "这是一个文件夹" in err and "directory" not in err, err
    assert list(folder.iterdir()) == []
    assert main(["delete-case", "--case", str(case_id), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "（已签约）不能删除" in err and "已已" not in err, err
    # and any other write that meets a folder where a file was meant
    assert "文件夹" in plain_message(IsADirectoryError(21, "Is a directory", str(folder)))


def test_a_voided_case_gets_no_agreement(tmp_path):
    """`agreement --case N` (and the preview, and a batch) printed an ordinary agreement for a
    voided case, with nothing saying it no longer stands."""
    from store_helpers import case_form, project_with_case, walk_to

    from wulong_desk.errors import UserError
    from wulong_desk.services.documents.exports import build_document, export_documents

    store = open_store(tmp_path / "v.sqlite", "甲")
    try:
        project_id, voided = project_with_case(store)
        walk_to(store, voided, "signed")
        cases.void_case(store, voided, "协议解除，另行重签")
        with pytest.raises(UserError, match="已作废"):
            build_document(store, voided, "money")
        with pytest.raises(UserError, match="已作废"):
            export_documents(store, project_id, tmp_path / "only-void", case_ids=[voided])
        assert not (tmp_path / "only-void").exists()
        other = cases.save_case(store, project_id, case_form(2, case_no="A-002")).case_id
        walk_to(store, other, "signed")
        result = export_documents(store, project_id, tmp_path / "all")
        assert [p.name for p in result.files] == ["A-002-产权调换协议.pdf"]
    finally:
        store.close()
