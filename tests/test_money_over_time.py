"""Money over time (issue 26 items 3, 6): what a case owes is read from its stored schedule as
its events happen — a signed household owes its before_move only; the move (on time: the
transition and the on-time reward; late: after_move forfeited through one audited event); the
second move and the houses' price at 接房; each delay of the exchange house added through one
audited event, never beyond the months elapsed since the agreed delivery; a correction that
leaves more paid than owed saved only when confirmed, then shown as 应追回. Run on a local file
and on the office server (its event functions), the same figures either way.

Expected figures are the spec's (../shared/spec/wulong-2023-rules.md, "When each amount falls
due" and the worked examples): example 2 — before_move 211664.00, transition 11340.00 (R9),
after_move 12000.00 = 10000.00 (R7) + 2000.00 (the second move), the houses 258750.00, net
−23746.00; example 4 — transition 124800.00, overdue 38800.00 as two delays of a month (36000.00
+ 2800.00), after_move 0.00 after a late move, before_move 889600.00 of 1053200.00."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from store_helpers import case_form, project_form
from test_cli_calc import run_cli

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.money import housing, moves, payments
from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.audit import CaseLockedError
from wulong_desk.store.models import Case, CaseEvent, HousingUnit
from wulong_desk.store.server_errors import ForbiddenError

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md

TODAY = date(2026, 11, 30)
REASON = "测试：直接录入到这一阶段"
D = Decimal


def signed(store, n: int, case_no: str = "A-001", project_id: int | None = None,
           project: dict | None = None, **extra) -> tuple[int, int]:
    if project_id is None:
        project_id = projects.create_project(store, project_form(n, **(project or {})))
    form = case_form(n, case_no, status="signed", **extra)
    form["case"]["moved_on_time"] = True        # at signing: the undertaking (revision 3)
    if "exchange" in form["case"]:
        form["case"]["exchange"]["overdue_months"] = 0
    return project_id, cases.save_case(store, project_id, form, reason=REASON).case_id


def account(store, case_id: int):
    with store.read() as session:
        return payments.case_account(session, case_id, TODAY)


def owed(store, case_id: int) -> dict[str, Decimal]:
    return account(store, case_id).owed


def figures(store, case_id: int) -> dict[str, Decimal]:
    with store.read() as session:
        stored = cases.stored_figures(session.get(Case, case_id).result)
    return {key: Decimal(value).scaleb(-2) for key, value in stored.items()}


def history(store, case_id: int, action: str) -> list:
    return [e for e in cases.history(store, case_id) if e.action == action]


@pytest.fixture
def store(backend):
    s = open_store(backend, "经办甲")
    yield s
    s.close()


def test_a_signed_household_owes_only_its_before_move(store):
    _project, case_id = signed(store, 2)
    assert owed(store, case_id) == {"before_move": D("211664.00"), "transition": D("0.00"),
                                    "after_move": D("0.00"), "overdue": D("0.00")}
    mine = account(store, case_id)
    assert (mine.due_now, mine.buckets["after_move"]) == (D("211664.00"), D("12000.00"))
    with pytest.raises(UserError, match=r"「金额」211,664\.01 元超过现在应付未付的 211,664\.00 元"):
        payments.record_payment(store, case_id, D("211664.01"), date(2023, 7, 1), "付-1",
                                today=TODAY)


def _hand_over(store, case_id: int, on: date, number: str = "101") -> None:
    """The exchange house of the project's stock assigned to the case's line, handed over."""
    with store.transaction() as session:
        case = session.get(Case, case_id)
        line = case.exchange_houses[0]
        unit = HousingUnit(project_id=case.project_id, use="residential", building="1栋",
                           unit="1", number=number, area=line.area, inner_area=line.inner_area,
                           unit_price=line.unit_price, exchange_house_id=line.id)
        session.add(unit)
        session.flush()
        house_id = unit.id
    housing.set_handover(store, house_id, on, on)


def test_an_on_time_move_makes_the_transition_and_reward_owed_the_rest_at_handover(store):
    _project, case_id = signed(store, 2)
    cases.set_status(store, case_id, "moved", moved_on=date(2023, 7, 5))   # by 2023-12-31
    assert owed(store, case_id) == {"before_move": D("211664.00"), "transition": D("11340.00"),
                                    "after_move": D("10000.00"), "overdue": D("0.00")}
    assert account(store, case_id).due_now == D("233004.00")
    assert not history(store, case_id, "late_move")
    assert figures(store, case_id)["total"] == D("235004.00")         # nothing forfeited
    payments.record_payment(store, case_id, D("233004.00"), date(2023, 7, 6), "付-1",
                            today=TODAY)
    # 接房: the second move is owed, and the houses' price is set against the compensation
    _hand_over(store, case_id, date(2025, 1, 10))
    mine = account(store, case_id)
    assert mine.owed["after_move"] == D("12000.00")
    assert (mine.set_off, mine.due_now) == (D("258750.00"), D("-23746.00"))
    # the household now owes the houses' price less the 2000.00 still owed to it: a receipt
    assert (mine.outstanding, mine.recover, mine.overpaid, mine.household_owes) == (
        D("0.00"), D("256750.00"), D("0.00"), D("256750.00"))
    done = payments.record_payment(store, case_id, D("256750.00"), date(2025, 1, 20), "收-1",
                                   today=TODAY)
    assert done.payments[-1].kind == payments.RECEIVE and done.recover == 0
    assert done.paid == D("-23746.00")                                # example 2's net payable
    with store.read() as session:
        [event] = session.query(CaseEvent).filter(CaseEvent.case_id == case_id).all()
        assert (event.kind, event.on_date, event.late, event.amount_cents) == (
            "move", date(2023, 7, 5), False, 0)


def test_a_late_move_forfeits_after_move_through_one_audited_event(store):
    _project, case_id = signed(store, 2)
    before = figures(store, case_id)
    cases.set_status(store, case_id, "moved", moved_on=date(2024, 1, 5))   # after 2023-12-31
    after = figures(store, case_id)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"R7_ONTIME", "R8_MOVE", "total", "net_payable", "after_move"}
    assert (after["R7_ONTIME"], after["R8_MOVE"], after["after_move"], after["total"],
            after["net_payable"]) == (D("0.00"), D("2000.00"), D("0.00"), D("223004.00"),
                                      D("-35746.00"))
    assert (after["before_move"], after["transition"]) == (D("211664.00"), D("11340.00"))
    words = "逾期搬迁，单户按期搬迁奖励 10,000.00 元、第二次搬迁补助 2,000.00 元不予支付"
    rows = history(store, case_id, "late_move")
    assert {row.field for row in rows} == {"moved_on_time", *changed}
    assert {row.reason for row in rows} == {words}
    assert not history(store, case_id, "unlock") and not history(store, case_id, "correct")
    with store.read() as session:
        case = session.get(Case, case_id)
        assert case.locked and case.status == "moved" and not case.moved_on_time
        [event] = session.query(CaseEvent).filter(CaseEvent.case_id == case_id).all()
        assert (event.late, event.amount_cents, event.reason) == (True, 1200000, words)
    assert owed(store, case_id) == {"before_move": D("211664.00"), "transition": D("11340.00"),
                                    "after_move": D("0.00"), "overdue": D("0.00")}


def test_a_move_without_a_move_deadline_is_refused_naming_it(store):
    _project, case_id = signed(store, 1, project={"move_deadline": None})
    with pytest.raises(UserError, match="「搬迁期限」：项目还没有填写搬迁期限"):
        cases.set_status(store, case_id, "moved", moved_on=date(2023, 9, 1))
    with store.read() as session:
        assert session.get(Case, case_id).status == "signed"


def test_example_4_overdue_is_two_delays_of_a_month(store):
    project = {"old_town": True}
    _project, case_id = signed(store, 4, project=project)
    at_signing = figures(store, case_id)
    # at signing: the agreed months only, the on-time reward and two moves
    assert (at_signing["before_move"], at_signing["transition"], at_signing["after_move"],
            at_signing["overdue"], at_signing["total"]) == (
        D("889600.00"), D("124800.00"), D("33200.00"), D("0.00"), D("1047600.00"))
    cases.set_status(store, case_id, "moved", moved_on=date(2024, 1, 10))   # late
    for number in (1, 2):
        done = moves.add_delay(store, case_id, 1, "安置小区未按期竣工交付", today=TODAY)
        assert (done.months, done.overdue_months, done.added_cents) == (1, number, 1940000)
    after = figures(store, case_id)
    # the spec's example 4, line by line where the events moved it, and its schedule
    assert (after["L1_INTERRUPT"], after["R9_TEMP"], after["R7_ONTIME"], after["R8_MOVE"]) == (
        D("144000.00"), D("19600.00"), D("0.00"), D("3200.00"))
    assert (after["before_move"], after["transition"], after["after_move"], after["overdue"],
            after["total"], after["net_payable"]) == (
        D("889600.00"), D("124800.00"), D("0.00"), D("38800.00"), D("1053200.00"),
        D("326020.00"))
    rows = history(store, case_id, "delay")
    assert [r.new for r in rows if r.field == "overdue_months"] == ["1", "2"]
    assert {r.reason for r in rows} == {
        "逾期交房加付 1 个月（累计 1 个月）：安置小区未按期竣工交付",
        "逾期交房加付 1 个月（累计 2 个月）：安置小区未按期竣工交付"}
    assert owed(store, case_id)["overdue"] == D("38800.00")
    with store.read() as session:
        kinds = [(e.kind, e.months, e.amount_cents) for e in session.query(CaseEvent).filter(
            CaseEvent.case_id == case_id).order_by(CaseEvent.id)]
    assert kinds == [("move", 0, 3320000), ("delay", 1, 1940000), ("delay", 1, 1940000)]


def test_a_delay_is_refused_unless_it_follows_from_the_facts(store):
    _money_project, money = signed(store, 1)
    with pytest.raises(UserError, match="「补偿方式」：案卷 A-001 是货币补偿"):
        moves.add_delay(store, money, 1, "安置房未按期交付", today=TODAY)
    _project, exchange = signed(store, 2, "B-001")
    with pytest.raises(UserError, match="「搬迁日期」：案卷 B-001 尚未登记搬迁"):
        moves.add_delay(store, exchange, 1, "安置房未按期交付", today=TODAY)
    cases.set_status(store, exchange, "moved", moved_on=date(2023, 7, 5))
    before = figures(store, exchange)
    # agreed delivery 2023-07-05 + 18 months = 2025-01-05; by 2026-11-30 22 whole months
    with pytest.raises(UserError, match=r"「逾期月数」：案卷 B-001 加 23 个月后累计逾期 23 个月，"
                                        r"超过约定交房日 2025-01-05.*已满的 22 个月"):
        moves.add_delay(store, exchange, 23, "安置房未按期交付", today=TODAY)
    with pytest.raises(UserError, match="「逾期月数」应为 1 到 120 的整数"):
        moves.add_delay(store, exchange, 0, "安置房未按期交付", today=TODAY)
    with pytest.raises(UserError, match="逾期交房加付必须写明理由"):
        moves.add_delay(store, exchange, 1, "迟", today=TODAY)
    assert figures(store, exchange) == before
    moves.add_delay(store, exchange, 22, "安置房未按期交付", today=TODAY)
    after = figures(store, exchange)
    for key in ("before_move", "transition", "after_move"):   # the earlier buckets never move
        assert after[key] == before[key]
    assert after["overdue"] == D("13860.00")    # R9: 14 × 45 × 22 (example 2 has no L1)
    with pytest.raises(UserError, match="超过约定交房日"):
        moves.add_delay(store, exchange, 1, "安置房未按期交付", today=TODAY)


def test_a_delay_is_a_reviewers_in_the_app(tmp_path):
    """The app asks before writing (on a local file everything is allowed; this login is made to
    look like an office clerk): the database's own refusal is tests/server_attacks.toml's."""
    store = open_store(tmp_path / "d.sqlite", "经办甲")
    try:
        _project, case_id = signed(store, 2)
        cases.set_status(store, case_id, "moved", moved_on=date(2023, 7, 5))
        store.server, store.role = "postgresql://clerk@office/wulong", "clerk"
        with pytest.raises(ForbiddenError, match="逾期交房加付只能由审核人员操作"):
            moves.add_delay(store, case_id, 1, "安置房未按期交付", today=TODAY)
        store.server, store.role = None, None
        assert figures(store, case_id)["overdue"] == D("0.00")
    finally:
        store.close()


def test_a_correction_leaving_more_paid_than_owed_asks_then_shows_recover(store):
    project_id, case_id = signed(store, 1)
    payments.record_payment(store, case_id, D("513834.00"), date(2023, 8, 10), "付-1",
                            today=TODAY)
    cases.unlock_case(store, case_id, "装修评估值复核后调减")
    with store.read() as session:
        form = case_to_form(session.get(Case, case_id))
    form["case"]["parts"][0]["decoration_value"] = "10000"     # 15000.00 → 10000.00
    with pytest.raises(cases.OverpaymentError, match=r"已付 513,834\.00 元，超过现应付 "
                                                     r"508,834\.00 元，多付的 5,000\.00 元应追回"):
        cases.save_case(store, project_id, form, case_id)
    assert figures(store, case_id)["total"] == D("523834.00")        # nothing saved
    cases.save_case(store, project_id, form, case_id, allow_overpaid=True)
    mine = account(store, case_id)
    assert (mine.due_now, mine.recover, mine.overpaid, mine.household_owes) == (
        D("508834.00"), D("5000.00"), D("5000.00"), D("0.00"))
    with store.read() as session:
        items = due_list(session, project_id, TODAY, WorkCalendar())
    [item] = [i for i in items if i.case_no == "A-001" and "应追回" in i.what]
    assert item.state == "recover" and "5,000.00" in item.what
    assert not [i for i in items if "住户应缴" in i.what]
    with pytest.raises(UserError, match=r"超过应收回的 5,000\.00 元"):
        payments.record_payment(store, case_id, D("5000.01"), date(2023, 9, 1), "收-1",
                                today=TODAY)
    back = payments.record_payment(store, case_id, D("5000.00"), date(2023, 9, 1), "收-1",
                                   today=TODAY)
    assert back.payments[-1].kind == payments.RECEIVE and back.recover == 0


def test_the_agreements_terms_and_account_are_locked_with_its_figures(store):
    project_id, case_id = signed(store, 1, agreement={
        "payment_terms": {"before_move": {"from": "signing", "days": 15}},
        "payee": {"name": "李四", "bank": "重庆农村商业银行武隆支行", "account": "6217 0000 1"}})
    with store.read() as session:
        form = case_to_form(session.get(Case, case_id))
    assert form["agreement"]["payee"]["account"] == "6217 0000 1"
    changed = form | {"agreement": {**form["agreement"], "payee": {"name": "王五"}}}
    with pytest.raises(CaseLockedError, match="不能修改协议约定的付款期限或收款账户"):
        cases.save_case(store, project_id, changed, case_id)
    cases.unlock_case(store, case_id, "收款账户户名更正")
    cases.save_case(store, project_id, changed, case_id)
    rows = [e for e in cases.history(store, case_id) if e.field == "payee_name"]
    assert [(r.old, r.new) for r in rows] == [("李四", "王五")]
    with store.read() as session:
        assert session.get(Case, case_id).locked
    # a bad term or account is refused naming the field
    bad = case_form(1, "A-002", agreement={"payment_terms": {"before_move": {"from": "月底"}},
                                           "payee": {"account": "6217-x"}})
    with pytest.raises(UserError) as caught:
        cases.save_case(store, project_id, bad)
    paths = {p.path for p in caught.value.problems}
    assert paths == {"agreement.payment_terms.before_move", "agreement.payee.account"}


def test_terms_inherited_and_counted_like_every_other_clock(tmp_path):
    store = open_store(tmp_path / "t.sqlite", "经办甲")
    try:
        terms = {"before_move": {"from": "effective", "days": 15},
                 "transition": {"monthly": True, "days": 10}}
        project_id, money = signed(store, 1, project={"payment_terms": terms})
        signed(store, 1, "A-002", project_id=project_id, agreement={
            "payment_terms": {"before_move": {"from": "signing", "days": 10,
                                              "workdays": True}}})
        with store.read() as session:
            assert session.get(Case, money).effective_on == date(2023, 8, 1)   # its signing
        exchange_project, exchange = signed(store, 2, project={"payment_terms": terms})
        cases.set_status(store, exchange, "moved", moved_on=date(2023, 7, 5))

        def due(project: int, case_no: str, what: str):
            with store.read() as session:
                items = due_list(session, project, TODAY, WorkCalendar())
            [item] = [i for i in items if i.case_no == case_no and what in i.what]
            return item

        # 2023-08-01 + 15 days; + 10 working days (2 … 15 Aug, weekends skipped)
        assert due(project_id, "A-001", "搬迁前应付").due.on == date(2023, 8, 16)
        assert due(project_id, "A-002", "搬迁前应付").due.on == date(2023, 8, 15)
        # the transition monthly from the move-out: 630.00 a month (11340.00 / 18), each share
        # within 10 days from its month's first day: 5 … 14 July, then 5 … 14 August
        assert due(exchange_project, "A-001", "过渡期间应付").due.on == date(2023, 7, 14)
        payments.record_payment(store, exchange, D("211664.00"), date(2023, 7, 6), "付-1",
                                today=TODAY)
        payments.record_payment(store, exchange, D("630.00"), date(2023, 7, 7), "付-2",
                                today=TODAY)
        assert due(exchange_project, "A-001", "过渡期间应付").due.on == date(2023, 8, 14)
    finally:
        store.close()


def test_after_move_is_dated_part_by_part_each_from_its_own_event(tmp_path):
    """Revision 3, "When each amount falls due": after_move = R7 (owed once the household has
    moved out on time) + the second move (owed at 接房); each part's payment term counts from its
    own event (the agreement: 「期限自接房之日起同样计算」). Example 2: R7 10000.00, the second
    move 2000.00, before_move 211664.00, transition 11340.00; moved on time 2023-07-05. Its
    exchange house here at 100 元/m², so the price set off at 接房 (57.50 m² × 100 = 5750.00)
    does not cover what is owed."""
    store = open_store(tmp_path / "t.sqlite", "经办甲")
    try:
        terms = {"before_move": {"from": "signing", "days": 15},
                 "transition": {"from": "move", "days": 15},
                 "after_move": {"from": "move", "days": 15}}
        project_id = projects.create_project(store, project_form(2, payment_terms=terms))
        forms = {"A-001": {}, "A-002": {"after_move": {"on": "2024-03-01"}}}
        ids = {}
        for case_no, own in forms.items():
            form = case_form(2, case_no, status="signed",
                             agreement={"payment_terms": own} if own else {})
            form["case"]["moved_on_time"] = True
            form["case"]["exchange"]["overdue_months"] = 0
            form["case"]["exchange"]["houses"][0]["unit_price"] = "100"
            ids[case_no] = cases.save_case(store, project_id, form, reason=REASON).case_id
            cases.set_status(store, ids[case_no], "moved", moved_on=date(2023, 7, 5))
            # before_move and transition paid: 211664.00 + 11340.00
            payments.record_payment(store, ids[case_no], D("223004.00"), date(2023, 7, 6),
                                    f"付-{case_no}", today=TODAY)

        def money(case_no: str, today: date) -> list:
            with store.read() as session:
                items = due_list(session, project_id, today, WorkCalendar())
            return [i for i in items if i.case_no == case_no and "应付" in i.what]

        # the houses not handed over: R7 due 15 days after the move (2023-07-20, a Thursday);
        # the second move is not owed, so not listed
        [reward] = money("A-001", TODAY)
        assert reward.what == ("按期搬迁后应付（单户按期搬迁奖励）未付清（尚余 10,000.00 元，"
                               "付款期限：搬迁交房之日起15日内）")
        assert (reward.due.on, reward.state) == (date(2023, 7, 20), "overdue")
        # 接房 on 2025-03-03: the price 5750.00 set off fills R7 after before_move and transition
        # (R7 4250.00 left), the second move 2000.00 owed, due 15 days after 接房: 2025-03-18
        # (a Tuesday) — two days after 接房 it is not late
        for number, case_no in enumerate(forms, start=101):
            _hand_over(store, ids[case_no], date(2025, 3, 3), str(number))
        reward, second = money("A-001", date(2025, 3, 5))
        assert "（单户按期搬迁奖励）未付清（尚余 4,250.00 元" in reward.what
        assert (reward.due.on, reward.state) == (date(2023, 7, 20), "overdue")
        assert second.what == ("按期搬迁后应付（第二次搬迁补助）未付清（尚余 2,000.00 元，"
                               "付款期限：接房之日起15日内）")
        assert (second.due.on, second.state) == (date(2025, 3, 18), "open")
        # an agreement with a fixed date (2024-03-01) for after_move: R7 by that date, the
        # second move never due before 接房 — on the day of 接房, due soon, not late
        reward, second = money("A-002", date(2025, 3, 3))
        assert (reward.due.on, second.due.on) == (date(2024, 3, 1), date(2025, 3, 3))
        assert second.state == "due_soon" and "2,000.00" in second.what
    finally:
        store.close()


def test_payments_list_takes_every_case_with_an_agreement_in_force(tmp_path):
    import json

    db = tmp_path / "l.sqlite"
    store = open_store(db, "甲")
    project_id, _signed = signed(store, 2)
    _p, moved_id = signed(store, 2, "A-002", project_id=project_id)
    cases.set_status(store, moved_id, "moved", moved_on=date(2023, 7, 5))
    cases.save_case(store, project_id, case_form(2, "A-003", status="reviewed"), reason=REASON)
    store.close()
    proc = run_cli("payments", "list", "--project", str(project_id), "--json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    listed = {row["case_no"]: row for row in json.loads(proc.stdout)}
    assert set(listed) == {"A-001", "A-002"}
    assert (listed["A-001"]["status"], listed["A-001"]["due_now"]) == ("signed", "211664.00")
    assert (listed["A-002"]["status"], listed["A-002"]["due_now"]) == ("moved", "233004.00")


def test_the_events_refuse_on_the_command_line_with_exit_2(tmp_path):
    db = tmp_path / "c.sqlite"
    store = open_store(db, "甲")
    _p, money = signed(store, 1)
    project_id, exchange = signed(store, 2, "B-001")
    nodeadline, other = signed(store, 1, "C-001", project={"move_deadline": None,
                                                           "name": "无搬迁期限的项目"})
    store.close()
    base = ["--db", str(db), "--operator", "甲"]
    for args, needle in (
            (["delay", "--case", str(money), "--months", "1", "--reason", "安置房未交付"],
             "「补偿方式」"),
            (["delay", "--case", str(exchange), "--months", "1", "--reason", "安置房未交付"],
             "「搬迁日期」"),
            (["delay", "--case", str(exchange), "--months", "0", "--reason", "安置房未交付"],
             "「逾期月数」"),
            (["delay", "--case", "999", "--months", "1", "--reason", "安置房未交付"],
             "没有编号为 999 的案卷"),
            (["set-status", "--case", str(other), "--to", "moved", "--moved-on", "2023-09-01"],
             "「搬迁期限」"),
            (["payments", "add", "--case", str(exchange), "--amount", "211664.01", "--date",
              "2023-07-01", "--voucher", "V-1"], "「金额」")):
        proc = run_cli(*args, *base)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and needle in lines[0], (args, proc)
        assert "Traceback" not in proc.stderr
    proc = run_cli("set-status", "--case", str(exchange), "--to", "moved", "--moved-on",
                   "2023-07-05", *base)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("delay", "--case", str(exchange), "--months", "2", "--reason",
                   "安置房未按期交付", "--on", "2026-11-30", "--json", *base)
    assert proc.returncode == 0, proc.stderr
    import json

    assert json.loads(proc.stdout) == {"case_no": "B-001", "months": 2, "overdue_months": 2,
                                       "added": "1260.00"}     # 14 × 45 × 2 (R9, example 2)
    assert nodeadline and project_id


def test_a_plain_save_of_a_signed_case_never_rewrites_when_its_agreement_took_effect(store):
    # 协议生效 is written at the signing (or under 解锁更正); a later save of the locked case —
    # its 备注 — leaves the stored day as it is, unaudited changes of it being none
    from sqlalchemy import text

    from wulong_desk.services.cases.form import case_to_form

    project_id, case_id = signed(store, 2)
    with store.transaction() as session:
        session.execute(text("UPDATE cases SET effective_on = '2023-07-01' WHERE id = :id"),
                        {"id": case_id})
    with store.read() as session:
        form = case_to_form(session.get(Case, case_id))
    form["remarks"] = "住户电话已更新"
    cases.save_case(store, project_id, form, case_id)
    with store.read() as session:
        assert session.get(Case, case_id).effective_on == date(2023, 7, 1)
