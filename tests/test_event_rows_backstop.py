"""A locked case's event rows (拨付, 搬迁和逾期交房记录, 补偿决定, 重新估价记录) are written
only inside their events (docs/architecture.md, "Who may change a case"): the local backstop
(store/audit.py, before every flush) refuses a row added, changed or deleted by any other code,
naming the case and the rows; the event's own service writes them as before."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from store_helpers import case_form, project_form, walk_to

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import payments
from wulong_desk.services.procedure.case_decisions import DecisionFacts, decide_case, record_appeal
from wulong_desk.services.procedure.conversion import revalue_case
from wulong_desk.services.procedure.project_decision import decide_project
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.audit import CaseLockedError
from wulong_desk.store.models import CaseDecision, CaseEvent, CaseRevaluation, Payment

TODAY = date(2024, 1, 10)
WRITTEN = datetime(2023, 9, 1, 9, 0)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "events.sqlite", "王经办")
    yield s
    s.close()


def signed_case(store) -> int:
    """Spec example 1 (money, signed 2023-08-01; the project's 搬迁期限 2023-12-31), 已签约."""
    project_id = projects.create_project(store, project_form(1))
    case_id = cases.save_case(store, project_id, case_form(1)).case_id
    walk_to(store, case_id, "signed")
    return case_id


def rows(store, model, case_id: int, *columns: str) -> list[tuple]:
    """The case's rows of `model`, each as its `columns` (with its id first)."""
    with store.read() as session:
        return [(row.id, *(getattr(row, c) for c in columns)) for row in session.scalars(
            select(model).where(model.case_id == case_id).order_by(model.id))]


def refused(match: str):
    return pytest.raises(CaseLockedError, match=match)


def test_a_payment_is_written_by_its_event_only(store):
    case_id = signed_case(store)
    with refused(r"案卷 A-001（已签约）已锁定：不能增加它的拨付和收款记录"
                 r"（只能由程序的相应操作登记：登记拨付）"), store.transaction() as session:
        session.add(Payment(case_id=case_id, kind="pay", amount=Decimal("1000.00"),
                            paid_on=date(2023, 8, 10), voucher="付-9", operator="王经办",
                            created_at=WRITTEN))
    assert rows(store, Payment, case_id) == []
    account = payments.record_payment(store, case_id, Decimal("1000.00"), date(2023, 8, 10),
                                      "付-001", today=TODAY)
    assert [(p.amount, p.voucher) for p in account.payments] == [(Decimal("1000.00"), "付-001")]
    with refused("案卷 A-001（已签约）已锁定：不能修改它的拨付和收款记录"), \
            store.transaction() as session:
        session.scalars(select(Payment)).one().amount = Decimal("1.00")
    with refused("案卷 A-001（已签约）已锁定：不能删除它的拨付和收款记录"), \
            store.transaction() as session:
        session.delete(session.scalars(select(Payment)).one())
    assert [r[1:] for r in rows(store, Payment, case_id, "amount", "voucher")] == [
        (Decimal("1000.00"), "付-001")]


def test_a_move_record_is_written_by_the_move_only(store):
    case_id = signed_case(store)
    with refused("案卷 A-001（已签约）已锁定：不能增加它的搬迁和逾期交房记录（只能由程序的相应"
                 "操作登记：登记搬迁、逾期交房加付）"), store.transaction() as session:
        session.add(CaseEvent(case_id=case_id, kind="move", on_date=date(2023, 9, 1),
                              late=False, at=WRITTEN))
    assert rows(store, CaseEvent, case_id) == []
    # 登记搬迁 on 2023-09-01, before the 搬迁期限 2023-12-31: on time
    cases.set_status(store, case_id, "moved", moved_on=date(2023, 9, 1))
    [(move_id, *move)] = rows(store, CaseEvent, case_id, "kind", "on_date", "late")
    assert move == ["move", date(2023, 9, 1), False]
    with refused("案卷 A-001（已搬迁）已锁定：不能修改它的搬迁和逾期交房记录"), \
            store.transaction() as session:
        session.get(CaseEvent, move_id).late = True
    with refused("案卷 A-001（已搬迁）已锁定：不能删除它的搬迁和逾期交房记录"), \
            store.transaction() as session:
        session.delete(session.get(CaseEvent, move_id))
    assert [r[1:] for r in rows(store, CaseEvent, case_id, "kind", "late")] == [("move", False)]


def test_a_decision_is_written_by_the_decision_path_only(store):
    project_id = projects.create_project(store, project_form(1))
    decide_project(store, project_id, date(2023, 5, 30), date(2023, 6, 1), "武隆府征〔2023〕1号",
                   today=date(2023, 6, 2))
    case_id = cases.save_case(store, project_id, case_form(1, "D-1")).case_id
    walk_to(store, case_id, "reviewed")
    # signing deadline 2023-08-31 passed: the decision is the 补偿决定 of 第三十一条
    decide_case(store, case_id, DecisionFacts("补决1号", date(2023, 9, 15), date(2023, 10, 31),
                                              None, date(2023, 9, 20)), today=date(2023, 9, 21))
    record_appeal(store, case_id, "review_filed", date(2023, 10, 1), today=date(2023, 10, 2))
    facts = ("number", "state", "review_filed_on")
    [(decision_id, *decision)] = rows(store, CaseDecision, case_id, *facts)
    assert decision == ["补决1号", "in_force", date(2023, 10, 1)]
    locked = r"案卷 D-1（补偿决定）已锁定："
    with refused(locked + "不能增加它的补偿决定记录（只能由程序的相应操作登记：补偿决定、"
                 "复议或诉讼、补偿决定的结果）"), store.transaction() as session:
        session.add(CaseDecision(case_id=case_id, number="补决2号", made_on=date(2023, 9, 16),
                                 move_by=date(2023, 11, 30), recorded_at=WRITTEN))
    with refused(locked + "不能修改它的补偿决定记录"), store.transaction() as session:
        session.get(CaseDecision, decision_id).state = "revoked"
    with refused(locked + "不能删除它的补偿决定记录"), store.transaction() as session:
        session.delete(session.get(CaseDecision, decision_id))
    with refused(locked + "不能删除它的补偿决定记录"), store.transaction() as session:
        case = cases.get_case(session, case_id)
        case.decisions.clear()   # (delete-orphan)
    assert rows(store, CaseDecision, case_id, *facts) == [
        (decision_id, "补决1号", "in_force", date(2023, 10, 1))]


def test_a_revaluation_is_written_by_its_event_only(store):
    case_id = signed_case(store)
    with refused("案卷 A-001（已签约）已锁定：不能增加它的重新估价记录（只能由程序的相应操作"
                 "登记：重新估价）"), store.transaction() as session:
        session.add(CaseRevaluation(case_id=case_id, kind="review", served_on=date(2023, 10, 8),
                                    reference="复核第1号", recorded_at=WRITTEN))
    assert rows(store, CaseRevaluation, case_id) == []
    # 复核: the part's unit price 5200 → 5300
    revalue_case(store, case_id, "review", date(2023, 10, 8), {1: (Decimal("5300"), None)},
                 "复核第1号", today=date(2023, 10, 9))
    [(row_id, *row)] = rows(store, CaseRevaluation, case_id, "kind", "served_on", "reference")
    assert row == ["review", date(2023, 10, 8), "复核第1号"]
    with refused("案卷 A-001（已签约）已锁定：不能修改它的重新估价记录"), \
            store.transaction() as session:
        session.get(CaseRevaluation, row_id).reference = "复核第2号"
    with refused("案卷 A-001（已签约）已锁定：不能删除它的重新估价记录"), \
            store.transaction() as session:
        session.delete(session.get(CaseRevaluation, row_id))
    assert [r[1:] for r in rows(store, CaseRevaluation, case_id, "reference")] == [("复核第1号",)]

