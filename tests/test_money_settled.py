"""Money now, settled in one place: what a case's payments settle of what it owes now
(outstanding, to recover — overpaid or the household's share of the houses' price — each bucket
filled) is `Owed.settle` (services/money/owed.py). Its three readers must say the same for every
case: the payments list (services/money/payments.py: each case's account), the due list
(services/money/due.py: what is unpaid, to recover, owed by the household) and the project
summary (services/projects/summary.py: paid, outstanding, to recover added up).

A consistency check (CONTRIBUTING.md): it holds our three paths together; the figures
themselves are checked against the spec in test_money_over_time.py and test_payments.py."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.money import housing, payments
from wulong_desk.services.money.due import money_dues
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, HousingUnit

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md

D = Decimal
REASON = "测试：直接录入到这一阶段"
# a term for every part, so the due list names every unpaid bucket
TERMS = {"before_move": {"from": "signing", "days": 15},
         "transition": {"from": "move", "days": 15},
         "after_move": {"from": "move", "days": 15},
         "overdue": {"from": "move", "days": 15},
         "house_price": {"from": "handover", "days": 30}}
LEFT = re.compile(r"尚余 ([\d,]+\.\d\d) 元")
AMOUNT = re.compile(r"(?:应追回|住户应补交调换房屋差价) ([\d,]+\.\d\d) 元")


@pytest.fixture
def store(backend):
    s = open_store(backend, "经办甲")
    yield s
    s.close()


def _signed(store, project_id: int, n: int, case_no: str, **extra) -> int:
    form = case_form(n, case_no, status="signed", **extra)
    form["case"]["moved_on_time"] = True
    if "exchange" in form["case"]:
        form["case"]["exchange"]["overdue_months"] = 0
    return cases.save_case(store, project_id, form, reason=REASON).case_id


def _pay(store, case_id: int, amount: str, on: date, voucher: str) -> None:
    payments.record_payment(store, case_id, D(amount), on, voucher)


def _hand_over(store, case_id: int, on: date) -> None:
    with store.transaction() as session:
        case = session.get(Case, case_id)
        line = case.exchange_houses[0]
        unit = HousingUnit(project_id=case.project_id, use="residential", building="1栋",
                           unit="1", number=f"{case_id}01", area=line.area,
                           inner_area=line.inner_area, unit_price=line.unit_price,
                           exchange_house_id=line.id)
        session.add(unit)
        session.flush()
        house_id = unit.id
    housing.set_handover(store, house_id, on, on)


def _cases(store) -> int:
    """One project: a case unpaid, one part-paid, one overpaid after a correction, an exchange
    whose houses' price set off is bigger than what it owes, one whose smaller price leaves part
    of what it owes unpaid, and one unpaid that owes the price (the summary sums the unpaid in
    two: owed and owing)."""
    project_id = projects.create_project(store, project_form(2, payment_terms=TERMS))
    _signed(store, project_id, 1, "A-001")                                  # unpaid
    part = _signed(store, project_id, 1, "A-002")                          # part-paid
    _pay(store, part, "100000.50", date(2023, 8, 10), "付-2")
    over = _signed(store, project_id, 1, "A-003")                          # overpaid
    with store.read() as session:
        owed = payments.case_account(session, over).due_now
    _pay(store, over, f"{owed:f}", date(2023, 8, 10), "付-3")
    cases.unlock_case(store, over, "装修评估值复核后调减")
    with store.read() as session:
        form = case_to_form(session.get(Case, over))
    form["case"]["parts"][0]["decoration_value"] = "10000"
    cases.save_case(store, project_id, form, over, allow_overpaid=True)
    big = _signed(store, project_id, 2, "A-004")        # price set off > what it owes
    cases.set_status(store, big, "moved", moved_on=date(2023, 7, 5))
    _pay(store, big, "211664.00", date(2023, 7, 6), "付-4")
    _hand_over(store, big, date(2025, 1, 10))
    small = case_form(2, "A-005", status="signed")                         # price < owed
    small["case"]["moved_on_time"] = True
    small["case"]["exchange"]["overdue_months"] = 0
    small["case"]["exchange"]["houses"][0]["unit_price"] = "1000"
    small_id = cases.save_case(store, project_id, small, reason=REASON).case_id
    cases.set_status(store, small_id, "moved", moved_on=date(2023, 7, 5))
    _pay(store, small_id, "100000.00", date(2023, 7, 6), "付-5")
    _hand_over(store, small_id, date(2025, 1, 10))
    owing = _signed(store, project_id, 2, "A-006")     # unpaid, the household owes the price
    cases.set_status(store, owing, "moved", moved_on=date(2023, 7, 5))
    _hand_over(store, owing, date(2025, 1, 10))
    return project_id


def _yuan(text: str) -> Decimal:
    return D(text.replace(",", ""))


def test_the_payments_list_the_due_list_and_the_summary_settle_alike(store):
    project_id = _cases(store)
    today = date.today()
    with store.read() as session:
        accounts = {a.case_no: a for a in payments.project_accounts(session, project_id, today)}
        project = session.get(Case, accounts["A-001"].case_id).project
        dues = money_dues(session, project, WorkCalendar(), today)
        summary = project_summary(session, project_id)
    assert sorted(accounts) == ["A-001", "A-002", "A-003", "A-004", "A-005", "A-006"]
    # the five kinds are there (else the test would hold less than it says)
    a = accounts
    assert a["A-001"].paid == 0 and a["A-001"].outstanding > 0
    assert 0 < a["A-002"].paid < a["A-002"].due_now
    assert a["A-003"].overpaid > 0 and a["A-003"].household_owes == 0
    assert a["A-004"].set_off > a["A-004"].owed_total and a["A-004"].household_owes > 0
    assert 0 < a["A-005"].set_off < a["A-005"].owed_total - a["A-005"].paid
    assert a["A-006"].paid == 0 and a["A-006"].due_now < 0
    for case_no, account in accounts.items():
        mine = [d.what for d in dues if d.case_id == account.case_id]
        unpaid = sum((_yuan(m) for w in mine for m in LEFT.findall(w)), D(0))
        overpaid = sum((_yuan(m) for w in mine if w.startswith("应追回")
                        for m in AMOUNT.findall(w)), D(0))
        owes = sum((_yuan(m) for w in mine if w.startswith("住户应补交")
                    for m in AMOUNT.findall(w)), D(0))
        assert (unpaid, overpaid, owes) == (
            account.outstanding, account.overpaid, account.household_owes), case_no
        assert sum(account.unpaid().values(), D(0)) == account.outstanding, case_no
        assert account.recover == account.overpaid + account.household_owes, case_no
    assert (summary.paid, summary.outstanding, summary.recover) == (
        sum((x.paid for x in accounts.values()), D(0)),
        sum((x.outstanding for x in accounts.values()), D(0)),
        sum((x.recover for x in accounts.values()), D(0)))
