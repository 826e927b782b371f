"""The money on the due list (procedure's 到期事项): for each case at a payable stage, each bucket
owed now and not yet paid, dated by the agreement's payment term (services/terms.py, counted by
the procedure's one counter; an owed bucket without a term is left to the payments list) — a
term decides when an owed amount is late, never whether it may be paid; what was overpaid and
is to be recovered (应追回, red); what the household owes towards the exchange houses' price;
and the terms and accounts that migration 0011 could not read (付款期限需重新录入, 收款账户需重新
录入). No free-text term decides a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.services.payments import CaseAccount
from wulong_desk.services.terms import (
    HOUSE_PRICE,
    Term,
    due_date,
    effective_terms,
)
from wulong_desk.services.workdays import DueDate, WorkCalendar
from wulong_desk.store.models import Case, Project


@dataclass(frozen=True)
class MoneyDue:
    case_id: int
    what: str
    due: DueDate | None
    recover: bool = False


@dataclass(frozen=True)
class CaseDates:
    """What a case's terms count from, and its own terms."""

    terms: dict[str, Term]
    legacy_term: str | None
    legacy_account: str | None
    dates: dict[str, date | None]


def case_dates(session: Session, project: Project,
               accounts: list[CaseAccount]) -> dict[int, CaseDates]:
    """The terms in force and the basis dates of the accounts' cases (one query)."""
    if not accounts:
        return {}
    handover = {a.case_id: a.handover_on for a in accounts}
    found = {}
    for row in session.execute(
            select(Case.id, Case.signed_on, Case.effective_on, Case.moved_on, Case.status,
                   Case.payment_terms, Case.payment_term, Case.bank_account)
            .where(Case.id.in_(list(handover)))):
        found[row.id] = CaseDates(
            effective_terms(project.payment_terms, row.payment_terms), row.payment_term,
            row.bank_account,
            {"signing": row.signed_on, "effective": row.effective_on,
             "move": row.moved_on if row.status == "moved" else None,
             "handover": handover[row.id]})
    return found


def _share(account: CaseAccount, term: Term, months: int) -> int:
    """A monthly term: the first share of the transition bucket not yet paid."""
    if not term.monthly or months <= 1:
        return 0
    per = (account.buckets["transition"] / months).quantize(Decimal("0.01"))
    paid = account.filled()["transition"]
    return min(months - 1, int(paid // per)) if per else 0


def money_dues(session: Session, project: Project, accounts: list[CaseAccount],
               calendar: WorkCalendar) -> list[MoneyDue]:
    found: list[MoneyDue] = []
    dates = case_dates(session, project, accounts)
    months = dict(session.execute(select(Case.id, Case.transition_months).where(
        Case.id.in_([a.case_id for a in accounts]))).all()) if accounts else {}
    for account in accounts:
        case = dates[account.case_id]
        if case.legacy_term:
            found.append(MoneyDue(account.case_id, "付款期限需重新录入（原约定："
                                  f"「{case.legacy_term}」无法按付款事项读出，请在案卷的付款约定"
                                  "中重新录入）", None))
        if case.legacy_account:
            found.append(MoneyDue(account.case_id, "收款账户需重新录入（户名、开户行、账号"
                                  "分别填写）", None))
        unpaid = account.unpaid()
        for key in SCHEDULE_KEYS:
            if not unpaid[key]:
                continue
            term = case.terms.get(key)
            if term is None:   # owed, but no term makes it late: the payments list shows it
                continue
            share = _share(account, term, max(1, months.get(account.case_id) or 1))
            due = due_date(term, case.dates, calendar, share)
            found.append(MoneyDue(account.case_id, f"{SCHEDULE_LABELS[key]}未付清（尚余 "
                                  f"{unpaid[key]:,.2f} 元，付款期限：{term.words(key)}）", due))
        if account.overpaid:
            found.append(MoneyDue(account.case_id, f"应追回 {account.overpaid:,.2f} 元（已付 "
                                  f"{account.paid:,.2f} 元，超过现应付的补偿款）", None, True))
        if account.household_owes:
            term = case.terms.get(HOUSE_PRICE)
            said = term.words(HOUSE_PRICE) if term is not None else "接房时与补偿款相抵"
            due = due_date(term, case.dates, calendar) if term is not None and term.days \
                else None
            found.append(MoneyDue(account.case_id, f"住户应补交调换房屋差价 "
                                  f"{account.household_owes:,.2f} 元（{said}）", due))
    return found
