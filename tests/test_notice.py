"""The public notice publishes only what 办法第二十九条 needs: no 备注, no phones, no ID numbers,
no 产权证号, 坐落 only to the building, every name masked (one-character names too); it names the
公示期 and the publishing unit with a line for its seal. (The households here are signed: by
default the notice lists only settled households.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form, walk_to

from wulong_desk.exports.notice import HEADER_ROWS, building_of
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.exports import export_ledger
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md

ID_IN_REMARKS = "500232198803150017"
SECRET_REMARK = f"户主另有身份证{ID_IN_REMARKS}，联系电话13800001111，内部：其子欠债"


@pytest.fixture
def notice(tmp_path):
    store = open_store(tmp_path / "n.sqlite", "公示测试")
    project_id = projects.create_project(store, project_form(2, department="武隆区房屋征收中心"))
    first = case_form(2, "A-001", address="武隆区芙蓉路12号3单元502室", remarks=SECRET_REMARK)
    first["owners"] = [{"role": "owner", "name": "欧", "id_number": "11010519491231002X",
                        "phone": "13912345678"}]
    second = case_form(2, "A-002", address="武隆区巷口街5号2栋301",
                       remarks="=HYPERLINK(\"http://x\",\"点我\")")
    second["owners"] = [{"role": "owner", "name": "=cmd|' /C calc'!A0", "id_number": "",
                         "phone": ""}]
    for form in (first, second):
        walk_to(store, cases.save_case(store, project_id, form).case_id, "signed")
    out = tmp_path / "公示.xlsx"
    export_ledger(store, project_id, out, public=True, operator="公示测试",
                  notice_period=(date(2023, 7, 3), date(2023, 7, 11)))
    yield store, project_id, out
    store.close()


def all_text(path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                     for c in row if c is not None)


def test_nothing_personal_or_internal_is_published(notice, tmp_path):
    store, project_id, out = notice
    internal = tmp_path / "台账.xlsx"
    export_ledger(store, project_id, internal, public=False, operator="公示测试")
    assert ID_IN_REMARKS in all_text(internal)  # the internal ledger keeps it: the test can fail
    text = all_text(out)
    assert ID_IN_REMARKS not in text and "欠债" not in text      # the 备注 is not published
    assert "11010519491231002X" not in text and "110105" not in text  # not even masked
    assert "13912345678" not in text and "13800001111" not in text
    assert "渝不动产权" not in text                                     # no 产权证号
    assert "3单元" not in text and "502" not in text and "301" not in text
    assert "武隆区芙蓉路12号" in text and "武隆区巷口街5号2栋" in text
    assert "备注" not in text and "身份证" not in text and "电话" not in text


def test_every_name_is_masked_and_text_is_never_a_formula(notice):
    _store, _project_id, out = notice
    ws = load_workbook(out).worksheets[0]
    rows = list(ws.iter_rows(min_row=HEADER_ROWS + 1, max_row=HEADER_ROWS + 2))
    header = [c.value for c in ws[HEADER_ROWS]]
    owner = header.index("被征收人")
    assert rows[0][owner].value == "*"                      # 欧: one character, masked whole
    assert rows[1][owner].value.startswith("=") and rows[1][owner].data_type == "s"


def test_period_publisher_and_seal(notice):
    _store, _project_id, out = notice
    text = all_text(out)
    assert "公示期：2023年7月3日至2023年7月11日" in text
    assert "公示单位：武隆区房屋征收中心（盖章）" in text
    assert "第二十九条" in text


def test_figures_are_numbers_equal_to_the_record(notice):
    store, project_id, out = notice
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[HEADER_ROWS]]
    row = [c.value for c in ws[HEADER_ROWS + 1]]
    from wulong_desk.services.documents.records import load_records

    with store.read() as session:
        record = load_records(session, project_id).entries[0].record
    assert isinstance(row[header.index("补偿合计")], (int, float, Decimal))
    # example 2 (spec): the value, loss and reward subtotals and the total as the record keeps them
    for name, key in (("价值补偿", "value"), ("损失补偿", "loss"), ("奖励补助", "reward"),
                      ("补偿合计", "total")):
        assert Decimal(str(row[header.index(name)])).quantize(Decimal("0.01")) == \
            Decimal(record["totals"][key])


def test_blank_period_when_not_given(tmp_path):
    store = open_store(tmp_path / "b.sqlite", "公示测试")
    project_id = projects.create_project(store, project_form(2))
    walk_to(store, cases.save_case(store, project_id, case_form(2)).case_id, "signed")
    out = tmp_path / "p.xlsx"
    export_ledger(store, project_id, out, public=True, operator="x")
    store.close()
    assert "公示期：＿＿＿＿年＿＿月＿＿日至＿＿＿＿年＿＿月＿＿日" in all_text(out)


@pytest.mark.parametrize(("address", "building"), [
    ("武隆区芙蓉路12号3单元502室", "武隆区芙蓉路12号"),
    ("芙蓉路12号2栋502", "芙蓉路12号2栋"),
    ("芙蓉路3号楼2单元", "芙蓉路3号楼"),
    ("芙蓉路12号附3号", "芙蓉路12号"),
    ("巷口街5号 身份证500232198803150017", "巷口街5号"),
    ("白马山路8号（张三家）", "白马山路8号"),
])
def test_address_cut_to_the_building(address, building):
    assert building_of(address) == building


def test_words_are_centred_and_a_money_case_has_no_exchange_settlement(tmp_path):
    """补偿方式 and 签约情况 are centred (left-aligned they printed against the figure before
    them); a household paid in money shows “—” where only an exchange has a figure, and the
    sign of the difference is explained under the table."""
    store = open_store(tmp_path / "c.sqlite", "公示测试")
    project_id = projects.create_project(store, project_form(2))
    for form in (case_form(1, "A-001"),    # the spec's example 1: money
                 case_form(2, "A-002")):   # example 2: a house in exchange
        walk_to(store, cases.save_case(store, project_id, form).case_id, "signed")
    out = tmp_path / "公示.xlsx"
    export_ledger(store, project_id, out, public=True, operator="x")
    store.close()
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[HEADER_ROWS]]
    body = {row[1].value: row for row in ws.iter_rows(min_row=HEADER_ROWS + 1,
                                                      max_row=HEADER_ROWS + 2)}
    for name in ("序号", "补偿方式", "签约情况"):
        assert {row[header.index(name)].alignment.horizontal for row in body.values()} == \
            {"center"}
    money, exchange = body["A-001"], body["A-002"]
    assert money[header.index("补偿方式")].value == "货币补偿"
    assert exchange[header.index("补偿方式")].value == "产权调换"
    price, net = header.index("产权调换房屋价款"), header.index("应付/应收差额")
    assert (money[price].value, money[net].value) == ("—", "—")
    # example 2 in the spec: the house costs 258,750.00 and the household pays 23,746.00 more
    assert Decimal(str(exchange[price].value)) == Decimal("258750.00")
    assert Decimal(str(exchange[net].value)) == Decimal("-23746.00")
    text = all_text(out)
    assert "为负数的，由被征收人补交" in text and "货币补偿的户为“—”" in text
