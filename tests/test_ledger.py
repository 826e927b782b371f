"""The ledger and the public notice: figures equal the stored records, SUM totals (also as
LibreOffice recalculates them), print set-up, masking, fingerprint verification."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from wulong_desk.errors import UserError
from wulong_desk.exports.ledger import HEADER_ROWS, write_ledger
from wulong_desk.services import cases
from wulong_desk.services.case_form import case_to_form
from wulong_desk.services.demo import create_demo
from wulong_desk.services.records import load_records
from wulong_desk.services.verify import verify_ledger
from wulong_desk.store import open_store
from wulong_desk.store.models import Case


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledger")
    store = open_store(folder / "d.sqlite", "制表员")
    project_id = create_demo(store)
    internal, public = folder / "ledger.xlsx", folder / "notice.xlsx"
    with store.read() as session:
        records = load_records(session, project_id)
    write_ledger(records, internal, public=False, operator="制表员")
    write_ledger(records, public, public=True, operator="制表员")
    yield store, project_id, records, internal, public
    store.close()


def sheet_rows(path: Path, data_only: bool = False) -> tuple[list[str], list[tuple], tuple]:
    ws = load_workbook(path, data_only=data_only).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[HEADER_ROWS - 1])
    body = []
    for row in rows[HEADER_ROWS:]:
        if row[0] == "合计":
            return header, body, row
        body.append(row)
    raise AssertionError("no totals row")


def test_ledger_figures_equal_the_stored_records(demo):
    _store, _, records, internal, _ = demo
    header, body, _ = sheet_rows(internal)
    assert header[:4] == ["案卷编号", "被征收人", "身份证号", "产权证号"]
    assert "合计" in header and "被征收人签字" in header and "备注" in header
    by_no = {entry.case_no: entry.record for entry in records.entries}
    assert len(body) == len(by_no) == 35  # the unassessed household is listed below the table
    for row in body:
        record = by_no[row[0]]
        for line in record["lines"]:
            assert Decimal(str(row[header.index(line["label"])])) == Decimal(line["amount"])
        assert Decimal(str(row[header.index("合计")])) == Decimal(record["totals"]["total"])
        assert Decimal(str(row[header.index("应付/应收差额")])) == Decimal(
            record["settlement"]["net_payable"])


def test_totals_row_is_sum_formulas(demo):
    _, _, records, internal, _ = demo
    header, body, totals = sheet_rows(internal)
    column = header.index("合计")
    assert re.fullmatch(r"=SUM\([A-Z]+5:[A-Z]+39\)", totals[column])
    written = sum(Decimal(str(row[column])) for row in body)
    assert written == sum(Decimal(e.record["totals"]["total"]) for e in records.entries)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_the_same_totals(demo, tmp_path):
    _, _, _, internal, _ = demo
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                    str(internal)], check=True, capture_output=True, timeout=180)
    header, body, totals = sheet_rows(tmp_path / internal.name, data_only=True)
    for name in ("合计", "房屋价值补偿（证载面积）", "补偿方式选择引导奖励", "应付/应收差额"):
        column = header.index(name)
        expected = sum(Decimal(str(row[column])) for row in body)
        assert Decimal(str(totals[column])).quantize(Decimal("0.01")) == expected


def test_print_setup(demo):
    _, _, _, internal, _ = demo
    ws = load_workbook(internal).worksheets[0]
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A3)  # 8 = A3
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$4"
    assert ws.freeze_panes == "C5"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.row_dimensions[HEADER_ROWS + 1].height >= 30  # room to sign
    money = ws.cell(row=HEADER_ROWS + 1, column=10)
    assert money.number_format == "#,##0.00"
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "制表人" in text and "审核人" in text and "负责人" in text
    assert "武隆府办发〔2023〕8号" in text and "wulong-2023" not in text
    assert {"明细", "参数"} <= set(load_workbook(internal).sheetnames)


def test_detail_sheet_explains_every_line(demo):
    _, _, records, internal, _ = demo
    rows = list(load_workbook(internal)["明细"].iter_rows(values_only=True))
    assert rows[0][:4] == ("案卷编号", "代码", "项目", "计算式（含所用数据）")
    lines = [row for row in rows[1:] if row[2] != "提示"]
    assert len(lines) == 14 * len(records.entries)
    assert all(row[5] for row in lines)  # every line cites its source
    # the printed 5% a month (revision 3: the standard's rate, no reading): the exchange cases
    # with business interruption carry the warning beside their lines
    hints = [row for row in rows[1:] if row[2] == "提示"]
    interrupted = {row[0] for row in lines if row[1] == "L1_INTERRUPT" and row[4]
                   and row[3].startswith("0.05 × ")}
    assert interrupted and {row[0] for row in hints if row[1] == "L1_INTERRUPT"} == interrupted


def test_public_notice_has_no_personal_numbers(demo):
    store, _project_id, _records, _, public = demo
    wb = load_workbook(public)
    text = "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                     for c in row if c is not None)
    with store.read() as session:
        people = [(p.name, p.id_number, p.phone) for c in session.query(Case).all()
                  for p in c.persons]
    for name, id_number, phone in people:
        assert id_number not in text
        if phone:
            assert phone not in text
        assert name not in text
    from wulong_desk.exports.notice import HEADER_ROWS as NOTICE_HEADER

    ws = load_workbook(public).worksheets[0]
    header = [c.value for c in ws[NOTICE_HEADER]]
    assert "被征收人签字" not in header and "产权证号" not in header
    assert "身份证号" not in header and "备注" not in header
    owners = []
    for row in ws.iter_rows(min_row=NOTICE_HEADER + 1, values_only=True):
        if row[0] == "合计":
            break
        owners.append(row[header.index("被征收人")])
    assert len(owners) >= 20 and all("*" in name for name in owners)


def test_verify_ledger_matches_then_notices_a_change(demo, tmp_path):
    store, project_id, records, internal, _ = demo
    copy = tmp_path / "copy.xlsx"
    shutil.copy(internal, copy)
    with store.read() as session:
        verdict = verify_ledger(session, copy)
    assert verdict.matches and verdict.file_fingerprint == records.fingerprint
    with store.read() as session:
        case = session.query(Case).filter(Case.status.in_(("surveyed", "assessed", "reviewed")),
                                          Case.case_no != "FR-0036").order_by(Case.id).first()
        form, case_id, case_no = case_to_form(case), case.id, case.case_no
    form["case"]["parts"][0]["decoration_value"] = str(
        Decimal(form["case"]["parts"][0].get("decoration_value") or "0") + 100)
    cases.save_case(store, project_id, form, case_id)
    with store.read() as session:
        verdict = verify_ledger(session, copy)
    assert not verdict.matches and verdict.differing == [case_no]


def test_cli_ledger_and_unwritable_target(tmp_path):
    from test_cli_calc import run_cli

    db = str(tmp_path / "d.sqlite")
    run_cli("demo", "--db", db)
    out = tmp_path / "l.xlsx"
    proc = run_cli("ledger", "--project", "1", "--out", str(out), "--db", db)
    assert proc.returncode == 0 and out.exists()
    assert "FR-0036" in proc.stderr  # the household without a complete computation
    proc = run_cli("verify-ledger", str(out), "--db", db)
    assert proc.returncode == 0 and "一致" in proc.stdout
    folder = tmp_path / "out"
    (folder / "taken.xlsx").mkdir(parents=True)  # a target that cannot be replaced, even by root
    proc = run_cli("ledger", "--project", "1", "--out", str(folder / "taken.xlsx"), "--db", db)
    assert proc.returncode == 2 and "无法写入" in proc.stderr   # a folder as the target
    assert "Traceback" not in proc.stderr
    assert [p.name for p in folder.iterdir()] == ["taken.xlsx"]  # no partial or temporary file


def test_write_atomically_leaves_nothing_on_failure(tmp_path, monkeypatch):
    from wulong_desk import fileio

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "x.xlsx"
    target.write_bytes(b"old")

    def boom(tmp, final):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fileio, "replace_atomically", boom)
    with pytest.raises(UserError, match="Excel、WPS"):
        fileio.write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["x.xlsx"]


def test_records_json_is_what_the_store_keeps(demo):
    store, _project_id, records, _, _ = demo
    with store.read() as session:
        case = session.get(Case, records.entries[0].case_id)
        assert json.loads(case.result.breakdown_json) == records.entries[0].record


def test_every_sheet_has_print_setup_numbers_and_one_font(demo):
    _, _, records, internal, _ = demo
    wb = load_workbook(internal)
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert wb["明细"].print_options.gridLines and wb["明细"].print_title_rows == "$1:$1"
    assert wb["明细"].column_dimensions["B"].hidden          # line codes only for machines
    # the 明细's cells have no style of their own: the workbook's plain cells show amounts as
    # money, wrap a long text and are in the sheets' font
    detail = list(wb["明细"].iter_rows(min_row=2))
    amounts = [row[4] for row in detail if row[4].value is not None]
    assert amounts and {c.number_format for c in amounts} == {"#,##0.00"}
    assert {c.font.name for row in detail for c in row if c.value is not None} == {"宋体"}
    long_formula = next(row[3] for row in detail if len(row[3].value or "") > 64)
    assert long_formula.alignment.wrap_text
    ws = wb.worksheets[0]
    header = [c.value for c in ws[HEADER_ROWS]]
    assert "维修资金（征收部门承担）" in header and "维修资金（被征收人承担）" in header
    fonts = {c.font.name for row in ws.iter_rows(min_row=HEADER_ROWS) for c in row
             if c.value is not None}
    assert fonts == {"宋体"}                                  # totals row included
    price = header.index("评估单价")
    by_no = {e.case_no: e for e in records.entries}
    for row in ws.iter_rows(min_row=HEADER_ROWS + 1, max_row=HEADER_ROWS + len(by_no)):
        entry = by_no[row[0].value]
        cell = row[price]
        if len(entry.unit_prices) == 1:
            assert isinstance(cell.value, (int, float)) and cell.alignment.horizontal == "right"
            assert Decimal(str(cell.value)) == Decimal(entry.unit_prices[0])
        fund = row[header.index("维修资金（征收部门承担）")].value
        assert Decimal(str(fund)) == Decimal(entry.record["settlement"]["fund_department"])
    widths = ws.column_dimensions
    address = header.index("坐落") + 1
    from openpyxl.utils import get_column_letter

    def units(text: str) -> int:  # a Chinese character is two units wide, a digit one
        return sum(2 if "\u4e00" <= c <= "\u9fff" or c in "（）〔〕" else 1 for c in text)

    assert widths[get_column_letter(address)].width >= max(units(e.address)
                                                           for e in records.entries)
    title = get_column_letter(header.index("产权证号") + 1)
    assert widths[title].width >= max(units(e.title_no) for e in records.entries)
