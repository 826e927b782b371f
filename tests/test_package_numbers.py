"""协议编号 across laptops (issue 20 item 4): the sequence number travels in case packages; a
number the receiver has given to another case, or a different number for the same case, is a
conflict and nothing is imported."""

from __future__ import annotations

import json

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.agreement_numbers import assign_numbers
from wulong_desk.services.exchange.packages import ConflictError, export_cases, import_cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case


@pytest.fixture
def two(tmp_path):
    office = open_store(tmp_path / "office.sqlite", "办公室")
    project_id = projects.create_project(office, project_form(2, agreement_prefix="武隆征补"))
    first = cases.save_case(office, project_id, case_form(2, "A-001")).case_id
    cases.save_case(office, project_id, case_form(2, "A-002"))
    out = tmp_path / "pkg.json"
    export_cases(office, project_id, out)
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    laptop_project = import_cases(laptop, out).project_id
    yield office, project_id, first, laptop, laptop_project, tmp_path
    office.close()
    laptop.close()


def seq_by_no(store, project_id):
    with store.read() as session:
        return {c.case_no: c.agreement_seq for c in session.query(Case)
                .filter(Case.project_id == project_id)}


def test_a_number_travels_and_the_receiver_numbers_on_from_it(two):
    office, project_id, first, laptop, laptop_project, tmp = two
    # the office prints A-001's agreement: 第0001号
    assert assign_numbers(office, project_id, [first]) == {first: "武隆征补〔2023〕第0001号"}
    out = tmp / "back.json"
    export_cases(office, project_id, out)
    assert json.loads(out.read_text(encoding="utf-8"))["cases"][0]["procedure"][
        "agreement_seq"] == 1
    import_cases(laptop, out)
    assert seq_by_no(laptop, laptop_project) == {"A-001": 1, "A-002": None}
    # the laptop's next agreement is 第0002号, not a second 第0001号
    with laptop.read() as session:
        other = session.query(Case).filter(Case.case_no == "A-002").one().id
    assert assign_numbers(laptop, laptop_project, [other])[other].endswith("第0002号")


def test_the_same_number_given_on_both_laptops_is_refused(two):
    office, project_id, first, laptop, laptop_project, tmp = two
    assign_numbers(office, project_id, [first])              # office: A-001 第0001号
    with laptop.read() as session:
        other = session.query(Case).filter(Case.case_no == "A-002").one().id
    assign_numbers(laptop, laptop_project, [other])          # laptop: A-002 第0001号
    out = tmp / "back.json"
    export_cases(office, project_id, out)
    with pytest.raises(ConflictError) as caught:
        import_cases(laptop, out)
    assert "协议编号第0001号，在本机已给了案卷 A-002" in str(caught.value)
    assert seq_by_no(laptop, laptop_project) == {"A-001": None, "A-002": 1}  # nothing taken


def test_two_numbers_for_one_case_are_refused(two):
    office, project_id, first, laptop, laptop_project, tmp = two
    assign_numbers(office, project_id, [first])              # office: A-001 第0001号
    with laptop.read() as session:
        ids = {c.case_no: c.id for c in session.query(Case)}
    assign_numbers(laptop, laptop_project, [ids["A-002"]])   # laptop: A-002 第0001号,
    assign_numbers(laptop, laptop_project, [ids["A-001"]])   #         A-001 第0002号
    out = tmp / "back.json"
    export_cases(office, project_id, out)
    with pytest.raises(ConflictError) as caught:
        import_cases(laptop, out)
    assert "两边的协议编号不同（本机第0002号，对方第0001号）" in str(caught.value)
    assert seq_by_no(laptop, laptop_project) == {"A-001": 2, "A-002": 1}
