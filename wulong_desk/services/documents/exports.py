"""Exports as use cases, shared by the command line and the desktop app: the ledger, the public
notice, and agreements or settlement sheets for a whole project or chosen cases.

Long exports report progress through `progress(done, total)`; when it returns False the export
stops with `Cancelled` and nothing is left behind: a file is written to a temporary name and
renamed only when complete, a batch of PDFs is built in a temporary folder and moved into place
only when every document is done.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from wulong_desk.errors import UsageError, UserError
from wulong_desk.exports import templates
from wulong_desk.exports.records import CaseEntry, ProjectRecords
from wulong_desk.failures import plain_message
from wulong_desk.fileio import inside, safe_name, unique_names
from wulong_desk.rules.breakdown import SCHEDULE_KEYS
from wulong_desk.rules.model import METHOD_LABELS
from wulong_desk.services.cases.agreement_numbers import assign_numbers
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.documents.notices import export_notice
from wulong_desk.services.documents.output import ExportResult, Progress, check_target, tick
from wulong_desk.services.documents.records import load_case, load_records, stream_records
from wulong_desk.services.money.due import money_dues
from wulong_desk.services.money.payments import KIND_LABELS, project_accounts
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.statuses import STATUS_LABELS, is_frozen, is_out, is_void
from wulong_desk.store import Store
from wulong_desk.store.models import Case
from wulong_desk.tempfiles import noted_staging

# asked for a batch: each case gets its own agreement (money or exchange, by its method)
BY_METHOD = "agreement"


def _something_to_export(records: ProjectRecords) -> None:
    if records.entries:
        return
    if records.incomplete:
        raise UserError(f"没有可导出的案卷：{len(records.incomplete)} 户的计算数据都不完整"
                        f"（{'、'.join(records.incomplete[:10])}"
                        f"{'…' if len(records.incomplete) > 10 else ''}），请先补全")
    raise UserError("没有可导出的案卷：这个项目（或所选范围）还没有案卷")


VOID_REFUSED = "已作废：它的协议不再成立，不能再出具协议或结算单"
LAPSED_REFUSED = "的预签协议不生效（项目已终止，办法第二十三条）：不能再出具协议或结算单"


def _without_voided(records: ProjectRecords) -> ProjectRecords:
    """Agreements and settlement sheets only for cases whose agreement stands (not 作废, not
    不生效)."""
    kept = [entry for entry in records.entries if not is_out(entry.status)]
    if len(kept) == len(records.entries):
        return records
    if not kept and not records.incomplete:
        voided = [entry.case_no for entry in records.entries]
        raise UserError(f"案卷 {'、'.join(voided[:10])}{'…' if len(voided) > 10 else ''}"
                        + VOID_REFUSED)
    return replace(records, entries=kept)


PRESIGN_ONLY = "预签协议只为处于「预签」阶段的案卷出具"


def _presigns_only(records: ProjectRecords) -> ProjectRecords:
    """A batch of 预签协议: the cases at 预签 only."""
    kept = [entry for entry in records.entries if entry.status == "presigned"]
    if not kept:
        raise UserError(f"没有可出具的预签协议：这个项目（或所选范围）没有处于「预签」阶段的案卷"
                        f"（{PRESIGN_ONLY}）")
    return replace(records, entries=kept, incomplete=[])


def export_ledger(store: Store, project_id: int, out: Path, *, public: bool, operator: str,
                  case_ids: list[int] | None = None,
                  progress: Progress | None = None,
                  notice_period: tuple[date | None, date | None] | None = None
                  ) -> ExportResult:
    """The ledger, or with public=True the public notice 分户补偿情况公示 of the settled
    households (`services.documents.notices.export_notice`, kind compensation), its 公示期
    `notice_period` as the office entered it (from, to)."""
    from wulong_desk.exports.ledger import build_ledger, write_bytes

    if public:
        return export_notice(store, project_id, out, kind="compensation", period=notice_period,
                             case_ids=case_ids, progress=progress)
    check_target(out)
    with store.read() as session:
        records = stream_records(session, project_id, case_ids)   # a batch at a time
        _something_to_export(records)
        total = len(records.entries)
        tick(progress, 0, total)
        data = build_ledger(records, public=False, operator=operator, progress=progress)
    tick(progress, total, total)  # the last chance to cancel: nothing is on disk yet
    write_bytes(data, Path(out), public=False)
    return ExportResult(Path(out), total, records.incomplete, [Path(out)])


def document_kind(requested: str, entry: CaseEntry) -> str:
    """The document a case gets: its own agreement (money or exchange) unless a presign
    agreement or a settlement sheet was asked for."""
    if requested == BY_METHOD and entry.decision:   # settled by the district's decision
        return "decision"
    if requested in (BY_METHOD, "money", "exchange"):
        return entry.method
    if requested not in ("presign", "settlement", "decision"):
        raise UsageError(f"未知的文书种类：{requested}")
    return requested


# the file names a clerk sees, in Chinese (the kind codes stay internal)
DOCUMENT_NAMES = {"money": "货币补偿协议", "exchange": "产权调换协议", "presign": "预签协议",
                  "settlement": "结算单", "decision": "补偿决定书"}


def document_name(entry: CaseEntry, kind: str) -> str:
    """The file name of a case's document: the case number comes from outside (a package, a
    sheet), so it is made safe — it can never name another folder or a reserved device."""
    return f"{safe_name(entry.case_no)}-{DOCUMENT_NAMES.get(kind, '文书')}.pdf"


def export_documents(store: Store, project_id: int, out_dir: Path, *, kind: str = BY_METHOD,
                     case_ids: list[int] | None = None,
                     progress: Progress | None = None) -> ExportResult:
    """One PDF per case into out_dir (created if need be). All or nothing."""
    from wulong_desk.exports.household_papers import build_pdf
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} 不是文件夹")
    parent = out_dir.parent
    if not parent.is_dir():
        raise UserError(f"文件夹不存在：{parent}")
    template = templates.load(templates.AGREEMENT)  # a bad template is named before any work
    with store.read() as session:
        records = _without_voided(load_records(session, project_id, case_ids))
    if kind == "presign":   # one 预签协议 per presign, never one per case (办法第二十三条)
        records = _presigns_only(records)
    _something_to_export(records)
    numbers = assign_numbers(store, project_id, [entry.case_id for entry in records.entries])
    kinds = [document_kind(kind, entry) for entry in records.entries]
    names = unique_names([document_name(entry, chosen) for entry, chosen in zip(
        records.entries, kinds, strict=True)])  # FR-1 and fr-1 are one file on Windows
    for name in names:
        inside(out_dir, name)
    if out_dir.is_dir():
        for name in names:
            check_target(out_dir / name)
    total = len(records.entries)
    tick(progress, 0, total)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UserError(f"无法写入文件夹 {parent}：{exc.strerror}") from exc
    try:
        with noted_staging(staging):  # a killed batch's folder is removed at the next start
            for done, (entry, chosen, name) in enumerate(
                    zip(records.entries, kinds, names, strict=True), 1):
                _write_private(inside(staging, name), build_pdf(
                    chosen, records.project, entry, number=numbers.get(entry.case_id),
                    template=template))
                tick(progress, done, total)
            files = _move_into_place(staging, out_dir, names)
    except OSError as exc:
        raise UserError(f"无法写入 {out_dir}：{plain_message(exc) or exc.strerror}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(out_dir, total, records.incomplete, files)


def _write_private(path: Path, data: bytes) -> None:
    """A document with personal data: owner-only from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _move_into_place(staging: Path, out_dir: Path, names: list[str]) -> list[Path]:
    for name in names:
        os.chmod(staging / name, 0o600)
    if not out_dir.exists():
        staging.rename(out_dir)  # one rename: the folder appears complete or not at all
        return [out_dir / name for name in names]
    for name in names:
        os.replace(staging / name, out_dir / name)
    return [out_dir / name for name in names]


def build_document(store: Store, case_id: int, kind: str) -> tuple[str, bytes]:
    """One case's document as PDF bytes (for the preview) and the file name it would get."""
    from wulong_desk.exports.household_papers import build_pdf
    with store.read() as session:
        project, entry = load_case(session, case_id)
        project_id = session.get(Case, case_id).project_id
    if entry is None:
        raise UserError("这个案卷的计算还不完整（缺少必填数据），不能出具文书")
    if is_void(entry.status):
        raise UserError(f"案卷 {entry.case_no} {VOID_REFUSED}")
    if is_out(entry.status):
        raise UserError(f"案卷 {entry.case_no}{LAPSED_REFUSED}")
    # its own agreement (a decided case: its 补偿决定书); a wrong kind is refused by build_pdf
    chosen = document_kind(kind, entry) if kind == BY_METHOD else kind
    if chosen == "presign" and is_frozen(entry.status) and entry.status != "presigned":
        # a draft may be printed for signing; a case signed, decided or moved has no presign
        raise UserError(f"案卷 {entry.case_no} 处于「{STATUS_LABELS.get(entry.status)}」阶段，"
                        f"不能出具预签协议（{PRESIGN_ONLY}）")
    # a 补偿决定书 carries the decision's own number, not an agreement's
    number = None if chosen == "decision" else assign_numbers(
        store, project_id, [case_id]).get(case_id)
    return document_name(entry, chosen), build_pdf(chosen, project, entry, number=number)


def export_payments(store: Store, project_id: int, out: Path, *, operator: str) -> ExportResult:
    """The 资金拨付台账 of the project's cases with an agreement in force (beside the ledger)."""
    from wulong_desk.exports.payments_ledger import (
        AccountRow,
        PaymentEntry,
        build_payments_ledger,
        write_payments_ledger,
    )
    check_target(out)
    calendar = WorkCalendar.for_user()
    rows: list[AccountRow] = []
    with store.read() as session:
        project = get_project(session, project_id)
        project_name = project.name
        accounts = project_accounts(session, project_id)
        dues: dict[int, list[Any]] = {}
        for due in money_dues(session, project, calendar):
            if due.due is not None:
                dues.setdefault(due.case_id, []).append(due.due)
        for account in accounts:
            case = session.get(Case, account.case_id)
            assert case is not None
            owners = [p.name for p in case.persons if p.role == "owner"] or \
                [p.name for p in case.persons]
            earliest = min(dues.get(account.case_id, []), key=lambda d: d.on, default=None)
            payee = "；".join(f"{label} {value}" for label, value in (
                ("户名", case.payee_name), ("开户行", case.payee_bank),
                ("账号", case.payee_account)) if value) or (case.bank_account or "")
            rows.append(AccountRow(
                account.case_no, "、".join(owners), METHOD_LABELS.get(account.method, ""),
                tuple(account.buckets[key] for key in SCHEDULE_KEYS),  # type: ignore[arg-type]
                account.exchange_price, account.due_now, account.paid, account.outstanding,
                account.recover, earliest.text() if earliest else "", payee,
                [PaymentEntry(p.paid_on, KIND_LABELS[p.kind], p.amount, p.voucher, p.operator)
                 for p in account.payments]))
    if not rows:
        raise UserError("没有可导出的拨付记录：这个项目还没有已签约且计算完整的案卷")
    write_payments_ledger(build_payments_ledger(project_name, rows, operator=operator), out)
    return ExportResult(Path(out), len(rows), [], [Path(out)])
