"""The payment ledger (资金拨付台账), xlsx: per signed case the amount due, paid and outstanding,
the payment term and the household's account; a second sheet lists every payment and receipt.

The figures come in as plain rows (services.payments builds them); nothing is computed here
except the column totals. It looks and prints like the ledger and the notice (sheet_style): 宋体
on every cell, borders, A4 landscape one page wide with the header row on every page, "第 x
页，共 y 页" in the footer; typed text (a name, a 凭证号, an account) is never a formula. Written
to a temporary file, then renamed into place, private to the operator (it holds bank accounts).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wulong_desk.exports.sheet_style import (
    BOLD,
    FONT_NAME,
    HEAD_FILL,
    LINE_HEIGHT,
    MARGINS,
    MONEY_FORMAT,
    TITLE_FONT,
    page_footer,
    page_setup,
    paper_for,
    styled_cell,
    text_width,
    workbook,
    wrapped_lines,
)
from wulong_desk.fileio import write_atomically
from wulong_desk.tempfiles import private_temp_files

TITLE = "资金拨付台账"
DETAIL_TITLE = "拨付明细"


@dataclass(frozen=True)
class PaymentEntry:
    paid_on: date
    kind: str            # 拨付 | 收款
    amount: Decimal
    voucher: str
    operator: str


@dataclass(frozen=True)
class AccountRow:
    case_no: str
    owner: str
    method: str          # in words
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    payment_term: str
    payment_due: str     # the term's last day as shown (an estimate says so)
    bank_account: str
    payments: list[PaymentEntry] = field(default_factory=list)


# (header, width in characters, the widest a fitted column grows to: longer text wraps)
COLUMNS = (("案卷编号", 10, 16), ("被征收人", 10, 24), ("补偿方式", 10, 10), ("应付金额", 15, 15),
           ("已付金额", 15, 15), ("未付金额", 15, 15), ("付款期限", 12, 24),
           ("付款期限届满日", 16, 24), ("收款账户", 16, 44))
HEADERS = tuple(header for header, _width, _widest in COLUMNS)
DETAIL_COLUMNS = (("案卷编号", 12), ("日期", 12), ("类别", 8), ("金额", 15), ("凭证号", 16),
                  ("经办人", 12))
DETAIL_HEADERS = tuple(header for header, _width in DETAIL_COLUMNS)
HEADER_ROWS = 3          # title, basis, column row
NOTES = ("应付金额：货币补偿的户为补偿合计，产权调换的户为应付差额（负数为住户应补交的差价）。",
         "已付金额 = 拨付 − 收款；未付金额 = 应付 − 已付（办法第二十九条）。")

WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def _money(ws: Worksheet, value: Decimal, bold: bool = False) -> Any:
    return styled_cell(ws, value, BOLD if bold else None, alignment=RIGHT,
                       number_format=MONEY_FORMAT)


def _texts(row: AccountRow) -> tuple[str, ...]:
    """The row's text in column order (the amounts as "")."""
    return (row.case_no, row.owner, row.method, "", "", "", row.payment_term, row.payment_due,
            row.bank_account)


def _widths(rows: list[AccountRow]) -> list[int]:
    """Each column as wide as its longest text, within its bounds (longer text wraps)."""
    texts = [_texts(row) for row in rows]
    return [max([width, *(min(widest, text_width(line[i])) for line in texts)]) + 2
            for i, (_header, width, widest) in enumerate(COLUMNS)]


@private_temp_files  # openpyxl streams names and bank accounts through temporary files
def build_payments_ledger(project_name: str, rows: list[AccountRow], *, operator: str,
                          exported_at: datetime | None = None) -> bytes:
    exported_at = exported_at or datetime.now()
    wb = workbook()
    ws = wb.create_sheet(TITLE)
    width = len(COLUMNS)
    widths = _widths(rows)
    for index, chars in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = chars
    ws.freeze_panes = f"A{HEADER_ROWS + 1}"
    page_setup(ws, paper=paper_for(sum(widths)), landscape=True,   # never below 8 pt
               title_rows=f"{HEADER_ROWS}:{HEADER_ROWS}")
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    page_footer(ws, FONT_NAME, f"{project_name}  {TITLE}")
    ws.row_dimensions[1].height = 28
    ws.row_dimensions[HEADER_ROWS].height = 30
    centred = Alignment(horizontal="centerContinuous", vertical="center")
    ws.append([styled_cell(ws, f"{project_name} {TITLE}", TITLE_FONT, alignment=centred,
                           border=False)]
              + [styled_cell(ws, None, alignment=centred, border=False)
                 for _ in range(width - 1)])
    ws.append([styled_cell(ws, f"金额单位：元    已签约 {len(rows)} 户", border=False)])
    ws.append([styled_cell(ws, header, BOLD, fill=HEAD_FILL, alignment=CENTER)
               for header in HEADERS])
    for number, row in enumerate(rows, start=HEADER_ROWS + 1):
        tall = max(wrapped_lines(text, chars) for text, chars in zip(_texts(row), widths,
                                                                     strict=True))
        if tall > 1:  # a long account wraps: the row is made tall enough to show it whole
            ws.row_dimensions[number].height = LINE_HEIGHT * tall
        ws.append([styled_cell(ws, row.case_no, alignment=WRAP),
                   styled_cell(ws, row.owner, alignment=WRAP),
                   styled_cell(ws, row.method, alignment=CENTER),
                   _money(ws, row.due), _money(ws, row.paid), _money(ws, row.outstanding),
                   styled_cell(ws, row.payment_term, alignment=CENTER),
                   styled_cell(ws, row.payment_due, alignment=CENTER),
                   styled_cell(ws, row.bank_account, alignment=WRAP)])
    ws.append([styled_cell(ws, "合计", BOLD, alignment=CENTER),
               styled_cell(ws, f"{len(rows)}户", BOLD, alignment=WRAP),
               styled_cell(ws, None, BOLD),
               _money(ws, sum((r.due for r in rows), Decimal(0)), bold=True),
               _money(ws, sum((r.paid for r in rows), Decimal(0)), bold=True),
               _money(ws, sum((r.outstanding for r in rows), Decimal(0)), bold=True)]
              + [styled_cell(ws, None, BOLD) for _ in range(width - 6)])
    for note in NOTES:
        ws.append([styled_cell(ws, note, border=False)])
    ws.append([])

    def plain(*texts: str | None) -> list[Any]:
        return [None if text is None else styled_cell(ws, text, border=False) for text in texts]

    ws.append(plain("制表人：", None, None, "审核人：", None, None, "负责人："))
    ws.append(plain(f"导出：{exported_at:%Y-%m-%d %H:%M}  {operator}".rstrip()))
    _detail_sheet(wb.create_sheet(DETAIL_TITLE), project_name, rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _detail_sheet(ws: Worksheet, project_name: str, rows: list[AccountRow]) -> None:
    """Every payment and receipt, one a row, under a header repeated on every page."""
    for index, (_header, chars) in enumerate(DETAIL_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = chars + 2
    ws.freeze_panes = "A3"
    page_setup(ws, paper=Worksheet.PAPERSIZE_A4, landscape=False, title_rows="2:2")
    page_footer(ws, FONT_NAME, f"{project_name}  {DETAIL_TITLE}")
    ws.row_dimensions[1].height = 24
    centred = Alignment(horizontal="centerContinuous", vertical="center")
    ws.append([styled_cell(ws, f"{project_name} {DETAIL_TITLE}", BOLD, alignment=centred,
                           border=False)]
              + [styled_cell(ws, None, alignment=centred, border=False)
                 for _ in range(len(DETAIL_COLUMNS) - 1)])
    ws.append([styled_cell(ws, header, BOLD, fill=HEAD_FILL, alignment=CENTER)
               for header in DETAIL_HEADERS])
    for row in rows:
        for p in row.payments:
            ws.append([styled_cell(ws, row.case_no, alignment=WRAP),
                       styled_cell(ws, p.paid_on.isoformat(), alignment=CENTER),
                       styled_cell(ws, p.kind, alignment=CENTER), _money(ws, p.amount),
                       styled_cell(ws, p.voucher, alignment=CENTER),
                       styled_cell(ws, p.operator, alignment=CENTER)])


def write_payments_ledger(data: bytes, out: Path) -> Path:
    return write_atomically(Path(out), data, private=True)
