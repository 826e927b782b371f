"""Use cases for cases: save (create or update) with recomputation in the same transaction,
status changes, lock and unlock, delete, history. Qt-free; the CLI and the GUI share these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.services.calculation import problems, recompute
from wulong_desk.services.case_form import apply_form
from wulong_desk.services.search import search_text_for
from wulong_desk.store import Store, audit
from wulong_desk.store.models import STATUS_LABELS, STATUSES, AuditEntry, Case, Project


class NotFoundError(UserError):
    pass


@dataclass(frozen=True)
class Saved:
    case_id: int
    uuid: str
    ok: bool
    warnings: tuple[str, ...]


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFoundError(f"没有编号为 {project_id} 的项目")
    return project


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"没有编号为 {case_id} 的案卷")
    return case


def save_in_session(session: Session, project: Project, form: dict[str, Any],
                    case: Case | None = None) -> Case:
    """Apply a form to a new or existing case, refresh its search text and breakdown."""
    if case is None:
        # empty collections up front: a new case has nothing to lazy-load
        case = Case(project=project, persons=[], parts=[], equipment=[], exchange_houses=[],
                    result=None)
        if form.get("uuid"):
            case.uuid = str(form["uuid"])
        session.add(case)
    with session.no_autoflush:
        apply_form(session, case, form)
        duplicate = session.execute(
            select(Case.id).where(Case.project_id == project.id, Case.case_no == case.case_no,
                                  Case.id != (case.id or -1))).first()
    if duplicate:
        raise UserError(f"case_no: 案卷编号 {case.case_no} 在本项目中已存在")
    case.search_text = search_text_for(case)
    result = recompute(session, case)  # flushed with the transaction (or by the caller)
    if case.status in ("signed", "moved") and not result.ok:
        raise UserError(f"status: 案卷 {case.case_no} 的计算还不完整，不能标为"
                        f"{STATUS_LABELS[case.status]}（{'；'.join(problems(case))}）")
    return case


def save_case(store: Store, project_id: int, form: dict[str, Any],
              case_id: int | None = None) -> Saved:
    """Create (case_id None) or update a case from a form; all in one transaction."""
    with store.transaction() as session:
        project = get_project(session, project_id)
        case = get_case(session, case_id) if case_id is not None else None
        if case is not None and case.project_id != project_id:
            raise UserError("案卷不属于该项目")
        case = save_in_session(session, project, form, case)
        session.flush()
        warnings = tuple(session.info.pop("form_warnings", []))
        return Saved(case.id, case.uuid, bool(case.result and case.result.ok), warnings)


def set_status(store: Store, case_id: int, status: str, *, moved_on_time: bool | None = None
               ) -> None:
    if status not in STATUSES:
        raise UserError(f"status: 应为 {' | '.join(STATUSES)} 之一")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if status in ("signed", "moved") and not (case.result and case.result.ok):
            raise UserError(f"案卷 {case.case_no} 的计算还不完整，不能标为"
                            f"{STATUS_LABELS[status]}")
        case.status = status
        if status == "moved" and moved_on_time is not None:
            case.moved_on_time = moved_on_time
        session.flush()
        recompute(session, case)


def unlock_case(store: Store, case_id: int, reason: str) -> None:
    """Allow money-relevant edits to a signed case; the reason is required and audited."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise UserError("解锁必须写明理由（至少4个字）")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if not case.locked:
            raise UserError(f"案卷 {case.case_no} 未锁定，无需解锁")
        case.unlocked_reason = reason
        audit.record(session, "unlock", case, "locked", "true", "false", reason)


def relock_case(store: Store, case_id: int) -> None:
    with store.transaction() as session:
        case = get_case(session, case_id)
        if case.unlocked_reason is None:
            return
        case.unlocked_reason = None
        audit.record(session, "relock", case, "locked", "false", "true", None)


def delete_case(store: Store, case_id: int) -> None:
    with store.transaction() as session:
        case = get_case(session, case_id)
        if case.locked:
            raise UserError(f"案卷 {case.case_no} 已签约并锁定，不能删除")
        session.delete(case)


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    operator: str
    action: str
    entity: str
    field: str
    old: str | None
    new: str | None
    reason: str | None


def history(store: Store, case_id: int) -> list[HistoryEntry]:
    """The audit trail of one case (the case and its persons, parts, equipment), oldest first."""
    with store.read() as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        ).scalars()
        return [HistoryEntry(e.at.isoformat(sep=" ", timespec="seconds"), e.operator, e.action,
                             e.entity, e.field, e.old, e.new, e.reason) for e in entries]
