"""The payment ledger (资金拨付台账), xlsx: per signed case the amount due, paid and outstanding,
the payment term and the household's account; a second sheet lists every payment and receipt.

The figures come in as plain rows (services.payments builds them); nothing is computed here
except the column totals. Written to a temporary file, then renamed into place, private to the
operator (it holds bank accounts).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from wulong_desk.exports.sheet_style import HEAD_FILL, MONEY_FORMAT
from wulong_desk.fileio import write_atomically

BOLD = Font(bold=True)


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


HEADERS = ("案卷编号", "被征收人", "补偿方式", "应付金额", "已付金额", "未付金额", "付款期限",
           "付款期限届满日", "收款账户")
DETAIL_HEADERS = ("案卷编号", "日期", "类别", "金额", "凭证号", "经办人")


def _append(ws: Worksheet, values: list[Any]) -> None:
    """Append a row; text is stored as text, never read as a formula (a 凭证号, a name or a
    bank account typed as "=…" must not run in Excel)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def build_payments_ledger(project_name: str, rows: list[AccountRow], *, operator: str,
                          exported_at: datetime | None = None) -> bytes:
    exported_at = exported_at or datetime.now()
    wb = Workbook()
    ws = wb.active
    ws.title = "资金拨付台账"
    _append(ws, [f"{project_name} 资金拨付台账"])
    ws["A1"].font = Font(bold=True, size=16)
    _append(ws, [f"导出时间 {exported_at:%Y-%m-%d %H:%M}，经办人 {operator}；"
               "应付金额：货币补偿为补偿合计，产权调换为应付差额（负数为住户应缴）；"
               "已付 = 拨付 − 收款；未付 = 应付 − 已付（办法第二十九条）"])
    _append(ws, list(HEADERS))
    for cell in ws[3]:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        _append(ws, [row.case_no, row.owner, row.method, row.due, row.paid, row.outstanding,
                   row.payment_term, row.payment_due, row.bank_account])
    _append(ws, ["合计", "", "", sum((r.due for r in rows), Decimal(0)),
               sum((r.paid for r in rows), Decimal(0)),
               sum((r.outstanding for r in rows), Decimal(0))])
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for line in ws.iter_rows(min_row=4, min_col=4, max_col=6):
        for cell in line:
            cell.number_format = MONEY_FORMAT
    for letter, width in zip("ABCDEFGHI", (12, 16, 10, 15, 15, 15, 20, 16, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"

    detail = wb.create_sheet("拨付明细")
    _append(detail, list(DETAIL_HEADERS))
    for cell in detail[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for row in rows:
        for p in row.payments:
            _append(detail, [row.case_no, p.paid_on.isoformat(), p.kind, p.amount, p.voucher,
                           p.operator])
            detail.cell(detail.max_row, 4).number_format = MONEY_FORMAT
    for letter, width in zip("ABCDEF", (12, 12, 8, 15, 16, 12), strict=True):
        detail.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_payments_ledger(data: bytes, out: Path) -> Path:
    return write_atomically(Path(out), data, private=True)
