"""The machinery the decision path's audited events share (services/procedure/project_decision.py,
conversion.py, case_decisions.py): a frozen case's record recomputed by one event, its figures
audited old → new under the event's own name, the version trail extended — on a local file in
Python, on the office server by the event functions of store/server_events.py (the app opens the
case for the event, writes the new inputs and record, and the closing event audits the figures,
sets the stage and locks it again, in one transaction).

Qt-free. Nothing here decides what an event may do: each event's service checks that first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wulong_desk.errors import UserError
from wulong_desk.services.cases.calculation import problems, recompute, stored_figures, yuan_text
from wulong_desk.services.cases.versions import extend_trail, version_before
from wulong_desk.store import audit, server_events
from wulong_desk.store.models import FIGURE_COLUMNS, Case
from wulong_desk.store.server_guards import MARKERS

# the audit actions of the events (cases/history.py says them in words); on the office server only
# the events write them (server_events reserves them)
ACTIONS = {"decide": "作出征收决定", "terminate": "终止项目", "lapse": "预签不生效",
           "formal": "正式评估结果", "convert": "转为补偿协议", "revalue": "重新估价",
           "decision": "补偿决定", "appeal": "复议或诉讼", "outcome": "补偿决定的结果"}


def on_server(session: Session) -> bool:
    return server_events.on_server(session)


@dataclass
class Refigure:
    """One event's recomputation of a frozen case, from `begin` to `finish`."""

    session: Session
    case: Case
    kind: str                                  # convert | revalue | outcome
    before: dict[str, int] | None
    version: tuple[str, str]

    def recompute(self) -> None:
        """The record computed from the case's inputs as the event left them; an event whose
        case cannot be computed is refused whole (the caller's transaction is rolled back)."""
        self.session.flush()
        recompute(self.session, self.case)
        self.session.flush()
        if not (self.case.result and self.case.result.ok):
            raise UserError(f"案卷 {self.case.case_no} 按新的数据无法计算："
                            + "；".join(problems(self.case)))

    def figures(self) -> dict[str, int] | None:
        return stored_figures(self.case.result)

    def finish(self, reason: str, *, every: bool = False,
               server_event: tuple[str, tuple[Any, ...]] | None = None,
               committed: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
        """Audit the figures old → new under the event's action (every figure with `every`,
        else those that moved) — on the office server the closing event `server_event` does
        that and the stage change (`committed`: the columns it wrote, told to the session) —
        and extend the version trail. Returns the moved figures as (key, old, new) yuan."""
        session, case = self.session, self.case
        after = self.figures()
        moved = [(key, yuan_text(None if self.before is None else self.before.get(key)) or "",
                  yuan_text(None if after is None else after.get(key)) or "")
                 for key in FIGURE_COLUMNS
                 if every or (self.before or {}).get(key) != (after or {}).get(key)]
        if on_server(session):
            assert server_event is not None
            name, values = server_event
            server_events.call(session, name, case.id, *values)
            for key, value in {**(committed or {}), "unlocked_reason": None}.items():
                set_committed_value(case, key, value)
        else:
            for key, old, new in moved:
                audit.record(session, self.kind, case, key, old or None, new or None, reason,
                             entity="result")
            for key, value in (committed or {}).items():
                setattr(case, key, value)
            session.flush()
        extend_trail(case, self.version)
        session.flush()
        audit.close_refigure(session, case)   # the event is done: the case is locked again
        return moved


def begin(session: Session, case: Case, kind: str) -> Refigure:
    """Open a frozen case for one event's recomputation (on the office server: the reviewer's
    open_refigure event, which checks the stored stage for `kind` and keeps the figures)."""
    version = version_before(case)
    before = stored_figures(case.result)
    if on_server(session):
        session.flush()
        server_events.call(session, "open_refigure", case.id, kind)
        set_committed_value(case, "unlocked_reason", MARKERS[kind])
    audit.allow_refigure(session, case)
    return Refigure(session, case, kind, before, version)


def record_status(session: Session, case: Case, action: str, old: str, new: str,
                  reason: str | None) -> None:
    """The stage change an event made, as one row of the event (local file; on the office
    server the event writes it)."""
    if not on_server(session):
        audit.record(session, action, case, "status", old, new, reason, tells=("status",))
