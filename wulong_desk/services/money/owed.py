"""Money over time, read from the stored record (never computed twice): how much of each bucket
of a case's schedule is owed now, by the one query of `store/owed.py` (the office server's
payment limit is the same query), and the dates the rule and the payment terms count from.

- `move_deadline_of(case)`: the 搬迁期限 a move is measured against — the project's, or for a
  补偿决定 case the move-by date of its decision in force (`decision_in_force`);
- `owed_rows(session, …)`: per case the four buckets' owed cents, the price set off, due_now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.rules.breakdown import SCHEDULE_KEYS
from wulong_desk.store.models import Case, CaseDecision, Payment
from wulong_desk.store.owed import owed_query

CENTS = Decimal("0.01")


def decision_in_force(case: Case) -> CaseDecision | None:
    """The case's 补偿决定 in force (the last one not ended), or None."""
    for decision in reversed(case.decisions):
        if decision.state == "in_force":
            return decision
    return None


def move_deadline_of(case: Case) -> date | None:
    """The 搬迁期限 the case's move is measured against (on or before it: on time): the move-by
    date of its 补偿决定 in force, else its project's 搬迁期限. The one place that answers it
    (the server's wulong_move_deadline says the same in SQL)."""
    decision = decision_in_force(case)
    return decision.move_by if decision is not None else case.project.move_deadline


@dataclass(frozen=True)
class Owed:
    """How much of each bucket a case owes now (cents), the exchange price set against them
    (cents), and the dates the rule read."""

    owed: dict[str, int]
    set_off: int
    handover_on: date | None
    set_off_basis: str

    @property
    def due_now(self) -> int:
        return sum(self.owed.values()) - self.set_off


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def owed_rows(session: Session, *where: Any, today: date | None = None) -> dict[int, Owed]:
    """Owed now for the completely computed cases `where` selects (conditions on Case)."""
    today = today or date.today()
    found: dict[int, Owed] = {}
    for row in session.execute(owed_query(today, *where)).mappings():
        found[row["case_id"]] = Owed(
            {key: int(row[f"{key}_owed"]) for key in SCHEDULE_KEYS}, int(row["set_off"]),
            _day(row["handover_on"]), str(row["set_off_basis"] or "handover"))
    return found


def yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENTS)


def paid_cents(session: Session, project_id: int) -> dict[int, int]:
    """Paid out less received, per case of the project that has payments, in cents (payments
    are exact text: summed here, and a project has few of them next to its cases)."""
    found: dict[int, int] = {}
    for case_id, kind, amount in session.execute(
            select(Payment.case_id, Payment.kind, Payment.amount)
            .join(Case, Case.id == Payment.case_id).where(Case.project_id == project_id)):
        cents = int(amount.scaleb(2))
        found[case_id] = found.get(case_id, 0) + (cents if kind == "pay" else -cents)
    return found
