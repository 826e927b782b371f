"""The payment ledger (资金拨付台账), xlsx: per case with an agreement in force its schedule's
four buckets (搬迁前应付, 过渡期间应付, 按期搬迁后应付, 逾期交房加付), the exchange houses' price,
what is owed now, paid, outstanding and to be recovered (应追回, in red), the next due date and the
payee account; a second sheet lists every payment and receipt.

The figures come in as plain rows (services.money.payments builds them); nothing is computed here
except the column totals. It looks and prints like the ledger and the notice (sheet_style): 宋体
on every cell (10 pt), borders, A3 landscape one page wide (so nothing prints below 8 pt) with
the header row on every page, "第 x 页，共 y 页" in the footer, the signature lines never alone
on a page (exports/print_pages); typed text (a name, a 凭证号, an account) is never a formula.
Written to a temporary file, then renamed into place, private to the operator (it holds bank
accounts).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wulong_desk.exports.print_pages import keep_closing_with_rows
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
    method: str              # in words
    buckets: tuple[Decimal, Decimal, Decimal, Decimal]   # before_move … overdue (the record's)
    exchange_price: Decimal | None                       # None for money compensation
    due_now: Decimal
    paid: Decimal
    outstanding: Decimal
    recover: Decimal
    payment_due: str         # the earliest due date of what is owed and unpaid, as shown
    bank_account: str        # 户名、开户行、账号
    payments: list[PaymentEntry] = field(default_factory=list)

    def amounts(self) -> tuple[Decimal | None, ...]:
        return (*self.buckets, self.exchange_price, self.due_now, self.paid, self.outstanding,
                self.recover)


# (header, width in characters, the widest a fitted column grows to: longer text wraps)
MONEY_HEADERS = ("搬迁前应付", "过渡期间应付", "按期搬迁后应付", "逾期交房加付", "调换房屋价款",
                 "现应付", "已付", "未付", "应追回")
# (a money column holds 99,999,999.99; its header wraps onto the header row's second line: so
# the sheet fits A3 landscape at no less than 8 pt when printed)
COLUMNS = (("案卷编号", 10, 12), ("被征收人", 10, 14), ("补偿方式", 8, 8),
           *((header, 12, 12) for header in MONEY_HEADERS),
           ("付款期限届满日", 12, 12), ("收款账户", 16, 28))
HEADERS = tuple(header for header, _width, _widest in COLUMNS)
FIRST_MONEY = 3
DETAIL_COLUMNS = (("案卷编号", 12), ("日期", 12), ("类别", 8), ("金额", 15), ("凭证号", 16),
                  ("经办人", 12))
DETAIL_HEADERS = tuple(header for header, _width in DETAIL_COLUMNS)
HEADER_ROWS = 3          # title, basis, column row
NOTES = ("搬迁前应付、过渡期间应付、按期搬迁后应付、逾期交房加付：协议计算记录中补偿款的四个部分"
         "（办法第二十九条，按其应付之时划分）；逾期搬迁的，按期搬迁后应付一项不予支付。",
         "现应付：已到应付之时的部分（签约后的搬迁前应付，搬迁后的过渡期间应付和单户按期搬迁奖励，"
         "接房后的第二次搬迁补助，已登记的逾期交房加付），产权调换的户在约定之时减去调换房屋价款"
         "（负数为住户应补交）。",
         "已付 = 拨付 − 收款；未付 = 现应付 − 已付（不小于零）；应追回 = 已付超过现应付的部分"
         "（含住户应补交的调换房屋差价）。")
RED = Font(name=FONT_NAME, size=10, color="B00020")

WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def _money(ws: Worksheet, value: Decimal | None, bold: bool = False,
           font: Font | None = None) -> Any:
    return styled_cell(ws, value, font or (BOLD if bold else None), alignment=RIGHT,
                       number_format=MONEY_FORMAT)


def _texts(row: AccountRow) -> tuple[str, ...]:
    """The row's text in column order (the amounts as "")."""
    return (row.case_no, row.owner, row.method, *("" for _ in MONEY_HEADERS), row.payment_due,
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
    ws.append([styled_cell(ws, f"金额单位：元    已签约、已搬迁 {len(rows)} 户", border=False)])
    ws.append([styled_cell(ws, header, BOLD, fill=HEAD_FILL, alignment=CENTER)
               for header in HEADERS])
    for number, row in enumerate(rows, start=HEADER_ROWS + 1):
        tall = max(wrapped_lines(text, chars) for text, chars in zip(_texts(row), widths,
                                                                     strict=True))
        if tall > 1:  # a long account wraps: the row is made tall enough to show it whole
            ws.row_dimensions[number].height = LINE_HEIGHT * tall
        amounts = row.amounts()
        ws.append([styled_cell(ws, row.case_no, alignment=WRAP),
                   styled_cell(ws, row.owner, alignment=WRAP),
                   styled_cell(ws, row.method, alignment=CENTER),
                   *(_money(ws, value, font=RED if header == "应追回" and value else None)
                     for header, value in zip(MONEY_HEADERS, amounts, strict=True)),
                   styled_cell(ws, row.payment_due, alignment=CENTER),
                   styled_cell(ws, row.bank_account, alignment=WRAP)])
    sums = [sum((r.amounts()[i] or Decimal(0) for r in rows), Decimal(0))
            for i in range(len(MONEY_HEADERS))]
    ws.append([styled_cell(ws, "合计", BOLD, alignment=CENTER),
               styled_cell(ws, f"{len(rows)}户", BOLD, alignment=WRAP),
               styled_cell(ws, None, BOLD),
               *(_money(ws, value, bold=True) for value in sums)]
              + [styled_cell(ws, None, BOLD) for _ in range(width - FIRST_MONEY - len(sums))])
    for note in NOTES:
        ws.append([styled_cell(ws, note, border=False)])
    ws.append([])

    def plain(*texts: str | None) -> list[Any]:
        return [None if text is None else styled_cell(ws, text, border=False) for text in texts]

    ws.append(plain("制表人：", None, None, "审核人：", None, None, "负责人："))
    ws.append(plain(f"导出：{exported_at:%Y-%m-%d %H:%M}  {operator}".rstrip()))
    # the totals, notes and signature lines never alone on the last page
    keep_closing_with_rows(ws, units=sum(widths), first=HEADER_ROWS + 1,
                           last=HEADER_ROWS + len(rows),
                           end=HEADER_ROWS + len(rows) + 1 + len(NOTES) + 3,
                           title_rows=(HEADER_ROWS, HEADER_ROWS))
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
