"""Survey sheets: the template's drop-downs, a good import, and a table of bad sheets whose every
bad cell is reported by sheet, row and column while nothing is written."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sheet_helpers import survey_sheet
from store_helpers import project_form

from wulong_desk.services.cases.search import search_cases
from wulong_desk.services.exchange.survey import HEADERS, SurveyError, import_survey, write_template
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_memory

GOOD = [
    ["S-001", "赵一", "11010519491231002X", "13900000001", "渝权001", "芙蓉路1号", "货币补偿",
     "住宅", 78.5, 68, 5200, 15000, 1, 1, 1, None, None, None, "否", None],
    ["S-002", "钱二", None, None, "渝权002", "芙蓉路2号", "货币补偿", "住宅", 95.2, 82, 5600,
     20000, 1, 1, 1, None, None, None, None, None],
    ["S-002", None, None, None, None, None, None, "商业办公", 60, None, 9800, 30000, 1, 1,
     None, None, "是", None, None, None],
    ["S-003", "孙三", None, None, "渝权003", None, "产权调换", "住宅", "36.00", "33.00", None,
     None, None, None, None, None, None, None, "是", "待评估"],
]


@pytest.fixture
def store():
    s = open_memory("外业")
    yield s
    s.close()


def test_template_has_headers_and_drop_down_lists(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    wb = load_workbook(path)
    ws = wb["调查登记"]
    assert [c.value for c in ws[1]] == HEADERS
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"住宅,商业办公,生产用房"' in lists and '"货币补偿,产权调换"' in lists
    assert "说明" in wb.sheetnames


def test_a_good_sheet_is_imported(tmp_path, store):
    project_id = projects.create_project(store, project_form(1))
    created = import_survey(store, project_id, survey_sheet(tmp_path, GOOD))
    assert created == ["S-001", "S-002", "S-003"]
    with store.read() as session:
        rows = {r.case_no: r for r in search_cases(session, project_id)}
    # the spec's example 1 before signing: 523834.00 less R6 9000.00 and R7 10000.00
    assert str(rows["S-001"].total) == "504834.00"
    assert rows["S-002"].uses == "residential/commercial"
    assert rows["S-003"].total is None                  # no price yet: saved, not computed


def test_a_use_written_as_the_app_shows_it_is_read(tmp_path, store):
    """商业/办公 (the case editor's word) and 商业/办公/业务用房 (the lists') read as 商业办公."""
    project_id = projects.create_project(store, project_form(1))
    rows = [[*GOOD[0][:7], use, GOOD[0][8], None, *GOOD[0][10:]]
            for use in ("商业/办公", "商业/办公/业务用房")]
    rows[1][0], rows[1][4] = "S-009", "渝权009"
    assert import_survey(store, project_id, survey_sheet(tmp_path, rows)) == ["S-001", "S-009"]
    with store.read() as session:
        assert {r.uses for r in search_cases(session, project_id)} == {"commercial"}


BAD = [
    ("missing name and bad use",
     [["B-1", None, None, None, "T1", None, "货币补偿", "别墅", 50, 45, 1000] + [None] * 9],
     {("B", 2): "必须填写", ("H", 2): "应为"}),
    ("negative area and fractional meter count",
     [["B-1", "甲", None, None, "T1", None, "货币补偿", "商业办公", -5, None, 1000, None, 1.5]
      + [None] * 7],
     {("I", 2): "必须大于0", ("M", 2): "整数"}),
    ("three decimals and a wrong check digit",
     [["B-1", "甲", "110105194912310021", None, "T1", None, "货币补偿", "住宅", 50.123, 45,
       1000] + [None] * 9],
     {("I", 2): "2位小数", ("C", 2): "校验位"}),
    ("the same title twice",
     [["B-1", "甲", None, None, "T1", None, "货币补偿", "商业办公", 50, None, 1000] + [None] * 9,
      ["B-2", "乙", None, None, "T1", None, "货币补偿", "商业办公", 60, None, 1000] + [None] * 9],
     {("E", 3): "重复"}),
    ("yes/no column and method",
     [["B-1", "甲", None, None, "T1", None, "现金", "商业办公", 50, None, 1000, None, None,
       None, None, None, "也许"] + [None] * 3],
     {("G", 2): "应为", ("Q", 2): "是"}),
]


@pytest.mark.parametrize(("name", "rows", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_sheets_report_every_cell_and_write_nothing(tmp_path, store, name, rows, expected):
    project_id = projects.create_project(store, project_form(1))
    with pytest.raises(SurveyError) as exc:
        import_survey(store, project_id, survey_sheet(tmp_path, rows))
    found = {(p.column, p.row): p.reason for p in exc.value.problems}
    for (column, row), fragment in expected.items():
        assert (column, row) in found, (name, found)
        assert fragment in found[(column, row)]
    assert all(p.sheet == "调查登记" for p in exc.value.problems)
    with store.read() as session:
        assert search_cases(session, project_id) == []


def test_a_title_already_in_the_project_is_refused(tmp_path, store):
    project_id = projects.create_project(store, project_form(1))
    import_survey(store, project_id, survey_sheet(tmp_path, GOOD[:1], "a.xlsx"))
    again = [["S-009", "周九", None, None, "渝权001", None, "货币补偿", "商业办公", 20, None, 100]
             + [None] * 9]
    with pytest.raises(SurveyError, match="已登记在案卷 S-001"):
        import_survey(store, project_id, survey_sheet(tmp_path, again, "b.xlsx"))


def test_wrong_headers(tmp_path, store):
    project_id = projects.create_project(store, project_form(1))
    path = tmp_path / "x.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "调查登记"
    wb.active.append(["编号", "姓名"])
    wb.save(path)
    with pytest.raises(SurveyError, match="列名"):
        import_survey(store, project_id, path)


def test_buildings_without_a_title_are_imported_with_their_registration(tmp_path, store):
    """办法第十八条: a recognized building at area × price, a temporary one at the department's
    amount, an unlawful one unpaid: V_UNREG = 10 × 3000 + 1200 = 31200.00 (by hand)."""
    from wulong_desk.services.cases.calculation import stored_breakdown
    from wulong_desk.store.models import Case

    project_id = projects.create_project(store, project_form(1))
    rows = [["U-001", "李五", None, None, "渝权009", None, "货币补偿", "住宅", 78.5, 68, 5200]
            + [None] * 9,
            ["U-001", None, None, None, None, None, None, "商业办公", 10, None, 3000]
            + [None] * 9 + ["认定合法", None],
            ["U-001", None, None, None, None, None, None, "商业办公", 5, None, None]
            + [None] * 9 + ["临时建筑", 1200],
            ["U-001", None, None, None, None, None, None, "生产用房", 20, None, None]
            + [None] * 9 + ["认定违法", None]]
    assert import_survey(store, project_id, survey_sheet(tmp_path, rows)) == ["U-001"]
    with store.read() as session:
        case = session.query(Case).one()
        assert [p.registration for p in case.parts] == [
            "registered", "recognized", "temporary", "illegal"]
        lines = {line["code"]: line for line in stored_breakdown(case)["lines"]}
    assert lines["V_UNREG"]["amount"] == "31200.00"
    assert "20.00 m² 不予补偿" in lines["V_UNREG"]["note"]


def test_an_unknown_registration_is_named_and_an_older_template_still_reads(tmp_path, store):
    project_id = projects.create_project(store, project_form(1))
    bad = [["U-002", "李六", None, None, "渝权010", None, "货币补偿", "住宅", 78.5, 68, 5200]
           + [None] * 9 + ["违章", None]]
    with pytest.raises(SurveyError, match="U2（登记状态）：应为 证载、认定合法、临时建筑"):
        import_survey(store, project_id, survey_sheet(tmp_path, bad))
    path = survey_sheet(tmp_path, GOOD[:1], name="old.xlsx")
    wb = load_workbook(path)
    ws = wb["调查登记"]
    ws.delete_cols(21, 2)          # a sheet made from the template before revision 2
    wb.save(path)
    assert import_survey(store, project_id, path) == ["S-001"]


@pytest.mark.parametrize("header", ["exchange_interruption_rate", "提前签约天数的起算日"])
def test_a_column_naming_a_retired_reading_is_refused_by_name(tmp_path, store, header):
    """Revision 3 retired three readings: a sheet with a column for one (by its key or its name)
    means a figure no case may carry; nothing is imported and the column is named."""
    project_id = projects.create_project(store, project_form(1))
    path = survey_sheet(tmp_path, GOOD[:1])
    wb = load_workbook(path)
    ws = wb["调查登记"]
    ws.cell(row=1, column=len(HEADERS) + 2, value=header)
    ws.cell(row=2, column=len(HEADERS) + 2, value="0.005")
    wb.save(path)
    column = chr(ord("A") + len(HEADERS) + 1)
    with pytest.raises(SurveyError, match=rf"调查登记!{column}1.*第3版已取消读法“{header}”"):
        import_survey(store, project_id, path)
    with store.read() as session:
        assert search_cases(session, project_id, "S-001") == []
