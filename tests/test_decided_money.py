"""A case settled by a 补偿决定 (办法第三十一条) in the money over time and in packages: found by a
cold review of the merge of the decision path with money over time. Expected figures are the
spec's example 4 (tests/store_helpers.example_4_at_signing) and the State Council's calendar."""

from __future__ import annotations

import json
from datetime import date

import pytest
from store_helpers import example_4_at_signing, project_form, walk_to

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.exchange import proposals
from wulong_desk.services.exchange.packages import export_cases, import_cases
from wulong_desk.services.money import moves
from wulong_desk.services.money.due import money_dues
from wulong_desk.services.money.owed import owed_rows
from wulong_desk.services.procedure.case_decisions import DecisionFacts, decide_case
from wulong_desk.services.procedure.project_decision import decide_project
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, CaseEvent, Project

pytestmark = pytest.mark.independent
DECISION = DecisionFacts("补决1号", date(2023, 9, 15), date(2023, 10, 31), ground="owner_unclear")


def decided_case(store) -> tuple[int, int]:
    """Example 4's exchange household, never signed, settled by a 补偿决定 made 2023-09-15."""
    project_id = projects.create_project(store, project_form(4))
    decide_project(store, project_id, date(2023, 5, 30), date(2023, 6, 1), "武隆府征〔2023〕1号",
                   today=date(2023, 6, 2))
    form = example_4_at_signing(case_no="D-1")
    form["case"].update(presign=False, signed_on=None)
    case_id = cases.save_case(store, project_id, form).case_id
    walk_to(store, case_id, "reviewed")
    decide_case(store, case_id, DECISION, today=date(2023, 9, 21))
    return project_id, case_id


def figures(store) -> tuple[int, list[tuple[str, str, int]]]:
    with store.read() as session:
        case = session.query(Case).one()
        # (a move is each file's own event, written by its save; a delay keeps the sender's uuid)
        events = sorted((e.kind, e.uuid if e.kind == "delay" else "", e.months)
                        for e in session.query(CaseEvent))
        return case.result.total_cents, events


def test_a_decided_case_counts_what_runs_from_signing_from_its_decision(tmp_path):
    # terms counted from 签约: a decided case has no signing, its 作出日 stands for it — the
    # houses' price (example 4: 727,180.00) is set off, and 15 days from 2023-09-15 end on a
    # Saturday before the National Day holidays: due on 2023-10-07, the working Saturday
    store = open_store(tmp_path / "d.sqlite", "甲")
    project_id, case_id = decided_case(store)
    with store.transaction() as session:
        session.get(Project, project_id).payment_terms = json.dumps(
            {"before_move": {"from": "signing", "days": 15}, "house_price": {"from": "signing"}})
    with store.read() as session:
        owed = owed_rows(session, Case.id == case_id, today=date(2024, 6, 1))[case_id]
        assert owed.set_off == 72718000
        dues = [d for d in money_dues(session, session.get(Project, project_id), WorkCalendar(),
                                      date(2024, 6, 1)) if "搬迁前应付" in d.what]
        assert [d.due.on for d in dues] == [date(2023, 10, 7)]
    store.close()


def test_a_decided_case_moved_and_delayed_is_taken_whole_by_a_new_file(tmp_path):
    office = open_store(tmp_path / "office.sqlite", "甲")
    project_id, case_id = decided_case(office)
    cases.set_status(office, case_id, "moved", moved_on=date(2023, 10, 20))
    moves.add_delay(office, case_id, 2, "安置小区未按期交付", today=date(2025, 1, 1))
    package = tmp_path / "p.json"
    export_cases(office, project_id, package)
    fresh = open_store(tmp_path / "fresh.sqlite", "乙")
    import_cases(fresh, package)
    for waiting in proposals.list_proposals(fresh):
        proposals.accept(fresh, waiting.id)
    assert figures(fresh) == figures(office)   # the same record, the delay run once by its uuid
    assert [e[2] for e in figures(fresh)[1] if e[0] == "delay"] == [2]
    office.close()
    fresh.close()


def test_a_late_move_of_a_decided_case_travels_to_a_file_that_holds_it(tmp_path):
    office = open_store(tmp_path / "office.sqlite", "甲")
    project_id, case_id = decided_case(office)
    laptop = open_store(tmp_path / "laptop.sqlite", "乙")
    first = tmp_path / "first.json"
    export_cases(office, project_id, first)
    import_cases(laptop, first)
    for waiting in proposals.list_proposals(laptop):
        proposals.accept(laptop, waiting.id)
    cases.set_status(office, case_id, "moved", moved_on=date(2023, 11, 20))   # after 10-31
    moved = tmp_path / "moved.json"
    export_cases(office, project_id, moved)
    import_cases(laptop, moved)
    for waiting in proposals.list_proposals(laptop):
        proposals.accept(laptop, waiting.id)
    with laptop.read() as session:
        case = session.query(Case).one()
        assert (case.status, case.moved_on_time) == ("moved", False)
    assert figures(laptop)[0] == figures(office)[0]
    office.close()
    laptop.close()
