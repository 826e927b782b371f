"""The money events of a case (its move, the delays of its exchange house: services/money/moves.py)
in case packages and sync (format /4 `money_events`, services/exchange/packages.py says the rules):
what a package entry carries, how much of its difference from our copy they explain, and taking them
in by running the same events here — each delay once (by uuid, and only when the delays we do
not hold add up exactly to the months the sender has more)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from wulong_desk.dates import DateError, read_iso
from wulong_desk.services.money.moves import DELAY, apply_delay
from wulong_desk.statuses import DECIDED
from wulong_desk.store import audit, server_events
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import Case, CaseEvent


def _event_json(event: CaseEvent) -> dict[str, Any]:
    return {"uuid": event.uuid, "kind": event.kind,
            "on": event.on_date.isoformat() if event.on_date else None,
            "months": event.months, "late": event.late, "amount": event.amount_cents,
            "reason": event.reason, "by": event.operator,
            "at": event.at.isoformat(timespec="seconds") if event.at else None,
            "inferred": event.inferred}


def money_events_of(session: Session, case_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each case's money events as a package carries them, oldest first (one query)."""
    found: dict[int, list[dict[str, Any]]] = {}
    if not case_ids:
        return found
    for event in session.execute(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))
                                 .order_by(CaseEvent.id)).scalars():
        found.setdefault(event.case_id, []).append(_event_json(event))
    return found


@dataclass(frozen=True)
class Delay:
    uuid: str
    months: int
    reason: str
    on: date | None
    amount: int = 0     # cents the sender's delay added


@dataclass
class Explained:
    """A package entry with what its events explain taken out (the version to compare and save
    as content), and the delays to run here after the save (its move runs with the save)."""

    entry: dict[str, Any]
    delays: list[Delay] = field(default_factory=list)


def _delays(raw: Any) -> list[Delay]:
    found = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or item.get("kind") != DELAY:
            continue
        uuid, months, reason = item.get("uuid"), item.get("months"), item.get("reason")
        if not (isinstance(uuid, str) and 0 < len(uuid) <= 36 and isinstance(months, int)
                and not isinstance(months, bool) and months >= 1 and isinstance(reason, str)
                and reason.strip()):
            continue
        try:
            on = read_iso(item["on"]) if isinstance(item.get("on"), str) else None
        except DateError:
            on = None
        amount = item.get("amount")
        found.append(Delay(uuid, months, reason.strip(), on,
                           amount if isinstance(amount, int) and amount >= 0 else 0))
    return found


def _known(case: Case) -> set[str]:
    session = object_session(case)
    if session is None or case.id is None:
        return set()
    return set(session.execute(select(CaseEvent.uuid).where(CaseEvent.case_id == case.id))
               .scalars())


def explain_events(case: Case, entry: dict[str, Any]) -> Explained:
    """For our signed (locked) case: the entry as content once its events are taken out — its
    move keeps our 按期搬迁 (our move event decides it), and its delays we do not hold, when they
    add up exactly to the months it has more, leave our 过渡逾期 (they run after the save)."""
    data = entry.get("case")
    if not isinstance(data, dict):
        return Explained(entry)
    out = copy.deepcopy(entry)
    theirs = out["case"]
    if entry.get("status") == "moved" and case.status in ("signed", DECIDED) \
            and "moved_on_time" in theirs:
        theirs["moved_on_time"] = case.moved_on_time
    exchange = theirs.get("exchange")
    if case.method != "exchange" or not isinstance(exchange, dict):
        return Explained(out)
    more = exchange.get("overdue_months")
    if not isinstance(more, int) or isinstance(more, bool):
        return Explained(out)
    more -= case.overdue_months or 0
    known = _known(case)
    new = [d for d in _delays(entry.get("money_events")) if d.uuid not in known]
    if more > 0 and new and sum(d.months for d in new) == more:
        exchange["overdue_months"] = case.overdue_months
        return Explained(out, new)
    return Explained(out)


def explain_new(entry: dict[str, Any]) -> Explained:
    """For a case new here: its delays taken out of its 过渡逾期 when they add up to it exactly
    (a signing carries no delay, services/cases/lifecycle.py) — they run after the save, as the
    sender ran them, with their uuids."""
    data = entry.get("case")
    exchange = data.get("exchange") if isinstance(data, dict) else None
    months = exchange.get("overdue_months") if isinstance(exchange, dict) else None
    delays = _delays(entry.get("money_events"))
    if not isinstance(months, int) or isinstance(months, bool) or months <= 0 or not delays \
            or sum(d.months for d in delays) != months:
        return Explained(entry)
    out = copy.deepcopy(entry)
    out["case"]["exchange"]["overdue_months"] = 0
    return Explained(out, delays)


def delay_in_session(session: Session, case: Case, delay: Delay) -> None:
    """Run a delay taken in from a package, with the sender's words and its uuid."""
    apply_delay(session, case, delay.months, delay.reason, today=date.today(), uuid=delay.uuid)


def keep_events(session: Session, case: Case, entry: dict[str, Any]) -> None:
    """A case new here: the sender's delays are facts its record already holds — kept as they
    were (on a local file; the office server's event rows are written by its events only). Its
    move event is its own, written by its save."""
    if server_events.on_server(session):
        return
    audit.open_event(session, case, "逾期交房加付")   # (the sender's event rows, kept)
    for delay in _delays(entry.get("money_events")):
        if session.execute(select(CaseEvent.id).where(CaseEvent.uuid == delay.uuid)).first():
            continue
        session.add(CaseEvent(uuid=delay.uuid, case=case, kind=DELAY, on_date=delay.on,
                              months=delay.months, amount_cents=delay.amount,
                              reason=delay.reason,
                              operator="", at=now_utc(), inferred=False))
