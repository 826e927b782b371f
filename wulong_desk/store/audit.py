"""The audit trail and the lock on signed cases, enforced for every flush of every session.

Every create, update and delete of a project, case, person, part, equipment item or exchange
house records the operator, the time, the entity, the field and old → new. Money-relevant edits
to a case at 已签约 or later are refused unless the case was unlocked with a reason.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.store.models import (
    STATUSES,
    AuditEntry,
    Case,
    Equipment,
    ExchangeHouse,
    HousePart,
    Person,
    Project,
)

ENTITY_NAMES: dict[type, str] = {
    Project: "project", Case: "case", Person: "person", HousePart: "part",
    Equipment: "equipment", ExchangeHouse: "exchange_house",
}
NOT_AUDITED = {"search_text", "updated_at", "created_at", "exchanged_hash", "unlocked_reason",
               "id"}
CASE_MONEY_FIELDS = {
    "method", "min_housing_eligible", "signed_on", "moved_on_time", "land_area",
    "land_unit_price", "transition_months", "turnover_house", "interruption_months",
    "overdue_months", "project_id",
}
PROJECT_MONEY_FIELDS = {
    "announced_on", "signing_deadline", "zone", "guide_reward_for", "residential_extra_area",
    "nonresidential_guide_rate", "manufacturing_uplift", "equipment_rate",
    "maintenance_fund_rate",
}
CHILD_MONEY_TYPES = (HousePart, Equipment, ExchangeHouse)


class CaseLockedError(UserError):
    """A money-relevant change to a signed case that was not unlocked."""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in NOT_AUDITED]


def _changes(obj: Any) -> list[tuple[str, Any, Any]]:
    state = inspect(obj)
    found = []
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if show(old) != show(new):
                found.append((key, old, new))
    return found


def _case_of(obj: Any) -> Case | None:
    if isinstance(obj, Case):
        return obj
    return getattr(obj, "case", None)


def _owner_ids(obj: Any) -> tuple[int | None, int | None]:
    if isinstance(obj, Project):
        return obj.id, None
    case = _case_of(obj)
    if case is None:
        return None, getattr(obj, "case_id", None)
    return case.project_id, case.id


def _refuse(case: Case, what: str) -> None:
    raise CaseLockedError(
        f"案卷 {case.case_no} 已签约，已锁定：不能修改{what}。如确需更正，请先填写理由解锁。")


def _check_locks(session: Session) -> None:
    for obj in list(session.dirty) + list(session.new) + list(session.deleted):
        if isinstance(obj, Case) and obj in session.dirty:
            state = inspect(obj)
            was = state.attrs["status"].history.deleted
            previous_status = was[0] if was else obj.status
            if STATUSES.index(previous_status) < STATUSES.index("signed") or obj.unlocked_reason:
                continue
            changed = {key for key, _, _ in _changes(obj)} & CASE_MONEY_FIELDS
            if STATUSES.index(obj.status) < STATUSES.index("signed"):
                changed.add("status")  # taking back a signature needs an unlock too
            if obj.status == "moved" and previous_status != "moved":
                changed.discard("moved_on_time")  # recording the move is the workflow step
            if changed:
                _refuse(obj, "影响补偿金额的字段（" + "、".join(sorted(changed)) + "）")
        elif isinstance(obj, CHILD_MONEY_TYPES):
            case = _case_of(obj)
            if case is None or case.unlocked_reason or inspect(case).pending:
                continue
            status = inspect(case).attrs["status"].history.deleted
            status_before = status[0] if status else case.status
            if STATUSES.index(status_before) >= STATUSES.index("signed"):
                if obj in session.dirty and not _changes(obj):
                    continue
                _refuse(case, "房屋、设备或调换房屋的数据")
        elif isinstance(obj, Project) and obj in session.dirty:
            changed = {key for key, _, _ in _changes(obj)} & PROJECT_MONEY_FIELDS
            if changed and obj.id is not None:
                locked = session.execute(
                    select(Case.case_no).where(
                        Case.project_id == obj.id,
                        Case.status.in_(STATUSES[STATUSES.index("signed"):]),
                        Case.unlocked_reason.is_(None)).limit(1)).scalar()
                if locked:
                    raise CaseLockedError(
                        f"项目已有已签约案卷（如 {locked}），不能修改影响金额的项目选项"
                        f"（{'、'.join(sorted(changed))}）")


def _audit_rows(session: Session) -> list[dict[str, Any]]:
    operator = session.info.get("operator") or "未署名"
    at = now_utc()
    rows: list[dict[str, Any]] = []

    def row(action: str, obj: Any, field: str = "", old: Any = None, new: Any = None) -> None:
        project_id, case_id = _owner_ids(obj)
        rows.append({"at": at, "operator": operator, "action": action,
                     "entity": ENTITY_NAMES[type(obj)], "entity_id": obj.id,
                     "project_id": project_id, "case_id": case_id, "field": field,
                     "old": show(old), "new": show(new), "reason": None})

    for obj in session.new:
        if type(obj) in ENTITY_NAMES:
            values = {key: show(getattr(obj, key)) for key in _columns(obj)}
            row("create", obj, "*", None, json.dumps(values, ensure_ascii=False))
    for obj in session.dirty:
        if type(obj) in ENTITY_NAMES:
            for key, old, new in _changes(obj):
                row("update", obj, key, old, new)
    for obj in session.deleted:
        if type(obj) in ENTITY_NAMES:
            values = {key: show(getattr(obj, key)) for key in _columns(obj)}
            row("delete", obj, "*", json.dumps(values, ensure_ascii=False), None)
    return rows


def install(session_class: type[Session] | Any) -> None:
    """Attach the lock check (before flush) and the audit writer (after flush)."""

    @event.listens_for(session_class, "before_flush")
    def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
        _check_locks(session)
        stamp = now_utc()
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, Project | Case) and (obj in session.new or _changes(obj)):
                if obj.created_at is None:
                    obj.created_at = stamp
                obj.updated_at = stamp

    @event.listens_for(session_class, "after_flush")
    def _after_flush(session: Session, flush_context: Any) -> None:
        rows = _audit_rows(session)
        if rows:
            session.connection().execute(insert(AuditEntry.__table__), rows)


def record(session: Session, action: str, case: Case, field: str, old: str | None,
           new: str | None, reason: str | None) -> None:
    """An explicit audit entry (unlock, relock) that is not a plain field change."""
    session.add(AuditEntry(at=now_utc(), operator=session.info.get("operator") or "未署名",
                           action=action, entity="case", entity_id=case.id,
                           project_id=case.project_id, case_id=case.id, field=field, old=old,
                           new=new, reason=reason))
