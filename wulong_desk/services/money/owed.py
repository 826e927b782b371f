"""Money over time, read from the stored record (never computed twice): how much of each bucket
of a case's schedule is owed now, by the one query of `store/owed.py` (the office server's
payment limit is the same query), and the dates the rule and the payment terms count from.

- `move_deadline_of(case)`: the 搬迁期限 a move is measured against — the project's, or for a
  补偿决定 case the move-by date of its decision in force (`decision_in_force`);
- `owed_rows(session, …)`: per case the four buckets' owed cents, the price set off, due_now;
- `Owed.settle(paid)`: what the payments settle of it — outstanding, to recover (of which
  overpaid, 应追回, and the household's share of the houses' price), each bucket filled and
  unpaid. The one rule: the payments list (services/money/payments.py), the due list
  (services/money/due.py) and the project summary (services/projects/summary.py) all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
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
class Settled:
    """What a case's payments settle of what it owes now, in cents (`Owed.settle`)."""

    paid: int                 # paid out less received
    due_now: int              # owed less the price set off (negative: the household owes)
    outstanding: int          # owed now and not paid: max(0, due_now − paid)
    recover: int              # paid beyond due_now: max(0, paid − due_now)
    overpaid: int             # of `recover`, paid beyond the compensation owed now (应追回)
    filled: dict[str, int]    # of each owed bucket, what the payments and the price settle
    unpaid: dict[str, int]    # of each owed bucket, what is still to pay
    second_move_unpaid: int   # of unpaid after_move, the second move's part (settled last)

    @property
    def household_owes(self) -> int:
        """Of `recover`, the household's share of the houses' price (住户应补差价)."""
        return self.recover - self.overpaid


@dataclass(frozen=True)
class Owed:
    """How much of each bucket a case owes now (cents), the exchange price set against them
    (cents), and the dates the rule read. `second_move`: of the owed after_move, the second
    move's part (owed at 接房; the rest is the on-time reward, owed at the move)."""

    owed: dict[str, int]
    set_off: int
    handover_on: date | None
    set_off_basis: str
    second_move: int = 0

    @property
    def owed_total(self) -> int:
        """The compensation owed now (the buckets whose events have happened)."""
        return sum(self.owed.values())

    @property
    def due_now(self) -> int:
        return self.owed_total - self.set_off

    def settle(self, paid: int) -> Settled:
        """What `paid` (cents paid out less received) settles — the one rule of money now:
        outstanding = max(0, due_now − paid), recover = max(0, paid − due_now); of recover,
        what was paid beyond the compensation owed now is overpaid (应追回: after a correction
        or a forfeit), the rest is the household's share of the houses' price. The payments
        less the overpaid, and the price set off, fill the owed buckets in order before_move →
        transition → after_move → overdue (within after_move the on-time reward first, the
        second move last)."""
        owed_total = self.owed_total
        due_now = owed_total - self.set_off
        recover = max(0, paid - due_now)
        overpaid = min(recover, max(0, paid - owed_total))
        left = max(0, paid - overpaid) + self.set_off
        filled: dict[str, int] = {}
        for key in SCHEDULE_KEYS:
            filled[key] = min(self.owed[key], left)
            left -= filled[key]
        unpaid = {key: self.owed[key] - filled[key] for key in SCHEDULE_KEYS}
        return Settled(paid, due_now, max(0, due_now - paid), recover, overpaid, filled, unpaid,
                       min(unpaid["after_move"], self.second_move))


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
            _day(row["handover_on"]), str(row["set_off_basis"] or "handover"),
            int(row["second_move_owed"]))
    return found


def owed_sums(session: Session, *where: Any, today: date | None = None) -> list[Owed]:
    """The owed now of the cases `where` selects, summed in SQL in (at most) two: the cases owed
    money (due_now ≥ 0) and the cases that owe (due_now < 0). With nothing paid, `settle(0)` of
    each sum gives the sum of the cases' outstanding and recover (within one sign the rule adds
    up) — the project summary's way to settle the many cases nobody has paid yet."""
    query = owed_query(today or date.today(), *where).subquery()
    columns = [*(query.c[f"{key}_owed"] for key in SCHEDULE_KEYS), query.c.set_off]
    rows = session.execute(select(*(func.coalesce(func.sum(c), 0) for c in columns))
                           .group_by(query.c.due_now < 0))
    return [Owed({key: int(value) for key, value in zip(SCHEDULE_KEYS, row[:-1], strict=True)},
                 int(row[-1]), None, "")
            for row in rows]


def yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENTS)


def cents(amount: Decimal) -> int:
    """An amount of whole cents (a payment: checked when recorded) as integer cents."""
    return int(amount.scaleb(2))


def paid_cents(session: Session, project_id: int) -> dict[int, int]:
    """Paid out less received, per case of the project that has payments, in cents (payments
    are exact text: summed here, and a project has few of them next to its cases)."""
    found: dict[int, int] = {}
    for case_id, kind, amount in session.execute(
            select(Payment.case_id, Payment.kind, Payment.amount)
            .join(Case, Case.id == Payment.case_id).where(Case.project_id == project_id)):
        amount_cents = cents(amount)
        found[case_id] = found.get(case_id, 0) + (amount_cents if kind == "pay"
                                                  else -amount_cents)
    return found
