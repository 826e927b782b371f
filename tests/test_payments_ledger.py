"""The 资金拨付台账 looks and prints like the ledger and the notice: 宋体 on every cell (totals and
headers in bold 宋体, not the spreadsheet's Calibri), borders, each sheet one page wide with its
header row on every page and "第 x 页，共 y 页" in the footer; the totals are the columns' sums;
应追回 in red; typed text is never a formula (tests/test_qa_walk.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from wulong_desk.exports.payments_ledger import (
    DETAIL_HEADERS,
    HEADERS,
    AccountRow,
    PaymentEntry,
    build_payments_ledger,
)
from wulong_desk.exports.sheet_style import MONEY_FORMAT

LONG_ACCOUNT = "户名 张丽娟；开户行 重庆农村商业银行武隆支行；账号 6217 0000 1234 5678 901"


@pytest.fixture(scope="module")
def book():
    # spec example 1 (money, moved on time: all of it owed) and example 2 (exchange, not yet
    # moved: only before_move owed, the houses' price not yet set off)
    rows = [
        AccountRow("A-001", "张丽娟", "货币补偿",
                   (Decimal("513834.00"), Decimal("0.00"), Decimal("10000.00"), Decimal("0.00")),
                   None, Decimal("523834.00"), Decimal("530000.00"), Decimal("0.00"),
                   Decimal("6166.00"), "2023-08-16", LONG_ACCOUNT,
                   [PaymentEntry(date(2023, 8, 10), "拨付", Decimal("530000.00"), "付-001",
                                 "出纳甲")]),
        AccountRow("A-002", "王玉兰", "产权调换",
                   (Decimal("211664.00"), Decimal("11340.00"), Decimal("12000.00"),
                    Decimal("0.00")), Decimal("258750.00"), Decimal("211664.00"),
                   Decimal("10000.00"), Decimal("201664.00"), Decimal("0.00"), "", "",
                   [PaymentEntry(date(2023, 8, 11), "拨付", Decimal("10000.00"), "付-002",
                                 "出纳甲")]),
    ]
    return load_workbook(BytesIO(build_payments_ledger("芙蓉路片区项目", rows,
                                                       operator="出纳甲")))


def test_every_cell_is_in_the_sheets_one_font(book):
    assert book.sheetnames == ["资金拨付台账", "拨付明细"]
    for sheet in book:
        cells = [cell for line in sheet.iter_rows() for cell in line if cell.value is not None]
        assert cells and {cell.font.name for cell in cells} == {"宋体"}, sheet.title
    ledger, detail = book["资金拨付台账"], book["拨付明细"]
    header = [cell for cell in ledger[3]]
    assert [cell.value for cell in header] == list(HEADERS)
    assert all(cell.font.b and cell.border.left.style == "thin" for cell in header)
    assert [cell.value for cell in detail[2]] == list(DETAIL_HEADERS)
    totals = next(line for line in ledger.iter_rows() if line[0].value == "合计")
    assert all(cell.font.b for cell in totals if cell.value is not None)


def test_the_totals_are_the_columns_sums_and_amounts_are_numbers(book):
    ledger = book["资金拨付台账"]
    lines = {line[0].value: line for line in ledger.iter_rows() if line[0].value}
    money = range(3, 3 + 9)
    assert [lines["A-001"][i].number_format for i in money] == [MONEY_FORMAT] * 9
    assert lines["A-001"][HEADERS.index("调换房屋价款")].value is None    # money compensation
    totals = {HEADERS[i]: Decimal(str(lines["合计"][i].value)) for i in money}
    assert totals == {"搬迁前应付": Decimal("725498.00"), "过渡期间应付": Decimal("11340.00"),
                      "按期搬迁后应付": Decimal("22000.00"), "逾期交房加付": Decimal("0"),
                      "调换房屋价款": Decimal("258750.00"), "现应付": Decimal("735498.00"),
                      "已付": Decimal("540000.00"), "未付": Decimal("201664.00"),
                      "应追回": Decimal("6166.00")}
    assert lines["合计"][1].value == "2户"
    recover = lines["A-001"][HEADERS.index("应追回")]
    assert recover.font.color.rgb.endswith("B00020")                  # 应追回 in red
    assert lines["A-002"][HEADERS.index("应追回")].font.color is None or \
        not str(lines["A-002"][HEADERS.index("应追回")].font.color.rgb).endswith("B00020")


def test_each_sheet_prints_one_page_wide_with_its_header_on_every_page(book):
    # the ledger's columns with a long account are too wide for A4 at 8 pt or more: A3
    for sheet, paper, landscape, titles in ((book["资金拨付台账"], 8, True, "$3:$3"),
                                            (book["拨付明细"], 9, False, "$2:$2")):
        setup = sheet.page_setup
        assert int(setup.paperSize) == paper                       # A3 / A4
        assert (setup.orientation == "landscape") == landscape
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == titles
        footer = sheet.oddFooter
        assert footer.center.text == "第 &P 页，共 &N 页" and footer.center.font == "宋体"
        assert footer.left.text == f"芙蓉路片区项目  {sheet.title}"


def test_a_long_account_gets_a_row_tall_enough_to_show_it(book):
    ledger = book["资金拨付台账"]
    number = next(line[0].row for line in ledger.iter_rows() if line[0].value == "A-001")
    account = ledger.cell(number, HEADERS.index("收款账户") + 1)
    assert account.value == LONG_ACCOUNT and account.alignment.wrap_text
    assert ledger.row_dimensions[number].height >= 2 * 14   # two lines of 10-point text
