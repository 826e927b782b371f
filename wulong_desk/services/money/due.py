"""The money on the due list (procedure's 到期事项): for each case at a payable stage, each bucket
owed now and not yet paid, dated by the agreement's payment term (services/money/terms.py, counted
by the procedure's one counter; an owed bucket without a term is left to the payments list) — a
term decides when an owed amount is late, never whether it may be paid; the after_move bucket in
its two parts, each dated from its own event (the on-time reward from the move, the second move
from 接房, never due before it); what was overpaid and is to be recovered (应追回, red); what the
household owes towards the exchange houses' price; and the terms and accounts that migration 0011
could not read (付款期限需重新录入, 收款账户需重新录入). No free-text term decides a date. What is
unpaid, overpaid and owed by the household is `Owed.settle`'s, the one rule
(services/money/owed.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.services.money.owed import Settled, owed_rows, paid_cents
from wulong_desk.services.money.terms import (
    HOUSE_PRICE,
    Term,
    due_date,
    effective_terms,
    not_before,
    part_term,
)
from wulong_desk.services.procedure.workdays import DueDate, WorkCalendar
from wulong_desk.statuses import PAYABLE_STATUSES
from wulong_desk.store.models import Case, CaseResult, Project


@dataclass(frozen=True)
class MoneyDue:
    case_id: int
    what: str
    due: DueDate | None
    recover: bool = False


def _yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _parts(key: str, settled: Settled) -> list[tuple[str, str | None, int]]:
    """The bucket's unpaid parts, each with the event it is counted from (None: the term's own
    basis): after_move holds two (spec "When each amount falls due") — the on-time reward,
    owed at the move, and the second move, owed at 接房 — each dated from its own event."""
    if key != "after_move":
        return [("", None, settled.unpaid[key])]
    second = settled.second_move_unpaid
    return [("（单户按期搬迁奖励）", "move", settled.unpaid[key] - second),
            ("（第二次搬迁补助）", "handover", second)]


def money_dues(session: Session, project: Project, calendar: WorkCalendar,
               today: date | None = None) -> list[MoneyDue]:
    """The project's money on the due list (see the module), worked in integer cents from the
    owed-now query and `Owed.settle` (services.money.owed) — the same figures as
    services.money.payments' accounts, without building one per case (the due list is read for
    every case at once)."""
    owed = owed_rows(session, Case.project_id == project.id,
                     Case.status.in_(PAYABLE_STATUSES), today=today)
    if not owed:
        return []
    paid = paid_cents(session, project.id)
    defaults = effective_terms(project.payment_terms, None)   # read once for the project
    counted: dict[tuple[Term, date | None, int], DueDate | None] = {}   # many share a date

    def due_of(term: Term, dates: dict[str, date | None], share: int = 0) -> DueDate | None:
        key = (term, dates.get("move" if term.monthly else term.basis or ""), share)
        if key not in counted:
            counted[key] = due_date(term, dates, calendar, share)
        return counted[key]

    found: list[MoneyDue] = []
    rows = session.execute(
        select(Case.id, Case.signed_on, Case.effective_on, Case.moved_on, Case.status,
               Case.payment_terms, Case.payment_term, Case.bank_account,
               Case.transition_months, CaseResult.transition_cents)
        .join(CaseResult, CaseResult.case_id == Case.id)
        .where(Case.project_id == project.id, Case.status.in_(PAYABLE_STATUSES))
        .order_by(Case.case_no))
    for row in rows:
        money = owed.get(row.id)
        if money is None:
            continue
        if row.payment_term:
            found.append(MoneyDue(row.id, "付款期限需重新录入（原约定："
                                  f"「{row.payment_term}」无法按付款事项读出，请在案卷的付款约定"
                                  "中重新录入）", None))
        if row.bank_account:
            found.append(MoneyDue(row.id, "收款账户需重新录入（户名、开户行、账号分别填写）",
                                  None))
        terms = defaults if row.payment_terms is None else effective_terms(
            project.payment_terms, row.payment_terms)
        # (a 补偿决定 case has no signing: its 作出日, its effective_on, stands for it)
        dates = {"signing": row.signed_on or row.effective_on, "effective": row.effective_on,
                 "move": row.moved_on if row.status == "moved" else None,
                 "handover": money.handover_on}
        settled = money.settle(paid.get(row.id, 0))
        for key in SCHEDULE_KEYS:
            term = terms.get(key)
            if term is None:   # no term makes it late: the payments list shows it
                continue
            for part, event, unpaid in _parts(key, settled):
                if not unpaid:
                    continue
                own = term if event is None else part_term(term, event)
                share = 0
                if own.monthly and (row.transition_months or 0) > 1:
                    # a month's share in whole cents, half up, in integers (never a float)
                    months = row.transition_months
                    per = (2 * row.transition_cents + months) // (2 * months)
                    share = (min(months - 1, settled.filled[key] // per)
                             if per else 0)
                due = due_of(own, dates, share)
                found.append(MoneyDue(row.id, f"{SCHEDULE_LABELS[key]}{part}未付清（尚余 "
                                      f"{_yuan(unpaid):,.2f} 元，付款期限：{own.words(key)}）",
                                      due if event is None else not_before(due, dates[event])))
        overpaid, owes = settled.overpaid, settled.household_owes
        if overpaid:
            found.append(MoneyDue(row.id, f"应追回 {_yuan(overpaid):,.2f} 元（已付 "
                                  f"{_yuan(settled.paid):,.2f} 元，超过现应付的补偿款）", None,
                                  True))
        if owes:
            term = terms.get(HOUSE_PRICE)
            said = term.words(HOUSE_PRICE) if term is not None else "接房时与补偿款相抵"
            due = due_of(term, dates) if term is not None and term.days else None
            found.append(MoneyDue(row.id, f"住户应补交调换房屋差价 "
                                  f"{_yuan(owes):,.2f} 元（{said}）", due))
    return found
