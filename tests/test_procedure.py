"""The procedure's clocks and the due list. Every due date below is counted by hand on the 2026
calendar as published (中秋 25–27 Sept, 国庆 1–7 Oct, make-up working days Sunday 20 Sept and
Saturday 10 Oct)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from store_helpers import case_form, project_form

from wulong_desk.cli import main
from wulong_desk.errors import InputError, UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import payments
from wulong_desk.services.money.terms import due_date, read_terms
from wulong_desk.services.procedure.catalogue import STATE_ORDER
from wulong_desk.services.procedure.consent import consent_tally, presign_ratio
from wulong_desk.services.procedure.dated import set_case_date, set_step
from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store

TODAY = date(2026, 9, 28)   # a Monday, the first working day after 中秋


@pytest.fixture
def setup(tmp_path):
    store = open_store(tmp_path / "due.sqlite", "甲")
    # the project's default term for the money owed before the move: 15 days from signing
    project_id = projects.create_project(store, project_form(
        1, move_deadline="2026-09-30",
        payment_terms={"before_move": {"from": "signing", "days": 15}}))
    cases.save_case(
        store, project_id, case_form(1, "A-001", status="signed"),
        reason="测试：直接录入到这一阶段")
    other = cases.save_case(
        store, project_id, case_form(1, "A-002", status="reviewed"),
        reason="测试：直接录入到这一阶段").case_id
    cases.save_case(
        store, project_id, case_form(1, "A-003", status="assessed"),
        reason="测试：直接录入到这一阶段")
    set_step(store, project_id, "unregistered", date(2026, 9, 24), None)
    set_step(store, project_id, "plan_comment", date(2026, 8, 20), None)
    set_step(store, project_id, "decision", date(2026, 9, 22), date(2026, 9, 25))
    set_case_date(store, other, "reminder", date(2026, 9, 21))
    set_case_date(store, other, "doc_title", date(2026, 9, 21))
    yield store, project_id
    store.close()


def listed(store, project_id, today=TODAY):
    with store.read() as session:
        return due_list(session, project_id, today, WorkCalendar())


def find(items, needle, case_no=None):
    [item] = [i for i in items if needle in i.what and i.case_no == case_no]
    return item


def test_the_due_list(setup):
    store, project_id = setup
    items = listed(store, project_id)
    # 24 Sept + 7 working days: 28, 29, 30 Sept, 8, 9, 10 (Sat, at work), 12 Oct
    unregistered = find(items, "未登记建筑认定公示")
    assert (unregistered.due.on, unregistered.state) == (date(2026, 10, 12), "open")
    # 20 Aug + 30 days = Saturday 19 Sept → Sunday 20 Sept, a make-up working day: overdue
    comment = find(items, "补偿方案征求意见")
    assert (comment.due.on, comment.state) == (date(2026, 9, 20), "overdue")
    decision = find(items, "征收决定")
    assert (decision.due.on, decision.state) == (date(2026, 9, 29), "done")
    # signed 2023-08-01, 15 days → 2023-08-16, nothing paid of the 513834.00 owed before the
    # move (spec example 1's schedule); its on-time reward is not owed before the move
    payment = find(items, "搬迁前应付未付清", "A-001")
    assert (payment.due.on, payment.state) == (date(2023, 8, 16), "overdue")
    assert "513,834.00" in payment.what and "签约之日起15日内" in payment.what
    assert not [i for i in items if "按期搬迁后应付" in i.what]
    # reminder 21 Sept + 10 working days: 22, 23, 24, 28, 29, 30 Sept, 8, 9, 10, 12 Oct; the
    # court may be asked from the day after the 10th (办法第三十一条: 10个工作日内仍不搬迁的)
    reminder = find(items, "催告书送达", "A-002")
    assert (reminder.due.on, reminder.state) == (date(2026, 10, 13), "open")
    waiting = find(items, "等待审核", "A-003")
    assert (waiting.due, waiting.state) == (None, "open")
    signing = find(items, "签约期限届满")
    assert (signing.due.on, signing.state) == (date(2023, 8, 31), "overdue")
    assert "2 户未签约" in signing.what
    # move deadline 30 Sept: within 5 working days of the 28th
    move = find(items, "搬迁期限届满")
    assert (move.due.on, move.state) == (date(2026, 9, 30), "due_soon")
    states = [i.state for i in items]
    assert states == sorted(states, key=STATE_ORDER.__getitem__)


def test_after_the_move_deadline_each_signed_case_not_moved_is_named(setup):
    store, project_id = setup
    items = listed(store, project_id, date(2026, 10, 8))
    item = find(items, "搬迁期限已过", "A-001")
    assert (item.due.on, item.state) == (date(2026, 9, 30), "overdue")


def test_paid_in_full_leaves_the_list(setup):
    store, project_id = setup
    with store.read() as session:
        [account] = payments.project_accounts(session, project_id)
    payments.record_payment(store, account.case_id, account.due_now, date(2023, 8, 10), "V-1",
                            today=TODAY)
    assert not [i for i in listed(store, project_id) if "未付清" in i.what]


def test_a_closing_event_marks_the_clock_done(setup):
    store, project_id = setup
    with store.read() as session:
        from wulong_desk.services.cases.search import search_cases

        [row] = search_cases(session, project_id, "", "reviewed")
    set_case_date(store, row.id, "enforcement", date(2026, 10, 13))
    assert find(listed(store, project_id), "催告书送达", "A-002").state == "done"
    set_case_date(store, row.id, "enforcement", None)
    assert find(listed(store, project_id), "催告书送达", "A-002").state == "open"


@pytest.mark.parametrize(("term", "expected"), [
    ({"from": "signing", "days": 15}, date(2023, 8, 16)),
    ({"from": "signing", "days": 10, "workdays": True}, date(2023, 8, 15)),  # weekends skipped
    ({"on": "2023-09-01"}, date(2023, 9, 1)),
    ({"from": "signing", "days": 30}, date(2023, 8, 31)),
    # 5 days from 28 Sept 2023: 3 Oct, in the 国庆 holiday → the next working day, Saturday 7
    # Oct (a make-up working day of 2023)
    ({"from": "signing", "days": 5}, date(2023, 10, 7)),
])
def test_payment_terms(term, expected):
    [read] = read_terms({"before_move": term}).values()
    signed = date(2023, 9, 28) if term.get("days") == 5 else date(2023, 8, 1)
    assert due_date(read, {"signing": signed}, WorkCalendar()).on == expected


def test_payment_term_after_the_published_years_is_an_estimate():
    [term] = read_terms({"before_move": {"from": "signing", "days": 3, "workdays": True}}
                        ).values()
    due = due_date(term, {"signing": date(2026, 12, 31)}, WorkCalendar())
    assert due.on == date(2027, 1, 5) and due.estimated and "估算" in due.text()


def test_unreadable_term_and_unknown_codes_are_refused(setup):
    store, project_id = setup
    with pytest.raises(InputError, match="搬迁前应付应写明起算事项"):
        read_terms({"before_move": {"from": "月底"}})
    with pytest.raises(UserError, match="公示结束日不能早于公示开始日"):
        set_step(store, project_id, "unregistered", date(2026, 9, 24),
                           date(2026, 9, 1))
    with pytest.raises(UserError, match="未知"):
        set_step(store, project_id, "nonsense", None, None)


def test_due_command(setup, capsys):
    store, project_id = setup
    path = store.path
    store.close()
    assert main(["due", "--project", str(project_id), "--on", "2026-09-28", "--json",
                 "--db", str(path)]) == 0
    items = json.loads(capsys.readouterr().out)
    assert any(i["case_no"] == "A-001" and i["due"] == "2023-08-16" and i["state"] == "overdue"
               for i in items)
    assert any(i["case_no"] is None and i["due"] == "2026-10-12" for i in items)
    assert {i["state"] for i in items} <= {"overdue", "due_soon", "open", "done"}
    assert all(set(i) >= {"case_no", "what", "due", "state"} for i in items)
    assert main(["due", "--project", str(project_id), "--on", "2026-09-28",
                 "--db", str(path)]) == 0
    assert "已逾期" in capsys.readouterr().out


def test_consent_and_presign_ratio_on_the_whole_area(setup):
    from wulong_desk.store.models import Consent, Project

    store, project_id = setup
    with store.transaction() as session:
        project = session.get(Project, project_id)
        project.total_households = 4
        project.total_area = Decimal("314.00")
        project.presign_threshold = Decimal("0.90")
        for label, answer, area in (("1号", "agree", "60"), ("2号", "agree", "30"),
                                    ("3号", "disagree", "5"), ("4号", "none", "5")):
            session.add(Consent(project_id=project_id, label=label, answer=answer,
                                exclusive_area=Decimal(area)))
    with store.read() as session:
        tally = consent_tally(session, project_id)
        ratio = presign_ratio(session, project_id)
    # households 2/4 = 0.5 (not above two thirds) although area 90/100 is: not passed
    assert (tally.household_ratio, tally.area_ratio, tally.passed) == (
        Decimal("0.5000"), Decimal("0.9000"), False)
    # one signed of 4 households in the whole area (3 cases entered): 0.25
    assert (ratio.signed_households, ratio.ratio, ratio.reached) == (1, Decimal("0.2500"),
                                                                     False)
    # its area: example 1's 78.50 m² of the whole area's 314.00 m²
    assert (ratio.signed_area, ratio.area_ratio) == (Decimal("78.50"), Decimal("0.2500"))


def test_after_the_move_deadline_a_presigned_case_not_moved_is_named_too(tmp_path):
    """Review finding 9: a 预签 agreement takes effect with the decision (办法第二十三条、第二十九
    条), so a presigned household still in its house after the 搬迁期限 is listed like a signed
    one; a moved one is not."""
    store = open_store(tmp_path / "presign.sqlite", "甲")
    project_id = projects.create_project(
        store, project_form(2, move_deadline="2026-09-30", old_town=True,
                            presign_start="2023-04-20", presign_end="2023-05-05"))
    form = case_form(2, "P-001", status="presigned")
    form["case"]["signed_on"] = "2023-05-01"   # in the presign period, before the decision
    cases.save_case(store, project_id, form, reason="测试：直接录入到这一阶段")
    moved = case_form(2, "P-002", status="moved", moved_on="2023-07-20")
    cases.save_case(store, project_id, moved, reason="测试：直接录入到这一阶段")
    items = listed(store, project_id, date(2026, 10, 8))
    item = find(items, "搬迁期限已过", "P-001")
    assert (item.due.on, item.state) == (date(2026, 9, 30), "overdue")
    assert "预签" in item.what
    assert not [i for i in items if i.case_no == "P-002"]
    before = find(listed(store, project_id, date(2026, 9, 28)), "搬迁期限届满")
    assert "未搬迁 1 户" in before.what
    store.close()
