"""The path a project takes in law (issue 27), on SQLite and on the office server: a 旧城区改建
project decided after its presign share, its formal appraisal imported and its presigns
converted with corrected values in one audited event each; one terminated short of its share,
its presigns 不生效; a 补偿决定 through its clocks; who may do each step.

Expected figures are the spec's (example 4, example 1) with the corrected values worked by hand
below; the dates are counted by hand from the articles and the 2023–2024 calendars."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from ledger_helpers import table
from openpyxl import load_workbook
from sqlalchemy import select
from store_helpers import case_form, example_4_at_signing, project_form, walk_to

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money.owed import move_deadline_of
from wulong_desk.services.procedure.appraisal import import_appraisal, write_template
from wulong_desk.services.procedure.case_decisions import (
    DecisionFacts,
    decide_case,
    record_appeal,
    record_outcome,
)
from wulong_desk.services.procedure.catalogue import project_steps
from wulong_desk.services.procedure.consent import set_project_totals
from wulong_desk.services.procedure.conversion import (
    PresignReadiness,
    convert_presigns,
    presign_readiness,
)
from wulong_desk.services.procedure.dated import set_case_date, set_step
from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.procedure.project_decision import decide_project, terminate_project
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_memory, open_store
from wulong_desk.store.models import FIGURE_COLUMNS, Case, CaseDecision, Project

NUMBER = "武隆府征〔2023〕4号"


def old_town(store, households: int) -> int:
    project_id = projects.create_project(store, project_form(4, old_town=True))
    set_project_totals(store, project_id, households, None)
    return project_id


def presign(store, project_id: int, number: str, **extra) -> int:
    """Example 4's household at 预签 (signed 2023-08-20, inside 2023-08-15 … 08-31)."""
    case_id = cases.save_case(store, project_id, example_4_at_signing(case_no=number)).case_id
    walk_to(store, case_id, "reviewed")
    cases.save_case(store, project_id,
                    example_4_at_signing(case_no=number, status="presigned", **extra), case_id)
    return case_id


def case_of(store, case_id: int) -> Case:
    with store.read() as session:
        case = session.get(Case, case_id)
        assert case.parts and case.result is not None   # (loaded before the session closes)
        list(case.decisions)
        session.expunge_all()
        return case


def total(store, case_id: int) -> str:
    return f"{Decimal(case_of(store, case_id).result.total_cents).scaleb(-2):.2f}"


def fill(sheet, values: dict[tuple[str, int], tuple[str, str, str | None]]) -> None:
    """The firm's sheet: (案卷编号, 部位序号) → (评估单价, 装饰装修评估值, 送达日)."""
    workbook = load_workbook(sheet)
    rows = workbook["正式评估结果"]
    for row in list(rows.iter_rows(min_row=2)):
        key = (row[0].value, row[2].value)
        if key in values:
            price, decoration, served = values[key]
            row[5].value, row[6].value, row[7].value = price, decoration, served
        else:
            for cell in row:
                cell.value = None
    workbook.save(sheet)


# Example 4 as signed (no delay yet: store_helpers.example_4_at_signing, total 1014400.00)
# corrected by the formal report: residential 5000 → 5200, commercial 9000 → 9100.
# V_AREA 70.00 × 5200 + 40.00 × 9100 = 728000.00 (was 710000.00); V_SHARED 1.30 × 5200 =
# 6760.00 (6500.00); L1 0.05 × 364000 × 6 = 109200.00 (108000.00); R5 0.12 × 364000 +
# 0.05 × 364000 = 61880.00 (60000.00); the rest as signed: total 1014400.00 + 18000.00 +
# 260.00 + 1200.00 + 1880.00 = 1035740.00. Schedule: transition 109200.00 + 16800.00 =
# 126000.00, overdue 0.00, after_move 0.00, before_move the rest 909740.00; net payable
# 1035740.00 − 727180.00 (the houses, as the spec) = 308560.00.
CORRECTED = {"V_AREA": "728000.00", "V_SHARED": "6760.00", "L1_INTERRUPT": "109200.00",
             "R5_GUIDE": "61880.00", "total": "1035740.00", "transition": "126000.00",
             "overdue": "0.00", "before_move": "909740.00",
             "net_payable": "308560.00"}
SHEET_VALUES = {1: ("5200", "10000", None), 2: ("9100", "20000", None),
                3: ("2000", "1000", None)}


def test_a_presign_project_is_decided_and_converts_with_corrected_values(backend, tmp_path):
    store = open_store(backend, "")
    try:
        project_id = old_town(store, 3)
        # P-1's agreement: what is owed before the move, 3 days after the agreement takes effect
        p1 = presign(store, project_id, "P-1", agreement={"payment_terms": {
            "before_move": {"from": "effective", "days": 3}}})
        p2 = presign(store, project_id, "P-2")
        # what 转为补偿协议… says on opening (one reading, by the rule the conversion refuses by)
        assert presign_readiness(store, project_id, p2) == PresignReadiness(
            decided=False, presigns=2, ready=0, chosen_id=p2, chosen_no="P-2")
        # 2 of the area's 3 households: below 90% (办法第二十三条)
        with pytest.raises(UserError, match="预签比例未达到：预签 2 户，征收范围总户数 3 户"):
            decide_project(store, project_id, date(2023, 9, 1), date(2023, 9, 5), NUMBER,
                           today=date(2023, 9, 12))
        set_project_totals(store, project_id, 2, None)
        with pytest.raises(UserError, match=r"P-1（2023-08-20）、P-2（2023-08-20）"):
            decide_project(store, project_id, date(2023, 8, 20), date(2023, 8, 25), NUMBER,
                           today=date(2023, 9, 12))   # a presign on 作出日
        with pytest.raises(UserError, match="公告日 2023-09-01 早于作出日 2023-09-05"):
            decide_project(store, project_id, date(2023, 9, 5), date(2023, 9, 1), NUMBER,
                           today=date(2023, 9, 12))
        # 作出日 2023-09-01 + 7 days = 09-08 (a Friday): a 公告日 on the 9th is late, warned
        done = decide_project(store, project_id, date(2023, 9, 1), date(2023, 9, 9), NUMBER,
                              today=date(2023, 9, 12))
        assert len(done.warnings) == 1 and "最迟 2023-09-08" in done.warnings[0]
        with store.read() as session:
            project = session.get(Project, project_id)
            assert (project.decision_state, project.decision_made_on, project.announced_on,
                    project.decision_no) == ("decided", date(2023, 9, 1), date(2023, 9, 9),
                                             NUMBER)
        with pytest.raises(UserError, match="不能再作出一次"):
            decide_project(store, project_id, date(2023, 9, 1), date(2023, 9, 9), NUMBER,
                           today=date(2023, 9, 12))
        # a presign moves to 已签约 only by its conversion, on every path
        with pytest.raises(UserError, match="转为补偿协议"):
            cases.set_status(store, p1, "signed")

        sheet = tmp_path / "正式评估结果.xlsx"
        assert write_template(store, project_id, sheet) == 6   # 3 priced parts × 2 presigns
        header = [c.value for c in load_workbook(sheet)["正式评估结果"][1]]
        assert header == ["案卷编号", "产权证号", "部位序号", "用途", "证载面积", "评估单价",
                          "装饰装修评估值", "分户评估报告送达日"]
        with pytest.raises(UserError, match="尚未记录"):
            import_appraisal(store, project_id, sheet, today=date(2023, 9, 20))
        # 7 working days from 2023-09-11: the 12th … 20th; a publicity cut short on the 19th
        # still ends on the 20th (办法第五十二条)
        set_step(store, project_id, "appraisal_publicity", date(2023, 9, 11),
                           date(2023, 9, 19))
        with pytest.raises(UserError, match="到 2023-09-20 才期满：2023-09-21 起"):
            import_appraisal(store, project_id, sheet, today=date(2023, 9, 20))
        with pytest.raises(UserError, match="P-1：第1、2、3处房屋还没有正式评估结果"):
            convert_presigns(store, project_id)

        fill(sheet, {("P-1", n): (*values[:2], "2023-09-25")
                     for n, values in SHEET_VALUES.items()})
        plan = import_appraisal(store, project_id, sheet, dry_run=True, today=date(2023, 9, 26))
        lines = "\n".join(plan.lines())
        assert "第1处 评估单价：5000 → 5200" in lines and "第2处 评估单价：9000 → 9100" in lines
        assert "转为补偿协议后补偿合计：1014400.00 → 1035740.00" in lines
        assert case_of(store, p1).parts[0].formal_unit_price is None   # a dry run writes nothing
        import_appraisal(store, project_id, sheet, today=date(2023, 9, 26))
        assert presign_readiness(store, project_id) == PresignReadiness(
            decided=True, presigns=2, ready=1, chosen_id=None, chosen_no="")
        waiting = case_of(store, p1)
        assert waiting.parts[0].formal_unit_price == Decimal("5200")
        assert (waiting.status, total(store, p1)) == ("presigned", "1014400.00")  # still frozen
        # all or nothing: P-2 has no formal values yet
        with pytest.raises(UserError, match="P-2：第1、2、3处房屋还没有正式评估结果"):
            convert_presigns(store, project_id)
        assert case_of(store, p1).status == "presigned"
        write_template(store, project_id, sheet)   # (a fresh sheet, P-2's rows only)
        fill(sheet, {("P-2", n): values for n, values in SHEET_VALUES.items()})
        import_appraisal(store, project_id, sheet, today=date(2023, 9, 26))
        with pytest.raises(UserError, match="P-2：未记录分户评估报告送达日"):
            convert_presigns(store, project_id)
        assert presign_readiness(store, project_id, p1).ready == 1
        set_case_date(store, p2, "report_served", date(2023, 8, 31))
        assert presign_readiness(store, project_id, p1) == PresignReadiness(
            decided=True, presigns=2, ready=2, chosen_id=p1, chosen_no="P-1")

        converted = {c.case_no: c for c in convert_presigns(store, project_id)}
        # none waits any more; a signed case is not offered as the one to convert
        assert presign_readiness(store, project_id, p1) == PresignReadiness(
            decided=True, presigns=0, ready=0, chosen_id=None, chosen_no="")
        # the later of 作出日 2023-09-01 and the service (第五十三条)
        assert converted["P-1"].effective_on == date(2023, 9, 25)
        assert converted["P-2"].effective_on == date(2023, 9, 1)
        for case_id in (p1, p2):
            case = case_of(store, case_id)
            assert (case.status, case.presign, case.signed_on) == (
                "signed", True, date(2023, 8, 20))   # still a presign, from its presign day
            figures = cases.stored_figures(case.result)
            for key, amount in CORRECTED.items():
                assert f"{Decimal(figures[key]).scaleb(-2):.2f}" == amount, key
        # one audited event: old → new for every figure, under 转为补偿协议
        rows = [e for e in cases.history(store, p1) if e.action == "convert"]
        figures_audited = {e.field: (e.old, e.new) for e in rows if e.entity == "result"}
        assert set(figures_audited) == set(FIGURE_COLUMNS)
        assert figures_audited["total"] == ("1014400.00", "1035740.00")
        assert figures_audited["V_AREA"] == ("710000.00", "728000.00")
        assert figures_audited["R9_TEMP"] == ("16800.00", "16800.00")   # every line
        assert [(e.old, e.new) for e in rows if e.field == "status"] == [("presigned", "signed")]
        assert len({e.reason for e in rows}) == 1 and "办法第二十七、二十九条" in rows[0].reason

        # the payment term counts from the agreement's effect: 2023-09-25 + 3 days
        with store.read() as session:
            due = due_list(session, project_id, date(2023, 9, 26))
        paid = [i for i in due if i.case_no == "P-1" and "未付清" in i.what]
        assert paid and paid[0].due.on == date(2023, 9, 28)
        # the title deeds are due at the conversion, not at the presign (第三十二条)
        deeds = [i for i in due if i.case_no == "P-1" and "权属证书" in i.what]
        assert deeds and deeds[0].due.on == date(2023, 9, 25)
    finally:
        store.close()


def test_a_project_short_of_its_share_is_terminated_and_its_presigns_lapse(backend, tmp_path):
    store = open_store(backend, "")
    try:
        project_id = old_town(store, 3)
        p1, p2 = presign(store, project_id, "P-1"), presign(store, project_id, "P-2")
        other = cases.save_case(store, project_id, example_4_at_signing(case_no="R-1")).case_id
        walk_to(store, other, "reviewed")
        with pytest.raises(UserError, match="不在预签期限（至 2023-08-31）届满之后"):
            terminate_project(store, project_id, date(2023, 8, 31), "武隆府〔2023〕终1号",
                              "预签比例未达到", today=date(2023, 9, 10))
        set_project_totals(store, project_id, 2, None)
        with pytest.raises(UserError, match="预签比例已达到"):
            terminate_project(store, project_id, date(2023, 9, 5), "武隆府〔2023〕终1号",
                              "预签比例未达到", today=date(2023, 9, 10))
        set_project_totals(store, project_id, 3, None)
        done = terminate_project(store, project_id, date(2023, 9, 5), "武隆府〔2023〕终1号",
                                 "预签期限届满，预签比例未达到", today=date(2023, 9, 10))
        assert done.lapsed == ["P-1", "P-2"]
        assert [case_of(store, i).status for i in (p1, p2, other)] == [
            "lapsed", "lapsed", "reviewed"]
        lapse = [e for e in cases.history(store, p1) if e.action == "lapse"]
        assert [(e.old, e.new) for e in lapse] == [("presigned", "lapsed")]
        assert "武隆府〔2023〕终1号" in lapse[0].reason and "第二十三条" in lapse[0].reason
        with store.read() as session:
            project = session.get(Project, project_id)
            assert (project.decision_state, project.terminated_on, project.termination_no) == (
                "terminated", date(2023, 9, 5), "武隆府〔2023〕终1号")
            steps = project_steps(session, project_id)
            assert steps["scope"].done_on == steps["exchange_freeze"].done_on == date(2023, 9, 5)
            summary = project_summary(session, project_id)   # kept, out of every total
            assert summary.households == 1 and summary.by_status["lapsed"] == 2
            assert summary.total == Decimal(case_of(store, other).result.total_cents).scaleb(-2)
        # nothing more is signed in it, and it is not decided
        with pytest.raises(UserError, match="项目已终止"):
            cases.save_case(store, project_id,
                            example_4_at_signing(case_no="R-1", status="presigned"), other)
        with pytest.raises(UserError, match="已于 2023-09-05 终止"):
            decide_project(store, project_id, date(2023, 9, 6), date(2023, 9, 6), NUMBER,
                           today=date(2023, 9, 10))
        with pytest.raises(UserError):
            cases.set_status(store, p1, "presigned")
    finally:
        store.close()


def test_the_ledger_and_dashboard_count_lapsed_and_decided_apart(tmp_path):
    from wulong_desk.services.documents.exports import export_ledger
    from wulong_desk.services.projects.demo import create_demo

    store = open_memory("甲")
    project_id = create_demo(store)
    out = tmp_path / "台账.xlsx"
    export_ledger(store, project_id, out, public=False, operator="甲")
    book = load_workbook(out)
    # a 补偿决定 case stays on 汇总 (owed as under an agreement): its decision's date, and
    # 补偿决定 where a household would sign
    headers, rows, _totals, _top = table(book["汇总"])
    decided = [no for no, row in rows.items() if row[headers.index("被征收人签字")] == "补偿决定"]
    assert decided == ["FR-0004"]
    assert rows["FR-0004"][headers.index("签约日期")] == "2023-09-15"   # DEMO_DECISION
    with store.read() as session:
        assert project_summary(session, project_id).by_status["decided"] == 1
    # a terminated project's presigns: apart, out of the ledger's rows
    town = old_town(store, 3)
    presign(store, town, "P-1")
    terminate_project(store, town, date(2023, 9, 5), "终1号", "预签比例未达到",
                      today=date(2023, 9, 10))
    other = cases.save_case(store, town, example_4_at_signing(case_no="R-1")).case_id
    walk_to(store, other, "reviewed")
    export_ledger(store, town, out, public=False, operator="甲")
    book = load_workbook(out)
    assert list(table(book["不生效预签"])[1]) == ["P-1"]
    main = table(book["汇总"])[1]
    assert "R-1" in main and "P-1" not in main


# --- 补偿决定 ------------------------------------------------------------------------------------

DECISION = DecisionFacts("武隆府征补决〔2023〕1号", date(2023, 9, 15), date(2023, 10, 31),
                         date(2023, 9, 18), date(2023, 9, 20))


def decided_project(store, **extra) -> int:
    """Example 1's project (money, signing deadline 2023-08-31), its decision recorded."""
    project_id = projects.create_project(store, project_form(1, **extra))
    decide_project(store, project_id, date(2023, 5, 30), date(2023, 6, 1), "武隆府征〔2023〕1号",
                   today=date(2023, 6, 2))
    return project_id


def reviewed(store, project_id: int, number: str) -> int:
    case_id = cases.save_case(store, project_id, case_form(1, case_no=number)).case_id
    walk_to(store, case_id, "reviewed")
    return case_id


def due_items(store, project_id: int, today: date, number: str) -> dict[str, object]:
    with store.read() as session:
        return {item.what: item for item in due_list(session, project_id, today)
                if item.case_no == number}


def test_a_decision_settles_a_household_with_its_money(backend):
    store = open_store(backend, "")
    try:
        project_id = decided_project(store)
        case_id = reviewed(store, project_id, "D-1")
        early = DecisionFacts(DECISION.number, date(2023, 8, 31), date(2023, 10, 31))
        with pytest.raises(UserError, match="签约期限到 2023-08-31 才届满"):
            decide_case(store, case_id, early, today=date(2023, 9, 21))
        # the owner unclear (第三十一条's second ground): at any time
        unclear = reviewed(store, project_id, "D-2")
        decide_case(store, unclear, DecisionFacts(
            "武隆府征补决〔2023〕2号", date(2023, 8, 1), date(2023, 9, 30),
            ground="owner_unclear"), today=date(2023, 8, 2))
        decide_case(store, case_id, DECISION, today=date(2023, 9, 21))
        case = case_of(store, case_id)
        assert (case.status, case.decided_on, case.signed_on) == (
            "decided", date(2023, 9, 15), None)
        # example 1 settled by a decision: no R6 (9000.00), the rest as signed: 514834.00
        figures = cases.stored_figures(case.result)
        assert (figures["R6_EARLY"], figures["R5_GUIDE"], figures["R7_ONTIME"],
                figures["total"]) == (0, 7498400, 1000000, 51483400)
        with store.read() as session:
            assert move_deadline_of(session.get(Case, case_id)) == date(2023, 10, 31)
        with pytest.raises(UserError, match="补偿决定"):
            cases.set_status(store, reviewed(store, project_id, "D-3"), "decided")
        history = [e for e in cases.history(store, case_id) if e.action == "decision"]
        assert [(e.old, e.new) for e in history] == [("reviewed", "decided")]
    finally:
        store.close()


def test_the_reading_none_takes_the_guide_reward_from_a_decision():
    store = open_memory("甲")
    project_id = decided_project(store, decision_guide_reward="none")
    case_id = reviewed(store, project_id, "D-1")
    decide_case(store, case_id, DECISION, today=date(2023, 9, 21))
    # 514834.00 − R5 74984.00 = 439850.00
    assert total(store, case_id) == "439850.00"


def test_a_decision_through_its_clocks():
    store = open_memory("甲")
    project_id = decided_project(store)
    case_id = reviewed(store, project_id, "D-1")
    decide_case(store, case_id, DECISION, today=date(2023, 9, 21))
    items = due_items(store, project_id, date(2023, 9, 21), "D-1")
    dues = {what.split("：")[1].split("（")[0]: item.due.on for what, item in items.items()
            if what.startswith("补偿决定") and item.due is not None}
    # from the service 2023-09-20: 复议 60 days → 11-19, a Sunday → 11-20; 诉讼 6 months →
    # 2024-03-20; the 催告 not before 03-21; enforcement within 3 months of 03-20 → 06-20
    assert dues["可申请行政复议至"] == date(2023, 11, 20)
    assert dues["可提起行政诉讼至"] == date(2024, 3, 20)
    assert dues["诉讼期限届满之日起三个月内申请人民法院强制执行，最迟"] == date(2024, 6, 20)
    waiting = [(what, item) for what, item in items.items() if "催告" in what]
    assert waiting and "尚不能发出" in waiting[0][0] and "补偿款尚未登记为已提存" in waiting[0][0]
    assert waiting[0][1].due.on == date(2024, 3, 21)
    # the 催告: only once the 诉讼 period ran out, the move-by date passed, nothing pending and
    # the money deposited
    with pytest.raises(UserError, match="提起行政诉讼的期限到 2024-03-20 才届满"):
        set_case_date(store, case_id, "reminder", date(2024, 3, 20))
    with pytest.raises(UserError, match="补偿款尚未登记为已提存"):
        set_case_date(store, case_id, "reminder", date(2024, 3, 21))
    set_case_date(store, case_id, "deposited", date(2023, 10, 10))
    record_appeal(store, case_id, "review_filed", date(2023, 10, 1), today=date(2023, 10, 2))
    with pytest.raises(UserError, match="行政复议尚未结束"):
        set_case_date(store, case_id, "reminder", date(2024, 3, 21))
    record_appeal(store, case_id, "review_closed", date(2023, 12, 1), today=date(2023, 12, 2))
    ready = due_items(store, project_id, date(2024, 3, 21), "D-1")
    assert any("可发出催告书" in what for what in ready)
    set_case_date(store, case_id, "reminder", date(2024, 3, 21))
    # 10 working days from 03-21: 03-22 … 04-07 (清明: 04-04 … 06 off, 04-07 a working
    # Sunday): the court from 04-08
    after = due_items(store, project_id, date(2024, 3, 22), "D-1")
    court = [item for what, item in after.items() if what.startswith("催告书送达后")]
    assert court and court[0].due.on == date(2024, 4, 8)
    assert not [what for what, item in after.items() if item.state == "short"]
    # bringing 复议 forfeits nothing: R7 stays
    assert case_of(store, case_id).result.r7_ontime == 1000000


def test_rights_not_stated_and_a_window_the_ten_days_do_not_fit():
    store = open_memory("甲")
    project_id = decided_project(store)
    silent = reviewed(store, project_id, "D-1")
    decide_case(store, silent, DecisionFacts(
        "补决1号", date(2023, 9, 15), date(2023, 10, 31), None, date(2023, 9, 20),
        rights_stated=False), today=date(2023, 9, 21))
    items = due_items(store, project_id, date(2023, 9, 21), "D-1")
    capped = [item.due.on for what, item in items.items() if "未告知" in what]
    assert capped == [date(2024, 9, 20), date(2024, 9, 20)]   # one year, never extended
    late = reviewed(store, project_id, "D-2")
    # a move-by date of 2024-06-15: the 催告 from 06-16, its 10 working days end 06-28, after
    # the 3 months from the 诉讼 period's end (2024-03-20 → 06-20): warned
    decide_case(store, late, DecisionFacts(
        "补决2号", date(2023, 9, 15), date(2024, 6, 15), None, date(2023, 9, 20)),
        today=date(2023, 9, 21))
    warned = [what for what, item in due_items(store, project_id, date(2023, 9, 21),
                                               "D-2").items() if item.state == "short"]
    assert warned and "已超出申请强制执行的三个月期限" in warned[0]


def test_what_ends_a_decision_keeps_its_history(backend):
    store = open_store(backend, "")
    try:
        project_id = decided_project(store)
        revoked, changed, signed = (reviewed(store, project_id, n) for n in ("D-1", "D-2", "D-3"))
        for number, case_id in (("1", revoked), ("2", changed), ("3", signed)):
            decide_case(store, case_id, DecisionFacts(
                f"补决{number}号", date(2023, 9, 15), date(2023, 10, 31), None,
                date(2023, 9, 20)), today=date(2023, 9, 21))
        record_outcome(store, revoked, "revoked", date(2023, 11, 1), "渝府复〔2023〕9号",
                       today=date(2023, 11, 2))
        case = case_of(store, revoked)
        assert (case.status, case.decided_on) == ("reviewed", None)
        assert [d.state for d in case.decisions] == ["revoked"]
        # back unsigned: computed as a case without a signature (R6 0.00), 514834.00 as before
        assert total(store, revoked) == "514834.00"
        record_outcome(store, changed, "changed", date(2023, 11, 1), "渝府复〔2023〕10号",
                       replacement=DecisionFacts("补决2号之一", date(2023, 11, 5),
                                                 date(2023, 12, 31)),
                       today=date(2023, 11, 6))
        case = case_of(store, changed)
        assert case.status == "decided" and case.decided_on == date(2023, 11, 5)
        assert [(d.number, d.state) for d in case.decisions] == [
            ("补决2号", "changed"), ("补决2号之一", "in_force")]
        with store.read() as session:
            assert move_deadline_of(session.get(Case, changed)) == date(2023, 12, 31)
        record_outcome(store, signed, "superseded", date(2023, 10, 20), "",
                       signed_on=date(2023, 10, 20), today=date(2023, 10, 21))
        case = case_of(store, signed)
        assert (case.status, case.signed_on, case.decided_on) == (
            "signed", date(2023, 10, 20), None)
        assert [e.new for e in cases.history(store, signed) if e.action == "outcome"
                and e.field == "status"] == ["signed"]
    finally:
        store.close()


def test_the_decision_document_and_notice_state_what_the_banfa_requires(tmp_path):
    import subprocess

    from wulong_desk.services.documents.exports import build_document
    from wulong_desk.services.documents.notices import export_notice

    store = open_memory("甲")
    project_id = decided_project(store)
    case_id = reviewed(store, project_id, "D-1")
    decide_case(store, case_id, DECISION, today=date(2023, 9, 21))
    name, data = build_document(store, case_id, "decision")
    assert name == "D-1-补偿决定书.pdf"
    pdf = tmp_path / name
    pdf.write_bytes(data)
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    # the items of 办法第二十九条, the move-by date and the rights, in plain words
    for words in ("补偿方式", "补偿金额和支付期限", "搬迁费", "临时安置费", "停产停业损失",
                  "设施设备损失", "搬迁期限", "2023年10月31日前搬迁完毕",
                  "60日内向重庆市人民政府申请行政复议",
                  "6个月内向有管辖权的中级人民法院提起行政诉讼",
                  "武隆府征补决〔2023〕1号", "重庆市武隆区人民政府（盖章）"):
        assert words in text, words
    for code in ("R5_GUIDE", "×", "V_AREA", "读法"):
        assert code not in text, code
    with pytest.raises(UserError, match="没有生效的补偿决定"):
        build_document(store, reviewed(store, project_id, "D-2"), "decision")
    out = tmp_path / "公告.xlsx"
    result = export_notice(store, project_id, out, kind="decision",
                           period=(date(2023, 9, 18), None))
    assert result.count == 1
    values = [c for row in load_workbook(out).worksheets[0].iter_rows(values_only=True)
              for c in row if c]
    assert "武隆府征补决〔2023〕1号" in values


# --- who may do it -----------------------------------------------------------------------------

def test_the_app_asks_the_role_first():
    from wulong_desk.store.server_errors import ForbiddenError

    store = open_memory("甲")
    project_id = old_town(store, 1)
    store.server, store.role = "postgresql://office/wulong", "reviewer"
    try:
        for work in (lambda: decide_project(store, project_id, date(2023, 9, 1),
                                            date(2023, 9, 1), NUMBER),
                     lambda: terminate_project(store, project_id, date(2023, 9, 5), "终1号",
                                               "预签比例未达到")):
            with pytest.raises(ForbiddenError, match="只能由管理员操作"):
                work()
        store.role = "clerk"
        for work in (lambda: convert_presigns(store, project_id),
                     lambda: import_appraisal(store, project_id, "x.xlsx"),
                     lambda: decide_case(store, 1, DECISION),
                     lambda: record_outcome(store, 1, "revoked", date(2023, 9, 1), "x")):
            with pytest.raises(ForbiddenError, match="只能由审核人员操作"):
                work()
    finally:
        store.server = store.role = None


def test_the_server_refuses_a_reviewer_s_decision_and_a_clerk_s_conversion(pg_url, monkeypatch):
    from sqlalchemy.engine import make_url

    from wulong_desk.store.server import add_user
    from wulong_desk.store.server_errors import ForbiddenError

    owner = open_store(pg_url, "")
    project_id = old_town(owner, 1)
    case_id = presign(owner, project_id, "P-1")
    owner.close()
    add_user(pg_url, "li_review", "reviewer", "reviewer-password-1")
    add_user(pg_url, "wang_clerk", "clerk", "clerk-password-1")
    add_user(pg_url, "sun_admin", "admin", "admin-password-1")

    def login(user: str, password: str):
        monkeypatch.setenv("PGPASSWORD", password)
        return open_store(make_url(pg_url).set(username=user).render_as_string(False), "")

    reviewer = login("li_review", "reviewer-password-1")
    try:
        with pytest.raises(ForbiddenError, match="只能由管理员操作"):
            decide_project(reviewer, project_id, date(2023, 9, 1), date(2023, 9, 1), NUMBER)
        with reviewer.transaction() as session:   # past the app: the database itself says no
            from wulong_desk.services.procedure.project_decision import decide_in_session

            # (no grant to call it at all: PostgreSQL's own refusal)
            with pytest.raises(Exception, match="permission denied for function"):
                decide_in_session(session, session.get(Project, project_id),
                                  date(2023, 9, 1), date(2023, 9, 1), NUMBER)
    finally:
        reviewer.close()
    admin = login("sun_admin", "admin-password-1")
    try:
        decide_project(admin, project_id, date(2023, 9, 1), date(2023, 9, 1), NUMBER,
                       today=date(2023, 9, 2))
    finally:
        admin.close()
    clerk = login("wang_clerk", "clerk-password-1")
    try:
        with pytest.raises(ForbiddenError, match="只能由审核人员操作"):
            convert_presigns(clerk, project_id)
        with clerk.transaction() as session:
            from wulong_desk.services.procedure.path_events import begin

            with pytest.raises(Exception, match="permission denied for function"):
                begin(session, session.get(Case, case_id), "convert")
    finally:
        clerk.close()
    from pg_cluster import OWNER_PASSWORD

    monkeypatch.setenv("PGPASSWORD", OWNER_PASSWORD)
    with open_store(pg_url, "").read() as session:
        assert session.get(Project, project_id).decision_state == "decided"
        assert session.get(Case, case_id).status == "presigned"
        assert not session.execute(select(CaseDecision)).first()
