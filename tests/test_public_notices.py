"""The notices the office must post (issue 28 item 2): what each lists, its article, issuing
unit and notes, and that every one masks names and prints no ID number, phone, 产权证号, room or
exporter. Figures are the spec's worked examples: example 1 (money, V_AREA 408200.00, L2 15000.00),
example 2 (the 45 m² floor: min_topup 7.05, area 36.00), example 4 (V_AREA 710000.00, L2 31000.00,
V_UNREG 24000.00 + 4500.00 = 28500.00; without a title: recognized residential 12.00, temporary
commercial 8.00 with 4500, illegal production 20.00)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form, walk_to

from wulong_desk.cli import main
from wulong_desk.errors import UserError
from wulong_desk.exports.notice_inputs import (
    DecisionEntry,
    DecisionFacts,
    Household,
    decision_entry,
)
from wulong_desk.exports.notices import KINDS, build_kind
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.notices import export_notice
from wulong_desk.services.documents.records import load_records
from wulong_desk.services.procedure.catalogue import STEP_BY_CODE
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md

OWNER_ID, OWNER_PHONE = "11010519491231002X", "13912345678"


@pytest.fixture
def project(tmp_path):
    """Three households: example 1 signed, example 2 (the floor) moved, example 4 (buildings
    without a title) still being surveyed, with a name spelled with a full-width space."""
    db = tmp_path / "n.sqlite"
    store = open_store(db, "公示测试")
    project_id = projects.create_project(store, project_form(
        2, department="武隆区房屋征收中心", appraiser="某估价公司"))
    one = case_form(1, "A-001", address="武隆区芙蓉路12号3单元502室")
    ids = {"A-001": cases.save_case(store, project_id, one).case_id}
    ids["A-002"] = cases.save_case(store, project_id, case_form(
        2, "A-002", address="武隆区巷口街5号2栋301")).case_id
    four = case_form(4, "A-004", address="武隆区白马山路8号附3号")
    four["case"]["signed_on"] = None
    four["case"].pop("presign", None)   # (example 4 is a presign; this one is not signed yet)
    four["owners"] = [{"role": "owner", "name": "欧阳　小明", "id_number": "", "phone": ""},
                      {"role": "owner", "name": "王\u200b五", "id_number": "", "phone": ""}]
    ids["A-004"] = cases.save_case(store, project_id, four).case_id
    walk_to(store, ids["A-001"], "signed")
    walk_to(store, ids["A-002"], "moved", moved_on=date(2023, 7, 20))
    yield store, project_id, ids, db
    store.close()


def table(path):
    """(header, rows by 案卷编号 or 序号, every text) of a notice."""
    ws = load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[0] == "序号")
    header = list(rows[at])
    body = []
    for row in rows[at + 1:]:
        if row[0] == "合计" or not isinstance(row[0], int):
            break
        body.append(dict(zip(header, row, strict=True)))
    text = "\n".join(str(c) for row in rows for c in row if c is not None)
    return header, body, text


def private_things_absent(text: str) -> None:
    for private in (OWNER_ID, "110105", OWNER_PHONE, "渝不动产权", "502", "301", "附3",
                    "欧阳", "小明", "李四", "公示测试"):
        assert private not in text, private
    assert "导出：" not in text and "工作日，" not in text and "民法典" not in text


def test_compensation_notice_lists_settled_households_with_price_and_unregistered(project,
                                                                                   tmp_path):
    store, project_id, _ids, _db = project
    out = tmp_path / "c.xlsx"
    result = export_notice(store, project_id, out)
    header, body, text = table(out)
    assert [r["案卷编号"] for r in body] == ["A-001", "A-002"]    # A-004 is being surveyed
    assert [r["签约情况"] for r in body] == ["已签约", "已搬迁"]
    assert "评估单价（元/平方米）" in header and "其中：未经登记建筑" in header
    assert Decimal(str(body[0]["评估单价（元/平方米）"])) == Decimal("5200")
    assert Decimal(str(body[0]["价值补偿"])) == Decimal("408200.00")
    assert Decimal(str(body[0]["其中：未经登记建筑"])) == Decimal("0.00")
    assert "办法》（武隆府发〔2023〕5号）第二十九条" in text
    assert "公示单位：武隆区房屋征收中心（盖章）" in text
    assert result.count == 2 and "“拟”" not in text
    private_things_absent(text)

    export_notice(store, project_id, out, include_unsigned=True)
    _header, body, text = table(out)
    proposed = body[2]
    assert (proposed["案卷编号"], proposed["签约情况"]) == ("A-004", "拟")
    assert proposed["被征收人"] == "欧**明、王*"      # the full-width space and the ZWSP ignored
    assert proposed["评估单价（元/平方米）"] == "5,000.00\n9,000.00"   # one per use, in order
    assert Decimal(str(proposed["其中：未经登记建筑"])) == Decimal("28500.00")
    assert "签约情况为“拟”的户尚未签订补偿协议" in text
    private_things_absent(text)


def test_survey_results_list_every_household_with_title_uses_and_areas(project, tmp_path):
    store, project_id, ids, _db = project
    cases.void_case(store, ids["A-001"], "协议解除")
    out = tmp_path / "s.xlsx"
    export_notice(store, project_id, out, kind="survey")
    header, body, text = table(out)
    assert header[4:] == ["权属证书", "用途", "证载建筑面积", "未经登记建筑面积"]
    assert [r["案卷编号"] for r in body] == ["A-002", "A-004"]    # the voided case is not listed
    four = body[1]
    assert (four["权属证书"], four["用途"]) == ("有", "住宅、商业/办公/业务用房")
    # registered 70.00 + 40.00; without a title 12.00 + 8.00 + 20.00
    assert Decimal(str(four["证载建筑面积"])) == Decimal("110.00")
    assert Decimal(str(four["未经登记建筑面积"])) == Decimal("40.00")
    assert body[0]["未经登记建筑面积"] == "—"
    assert "第十七条" in text and "公示单位：武隆区房屋征收中心（盖章）" in text
    assert "以区人民政府组织认定并公示的结果为准" in text
    private_things_absent(text)


def test_unregistered_buildings_with_their_finding_and_treatment(project, tmp_path):
    store, project_id, _ids, _db = project
    out = tmp_path / "u.xlsx"
    export_notice(store, project_id, out, kind="unregistered",
                  period=(date(2025, 7, 1), date(2025, 7, 10)))
    _header, body, text = table(out)
    found = [(r["用途"], Decimal(str(r["建筑面积"])), r["认定结果"], r["处理结果"], r["补偿金额"])
             for r in body]
    assert found == [
        ("住宅", Decimal("12.00"), "认定为合法建筑", "给予补偿", "按评估价值"),
        ("商业/办公/业务用房", Decimal("8.00"), "未超过批准期限的临时建筑", "结合剩余期限适当补偿",
         4500),
        ("生产用房", Decimal("20.00"), "认定为违法建筑或超过批准期限的临时建筑", "不予补偿", "—"),
    ]
    assert all(r["案卷编号"] == "A-004" for r in body)
    assert "3处" in text and "公示期：2025年7月1日至2025年7月10日" in text
    assert "公示单位：重庆市武隆区人民政府（盖章）" in text
    assert "请在公示期届满前向重庆市武隆区人民政府提出" in text and "第十八条" in text
    private_things_absent(text)


def test_preliminary_appraisal_from_the_computed_record(project, tmp_path):
    store, project_id, _ids, _db = project
    out = tmp_path / "a.xlsx"
    export_notice(store, project_id, out, kind="appraisal")
    _header, body, text = table(out)
    by_no = {r["案卷编号"]: r for r in body}
    assert set(by_no) == {"A-001", "A-002", "A-004"}   # every household appraised, signed or not
    for case_no, value, decoration in (("A-001", "408200.00", "15000.00"),
                                       ("A-002", "144000.00", "6000.00"),
                                       ("A-004", "710000.00", "31000.00")):
        assert Decimal(str(by_no[case_no]["房屋评估价值"])) == Decimal(value)
        assert Decimal(str(by_no[case_no]["装饰装修评估价值"])) == Decimal(decoration)
    assert "以上是某估价公司对被征收房屋作出的分户初步评估结果，公示7个工作日（办法第五十二条）" \
        in text
    private_things_absent(text)


def test_min_housing_lists_the_households_raised_to_the_floor(project, tmp_path):
    store, project_id, ids, _db = project
    set_case_date(store, ids["A-002"], "min_applied", date(2023, 6, 1))
    set_case_date(store, ids["A-002"], "min_verified", date(2023, 6, 10))
    out = tmp_path / "m.xlsx"
    export_notice(store, project_id, out, kind="min-housing")
    _header, body, text = table(out)
    [row] = body
    assert row["案卷编号"] == "A-002"
    assert (Decimal(str(row["证载建筑面积"])), Decimal(str(row["保障补足面积"])),
            Decimal(str(row["按此面积补偿"]))) == (Decimal("36.00"), Decimal("7.05"), Decimal(45))
    assert (row["申请日期"], row["核实日期"]) == ("2023年6月1日", "2023年6月10日")
    assert "应补偿面积不足45平方米" in text and "第三十七条" in text
    assert "公示期：＿＿＿＿年" in text    # 第三十七条 sets no length and none was given
    private_things_absent(text)


def test_the_decision_notice_is_refused_until_a_case_is_decided(project, tmp_path, capsys):
    store, project_id, _ids, db = project
    out = tmp_path / "d.xlsx"
    with pytest.raises(UserError, match="本项目还没有补偿决定"):
        export_notice(store, project_id, out, kind="decision")
    store.close()
    assert main(["notice", "--db", str(db), "--project", str(project_id), "--kind",
                 "decision", "--out", str(out)]) == 2
    assert "本项目还没有补偿决定" in capsys.readouterr().err
    assert not out.exists()


def test_the_decision_notice_from_a_hand_made_record(tmp_path):
    facts = DecisionFacts("武隆府征补决〔2024〕第12号", date(2024, 3, 1), date(2024, 3, 5),
                          date(2024, 3, 6), date(2024, 4, 30))
    exchange = DecisionEntry(
        facts, Household("B-007", ("欧阳小明", "李四"), "武隆区芙蓉路12号3单元502室"),
        "exchange", Decimal("1053200.00"), moving=Decimal("3200.00"),
        temporary=Decimal("19600.00"), turnover_house=False,
        interruption=Decimal("144000.00"), equipment=Decimal("0.00"),
        houses=(("芙蓉安置小区3栋502", Decimal("80.00")), ("芙蓉安置小区5栋101", Decimal("35.00"))),
        transition_months=12, payment_term="决定送达后15日内")
    money = DecisionEntry(facts, Household("B-008", ("王五",), "武隆区巷口街5号"), "money",
                          Decimal("523834.00"), moving=Decimal("2000.00"),
                          temporary=Decimal("0.00"), turnover_house=False,
                          interruption=Decimal("0.00"), equipment=Decimal("23500.00"))
    built = build_kind("decision", {"name": "示例项目", "decision_no": "武隆征〔2023〕2号"},
                       [exchange, money], period=(date(2024, 3, 5), None))
    out = tmp_path / "decision.xlsx"
    out.write_bytes(built.data)
    header, body, text = table(out)
    assert built.rows == 2
    # every item of 第二十九条 a decision carries (第三十一条第二款), by its heading
    for item in ("补偿方式", "补偿金额", "支付期限", "产权调换房屋地点和面积", "搬迁费",
                 "临时安置费", "停产停业损失", "设施设备损失", "搬迁期限", "过渡方式和过渡期限"):
        assert item in header, item
    first = body[0]
    assert (first["补偿决定文号"], first["作出日期"], first["被征收人"]) == (
        "武隆府征补决〔2024〕第12号", "2024年3月1日", "欧**明、李*")
    assert first["房屋坐落（至楼栋）"] == "武隆区芙蓉路12号"
    assert first["产权调换房屋地点和面积"] == ("芙蓉安置小区3栋，80.00平方米\n"
                                              "芙蓉安置小区5栋，35.00平方米")
    assert first["过渡方式和过渡期限"] == "自行过渡，12个月"
    assert Decimal(str(first["补偿金额"])) == Decimal("1053200.00")
    assert (first["支付期限"], first["搬迁期限"]) == ("决定送达后15日内", "2024年4月30日")
    assert (body[1]["产权调换房屋地点和面积"], body[1]["过渡方式和过渡期限"],
            body[1]["支付期限"]) == ("—", "—", "—")
    assert "公告日期：2024年3月5日" in text and "公告单位：重庆市武隆区人民政府（盖章）" in text
    assert "60日内向重庆市人民政府申请行政复议" in text
    assert "6个月内向有管辖权的中级人民法院提起行政诉讼" in text
    assert "仲裁" not in text and "民事" not in text and "502" not in text


def test_a_decided_case_becomes_a_decision_row_from_its_record(tmp_path):
    """The decision path's one addition: `decision_entry` reads the stored record (example 4:
    R8 3200.00, R9 19600.00, L1 144000.00 at the printed 5 % — computed here under revision 2's
    project options, so the fixture's figures are read, not recomputed)."""
    store = open_store(tmp_path / "e.sqlite", "甲")
    project_id = projects.create_project(store, project_form(2))
    four = case_form(4, "A-004")
    four["case"]["signed_on"] = None
    four["case"].pop("presign", None)   # (example 4 is a presign; not signed yet)
    four["exchange_locations"] = ["芙蓉安置小区3栋502", "芙蓉安置小区5栋101"]
    cases.save_case(store, project_id, four)
    with store.read() as session:
        [entry] = load_records(session, project_id).entries
    store.close()
    lines = {line["code"]: Decimal(line["amount"]) for line in entry.record["lines"]}
    facts = DecisionFacts("决〔2024〕1号", date(2024, 3, 1), None, None, date(2024, 4, 30))
    row = decision_entry(entry, facts)
    assert (row.moving, row.temporary, row.interruption, row.equipment) == (
        lines["R8_MOVE"], lines["R9_TEMP"], lines["L1_INTERRUPT"], lines["L4_EQUIP"])
    assert row.total == Decimal(entry.record["totals"]["total"])
    assert row.houses == (("芙蓉安置小区3栋502", Decimal("80.00")),
                          ("芙蓉安置小区5栋101", Decimal("35.00")))
    assert row.transition_months == 12 and row.household.owners == ("李四",)


def test_every_kind_is_offered_on_the_command_line_and_in_the_dialog(qtbot):
    """One list of kinds (exports/notice_kinds.py): each has its writer, the command line's
    `notice --kind` accepts each one (and no other) and names it in its help, and the export
    dialog offers each one, with its title, article and a file name."""
    import argparse

    from wulong_desk.cli import build_parser
    from wulong_desk.exports.notices import WRITERS
    from wulong_desk.ui.export_dialog import FILE_STEMS, ExportDialog, notice_kind

    assert {*WRITERS, "compensation"} == set(KINDS)   # (compensation: exports.notice)
    commands = next(action for action in build_parser()._actions
                    if isinstance(action, argparse._SubParsersAction))
    option = next(action for action in commands.choices["notice"]._actions
                  if action.dest == "kind")
    assert set(option.choices) == set(KINDS)
    assert all(f"{code} {kind.title}（{kind.article}）" in option.help
               for code, kind in KINDS.items())
    dialog = ExportDialog("项目", 1, [])
    qtbot.addWidget(dialog)
    combo = dialog.kind_combo
    offered = {notice_kind(combo.itemData(i)): (combo.itemData(i), combo.itemText(i))
               for i in range(combo.count()) if notice_kind(combo.itemData(i))}
    assert set(offered) == set(KINDS)
    for code, (choice, label) in offered.items():
        assert label.startswith(f"{KINDS[code].title}（{KINDS[code].article}，"), label
        assert FILE_STEMS[choice]
    minimum = {code for code, kind in KINDS.items()
               if kind.step and STEP_BY_CODE[kind.step].period is not None}
    assert minimum == {"unregistered", "appraisal"}    # 第十八、五十二条 only


def test_each_kind_on_the_command_line(project, tmp_path, capsys):
    store, project_id, ids, db = project
    set_case_date(store, ids["A-002"], "min_applied", date(2023, 6, 1))
    store.close()
    for kind, said in (("compensation", "分户补偿情况公示：2 户"),
                       ("survey", "调查登记结果公布：3 户"),
                       ("unregistered", "未经登记建筑认定和处理结果公示：3 处"),
                       ("appraisal", "分户初步评估结果公示：3 户"),
                       ("min-housing", "最低住房保障公示：1 户")):
        out = tmp_path / f"{kind}.xlsx"
        assert main(["notice", "--db", str(db), "--project", str(project_id), "--kind", kind,
                     "--out", str(out)]) == 0, capsys.readouterr().err
        assert f"已导出{said}" in capsys.readouterr().out
        assert out.exists()
    out = tmp_path / "all.xlsx"
    assert main(["notice", "--db", str(db), "--project", str(project_id), "--kind",
                 "compensation", "--include-unsigned", "--out", str(out)]) == 0
    assert "分户补偿情况公示：3 户" in capsys.readouterr().out
    assert main(["notice", "--db", str(db), "--project", str(project_id), "--kind",
                 "survey", "--include-unsigned", "--out", str(out)]) == 2
    assert "只用于分户补偿情况公示" in capsys.readouterr().err


def test_the_notices_in_the_export_dialog(qtbot, tmp_path, qapp, no_blocking_boxes):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from wulong_desk.ui.export_dialog import ExportDialog
    from wulong_desk.ui.main_window import MainWindow

    store = open_store(tmp_path / "gui.sqlite", "甲")
    project_id = projects.create_project(store, project_form(2))
    four = case_form(4, "A-004")
    four["case"]["signed_on"] = None
    four["case"].pop("presign", None)   # (example 4 is a presign; not signed yet)
    cases.save_case(store, project_id, four)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()

    def dialog_for(kind: str) -> ExportDialog:
        dialog = ExportDialog("项目", 1, [], win)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind))
        dialog.target_edit.setText(str(tmp_path / f"{kind}.xlsx"))
        return dialog

    def click(widget) -> None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton,
                         pos=widget.rect().topLeft() + widget.rect().center() / 4)

    dialog = dialog_for("unregistered")
    assert dialog.period_row.isVisible() and not dialog.unsigned_check.isVisible()
    assert dialog.period_label.text() == "公示期："
    qtbot.keyClicks(dialog.period_from.edit, "2025/7/1")   # typed as people type dates
    assert dialog.request().notice_period == (date(2025, 7, 1), None)   # no end unless given
    qtbot.keyClicks(dialog.period_to.edit, "20250709")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    click(ok)
    assert dialog.result() == ExportDialog.DialogCode.Accepted
    request = dialog.request()
    assert request.notice_period == (date(2025, 7, 1), date(2025, 7, 9))
    assert win.exports.start(request).wait() == "failed"
    assert "公示期不足：第十八条" in no_blocking_boxes[-1]
    assert not (tmp_path / "unregistered.xlsx").exists()
    request = type(request)(request.kind, None, request.target, (date(2025, 7, 1), None))
    assert win.exports.start(request).wait() == "succeeded"
    said = win.exports.done_box.text()
    win.exports.done_box.close()
    assert "3 处" in said and "2025-07-01 至 2025-07-10" in said
    assert "公示期：2025年7月1日至2025年7月10日" in table(tmp_path / "unregistered.xlsx")[2]

    dialog = dialog_for("decision")
    assert dialog.period_label.text() == "公告日期："
    assert not dialog.period_to.isVisible()
    qtbot.keyClicks(dialog.period_from.edit, "2025-08-01")
    assert dialog.request().notice_period == (date(2025, 8, 1), None)
    assert win.exports.start(dialog.request()).wait() == "failed"
    assert "本项目还没有补偿决定" in no_blocking_boxes[-1]

    dialog = dialog_for("public")
    assert dialog.unsigned_check.isVisible()
    click(dialog.unsigned_check)
    request = dialog.request()
    assert request.include_unsigned and request.notice_period is None
    assert win.exports.start(request).wait() == "succeeded"
    win.exports.done_box.close()
    _header, body, _text = table(tmp_path / "public.xlsx")
    assert [(r["案卷编号"], r["签约情况"]) for r in body] == [("A-004", "拟")]
    store.close()


@pytest.mark.parametrize("kind", ["compensation", "survey", "unregistered", "appraisal"])
def test_progress_is_reported_and_a_cancel_leaves_no_file(project, tmp_path, kind):
    from wulong_desk.errors import Cancelled

    store, project_id, _ids, _db = project
    seen: list[tuple[int, int]] = []
    out = tmp_path / f"{kind}.xlsx"
    export_notice(store, project_id, out, kind=kind,
                  progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)     # three cases read, first to last
    out.unlink()
    with pytest.raises(Cancelled):
        export_notice(store, project_id, out, kind=kind,
                      progress=lambda done, total: done < total)
    assert not out.exists() and not list(tmp_path.glob(".*"))
