"""verify-ledger reads the ledger as a person reads it (issue 25 item 5): the untouched ledger
is 一致, and each tampering below — as someone with Excel could do it — is caught and named by
its sheet and cell. Before: 12 of 18 such ledgers verified 一致."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from copy import copy
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from test_cli_calc import run_cli

from wulong_desk.exports.ledger_layout import (
    CHECK_SHEET,
    DETAIL_SHEET,
    DETAIL_TITLE,
    SUMMARY_SHEET,
    TOTAL_MARK,
    VOID_SHEET,
)
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.exports import export_ledger
from wulong_desk.services.documents.verify import verify_ledger
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md

HEADER = "案卷编号"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The demo project (one signed case voided) and its ledger as the app exports it."""
    folder = tmp_path_factory.mktemp("tamper")
    store = open_store(folder / "d.sqlite", "制表员")
    project_id = create_demo(store)
    with store.read() as session:
        # (a household none of the tamperings below uses)
        voided = session.query(Case).filter(Case.status == "signed", Case.case_no > "FR-0016"
                                            ).order_by(Case.case_no).first()
        voided_id = voided.id
    cases.void_case(store, voided_id, "协议解除，另行重签")
    export_ledger(store, project_id, folder / "台账.xlsx", public=False, operator="制表员")
    store.close()
    return folder / "d.sqlite", folder / "台账.xlsx"


@pytest.fixture
def ledger(made, tmp_path):
    db, path = made
    shutil.copy(db, tmp_path / "d.sqlite")
    shutil.copy(path, tmp_path / "台账.xlsx")
    return tmp_path / "d.sqlite", tmp_path / "台账.xlsx"


def verdict_of(db: Path, path: Path):
    store = open_store(db, "核对")
    try:
        with store.read() as session:
            return verify_ledger(session, path)
    finally:
        store.close()


# ---- finding cells as a person would --------------------------------------------------------

def plain(value) -> str:
    return str(value or "").replace("\n", "")


def header_row(ws) -> int:
    return next(r for r in range(1, 12) if plain(ws.cell(row=r, column=1).value) == HEADER)


def column_of(ws, title: str) -> int:
    row = header_row(ws)
    return next(c for c in range(1, ws.max_column + 1)
                if plain(ws.cell(row=row, column=c).value) == title)


def row_of(ws, case_no: str) -> int:
    return next(r for r in range(header_row(ws) + 1, ws.max_row + 1)
                if ws.cell(row=r, column=1).value == case_no)


def totals_row(ws) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value ==
                TOTAL_MARK)


def page_row(wb, case_no: str, label: str) -> tuple[object, int]:
    """The row of a household's 分户明细 page whose first cell reads `label`."""
    for ws in wb.worksheets:
        if not ws.title.startswith(DETAIL_SHEET):
            continue
        inside = False
        for r in range(1, ws.max_row + 1):
            first = ws.cell(row=r, column=1).value
            if first == DETAIL_TITLE:
                inside = ws.cell(row=r, column=4).value == case_no
            elif inside and plain(first) == label:
                return ws, r
    raise AssertionError(f"{case_no} {label}")


def summary(wb):
    return wb[SUMMARY_SHEET]


def first_case(wb) -> str:
    ws = summary(wb)
    return ws.cell(row=header_row(ws) + 1, column=1).value


# ---- the tamperings: each changes a copy of the ledger and names what must be reported ------

Tamper = Callable[[Path], str]


def edit(path: Path, change: Callable, rich: bool = False) -> str:
    wb = load_workbook(path, rich_text=rich)
    said = change(wb)
    wb.save(path)
    return said


def duplicate_row_first_with_sums(path: Path) -> str:
    """A second row for a household, placed first, its figures raised, and every SUM range
    rewritten to take it in (the totals then add up)."""
    def change(wb):
        ws = summary(wb)
        case_no = "FR-0005"
        source = row_of(ws, case_no)
        top = header_row(ws) + 1
        ws.insert_rows(top)
        source += 1
        for column in range(1, ws.max_column + 1):
            old, new = ws.cell(row=source, column=column), ws.cell(row=top, column=column)
            new.value = old.value
            new._style = copy(old._style)
        ws.cell(row=top, column=column_of(ws, "补偿合计")).value = 999999.99
        ws.row_dimensions[top].height = ws.row_dimensions[source].height
        totals = totals_row(ws)
        for column in range(1, ws.max_column + 1):
            cell = ws.cell(row=totals, column=column)
            if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                letter = get_column_letter(column)
                cell.value = f"=SUM({letter}{top}:{letter}{totals - 1})"
        return case_no
    return edit(path, change)


def number_format_prints_a_false_total(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=row_of(ws, "FR-0001"), column=column_of(ws, "补偿合计"))
        cell.number_format = '"757,777.04"'
        return cell.coordinate
    return edit(path, change)


def detail_figure_changed(path: Path) -> str:
    def change(wb):
        ws, row = page_row(wb, "FR-0003", "房屋价值补偿（证载面积）")
        ws.cell(row=row, column=4).value = 343000
        return "FR-0003"
    return edit(path, change)


def summary_cell(title: str, value) -> Tamper:
    def tamper(path: Path) -> str:
        def change(wb):
            ws = summary(wb)
            ws.cell(row=row_of(ws, "FR-0004"), column=column_of(ws, title)).value = value
            return "FR-0004"
        return edit(path, change)
    tamper.__name__ = f"summary {title} changed"
    return tamper


def page_cell(case_no: str, label: str, column: int, value) -> Tamper:
    def tamper(path: Path) -> str:
        def change(wb):
            ws, row = page_row(wb, case_no, label)
            ws.cell(row=row, column=column).value = value
            return case_no
        return edit(path, change)
    tamper.__name__ = f"page {label} changed"
    return tamper


def row_hidden(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        ws.row_dimensions[row_of(ws, "FR-0006")].hidden = True
        return "FR-0006"
    return edit(path, change)


def white_text(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=row_of(ws, "FR-0007"), column=column_of(ws, "补偿合计"))
        cell.font = Font(name="宋体", size=10, color="FFFFFFFF")
        return "FR-0007"
    return edit(path, change)


def conditional_format(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        letter = get_column_letter(column_of(ws, "补偿合计"))
        ws.conditional_formatting.add(
            f"{letter}5:{letter}60", CellIsRule(operator="greaterThan", formula=["500000"],
                                               font=Font(color="FFFFFFFF")))
        return "条件格式"
    return edit(path, change)


def formula_replaces_a_value(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        row = row_of(ws, "FR-0008")
        total = ws.cell(row=row, column=column_of(ws, "补偿合计"))
        total.value = f"={get_column_letter(column_of(ws, '价值补偿'))}{row}+100000"
        return "FR-0008"
    return edit(path, change)


def font_hides_digits(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=row_of(ws, "FR-0009"), column=column_of(ws, "价值补偿"))
        cell.font = Font(name="Wingdings", size=2)
        return "FR-0009"
    return edit(path, change)


def row_deleted_and_sums_shortened(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        row = row_of(ws, "FR-0010")
        ws.delete_rows(row)
        totals = totals_row(ws)
        for column in range(1, ws.max_column + 1):
            cell = ws.cell(row=totals, column=column)
            if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                letter = get_column_letter(column)
                cell.value = f"=SUM({letter}{header_row(ws) + 1}:{letter}{totals - 1})"
        return "FR-0010"
    return edit(path, change)


def sum_replaced_by_a_number(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=totals_row(ws), column=column_of(ws, "补偿合计"))
        cell.value = 30000000
        return cell.coordinate
    return edit(path, change)


def column_hidden(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        letter = get_column_letter(column_of(ws, "损失补偿"))
        ws.column_dimensions[letter].hidden = True
        return f"{letter} 列"
    return edit(path, change)


def column_narrowed(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        letter = get_column_letter(column_of(ws, "奖励补助"))
        ws.column_dimensions[letter].width = 3
        return f"{letter} 列"
    return edit(path, change)


def row_height_shrunk(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        ws.row_dimensions[row_of(ws, "FR-0011")].height = 2
        return "FR-0011"
    return edit(path, change)


def rich_text_part_white(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=row_of(ws, "FR-0012"), column=column_of(ws, "被征收人"))
        name = str(cell.value)
        cell.value = CellRichText(name[:1], TextBlock(InlineFont(color="FFFFFFFF"), name[1:]))
        return "FR-0012"
    return edit(path, change, rich=True)


def extra_sheet(path: Path) -> str:
    def change(wb):
        ws = wb.create_sheet("汇总（更正）", 1)
        ws.append(["案卷编号", "补偿合计"])
        ws.append(["FR-0001", 900000])
        return "汇总（更正）"
    return edit(path, change)


def fingerprint_changed(path: Path) -> str:
    def change(wb):
        ws = wb[CHECK_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "数据指纹":
                row[1].value = "0" * 64
        return "数据指纹"
    return edit(path, change)


def merged_cells_over_a_figure(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        row = row_of(ws, "FR-0013")
        first = column_of(ws, "奖励补助")
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=first + 1)
        return "合并单元格"
    return edit(path, change)


def print_area_leaves_rows_out(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        ws.print_area = f"A1:M{header_row(ws) + 5}"
        return "打印区域"
    return edit(path, change)


def zeros_hidden(path: Path) -> str:
    def change(wb):
        wb[DETAIL_SHEET].sheet_view.showZeros = False
        return "不显示零值"
    return edit(path, change)


def shrink_to_fit(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=row_of(ws, "FR-0014"), column=column_of(ws, "补偿合计"))
        cell.alignment = Alignment(horizontal="right", vertical="center", shrink_to_fit=True)
        return "FR-0014"
    return edit(path, change)


def fill_hides_text(path: Path) -> str:
    def change(wb):
        ws = summary(wb)
        cell = ws.cell(row=row_of(ws, "FR-0015"), column=column_of(ws, "签约日期"))
        cell.fill = PatternFill("solid", fgColor="FF000000")
        return "FR-0015"
    return edit(path, change)


def void_reason_changed(path: Path) -> str:
    def change(wb):
        ws = wb[VOID_SHEET]
        cell = ws.cell(row=row_of(ws, ws.cell(row=header_row(ws) + 1, column=1).value),
                       column=column_of(ws, "作废理由"))
        cell.value = "误录，已删除"
        return "作废理由"
    return edit(path, change)


def cached_total_forged(path: Path) -> str:
    """The totals formula kept, but a false result stored beside it (what a viewer that does
    not recalculate shows)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, count = re.subn(r"(<f>SUM\(J\d+:J\d+\)</f>)<v\s*/?>(</v>)?", r"\1<v>99999999</v>",
                           sheet)
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return "99,999,999.00"


TAMPERINGS: list[Tamper] = [
    duplicate_row_first_with_sums,
    number_format_prints_a_false_total,
    detail_figure_changed,
    summary_cell("被征收人", "张冒名"),
    summary_cell("身份证号", "500232199001011234"),
    page_cell("FR-0004", "产权证号", 2, "渝（2019）武隆区不动产权第0000001号"),
    summary_cell("签约日期", "2023-06-01"),
    summary_cell("补偿方式", "产权调换"),
    page_cell("FR-0004", "评估单价（元/m²）", 2, "9,450.00"),
    row_hidden,
    white_text,
    conditional_format,
    formula_replaces_a_value,
    font_hides_digits,
    row_deleted_and_sums_shortened,
    summary_cell("补偿合计", 999999.99),
    sum_replaced_by_a_number,
    column_hidden,
    column_narrowed,
    row_height_shrunk,
    rich_text_part_white,
    extra_sheet,
    fingerprint_changed,
    page_cell("FR-0004", "搬迁前应付", 4, 1000000),
    merged_cells_over_a_figure,
    print_area_leaves_rows_out,
    zeros_hidden,
    shrink_to_fit,
    fill_hides_text,
    void_reason_changed,
    cached_total_forged,
]


def test_the_untouched_ledger_verifies(ledger):
    db, path = ledger
    verdict = verdict_of(db, path)
    assert verdict.matches, verdict.details[:10]
    proc = run_cli("verify-ledger", str(path), "--db", str(db))
    assert proc.returncode == 0 and proc.stdout.startswith("一致"), proc.stdout + proc.stderr
    assert "核对码" in proc.stdout


def test_a_ledger_saved_again_unchanged_still_verifies(ledger):
    """Opened and saved by a spreadsheet library without a change (shared strings instead of
    inline text, styles renumbered): what a person reads is the same, so it is 一致."""
    db, path = ledger
    load_workbook(path).save(path)
    verdict = verdict_of(db, path)
    assert verdict.matches, verdict.details[:10]


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=[t.__name__ for t in TAMPERINGS])
def test_each_tampering_is_caught_and_named(ledger, tamper):
    db, path = ledger
    named = tamper(path)
    verdict = verdict_of(db, path)
    assert not verdict.matches
    report = "\n".join(verdict.details)
    assert named in report or (named == "数据指纹" and verdict.file_fingerprint !=
                               verdict.database_fingerprint), report
    proc = run_cli("verify-ledger", str(path), "--db", str(db))
    assert proc.returncode == 1 and proc.stdout.startswith("不一致"), proc.stdout + proc.stderr


def test_at_least_the_eighteen_of_the_issue():
    assert len(TAMPERINGS) >= 18


def test_a_duplicate_row_is_refused_by_its_case_number(ledger):
    db, path = ledger
    duplicate_row_first_with_sums(path)
    verdict = verdict_of(db, path)
    assert verdict.duplicates == ["FR-0005"]
    assert any("出现 2 次" in line and "FR-0005" in line for line in verdict.details)


def test_a_false_number_format_says_what_it_prints(ledger):
    db, path = ledger
    ref = number_format_prints_a_false_total(path)
    verdict = verdict_of(db, path)
    line = next(line for line in verdict.details if ref in line)
    assert "757,777.04" in line and "数字格式" in line


def test_a_changed_figure_names_the_case_and_both_readings(ledger):
    db, path = ledger
    summary_cell("补偿合计", Decimal("999999.99"))(path)
    verdict = verdict_of(db, path)
    assert verdict.differing == ["FR-0004"]
    line = next(line for line in verdict.details if "FR-0004 补偿合计" in line)
    assert "台账显示「999,999.99」" in line
