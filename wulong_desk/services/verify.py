"""Does a ledger file still match the database? (the fingerprint of the stored figures)"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.exports.ledger import (
    FINGERPRINT_LABEL,
    HEADER_ROWS,
    PROJECT_KEY_LABEL,
    TOTAL_HEADER,
)
from wulong_desk.services.records import load_records
from wulong_desk.store.models import Case, Project


@dataclass
class Verdict:
    matches: bool
    file_fingerprint: str
    database_fingerprint: str
    differing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def read_ledger(path: Path) -> tuple[str, str, dict[str, Decimal]]:
    """(project uuid, fingerprint, {case_no: total}) from a ledger written by this app."""
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError as exc:
        raise UserError(f"找不到台账文件：{path}") from exc
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise UserError(f"不是有效的 xlsx 台账文件：{path}（{exc}）") from exc
    try:
        params = {row[0]: row[1] for row in wb["参数"].iter_rows(values_only=True) if row}
        sheet = wb.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except KeyError as exc:
        raise UserError(f"不是本系统导出的台账（缺少“参数”表）：{path}") from exc
    finally:
        wb.close()
    header = list(rows[HEADER_ROWS - 1])
    try:
        total_at = header.index(TOTAL_HEADER)
    except ValueError as exc:
        raise UserError("台账中找不到“合计”列") from exc
    totals: dict[str, Decimal] = {}
    for row in rows[HEADER_ROWS:]:
        case_no = row[0] if row else None
        if not case_no or case_no == "合计":
            break
        totals[str(case_no)] = Decimal(str(row[total_at]))
    fingerprint = params.get(FINGERPRINT_LABEL)
    uuid = params.get(PROJECT_KEY_LABEL) or params.get("项目编号（UUID）")  # older ledgers
    if not fingerprint or not uuid:
        raise UserError("台账的“参数”表缺少数据指纹或项目编号")
    return str(uuid), str(fingerprint), totals


def verify_ledger(session: Session, path: Path) -> Verdict:
    uuid, file_fingerprint, totals = read_ledger(path)
    project = session.execute(select(Project).where(Project.uuid == uuid)).scalar_one_or_none()
    if project is None:
        raise UserError("数据库中没有这份台账所属的项目")
    ids = list(session.execute(select(Case.id).where(
        Case.project_id == project.id, Case.case_no.in_(list(totals)))).scalars())
    records = load_records(session, project.id, ids)
    now = {entry.case_no: Decimal(entry.record["totals"]["total"]) for entry in records.entries}
    verdict = Verdict(records.fingerprint == file_fingerprint, file_fingerprint,
                      records.fingerprint)
    verdict.missing = sorted(set(totals) - set(now))
    verdict.differing = sorted(no for no, total in totals.items()
                               if no in now and now[no] != total)
    return verdict
