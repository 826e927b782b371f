"""A signed case is a legal record (issue 14): one owner for every change to a case, frozen signed
figures, a lifecycle that cannot be skipped, removal and 作废. Each test reproduces a finding
through a public path (service, package, survey, project edit, new standard file)."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import case_form, project_form, project_with_case, walk_to
from strategies import calc_request

from wulong_desk.errors import InputError, UserError
from wulong_desk.paths import resources_dir
from wulong_desk.rules import standard as standard_module
from wulong_desk.rules.standard import StandardSet
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.exchange.packages import export_cases, import_cases
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_memory, open_store
from wulong_desk.store.audit import CaseLockedError
from wulong_desk.store.models import Case


@pytest.fixture
def store(backend):
    """On a file and on the office server."""
    s = open_store(backend, "王经办")
    yield s
    s.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    s = open_store(path, "演示")
    create_demo(s)
    s.close()
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    s = open_store(path, "王经办")
    yield s
    s.close()


def record_of(store, case_no):
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == case_no).one()
        return case.id, case.status, stored_breakdown(case)


def edit_package(path, case_no, change):
    package = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in package["cases"] if e["case_no"] == case_no)
    change(entry)
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")


# ---- finding 1: removing rows of a signed case -------------------------------------------

def _signed_with_two_parts(demo):
    with demo.read() as session:
        return next(c.case_no for c in session.query(Case).order_by(Case.case_no)
                    if c.status == "signed" and len(c.parts) > 1)


def test_a_package_cannot_remove_a_row_of_a_signed_case(demo, tmp_path):
    case_no = _signed_with_two_parts(demo)
    _, _, before = record_of(demo, case_no)
    out = tmp_path / "p.json"
    export_cases(demo, 1, out)
    edit_package(out, case_no, lambda e: e["case"]["parts"].pop())
    with pytest.raises(UserError, match=rf"{case_no}.*已锁定.*（房屋（2 行 → 1 行））"):
        import_cases(demo, out)
    assert record_of(demo, case_no)[2] == before


def test_a_package_cannot_remove_the_equipment_or_exchange_house_of_a_signed_case(demo,
                                                                                 tmp_path):
    with demo.read() as session:
        signed = [c for c in session.query(Case).order_by(Case.case_no) if c.status == "signed"]
        with_equipment = next(c.case_no for c in signed if c.equipment)
        with_house = next(c.case_no for c in signed if c.exchange_houses)
    out = tmp_path / "p.json"
    for case_no, change in ((with_equipment, lambda e: e["case"].update(equipment=[])),
                            (with_house, lambda e: e["case"]["exchange"].update(houses=[]))):
        before = record_of(demo, case_no)[2]
        export_cases(demo, 1, out)
        edit_package(out, case_no, change)
        with pytest.raises(UserError, match="已锁定"):
            import_cases(demo, out)
        assert record_of(demo, case_no)[2] == before


def test_the_editor_path_cannot_remove_a_row_after_a_correction_relocked_the_case(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    cases.unlock_case(store, case_id, "门面面积按测绘报告更正")
    form = case_form(status="signed")
    form["case"]["parts"].append({"use": "commercial", "area": "20.00", "unit_price": "9000"})
    cases.save_case(store, project_id, form, case_id)   # the correction, then locked again
    _, _, corrected = record_of(store, "A-001")
    form["case"]["parts"].pop()
    with pytest.raises(CaseLockedError, match=r"（房屋（2 行 → 1 行））"):
        cases.save_case(store, project_id, form, case_id)
    assert record_of(store, "A-001")[2] == corrected


def test_a_survey_sheet_cannot_touch_an_existing_signed_case(store, tmp_path):
    from openpyxl import Workbook

    from wulong_desk.services.exchange.survey import HEADERS, SurveyError, import_survey

    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    before = record_of(store, "A-001")[2]
    wb = Workbook()
    ws = wb.active
    ws.title = "调查登记"
    ws.append(HEADERS)
    ws.append(["A-001", "王某", "", "", "渝另一证号", "", "货币补偿", "住宅", "10", "9", "",
               "", "", "", "", "", "", "", "", ""])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(SurveyError, match="已存在"):
        import_survey(store, project_id, path)
    assert record_of(store, "A-001")[2] == before


# ---- finding 2: signed figures are never recomputed --------------------------------------

def _changed_standard(tmp_path):
    """The bundled standard file with one figure changed (same id: a corrected file)."""
    text = (resources_dir() / "standards" / "wulong-2023.toml").read_text(encoding="utf-8")
    changed = text.replace("[params.ontime_res]\nvalue = 10000",
                           "[params.ontime_res]\nvalue = 10567")
    assert changed != text
    folder = tmp_path / "standards"
    folder.mkdir()
    (folder / "wulong-2023.toml").write_text(changed, encoding="utf-8")
    return StandardSet.from_dirs([folder])


def test_a_new_standard_file_does_not_move_a_signed_case_edited_for_its_phone(store, tmp_path,
                                                                              monkeypatch):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    _, _, signed = record_of(store, "A-001")
    assert signed["totals"]["total"] == "235004.00"          # spec example 2
    monkeypatch.setattr(standard_module, "_DEFAULT", _changed_standard(tmp_path))
    form = case_form(status="signed")
    form["owners"][0]["phone"] = "13700000000"
    cases.save_case(store, project_id, form, case_id)
    walk_to(store, case_id, "moved", moved_on=date(2023, 7, 20))
    assert record_of(store, "A-001")[2] == signed
    # an unsigned case is recomputed under the file in force, and the change is audited
    other = cases.save_case(store, project_id, case_form(case_no="A-002")).case_id
    with store.read() as session:
        first = stored_breakdown(cases.get_case(session, other))["totals"]["total"]
    assert first == "235571.00"   # 235,004.00 + (10,567 − 10,000) on-time reward (R7)


def test_a_project_edit_leaves_signed_cases_alone_and_audits_a_recomputation(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    _, _, signed = record_of(store, "A-001")
    projects.update_project(store, project_id, project_form(name="改了名字的项目"))
    assert record_of(store, "A-001")[2] == signed
    # unlocking does not make the case count as unsigned for the project guard (finding 5)
    cases.unlock_case(store, case_id, "核对签约资料")
    with pytest.raises(CaseLockedError, match="「所在区域」"):
        projects.update_project(store, project_id, project_form(zone="core"))
    cases.relock_case(store, case_id)
    # with no signed case, a money option change recomputes and audits 重算 old → new (a
    # signed case is never un-signed: a correction cannot move it back, review finding 1)
    other_id = projects.create_project(store, project_form())
    unsigned = cases.save_case(store, other_id, case_form(case_no="A-002")).case_id
    projects.update_project(store, other_id, project_form(zone="core"))
    recomputed = [(e.field, e.old, e.new) for e in cases.history(store, unsigned)
                  if e.action == "recompute"]
    # core zone: no outer-zone reduction of R9, 20 × 45 m² × 18 months = 16,200.00 (was 11,340);
    # an exchange case's 应付差额 moves with it: 239,864.00 − 258,750.00 house price
    assert recomputed == [("total", "235004.00", "239864.00"),
                          ("net_payable", "-23746.00", "-18886.00")]


def test_a_correction_is_audited_line_by_line_and_relocks(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    cases.unlock_case(store, case_id, "评估报告单价更正")
    form = case_form(status="signed")
    form["case"]["parts"][0]["unit_price"] = "4100"
    cases.save_case(store, project_id, form, case_id)
    entries = cases.history(store, case_id)
    corrected = {e.field: (e.old, e.new) for e in entries if e.action == "correct"}
    assert {e.reason for e in entries if e.action == "correct"} == {"评估报告单价更正"}
    # spec example 2 at 4,100 a m²: 36 × 4,100; 1.95 m² shared area; (45 − 37.95) m² minimum
    # housing; the guide reward 0.12 × (147,600 + 28,905); the unchanged lines are not listed
    assert corrected == {"V_AREA": ("144000.00", "147600.00"),
                         "V_SHARED": ("7800.00", "7995.00"),
                         "V_MIN": ("28200.00", "28905.00"),
                         "R5_GUIDE": ("20664.00", "21180.60"),
                         "total": ("235004.00", "240020.60"),
                         "net_payable": corrected["net_payable"],
                         # the schedule: only before_move moves (total − 11340.00 − 12000.00)
                         "before_move": ("211664.00", "216680.60")}
    assert any(e.action == "update" and e.field == "unit_price" for e in entries)
    with store.read() as session:
        assert cases.get_case(session, case_id).locked


# ---- finding 3: the preview is the saved record ------------------------------------------

def test_preview_of_odd_flags_equals_the_saved_record(store):
    from wulong_desk.services.cases.preview import preview

    project_id = projects.create_project(store, project_form(manufacturing_uplift="0.2"))
    form = case_form(case_no="ODD-1")
    form["case"]["method"] = "money"
    form["case"]["parts"][0]["business_eligible"] = True  # allowed, with a warning (第四十条)
    with store.read() as session:
        from wulong_desk.services.cases.contract import project_to_contract

        contract = project_to_contract(cases.get_project(session, project_id))
    shown = preview(contract, form).result
    saved = cases.save_case(store, project_id, form)
    with store.read() as session:
        record = stored_breakdown(cases.get_case(session, saved.case_id))
    assert [(line["code"], line["amount"]) for line in shown["lines"]] == \
        [(line["code"], line["amount"]) for line in record["lines"]]


def test_flags_a_residential_part_cannot_have_are_refused_not_dropped(store):
    """生产制造 and 燃气开户费 mean nothing on a 住宅 part: the case reads back without them,
    so keeping them would turn the next save into a change nobody made (2,000.00 → 0.00 in
    the 修改记录). They are refused at the field instead."""
    project_id = projects.create_project(store, project_form())
    form = case_form(case_no="ODD-2")
    assert form["case"]["parts"][0]["use"] == "residential"
    form["case"]["parts"][0]["manufacturing"] = True
    form["case"]["parts"][0]["gas_cost"] = "999"
    with pytest.raises(InputError) as refused:
        cases.save_case(store, project_id, form)
    assert {p.path for p in refused.value.problems} == \
        {"case.parts[0].gas_cost", "case.parts[0].manufacturing"}
    assert projects.list_projects(store)[0]["households"] == 0   # nothing was saved
    form["case"]["parts"][0]["manufacturing"] = False
    form["case"]["parts"][0]["gas_cost"] = "0"        # an explicit nothing is fine
    saved = cases.save_case(store, project_id, form)
    with store.read() as session:
        again = case_to_form(cases.get_case(session, saved.case_id))
    before = len(cases.history(store, saved.case_id))
    cases.save_case(store, project_id, again, case_id=saved.case_id)
    assert len(cases.history(store, saved.case_id)) == before   # reading back changed nothing


# ---- finding 6: the lifecycle cannot be skipped ------------------------------------------

def test_signing_needs_a_real_date_not_before_the_announcement_nor_in_the_future(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "reviewed")
    for signed_on, says in ((None, "必须填写签约日期"),
                            ("2023-02-03",
                             "早于征收决定公告日 project.announced_on 2023-05-10"),
                            ((date.today() + timedelta(days=3)).isoformat(), "在今天之后")):
        form = case_form(status="signed")
        form["case"]["signed_on"] = signed_on
        with pytest.raises(UserError, match=says):
            cases.save_case(store, project_id, form, case_id)
        assert record_of(store, "A-001")[1] == "reviewed"
    form = case_form(status="signed")
    form["case"]["signed_on"] = "2023-02-30"
    with pytest.raises(UserError, match=r"case\.signed_on"):
        cases.save_case(store, project_id, form, case_id)


def test_skipping_or_going_back_needs_a_reason_and_is_audited(store):
    _project_id, case_id = project_with_case(store)
    with pytest.raises(UserError, match="跳过阶段，必须写明理由"):
        cases.set_status(store, case_id, "signed")
    cases.set_status(store, case_id, "reviewed", reason="评估与审核已线下完成")
    with pytest.raises(UserError, match="退回，必须写明理由"):
        cases.set_status(store, case_id, "surveyed")
    cases.set_status(store, case_id, "assessed", reason="审核意见：单价需复核")
    moves = [(e.old, e.new, e.reason) for e in cases.history(store, case_id)
             if e.action == "status"]
    assert moves == [("surveyed", "reviewed", "评估与审核已线下完成"),
                     ("reviewed", "assessed", "审核意见：单价需复核")]
    with pytest.raises(UserError, match="作废"):
        cases.set_status(store, case_id, "void", reason="随便改成作废")


def test_presign_only_for_old_town_projects_and_inside_its_period(store):
    """Revision 3: a presign is signed inside the project's presign period and before the
    decision (办法第二十三条); put at 预签 it is marked a presign, and stays one once it becomes a
    补偿协议."""
    _project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "reviewed")
    with pytest.raises(UserError, match="只有旧城区改建项目可以预签"):
        cases.set_status(store, case_id, "presigned")
    old_town = projects.create_project(store, project_form(
        name="旧城", old_town=True, presign_start="2023-04-20", presign_end="2023-05-05"))
    form = case_form(case_no="P-1")
    saved = cases.save_case(store, old_town, form).case_id
    walk_to(store, saved, "reviewed")
    late = case_form(case_no="P-1", status="presigned")   # example 2 signs on 2023-06-30
    with pytest.raises(UserError, match="预签日期 2023-06-30 不在预签期限"):
        cases.save_case(store, old_town, late, saved)
    assert record_of(store, "P-1")[1] == "reviewed"
    early = case_form(case_no="P-1", status="presigned")
    early["case"]["signed_on"] = "2023-05-01"
    cases.save_case(store, old_town, early, saved)   # 预签协议 ticked by the stage
    # the presigned agreement takes effect with the decision, converted with the formal values
    # (issue 27): never by a plain change of stage
    with pytest.raises(UserError, match="转为补偿协议"):
        cases.set_status(store, saved, "signed")
    from wulong_desk.services.procedure.appraisal import stage_values_in_session
    from wulong_desk.services.procedure.consent import set_project_totals
    from wulong_desk.services.procedure.conversion import convert_presigns
    from wulong_desk.services.procedure.dated import set_case_date
    from wulong_desk.services.procedure.project_decision import decide_project

    set_project_totals(store, old_town, 1, None)
    decide_project(store, old_town, date(2023, 5, 8), date(2023, 5, 10), "武隆府〔2023〕9号")
    with store.transaction() as session:
        case = cases.get_case(session, saved)
        stage_values_in_session(session, case, {0: (case.parts[0].unit_price,
                                                    case.parts[0].decoration_value)})
    set_case_date(store, saved, "report_served", date(2023, 5, 20))
    convert_presigns(store, old_town)
    assert record_of(store, "P-1")[1] == "signed"
    with store.read() as session:
        case = cases.get_case(session, saved)
        assert case.presign is True and str(case.signed_on) == "2023-05-01"
        # 2023-05-01 → 2023-07-10: 70 days from the presign day itself (标准第6项)
        assert case.result.r6_early == 300 * 70 * 100


def test_a_package_cannot_move_a_signing_date(demo, tmp_path):
    with demo.read() as session:
        case_no = next(c.case_no for c in session.query(Case).order_by(Case.case_no)
                       if c.status == "signed")
    before = record_of(demo, case_no)[2]
    out = tmp_path / "p.json"
    export_cases(demo, 1, out)
    edit_package(out, case_no, lambda e: e["case"].update(signed_on="2020-05-10"))
    with pytest.raises(UserError, match=rf"^第\d+户（{case_no}）：.*已锁定.*（签约日期）"):
        import_cases(demo, out)
    assert record_of(demo, case_no)[2] == before


# ---- finding 9: remove and void -----------------------------------------------------------

def test_an_unsigned_case_is_deleted_and_can_be_brought_back(store):
    _project_id, case_id = project_with_case(store)
    cases.delete_case(store, case_id)
    with store.read() as session:
        assert session.get(Case, case_id) is None
    entry = next(e for e in cases.history(store, case_id) if e.action == "remove")
    content = json.loads(entry.old)
    assert content["owners"][0]["name"] and content["case"]["parts"]
    with store.read() as session:
        from wulong_desk.store.models import AuditEntry

        entry_id = session.query(AuditEntry.id).filter(AuditEntry.action == "remove").scalar()
    restored = cases.restore_removed(store, entry_id)
    assert record_of(store, "A-001")[0] == restored.case_id
    assert record_of(store, "A-001")[2]["totals"]["total"] == "235004.00"


def test_a_signed_case_can_only_be_voided_with_a_reason(store):
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    _, _, signed = record_of(store, "A-001")
    with pytest.raises(UserError, match="只能作废"):
        cases.delete_case(store, case_id)
    with pytest.raises(UserError, match="理由"):
        cases.void_case(store, case_id, "")
    cases.void_case(store, case_id, "被征收人去世，协议由继承人重签")
    _, status, record = record_of(store, "A-001")
    assert status == "void" and record == signed
    voids = [e for e in cases.history(store, case_id) if e.action == "void"]
    assert voids[0].reason == "被征收人去世，协议由继承人重签"
    with pytest.raises(UserError, match="已锁定"):
        cases.set_status(store, case_id, "signed", reason="想恢复成已签约")


@pytest.mark.parametrize("back", ["surveyed", "assessed", "reviewed"])
def test_a_correction_cannot_move_a_signed_case_back_and_so_make_it_deletable(store, back):
    """Review finding 1: the unlock reason was taken as the reason for a step back, so
    unlock → save as 调查登记 → delete removed a signed case."""
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    _, _, signed = record_of(store, "A-001")
    cases.unlock_case(store, case_id, "更正房屋面积录入")
    with pytest.raises(UserError, match="正在解锁更正"):
        cases.save_case(store, project_id, case_form(status=back), case_id)
    with pytest.raises(UserError, match="正在解锁更正"):   # nor with a reason of its own
        cases.set_status(store, case_id, back, reason="撤回签约，重新审核")
    assert record_of(store, "A-001")[1:] == ("signed", signed)
    with pytest.raises(UserError, match="只能作废"):
        cases.delete_case(store, case_id)
    assert not [e for e in cases.history(store, case_id) if e.action == "status"]


def test_a_correction_may_take_the_plain_step_forward_only(store):
    _project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    cases.unlock_case(store, case_id, "补录搬迁日期")
    with pytest.raises(UserError, match="作废"):
        cases.set_status(store, case_id, "void", reason="想借更正作废")
    cases.set_status(store, case_id, "moved", moved_on=date(2023, 7, 20))
    with store.read() as session:
        case = cases.get_case(session, case_id)
        assert (case.status, case.locked) == ("moved", True)
    cases.unlock_case(store, case_id, "核对搬迁日期")
    with pytest.raises(UserError, match="正在解锁更正"):
        cases.set_status(store, case_id, "signed", reason="搬迁日期录错，退回已签约")
    assert record_of(store, "A-001")[1] == "moved"


# the same property over generated cases, each with flags that mean nothing where they stand
_ODD = st.fixed_dictionaries({"manufacturing": st.booleans()}, optional={
    "gas_cost": st.sampled_from(["0", "999.50"]), "inner_area": st.sampled_from(["1.00", "30.00"]),
    "business_eligible": st.booleans()})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request=calc_request(), odd=st.lists(_ODD, min_size=4, max_size=4),
       money_exchange=st.booleans())
def test_preview_equals_the_saved_record_for_any_form(request, odd, money_exchange):
    from wulong_desk.services.cases.preview import preview

    store = open_memory("性质测试")
    try:
        form_project = {"name": "性质", **{k: str(v) for k, v in request["project"].items()}}
        try:
            project_id = projects.create_project(store, form_project)
        except UserError:
            return   # a project the checks refuse is not what this property is about
        case = request["case"]
        for part, extra in zip(case["parts"], odd, strict=False):
            part.update(extra)
        if money_exchange and case["method"] == "money":   # an exchange block on a money case
            case["exchange"] = {"houses": [{"area": "50.00", "unit_price": "3000"}]}
        form = {"case_no": "P-1", "owners": [{"role": "owner", "name": "性质"}], "case": case}
        with store.read() as session:
            from wulong_desk.services.cases.contract import project_to_contract

            contract = project_to_contract(cases.get_project(session, project_id))
        shown = preview(contract, form)
        try:
            saved = cases.save_case(store, project_id, form)
        except UserError:
            assert shown.result is None
            return
        with store.read() as session:
            record = stored_breakdown(cases.get_case(session, saved.case_id))
        if shown.result is None:
            assert record is None
        else:
            assert record is not None
            assert shown.result["lines"] == record["lines"]
            assert shown.result["totals"] == record["totals"]
    finally:
        store.close()


def test_a_case_created_past_the_first_stage_is_audited_with_the_reason(demo):
    from wulong_desk.services.projects.demo import DEMO_REASON

    case_id, status, _ = record_of(demo, "FR-0001")
    assert status == "moved"
    moves = [(e.old, e.new, e.reason) for e in cases.history(demo, case_id)
             if e.action == "status"]
    assert moves == [("surveyed", "moved", DEMO_REASON)]


_ALLOWED_STEPS = {("surveyed", "assessed"), ("assessed", "reviewed"), ("reviewed", "signed"),
                  ("signed", "moved")}   # (a project that is not 旧城区改建: no 预签)


@pytest.mark.parametrize(("old", "new"), [
    (old, new) for old in ("surveyed", "assessed", "reviewed", "signed", "moved")
    for new in ("surveyed", "assessed", "reviewed", "presigned", "signed", "moved", "void")
    if new != old and (old, new) not in _ALLOWED_STEPS])
def test_every_forbidden_transition_is_refused_without_a_reason(store, old, new):
    _project_id, case_id = project_with_case(store)
    walk_to(store, case_id, old, moved_on=date(2023, 7, 20))
    with store.read() as session:
        before = cases.get_case(session, case_id).status
    assert before == old
    with pytest.raises(UserError):
        cases.set_status(store, case_id, new, moved_on=date(2023, 7, 20))
    assert record_of(store, "A-001")[1] == old


def test_a_stored_record_of_a_locked_case_cannot_be_rewritten_behind_the_owner(store):
    """A backstop: even code that bypasses services.cases.changes cannot recompute a signed case
    (nor change its inputs: the part's new price is refused as the computation reads the case)."""
    from wulong_desk.services.cases.calculation import recompute

    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    _, _, signed = record_of(store, "A-001")
    with pytest.raises(CaseLockedError, match="案卷 A-001（已签约）已锁定：不能修改它的房屋记录的"
                                              "「评估单价」"), \
            store.transaction() as session:
        case = cases.get_case(session, case_id)
        case.parts[0].unit_price = case.parts[0].unit_price + 1
        recompute(session, case)
    with pytest.raises(CaseLockedError, match="计算记录不能改写"), \
            store.transaction() as session:
        recompute(session, cases.get_case(session, case_id))
    assert record_of(store, "A-001")[2] == signed
