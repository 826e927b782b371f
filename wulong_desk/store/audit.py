"""The audit trail, written for every flush of every session.

Every create, update and delete of a project, case, person, part, equipment item, exchange
house, procedure step, case date, consent answer, payment or house of the housing stock records
the operator, the time, the entity, the field and old → new. What a change to a
case may be (the lock on signed cases, the lifecycle) is decided by `services.cases.changes`, the
one owner of case changes, before anything reaches the session; this module only records. On the
office server every row goes through the database's `wulong_audit` (`write_rows`): staff may
not write the table, and the operator is the login, whatever the program says; the audited
events (unlock, correction, void, signing, payments …) write their own rows there.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NoReturn

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.field_words import COLUMNS
from wulong_desk.statuses import STATUS_LABELS, is_frozen
from wulong_desk.store import column_policy
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
NOT_AUDITED = {"search_text", "updated_at", "created_at", "unlocked_reason",
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


def _columns(obj: Any, every: bool = False) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs
            if every or attr.key not in NOT_AUDITED]


def _changes(obj: Any, every: bool = False) -> list[tuple[str, Any, Any]]:
    state = inspect(obj)
    found = []
    for key in _columns(obj, every):
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
    """`services.cases.changes` decided this case's record may be rewritten in this session (an
    unsigned case, a correction, or an event that recomputes a frozen case: column_policy's
    REFIGURE): its frozen and event columns and its rows are open to this session."""
    session.info.setdefault("refigure", set()).add(id(case))
    session.info.setdefault("refigure_cases", []).append(case)   # (held: its id stays its own)


def close_refigure(session: Session, case: Case) -> None:
    """The event that opened this case with `allow_refigure` is done: locked again for the
    rest of the session."""
    session.info.get("refigure", set()).discard(id(case))


def open_event(session: Session, case: Case, event: str) -> None:
    """A named event that changes a locked case without recomputing it (column_policy.EVENTS:
    解锁更正, 作废, 登记搬迁, 预签不生效, 正式评估结果, and the events that write event rows —
    登记拨付, 复议或诉讼 …) may write that event's columns, and add, change or remove the rows of
    the event tables it writes."""
    if event not in column_policy.EVENTS:
        raise KeyError(event)
    # (the case itself is kept: its id stays its own for as long as the session lasts)
    session.info.setdefault("events", {}).setdefault(id(case), (case, set()))[1].add(event)


def _stored(obj: Any, key: str) -> Any:
    """The value the database holds (before this flush's change, if any)."""
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(obj, key)


def _locked_case(session: Session, obj: Any) -> Case | None:
    """The case a row (or the case itself) belongs to, if it is stored locked — at a frozen
    stage and not unlocked for 解锁更正 — and no recomputing event opened it."""
    if isinstance(obj, Case):
        case: Case | None = obj
    elif isinstance(obj, CaseRecord):
        case = obj.result.case if obj.result is not None else session.get(Case, obj.case_id)
    else:
        case = getattr(obj, "case", None)
        if case is None and getattr(obj, "case_id", None) is not None:
            case = session.get(Case, obj.case_id)
    if case is None or case in session.new or id(case) in session.info.get("refigure", ()):
        return None
    if not is_frozen(_stored(case, "status")) or _stored(case, "unlocked_reason"):
        return None
    return case


def _opened(session: Session, case: Case, table: str, column: str) -> bool:
    _case, events = session.info.get("events", {}).get(id(case), (case, ()))
    return any(f"{table}.{column}" in column_policy.EVENTS[event] for event in events)


def _rows_opened(session: Session, case: Case, table: str) -> bool:
    """An event opened for this case writes the rows of the event table `table`."""
    _case, events = session.info.get("events", {}).get(id(case), (case, ()))
    return any(column.startswith(f"{table}.") for event in events
               for column in column_policy.EVENTS[event])


def _refuse(case: Case, what: str, record: bool = False,
            events: tuple[str, ...] = ()) -> NoReturn:
    """Refused, naming the case by its stored number and stage (`events`: the events that
    alone write the rows refused)."""
    stage = STATUS_LABELS.get(_stored(case, "status"), "")
    if events:
        tail = f"（只能由程序的相应操作登记：{'、'.join(events)}）"
    else:
        tail = "（只能解锁更正）" if record else "（如确需更正，请先“解锁更正”并写明理由）"
    raise CaseLockedError(f"案卷 {_stored(case, 'case_no')}（{stage}）已锁定：{what}{tail}")


def _rows_words(table: str) -> str:
    """A table's rows in words: 房屋记录, 拨付和收款记录, 补偿决定记录."""
    label = column_policy.TABLE_LABELS[table]
    return label if label.endswith("记录") else f"{label}记录"


def _refuse_event_rows(session: Session, obj: Any, verb: str) -> None:
    """An event row added, changed or removed on a locked case outside its event: refused."""
    table = obj.__tablename__
    case = _locked_case(session, obj)
    if case is None or case in session.deleted or _rows_opened(session, case, table):
        return
    _refuse(case, f"不能{verb}它的{_rows_words(table)}", events=column_policy.row_events(table))


# the form's list of each table of rows a clerk edits (field_words.COLUMNS: its columns' words)
FORM_LISTS = {"persons": "owners", "house_parts": "case.parts", "equipment": "case.equipment",
              "exchange_houses": "case.exchange.houses"}


def _column_label(table: str, column: str) -> str:
    if table == "cases":
        return column_policy.CASE_LABELS.get(column, column)
    return COLUMNS.get(FORM_LISTS.get(table, ""), {}).get(column, column)


def _guard_locked_cases(session: Session) -> None:
    """The backstop behind `services.cases.changes` (which decides what a change means), by the
    written policy (store/column_policy.py): on a locked case, a change of a frozen, event, once or
    identity column, a row of its content added or removed, and a row of its events added,
    changed or removed, is refused unless an event the owner named opened the case for it —
    whatever code made the change."""
    with session.no_autoflush:
        for obj in [*session.deleted, *_orphans(session)]:
            table = getattr(obj, "__tablename__", "")
            if isinstance(obj, Case):
                if (case := _locked_case(session, obj)) is not None:
                    _refuse(case, "不能删除（已签约的案卷只能作废）")
                continue
            rows = column_policy.ROW_TABLES.get(table)
            if rows is not None and rows.kind == "event":
                _refuse_event_rows(session, obj, "删除")
            if rows is None or rows.kind not in ("content", "parties"):
                continue
            case = _locked_case(session, obj)
            if case is not None and case not in session.deleted:
                _refuse(case, f"不能删除它的{_rows_words(table)}", table in RECORD_TABLES)
        for obj in session.new:
            table = getattr(obj, "__tablename__", "")
            rows = column_policy.ROW_TABLES.get(table)
            if rows is not None and rows.kind == "event":
                _refuse_event_rows(session, obj, "增加")
            if rows is None or rows.kind != "content":
                continue
            if (case := _locked_case(session, obj)) is not None:
                _refuse(case, f"不能增加它的{_rows_words(table)}", table in RECORD_TABLES)
        for obj in session.dirty:
            table = getattr(obj, "__tablename__", "")
            rows = column_policy.ROW_TABLES.get(table)
            if rows is not None and rows.kind == "audited":
                continue   # (audited rows: free)
            policies = column_policy.CASES if table == "cases" else getattr(rows, "columns", None)
            if policies is None or not session.is_modified(obj, include_collections=False):
                continue
            case = _locked_case(session, obj)
            if case is None:
                continue
            for key, old, _new in _changes(obj, every=True):
                policy = policies[key]
                if policy.kind not in column_policy.LOCKED_KINDS:
                    continue
                if policy.kind == "once" and old is None:
                    continue
                if policy.kind != "identity" and _opened(session, case, table, key):
                    continue
                if table in RECORD_TABLES:
                    _refuse(case, "保存的计算记录不能改写", True)
                if rows is not None and rows.kind == "event":
                    _refuse(case, f"不能修改它的{_rows_words(table)}",
                            events=column_policy.row_events(table))
                where = "" if table == "cases" else f"它的{_rows_words(table)}的"
                _refuse(case, f"不能修改{where}「{_column_label(table, key)}」")


def _orphans(session: Session) -> list[Any]:
    """Rows taken out of a case's lists (or a result's record) in this session: the flush
    deletes them (delete-orphan) after this check has run, so they are found here."""
    found = []
    for owner in session.dirty:
        if isinstance(owner, Case | CaseResult):
            state = inspect(owner)
            for name in OWNED_ROWS[type(owner)]:
                found += [row for row in state.attrs[name].history.deleted
                          if row is not None and row not in session.deleted]
    return found


OWNED_ROWS: dict[type, tuple[str, ...]] = {
    Case: ("persons", "parts", "equipment", "exchange_houses", "result", "decisions"),
    CaseResult: ("record",)}
# the stored calculation record: a recompute only (its refusal says so)
RECORD_TABLES = ("case_results", "case_records")


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
        _guard_locked_cases(session)
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
