"""Does a ledger file still match the database?

一致 only when (1) the fingerprint printed in the file is the fingerprint of the stored records,
(2) every figure printed for every case (each line, 合计, the settlement columns and the areas)
equals what the ledger writer prints from the stored record now, (3) the totals row still sums
the case rows, and (4) no case is missing from the file or extra in it. Anything else is a
difference naming the case and the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.exports.ledger import (
    FINGERPRINT_LABEL,
    HEADER_ROWS,
    MONEY_KEYS,
    PROJECT_KEY_LABEL,
    SUMMED_KEYS,
    TOTAL_HEADER,
    _columns,
    _line_labels,
    _values,
)
from wulong_desk.services.records import load_records
from wulong_desk.statuses import is_out
from wulong_desk.store.models import Project
from wulong_desk.xlsx_limits import LEDGER, check_workbook

FIGURE_KEYS = MONEY_KEYS | {"area", "comp_area"}
CENT = Decimal("0.01")


@dataclass
class Verdict:
    matches: bool
    file_fingerprint: str
    database_fingerprint: str
    differing: list[str] = field(default_factory=list)      # case numbers with a figure off
    missing: list[str] = field(default_factory=list)        # in the file, not in the database
    extra: list[str] = field(default_factory=list)          # in the database, not in the file
    details: list[str] = field(default_factory=list)        # "FR-0009 合计：文件 1.00，数据库 …"


@dataclass
class LedgerFile:
    uuid: str
    fingerprint: str
    header: list[str]
    rows: dict[str, tuple[int, list[Any]]]       # case_no → (sheet row number, cells)
    totals: list[Any] | None                     # the 合计 row's cells
    totals_row: int


def read_ledger(path: Path) -> LedgerFile:
    check_workbook(path, LEDGER)  # a spreadsheet bomb is refused before it is loaded
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError as exc:
        raise UserError(f"找不到台账文件：{path}") from exc
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise UserError(f"不是有效的 xlsx 台账文件：{path}（{exc}）") from exc
    try:
        params = {row[0]: row[1] for row in wb["参数"].iter_rows(values_only=True) if row}
        sheet = wb.worksheets[0]
        all_rows = list(sheet.iter_rows(values_only=True))
    except KeyError as exc:
        raise UserError(f"不是本系统导出的台账（缺少“参数”表）：{path}") from exc
    finally:
        wb.close()
    if len(all_rows) < HEADER_ROWS:
        raise UserError("台账的表头不完整")
    header = [str(v) if v is not None else "" for v in all_rows[HEADER_ROWS - 1]]
    if TOTAL_HEADER not in header:
        raise UserError("台账中找不到“合计”列")
    rows: dict[str, tuple[int, list[Any]]] = {}
    totals = None
    totals_row = 0
    for number, row in enumerate(all_rows[HEADER_ROWS:], start=HEADER_ROWS + 1):
        case_no = row[0] if row else None
        if not case_no:
            break
        if case_no == "合计":
            totals, totals_row = list(row), number
            break
        rows[str(case_no)] = (number, list(row))
    fingerprint = params.get(FINGERPRINT_LABEL)
    uuid = params.get(PROJECT_KEY_LABEL) or params.get("项目编号（UUID）")  # older ledgers
    if not fingerprint or not uuid:
        raise UserError("台账的“参数”表缺少数据指纹或项目编号")
    return LedgerFile(str(uuid), str(fingerprint), header, rows, totals, totals_row)


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(CENT)
    except InvalidOperation:
        return None


def verify_ledger(session: Session, path: Path) -> Verdict:
    ledger = read_ledger(path)
    project = session.execute(select(Project).where(Project.uuid == ledger.uuid)
                              ).scalar_one_or_none()
    if project is None:
        raise UserError("数据库中没有这份台账所属的项目")
    records = load_records(session, project.id)
    entries = {e.case_no: e for e in records.entries if not is_out(e.status)}
    verdict = Verdict(records.fingerprint == ledger.fingerprint, ledger.fingerprint,
                      records.fingerprint)
    verdict.missing = sorted(set(ledger.rows) - set(entries))
    verdict.extra = sorted(set(entries) - set(ledger.rows))
    labels = _line_labels(records.entries)   # (a revision-1 record has no V_UNREG)
    columns = _columns(labels)
    position = {key: ledger.header.index(title) for key, title in columns
                if key in FIGURE_KEYS and title in ledger.header}
    differing: set[str] = set()
    sums: dict[str, Decimal] = dict.fromkeys(position, Decimal(0))
    for case_no, (_row, cells) in ledger.rows.items():
        entry = entries.get(case_no)
        if entry is None:
            continue
        expected = _values(entry)
        for key, at in position.items():
            want = Decimal(expected[key]).quantize(CENT)
            sums[key] += want
            got = _number(cells[at] if at < len(cells) else None)
            if got != want:
                differing.add(case_no)
                shown = "空" if got is None else f"{got:,.2f}"
                verdict.details.append(f"{case_no} {ledger.header[at]}：台账 {shown}，"
                                       f"数据库 {want:,.2f}")
    for key in sorted(position, key=position.get):
        if key not in SUMMED_KEYS or not ledger.rows:
            continue
        at = position[key]
        letter = get_column_letter(at + 1)
        formula = f"=SUM({letter}{HEADER_ROWS + 1}:{letter}{HEADER_ROWS + len(ledger.rows)})"
        cell = ledger.totals[at] if ledger.totals and at < len(ledger.totals) else None
        if cell != formula and _number(cell) != sums[key]:
            verdict.details.append(f"合计行 {ledger.header[at]}：台账 {cell!r}，"
                                   f"应为各户之和 {sums[key]:,.2f}")
    verdict.differing = sorted(differing)
    verdict.details += [f"{no}：台账中有，数据库中没有（或已作废、计算不完整）"
                        for no in verdict.missing]
    verdict.details += [f"{no}：数据库中有，台账中没有" for no in verdict.extra]
    verdict.matches = verdict.matches and not verdict.details
    return verdict
