"""The project dashboard against figures written here from the spec's worked example 1
(resources/examples/expected.json: 523,834.00 a household), not against the summary it is
drawn from."""

from __future__ import annotations

import pytest
from store_helpers import case_form, project_form, walk_to

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.ui.dashboard import Dashboard

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md


@pytest.fixture
def board(qtbot, tmp_path):
    store = open_store(tmp_path / "board.sqlite", "甲")
    project_id = projects.create_project(store, project_form(1))
    signed = cases.save_case(store, project_id, case_form(1, "A-001"))
    cases.save_case(store, project_id, case_form(1, "A-002"))
    unassessed = case_form(1, "A-003")
    part = unassessed["case"]["parts"][0]
    part["area"] = "60.00"
    part["inner_area"] = "50.00"
    del part["unit_price"]
    cases.save_case(store, project_id, unassessed)
    walk_to(store, signed.case_id, "signed")
    widget = Dashboard(store)
    qtbot.addWidget(widget)
    widget.set_project(project_id)
    widget.wait()
    yield widget
    store.close()


def test_progress_counts_and_the_total(board):
    text = board.progress_label.text()
    # 3 households, 1 signed; area 78.50 + 78.50 + 60.00 = 217.00 m², 78.50 signed;
    # the total of the two computed households 2 × 523,834.00
    assert "已签约 1 / 3 户（33.33%）" in text
    assert "签约面积 78.50 / 217.00 平方米（36.18%）" in text
    assert "补偿合计 1,047,668.00 元" in text
    assert {status: label.text() for status, label in board.status_labels.items()} == {
        "surveyed": "2", "assessed": "0", "reviewed": "0", "presigned": "0", "signed": "1",
        "decided": "0", "moved": "0", "void": "0", "lapsed": "0"}


def test_each_line_is_the_sum_over_the_computed_households(board):
    from wulong_desk.rules import default_standards

    # the table shows each line by its label; the code rides along for machines
    labels = {line.label: code for standard in default_standards()
              for code, line in standard.lines.items()}
    shown = {}
    for row in range(board.lines_table.rowCount()):
        text = board.lines_table.item(row, 0).text()
        shown[labels.get(text, text)] = board.lines_table.item(row, 1).text()
    # example 1 (spec): V_AREA 408,200.00, L2_DECOR 15,000.00, L3_FACILITY 4,650.00,
    # R5_GUIDE 74,984.00, R6_EARLY 9,000.00, R7_ONTIME 10,000.00, R8_MOVE 2,000.00; twice
    assert shown == {
        "V_AREA": "816,400.00", "V_SHARED": "0.00", "V_MIN": "0.00", "V_LAND": "0.00",
        "V_UNREG": "0.00", "L1_INTERRUPT": "0.00", "L2_DECOR": "30,000.00",
        "L3_FACILITY": "9,300.00",
        "L4_EQUIP": "0.00", "R5_GUIDE": "149,968.00", "R6_EARLY": "18,000.00",
        "R7_ONTIME": "20,000.00", "R8_MOVE": "4,000.00", "R9_TEMP": "0.00",
        "合计": "1,047,668.00"}


def test_the_unassessed_household_is_listed_as_a_problem(board):
    assert board.problems_table.rowCount() == 1
    assert board.problems_table.item(0, 0).text() == "A-003"
    assert board.problems_table.item(0, 2).text().startswith("缺少或有误：")
