"""The audit trail, written for every flush of every session.

Every create, update and delete of a project, case, person, part, equipment item, exchange
house, procedure step, case date, consent answer, payment or house of the housing stock records
the operator, the time, the entity, the field and old → new. What a change to a
case may be (the lock on signed cases, the lifecycle) is decided by `services.cases`, the one
owner of case changes, before anything reaches the session; this module only records. On the
office server every row goes through the database's `wulong_audit` (`write_rows`): staff may
not write the table, and the operator is the login, whatever the program says; the audited
events (unlock, correction, void, signing, payments …) write their own rows there.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.statuses import is_frozen
from wulong_desk.store.models import (
    AuditEntry,
    Case,
    CaseDate,
    CaseRecord,
    CaseResult,
    Consent,
    Equipment,
    ExchangeHouse,
    HousePart,
    HousingUnit,
    Payment,
    Person,
    ProcedureStep,
    Project,
)

ENTITY_NAMES: dict[type, str] = {
    Project: "project", Case: "case", Person: "person", HousePart: "part",
    Equipment: "equipment", ExchangeHouse: "exchange_house",
    # the procedure, the consultation, the money paid and the housing stock (review finding 8)
    ProcedureStep: "procedure_step", CaseDate: "case_date", Consent: "consent",
    Payment: "payment", HousingUnit: "housing",
}
# a new payment is recorded by its service with the case's project and the reason (来自案卷包),
# so the writer below records only its changes and deletion
CREATE_RECORDED_BY_SERVICE = {Payment}
NOT_AUDITED = {"search_text", "updated_at", "created_at", "exchanged_hash", "unlocked_reason",
               "id", "version", "version_trail", "version_id", "case_key"}
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
    if case is None:  # a payment or case date (case_id), a step, consent or house (project_id)
        return getattr(obj, "project_id", None), getattr(obj, "case_id", None)
    return case.project_id, case.id


def allow_refigure(session: Session, case: Case) -> None:
    """`services.cases` decided this case's record may be rewritten in this session (an
    unsigned case, or a correction)."""
    session.info.setdefault("refigure", set()).add(id(case))


def _guard_frozen_records(session: Session) -> None:
    """A backstop behind `services.cases` (which decides what a change means): the stored
    record of a signed, moved or voided case is rewritten only where that owner allowed it."""
    allowed = session.info.get("refigure", set())
    for obj in session.dirty:
        result = obj if isinstance(obj, CaseResult) else (
            obj.result if isinstance(obj, CaseRecord) else None)
        if result is None or not session.is_modified(obj, include_collections=False):
            continue
        case = result.case
        if case is not None and is_frozen(case.status) and id(case) not in allowed:
            raise CaseLockedError(f"案卷 {case.case_no} 已锁定：保存的计算记录不能改写"
                                  "（只能解锁更正）")


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
        if type(obj) in ENTITY_NAMES and type(obj) not in CREATE_RECORDED_BY_SERVICE:
            values = {key: show(getattr(obj, key)) for key in _columns(obj)}
            row("create", obj, "*", None, json.dumps(values, ensure_ascii=False))
    told = session.info.pop("told", set())   # fields an explicit entry already tells
    for obj in session.dirty:
        if type(obj) in ENTITY_NAMES:
            for key, old, new in _changes(obj):
                if (id(obj), key) not in told:
                    row("update", obj, key, old, new)
    for obj in session.deleted:
        if type(obj) in ENTITY_NAMES:
            values = {key: show(getattr(obj, key)) for key in _columns(obj)}
            row("delete", obj, "*", json.dumps(values, ensure_ascii=False), None)
    return rows


ROW_KEYS = ("action", "entity", "entity_id", "project_id", "case_id", "field", "old", "new",
            "reason")


def write_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write audit rows. On the office server staff may not write the audit table: the rows go
    through `wulong_audit`, which writes them under the login (`session_user`) and the
    server's clock, and refuses what only an audited event writes (server_events)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(AuditEntry.__table__), rows)
        return
    plain = [{key: row.get(key) for key in ROW_KEYS} for row in rows]
    connection.execute(text("SELECT wulong_audit(CAST(:rows AS jsonb))"),
                       {"rows": json.dumps(plain, ensure_ascii=False)})


def _explicit_entries(session: Session) -> list[dict[str, Any]]:
    """Entries added to the session as AuditEntry objects (`record`): taken out of the
    session and written as rows, through the same writer as the field changes."""
    found = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    rows = []
    for obj in sorted(found, key=lambda o: session.info.get("entry_order", {}).get(id(o), 0)):
        session.expunge(obj)
        rows.append({"at": obj.at or now_utc(), "operator": obj.operator,
                     **{key: getattr(obj, key) for key in ROW_KEYS}})
    session.info.pop("entry_order", None)
    return rows


def install(session_class: type[Session] | Any) -> None:
    """Attach the time stamps (before flush) and the audit writer (after flush)."""

    @event.listens_for(session_class, "transient_to_pending")
    def _in_order(session: Session, obj: Any) -> None:
        if isinstance(obj, AuditEntry):   # explicit entries are written in the order added
            order = session.info.setdefault("entry_order", {})
            order[id(obj)] = len(order)

    @event.listens_for(session_class, "before_flush")
    def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
        _guard_frozen_records(session)
        write_rows(session, _explicit_entries(session))
        stamp = now_utc()
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, Project | Case) and (obj in session.new or _changes(obj)):
                if obj.created_at is None:
                    obj.created_at = stamp
                obj.updated_at = stamp

    @event.listens_for(session_class, "after_flush")
    def _after_flush(session: Session, flush_context: Any) -> None:
        rows = _audit_rows(session)
        waiting = []
        for case, row in session.info.pop("pending_audit", []):
            if case.id is None:
                waiting.append((case, row))
            else:
                rows.append(row | {"entity_id": case.id, "project_id": case.project_id,
                                   "case_id": case.id})
        if waiting:
            session.info["pending_audit"] = waiting
        write_rows(session, rows)


def record(session: Session, action: str, case: Case, field: str, old: str | None,
           new: str | None, reason: str | None, *, entity: str = "case",
           tells: tuple[str, ...] = ()) -> None:
    """An explicit audit entry that is not a plain field change: unlock, relock, a stage change
    with its reason, a 重算 or 更正 of the figures (old → new), 作废, a removed case.

    `tells`: the case's fields whose change this entry already says (作废 says the status and
    its reason); the next flush records no separate 修改 row for them, so one event reads as
    one row. A case not yet flushed has no id: its entry is written by the flush that inserts
    it."""
    if tells:
        session.info.setdefault("told", set()).update((id(case), name) for name in tells)
    row = {"at": now_utc(), "operator": session.info.get("operator") or "未署名",
           "action": action, "entity": entity, "field": field, "old": old, "new": new,
           "reason": reason}
    if case.id is None:
        session.info.setdefault("pending_audit", []).append((case, row))
        return
    session.add(AuditEntry(entity_id=case.id, project_id=case.project_id, case_id=case.id,
                           **row))


def record_project(session: Session, action: str, project: Project, field: str,
                   old: str | None, new: str | None, reason: str | None, *,
                   tells: tuple[str, ...] = ()) -> None:
    """An explicit audit entry of a project's event (作出征收决定, 终止项目): one row that says
    what the event did; `tells` as for `record` (the project's fields it already says)."""
    if tells:
        session.info.setdefault("told", set()).update((id(project), name) for name in tells)
    session.add(AuditEntry(at=now_utc(), operator=session.info.get("operator") or "未署名",
                           action=action, entity="project", entity_id=project.id,
                           project_id=project.id, case_id=None, field=field, old=old, new=new,
                           reason=reason))
