"""Exchange housing stock: the template, an all-or-nothing import naming each bad cell,
assignment from the stock (never twice), 第三十八条, hand-over, and the stock's states."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sheet_helpers import housing_sheet
from store_helpers import case_form, project_form

from wulong_desk.cli import main
from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.money import housing
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, HousingUnit


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "h.sqlite", "甲")
    yield s
    s.close()


STOCK = [["住宅", "1栋", "1", "101", "60.00", "50.00", "4500"],
         ["住宅", "1栋", "1", "102", "90.00", "78.00", "4500"],
         ["商业办公", "2栋", "", "8", "40.00", "", "9000"]]


def exchange_case(store, project_id, case_no="B-001"):
    form = case_form(2, case_no, status="reviewed")
    form["case"] = copy.deepcopy(form["case"])
    form["case"]["exchange"]["houses"] = []
    return cases.save_case(store, project_id, form, reason="测试：直接录入到这一阶段").case_id


def test_import_assign_and_the_spec_figures(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    assert housing.import_stock(store, project_id, housing_sheet(tmp_path, STOCK)) == 3
    case_id = exchange_case(store, project_id)
    with store.read() as session:
        houses = {h.label: h for h in housing.list_stock(session, project_id)}
    assert set(houses) == {"1栋1单元101号", "1栋1单元102号", "2栋8号"}
    housing.assign(store, case_id, houses["1栋1单元101号"].id)
    with store.read() as session:
        record = stored_breakdown(session.get(Case, case_id))
        states = {h.label: (h.state, h.case_no) for h in housing.list_stock(session, project_id)}
    # spec example 2: the exchange house 60.00 / 50.00 m² at 4500 → price 258750.00,
    # net payable −23746.00
    assert record["settlement"]["exchange_price"] == "258750.00"
    assert record["settlement"]["net_payable"] == "-23746.00"
    assert states["1栋1单元101号"] == ("reserved", "B-001")
    assert states["1栋1单元102号"] == ("available", None)


def test_assigning_a_house_audits_the_settlement_figures_it_moves(store, tmp_path):
    """Assigning a house changes 房屋价款 and 应付差额 but not 补偿合计: the 重算 entry records
    those figures old → new, named in words (spec example 2: total 235004.00; the house
    60.00 / 50.00 m² at 4500 → price 258750.00, net payable −23746.00)."""
    from wulong_desk.services.cases.history import describe

    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, STOCK))
    case_id = exchange_case(store, project_id)
    before = len(cases.history(store, case_id))
    with store.read() as session:
        house = next(h for h in housing.list_stock(session, project_id)
                     if h.label == "1栋1单元101号")
    housing.assign(store, case_id, house.id)
    refigured = [e for e in cases.history(store, case_id)[before:] if e.action == "recompute"]
    assert [(e.entity, e.field, e.old, e.new) for e in refigured] == [
        ("result", "exchange_price", "0.00", "258750.00"),
        ("result", "net_payable", "235004.00", "-23746.00")]
    shown = [describe(e.at, e.operator, e.action, e.entity, e.field, e.old, e.new, e.reason)
             for e in refigured]
    assert [(r.action, r.what, r.change) for r in shown] == [
        ("重算", "计算结果「产权调换房屋价款」", "0.00 元 → 258,750.00 元"),
        ("重算", "计算结果「应付被征收人（负数为应收）」", "235,004.00 元 → -23,746.00 元")]


def test_a_house_is_never_assigned_twice(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, STOCK))
    first, second = exchange_case(store, project_id), exchange_case(store, project_id, "B-002")
    with store.read() as session:
        house = housing.list_stock(session, project_id)[0]
    housing.assign(store, first, house.id)
    with pytest.raises(UserError, match="已分配给其他案卷"):
        housing.assign(store, second, house.id)
    # and the database itself refuses two houses on one exchange line, said in Chinese
    with pytest.raises(UserError) as caught, store.transaction() as session:
        rows = session.query(HousingUnit).order_by(HousingUnit.id).all()
        rows[1].exchange_house_id = rows[0].exchange_house_id
    assert str(caught.value) == "这套安置房已分配给其他案卷，一套房只能分配给一户（未保存任何修改）"
    assert not re.search(r"[A-Za-z]", str(caught.value))


def test_several_houses_only_where_article_38_allows(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, STOCK))
    case_id = exchange_case(store, project_id)    # a 36 m² residence; the largest house 90 m²
    with store.read() as session:
        houses = housing.list_stock(session, project_id)
    housing.assign(store, case_id, houses[0].id)
    with pytest.raises(UserError, match="第三十八条"):
        housing.assign(store, case_id, houses[1].id)


def test_handover_and_release(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, STOCK))
    case_id = exchange_case(store, project_id)
    with store.read() as session:
        house = housing.list_stock(session, project_id)[0]
    with pytest.raises(UserError, match="尚未分配"):
        housing.set_handover(store, house.id, date(2026, 5, 1), None)
    housing.assign(store, case_id, house.id)
    with pytest.raises(UserError, match="交房日期不能早于"):
        housing.set_handover(store, house.id, date(2026, 5, 10), date(2026, 5, 1))
    housing.set_handover(store, house.id, date(2026, 5, 1), None)
    from wulong_desk.services.procedure.due_list import due_list
    from wulong_desk.services.procedure.workdays import WorkCalendar

    with store.read() as session:
        items = due_list(session, project_id, date(2026, 6, 1), WorkCalendar())
    assert any("1栋1单元101号 尚未交付" in i.what and i.case_no == "B-001" for i in items)
    housing.release(store, house.id)
    with store.read() as session:
        assert housing.list_stock(session, project_id)[0].state == "available"
        assert session.get(Case, case_id).exchange_houses == []
    housing.assign(store, case_id, house.id)
    housing.set_handover(store, house.id, date(2026, 5, 1), date(2026, 5, 20))
    with pytest.raises(UserError, match="已交房"):
        housing.release(store, house.id)
    with store.read() as session:
        states = [house.state for house in housing.list_stock(session, project_id)]
    assert sorted(states) == ["available", "available", "handed_over"]


def test_import_is_all_or_nothing_and_names_every_bad_cell(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    path = housing_sheet(tmp_path, [STOCK[0],
                            ["别墅", "1栋", "1", "103", "abc", "50", "4500"],
                            ["住宅", "1栋", "1", "101", "60", "70", ""]])
    with pytest.raises(housing.HousingImportError) as caught:
        housing.import_stock(store, project_id, path)
    text = str(caught.value)
    assert "安置房源!A3（用途）" in text
    assert "安置房源!E3（建筑面积）" in text
    assert "安置房源!D4（房号）：与第 2 行是同一套房" in text
    assert "安置房源!F4（套内面积）：套内面积不能大于建筑面积" in text
    assert "安置房源!G4（单价（元/㎡））：必须填写" in text
    with store.read() as session:
        assert housing.list_stock(session, project_id) == []


def test_housing_commands(tmp_path, capsys):
    db = tmp_path / "cli.sqlite"
    store = open_store(db, "甲")
    project_id = projects.create_project(store, project_form(2))
    store.close()
    template = tmp_path / "模板.xlsx"
    assert main(["housing", "template", str(template)]) == 0
    assert load_workbook(template)[housing.SHEET]["A1"].value == "用途"
    path = housing_sheet(tmp_path, STOCK)
    assert main(["housing", "import", "--project", str(project_id), str(path), "--db",
                 str(db)]) == 0
    capsys.readouterr()
    assert main(["housing", "import", "--project", str(project_id), str(path), "--db",
                 str(db)]) == 2
    assert "本项目已有这套房源" in capsys.readouterr().err
    assert main(["housing", "list", "--project", str(project_id), "--json", "--db",
                 str(db)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(h["label"], h["area"], h["state"]) for h in listed] == [
        ("1栋1单元101号", "60.00", "available"), ("1栋1单元102号", "90.00", "available"),
        ("2栋8号", "40.00", "available")]
    assert Decimal(listed[2]["unit_price"]) == Decimal("9000")


def test_article_38_stops_once_area_and_value_are_reached(store, tmp_path):
    # a 150.00 m² residence at 4000 元/m²: appraised value 150 × 4000 = 600000.00 (V_AREA);
    # the largest residential house in the stock is 90 m², so several houses may be asked for
    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, [
        ["住宅", "1栋", "1", "101", "60.00", "50.00", "4500"],
        ["住宅", "1栋", "1", "102", "90.00", "78.00", "4500"],
        ["住宅", "1栋", "1", "103", "70.00", "60.00", "4500"]]))
    form = case_form(2, "B-150", status="reviewed")
    form["case"] = copy.deepcopy(form["case"])
    form["case"]["exchange"]["houses"] = []
    form["case"]["parts"][0].update(area="150.00", inner_area="130.00")
    case_id = cases.save_case(store, project_id, form, reason="测试：直接录入到这一阶段").case_id
    with store.read() as session:
        assert session.get(Case, case_id).result.v_area == 60000000  # cents
        houses = {h.label: h.id for h in housing.list_stock(session, project_id)}
    housing.assign(store, case_id, houses["1栋1单元101号"])
    # 60 m² (270000.00) falls short of 150 m² and of 600000.00: a second house is allowed
    housing.assign(store, case_id, houses["1栋1单元102号"])
    # now 150 m² and 150 × 4500 = 675000.00 ≥ 600000.00: both reached, no third house
    with pytest.raises(UserError) as caught:
        housing.assign(store, case_id, houses["1栋1单元103号"])
    text = str(caught.value)
    assert "合计建筑面积 150.00㎡、价值 675,000.00 元" in text
    assert "评估价值 600,000.00 元" in text and "第三十八条" in text
    with store.read() as session:
        states = {h.label: h.state for h in housing.list_stock(session, project_id)}
    assert states["1栋1单元103号"] == "available"


# ---- review finding 7: assignment goes through the one owner of case changes --------------

def _stock(store, project_id):
    with store.read() as session:
        return {h.label: h for h in housing.list_stock(session, project_id)}


def _version(store, case_id):
    with store.read() as session:
        case = session.get(Case, case_id)
        return case.version, len(json.loads(case.version_trail or "[]"))


def test_assign_and_release_are_saves_of_the_case(store, tmp_path):
    """An unsigned case: each assignment and release is a new version of the case (so sync and
    packages see it), and the houses of later lines stay with the case when one goes."""
    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, [
        ["住宅", "1栋", "1", "101", "60.00", "50.00", "4500"],
        ["住宅", "1栋", "1", "102", "90.00", "78.00", "4500"]]))
    form = case_form(2, "B-150", status="reviewed")
    form["case"] = copy.deepcopy(form["case"])
    form["case"]["exchange"]["houses"] = []
    form["case"]["parts"][0].update(area="150.00", inner_area="130.00")
    case_id = cases.save_case(store, project_id, form, reason="测试：直接录入到这一阶段").case_id
    houses = _stock(store, project_id)
    first = _version(store, case_id)[0]
    housing.assign(store, case_id, houses["1栋1单元101号"].id)
    housing.assign(store, case_id, houses["1栋1单元102号"].id)
    assert _version(store, case_id)[0] == first + 2
    housing.release(store, houses["1栋1单元101号"].id)
    assert _version(store, case_id)[0] == first + 3
    states = {label: (h.state, h.case_no) for label, h in _stock(store, project_id).items()}
    assert states == {"1栋1单元101号": ("available", None),
                      "1栋1单元102号": ("reserved", "B-150")}
    with store.read() as session:
        case = session.get(Case, case_id)
        assert [h.location for h in case.exchange_houses] == ["1栋1单元102号"]
        line = case.exchange_houses[0]
        assert (line.area, line.inner_area, line.unit_price) == (
            Decimal("90.00"), Decimal("78.00"), Decimal("4500"))
        linked = session.query(HousingUnit).filter(HousingUnit.exchange_house_id.isnot(None))
        assert [u.exchange_house_id for u in linked] == [case.exchange_houses[0].id]


def test_a_signed_case_gets_a_house_only_through_an_audited_correction(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    housing.import_stock(store, project_id, housing_sheet(tmp_path, STOCK))
    case_id = exchange_case(store, project_id)
    # an exchange case is signed with its house (issue 28: 办法第二十九条), here 102
    with pytest.raises(UserError, match="至少要有一套调换房屋"):
        cases.set_status(store, case_id, "signed")
    housing.assign(store, case_id, _stock(store, project_id)["1栋1单元102号"].id)
    cases.set_status(store, case_id, "signed")
    house = _stock(store, project_id)["1栋1单元101号"]
    with pytest.raises(UserError, match="已锁定"):
        housing.release(store, _stock(store, project_id)["1栋1单元102号"].id)
    assert _stock(store, project_id)["1栋1单元101号"].state == "available"
    cases.unlock_case(store, case_id, "换选安置房源")
    housing.release(store, _stock(store, project_id)["1栋1单元102号"].id)
    cases.unlock_case(store, case_id, "补选安置房源")
    housing.assign(store, case_id, house.id)
    corrected = {e.field: (e.old, e.new, e.reason) for e in cases.history(store, case_id)
                 if e.action == "correct"}
    # spec example 2: compensation 235004.00; the house 60.00 / 50.00 m² at 4500 → 258750.00
    assert corrected == {"exchange_price": ("0.00", "258750.00", "补选安置房源"),
                         "net_payable": ("235004.00", "-23746.00", "补选安置房源")}
    with store.read() as session:
        assert session.get(Case, case_id).locked
    with pytest.raises(UserError, match="已锁定"):
        housing.release(store, house.id)
    assert _stock(store, project_id)["1栋1单元101号"].state == "reserved"
    cases.unlock_case(store, case_id, "房源分配错误，收回")
    housing.release(store, house.id)
    back = [(e.field, e.old, e.new) for e in cases.history(store, case_id)
            if e.action == "correct" and e.reason == "房源分配错误，收回"]
    assert back == [("exchange_price", "258750.00", "0.00"),
                    ("net_payable", "-23746.00", "235004.00")]
    assert _stock(store, project_id)["1栋1单元101号"].state == "available"


def test_a_house_address_never_repeats_its_unit_or_number_word():
    from wulong_desk.services.money.housing import location
    from wulong_desk.store.models import HousingUnit

    for unit, number in (("1", "101"), ("1单元", "101"), ("1", "101号"), ("1单元", "101号")):
        assert location(HousingUnit(building="3栋", unit=unit, number=number)) == "3栋1单元101号"
    assert location(HousingUnit(building="3栋", unit="", number="101")) == "3栋101号"
