"""Moves, delays and terms travel by package (format wulong-desk-cases/4): the receiver runs the
same events — a late move forfeits after_move by its own audited event, a delay (a reviewer's,
so from outside it waits as a proposal) is added once, by its uuid — and ends with the sender's
figures to the cent; taking the same package again writes nothing. A package of format /3 is
still read (its cases carry no events)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.exchange.packages import FORMAT, export_cases, import_cases
from wulong_desk.services.exchange.proposals import accept, list_proposals
from wulong_desk.services.money import moves
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry, Case, CaseEvent

TODAY = date(2026, 11, 30)
TERMS = {"payment_terms": {"before_move": {"from": "effective", "days": 15}},
         "payee": {"name": "李四", "bank": "武隆农商行", "account": "6217 0001"}}


def figures(store, case_no: str) -> dict[str, int]:
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == case_no).one()
        return cases.stored_figures(case.result)


@pytest.fixture
def office_and_laptop(tmp_path):
    office = open_store(tmp_path / "office.sqlite", "内业")
    project_id = projects.create_project(office, project_form(2))
    form = case_form(2, "A-001", status="signed", agreement=TERMS)
    form["case"]["moved_on_time"] = True
    case_id = cases.save_case(office, project_id, form, reason="测试：直接录入").case_id
    first = tmp_path / "first.json"
    export_cases(office, project_id, first)
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    import_cases(laptop, first)
    [signing] = list_proposals(laptop)          # 签约待确认: a reviewer takes it
    accept(laptop, signing.id)
    yield office, laptop, project_id, case_id, tmp_path
    office.close()
    laptop.close()


def test_a_late_move_and_a_delay_travel_and_are_run_once(office_and_laptop):
    office, laptop, project_id, case_id, tmp_path = office_and_laptop
    assert figures(laptop, "A-001") == figures(office, "A-001")
    with laptop.read() as session:
        assert session.query(Case).one().payee_name == "李四"      # the agreement's content
    cases.set_status(office, case_id, "moved", moved_on=date(2024, 1, 5))   # late
    moves.add_delay(office, case_id, 1, "安置小区未按期交付", today=TODAY)
    package = tmp_path / "events.json"
    export_cases(office, project_id, package)
    data = json.loads(package.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "wulong-desk-cases/4"
    events = data["cases"][0]["money_events"]
    assert [(e["kind"], e["late"], e["months"]) for e in events] == [
        ("move", True, 0), ("delay", None, 1)]
    report = import_cases(laptop, package)
    # the delay changes signed figures: from a package it waits for a reviewer; nothing of it
    # is taken meanwhile (the move neither: the version is taken whole)
    [waiting] = list_proposals(laptop)
    assert waiting.what == "逾期交房加付待确认" and report.proposed
    assert figures(laptop, "A-001")["overdue"] == 0
    accept(laptop, waiting.id)
    office_figures, laptop_figures = figures(office, "A-001"), figures(laptop, "A-001")
    assert laptop_figures == office_figures
    assert (laptop_figures["after_move"], laptop_figures["R7_ONTIME"], laptop_figures["overdue"],
            laptop_figures["total"]) == (0, 0, 63000, 22363400)   # 235004 − 12000 + 14 × 45
    with laptop.read() as session:
        case = session.query(Case).one()
        rows = session.query(AuditEntry).filter(AuditEntry.case_id == case.id)
        late = {r.reason for r in rows if r.action == "late_move"}
        delays = {r.reason for r in rows if r.action == "delay"}
        kinds = sorted((e.kind, e.months) for e in session.query(CaseEvent))
        delay_uuid = session.query(CaseEvent.uuid).filter(CaseEvent.kind == "delay").scalar()
    assert late == {"逾期搬迁，单户按期搬迁奖励 10,000.00 元、第二次搬迁补助 2,000.00 元不予支付"}
    assert delays == {"逾期交房加付 1 个月（累计 1 个月）：安置小区未按期交付"}
    assert kinds == [("delay", 1), ("move", 0)] and delay_uuid == events[1]["uuid"]
    # the same package again: nothing new, never a second delay
    again = import_cases(laptop, package)
    assert not again.proposed and not again.updated and not list_proposals(laptop)
    assert figures(laptop, "A-001") == office_figures
    # and back to the office: unchanged there too
    back = tmp_path / "back.json"
    export_cases(laptop, 1, back)
    assert not import_cases(office, back).updated
    assert figures(office, "A-001") == office_figures


def test_an_on_time_move_travels_without_a_proposal(office_and_laptop):
    office, laptop, project_id, case_id, tmp_path = office_and_laptop
    cases.set_status(office, case_id, "moved", moved_on=date(2023, 7, 5))
    package = tmp_path / "moved.json"
    export_cases(office, project_id, package)
    report = import_cases(laptop, package)
    assert report.updated and not report.proposed
    assert figures(laptop, "A-001") == figures(office, "A-001")
    with laptop.read() as session:
        case = session.query(Case).one()
        assert (case.status, case.moved_on) == ("moved", date(2023, 7, 5))


def test_a_package_of_the_previous_format_is_still_read(office_and_laptop, tmp_path):
    office, _laptop, project_id, case_id, _path = office_and_laptop
    cases.set_status(office, case_id, "moved", moved_on=date(2023, 7, 5))
    package = tmp_path / "old.json"
    export_cases(office, project_id, package)
    data = json.loads(package.read_text(encoding="utf-8"))
    data["format"] = "wulong-desk-cases/3"
    for entry in data["cases"]:
        entry.pop("money_events")
        entry.pop("agreement")
    package.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    other = open_store(tmp_path / "other.sqlite", "外业")
    try:
        import_cases(other, package)
        [signing] = list_proposals(other)
        accept(other, signing.id)
        assert figures(other, "A-001") == figures(office, "A-001")
        with other.read() as session:
            case = session.query(Case).one()
            assert case.status == "moved" and case.payee_name is None   # no agreement in /3
    finally:
        other.close()
    assert Decimal(figures(office, "A-001")["after_move"]).scaleb(-2) == Decimal("12000.00")


def test_a_delayed_case_new_to_the_receiver_is_made_and_its_delay_run_once(office_and_laptop):
    # a case the receiver has never seen, already moved and delayed: made at signing without
    # the delay (a signing carries none), then the delay run with the sender's uuid
    office, _laptop, project_id, case_id, tmp_path = office_and_laptop
    cases.set_status(office, case_id, "moved", moved_on=date(2024, 1, 5))   # late
    moves.add_delay(office, case_id, 1, "安置小区未按期交付", today=TODAY)
    package = tmp_path / "new-here.json"
    export_cases(office, project_id, package)
    sent = json.loads(package.read_text(encoding="utf-8"))["cases"][0]["money_events"]
    fresh = open_store(tmp_path / "fresh.sqlite", "审核")
    try:
        import_cases(fresh, package)
        for waiting in list_proposals(fresh):
            accept(fresh, waiting.id)
        assert figures(fresh, "A-001") == figures(office, "A-001")
        assert figures(fresh, "A-001")["overdue"] == 63000     # 14 × 45.00, as above
        with fresh.read() as session:
            delays = [e.uuid for e in session.query(CaseEvent).filter(CaseEvent.kind == "delay")]
        assert delays == [e["uuid"] for e in sent if e["kind"] == "delay"]
        again = import_cases(fresh, package)
        assert not again.updated and not list_proposals(fresh)
    finally:
        fresh.close()
