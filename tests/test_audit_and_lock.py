"""The audit trail records who changed what; signed cases are locked until unlocked with reason."""

from __future__ import annotations

from datetime import date

import pytest
from store_helpers import case_form, project_form, project_with_case, walk_to

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.audit import CaseLockedError


@pytest.fixture
def store(backend):
    """On a file and on the office server (where the operator is the login)."""
    s = open_store(backend, "王经办")
    yield s
    s.close()


def test_create_update_delete_are_audited_with_operator_and_old_new(store):
    project_id, case_id = project_with_case(store)
    form = case_form()
    form["case"]["parts"][0]["decoration_value"] = "7000"
    form["owners"][0]["phone"] = "13900000000"
    cases.save_case(store, project_id, form, case_id)
    entries = cases.history(store, case_id)
    created = {(e.action, e.entity) for e in entries if e.action == "create"}
    assert {("create", "case"), ("create", "person"), ("create", "part"),
            ("create", "exchange_house")} <= created
    updates = {(e.entity, e.field, e.old, e.new) for e in entries if e.action == "update"}
    assert ("part", "decoration_value", "6000", "7000") in updates
    assert ("person", "phone", "13912345678", "13900000000") in updates
    expected = "wulong_owner" if store.server else "王经办"  # the login on the server
    assert all(e.operator == expected for e in entries)
    # a save with no change writes no update rows
    count = len(cases.history(store, case_id))
    cases.save_case(store, project_id, form, case_id)
    assert len(cases.history(store, case_id)) == count
    # removing the exchange house is a delete entry
    form["case"]["exchange"]["houses"] = []
    form["exchange_locations"] = []
    cases.save_case(store, project_id, form, case_id)
    assert any(e.action == "delete" and e.entity == "exchange_house"
               for e in cases.history(store, case_id))


def test_every_change_recomputes_in_the_same_transaction(store):
    project_id, case_id = project_with_case(store)
    form = case_form()
    form["case"]["parts"][0]["decoration_value"] = "7000"
    cases.save_case(store, project_id, form, case_id)
    with store.read() as session:
        record = stored_breakdown(cases.get_case(session, case_id))
    assert record["totals"]["total"] == "236004.00"
    assert record["standard"] == "wulong-2023"
    assert len(record["standard_sha256"]) == 64
    assert record["engine_version"]


def test_a_failed_save_changes_nothing(store):
    project_id, case_id = project_with_case(store)
    form = case_form()
    form["case"]["parts"][0]["area"] = "-5"
    with pytest.raises(UserError, match=r"case.parts\[0\].area"):
        cases.save_case(store, project_id, form, case_id)
    with store.read() as session:
        assert str(cases.get_case(session, case_id).parts[0].area) == "36.00"


def test_signed_case_refuses_money_edits_until_unlocked(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    form = case_form(status="signed")
    form["case"]["parts"][0]["unit_price"] = "4100"
    with pytest.raises(CaseLockedError, match="已锁定"):
        cases.save_case(store, project_id, form, case_id)
    form_method = case_form(status="signed")
    form_method["case"]["signed_on"] = "2023-07-01"
    with pytest.raises(CaseLockedError, match="签约日期") as caught:
        cases.save_case(store, project_id, form_method, case_id)
    assert "case." not in str(caught.value)  # the clerk's words, no field codes
    # names and phones are not money: allowed, and audited
    ok_form = case_form(status="signed")
    ok_form["owners"][0]["phone"] = "13700000000"
    cases.save_case(store, project_id, ok_form, case_id)
    with pytest.raises(UserError, match="理由"):
        cases.unlock_case(store, case_id, "")
    cases.unlock_case(store, case_id, "评估报告单价更正")
    cases.save_case(store, project_id, form, case_id)
    unlocks = [e for e in cases.history(store, case_id) if e.action == "unlock"]
    assert unlocks and unlocks[0].reason == "评估报告单价更正"
    # saving the correction locked the case again (finding 5)
    with store.read() as session:
        assert cases.get_case(session, case_id).locked
    with pytest.raises(CaseLockedError):
        cases.save_case(store, project_id, case_form(status="signed"), case_id)


def test_taking_back_a_signature_needs_an_unlock(store):
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    with pytest.raises(CaseLockedError):
        cases.set_status(store, case_id, "reviewed", reason="签约有误，退回审核")


def test_recording_the_move_keeps_the_signed_figures(store):
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    with store.read() as session:
        signed = stored_breakdown(cases.get_case(session, case_id))
    with pytest.raises(UserError, match="搬迁日期"):
        cases.set_status(store, case_id, "moved")
    walk_to(store, case_id, "moved", moved_on=date(2023, 7, 20))
    with store.read() as session:
        case = cases.get_case(session, case_id)
        assert case.status == "moved" and case.moved_on == date(2023, 7, 20)
        assert stored_breakdown(case) == signed


def test_project_options_are_locked_by_signed_cases(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    with pytest.raises(CaseLockedError, match="「所在区域」"):
        projects.update_project(store, project_id, project_form(zone="core"))
    projects.update_project(store, project_id, project_form(department="新的征收部门"))


def test_locked_case_cannot_be_deleted(store):
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    with pytest.raises(UserError, match="不能删除"):
        cases.delete_case(store, case_id)


def test_incomplete_case_is_saved_with_problems_but_cannot_be_signed(store):
    project_id = projects.create_project(store, project_form())
    form = case_form(case_no="B-1")
    del form["case"]["parts"][0]["unit_price"]
    saved = cases.save_case(store, project_id, form)
    assert not saved.ok
    with pytest.raises(UserError, match=r"case.parts\[0\].unit_price: 评估单价未填写"):
        cases.set_status(store, saved.case_id, "assessed")


def test_duplicate_case_number_is_refused(store):
    project_id, _ = project_with_case(store)
    with pytest.raises(UserError, match="已存在"):
        cases.save_case(store, project_id, case_form(case_no="A-001"))


def test_wrong_id_check_digit_names_the_field(store):
    project_id = projects.create_project(store, project_form())
    form = case_form()
    form["owners"][0]["id_number"] = "110105194912310021"
    with pytest.raises(UserError, match=r"owners\[0\].id_number: 身份证号码校验位错误"):
        cases.save_case(store, project_id, form)


def test_presign_threshold_below_90_percent_is_refused(store):
    with pytest.raises(UserError, match="第二十三条"):
        projects.create_project(store, project_form(old_town=True, presign_threshold="0.85"))


def test_a_save_from_an_older_version_is_a_conflict_and_writes_nothing(store):
    """Optimistic locking (issue 18): on a file and on the office server alike."""
    project_id, case_id = project_with_case(store)
    first = case_form()
    first["remarks"] = "第一次修改"
    assert cases.save_case(store, project_id, first, case_id, expected_version=1).version == 2
    stale = case_form()
    stale["remarks"] = "基于旧版本的修改"
    with pytest.raises(cases.VersionConflictError, match=r"A-001.*第 2 版") as caught:
        cases.save_case(store, project_id, stale, case_id, expected_version=1)
    assert caught.value.theirs["remarks"] == "第一次修改"
    assert caught.value.mine["remarks"] == "基于旧版本的修改"
    with store.read() as session:
        assert cases.get_case(session, case_id).remarks == "第一次修改"
    assert [e.new for e in cases.history(store, case_id) if e.field == "remarks"] == ["第一次修改"]
