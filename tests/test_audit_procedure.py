"""Review finding 8 (the audit half): procedure dates, consent answers, payments and the housing
stock leave a trail like case fields do (operator, entity, field, old → new), and 修改记录 shows
them in words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.history import describe
from wulong_desk.services.money import housing, payments
from wulong_desk.services.procedure.consent import set_consents
from wulong_desk.services.procedure.dated import set_case_date, set_step
from wulong_desk.services.projects import project as projects
from wulong_desk.store import audit, open_store
from wulong_desk.store.models import AuditEntry, Payment


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "a.sqlite", "审计员")
    yield s
    s.close()


def entries(store, entity: str) -> list[AuditEntry]:
    with store.read() as session:
        found = session.execute(select(AuditEntry).where(AuditEntry.entity == entity)
                                .order_by(AuditEntry.id)).scalars().all()
        session.expunge_all()
        return list(found)


def worded(entry: AuditEntry):
    return describe(entry.at.isoformat(sep=" "), entry.operator, entry.action, entry.entity,
                    entry.field, entry.old, entry.new, entry.reason)


def test_procedure_steps_and_case_dates_are_audited(store):
    project_id = projects.create_project(store, project_form(2))
    case_id = cases.save_case(store, project_id, case_form(2)).case_id
    set_step(store, project_id, "scope", date(2023, 3, 1), None)
    set_step(store, project_id, "scope", date(2023, 3, 2), None)
    set_step(store, project_id, "scope", None, None)
    actions = [(e.action, e.field, e.old, e.new) for e in entries(store, "procedure_step")]
    assert [a[0] for a in actions] == ["create", "update", "delete"]
    assert actions[1][1:] == ("started_on", "2023-03-01", "2023-03-02")
    assert all(e.project_id == project_id and e.operator == "审计员"
               for e in entries(store, "procedure_step"))
    row = worded(entries(store, "procedure_step")[1])
    assert (row.what, row.change) == ("征收程序「开始日期」", "2023-03-01 → 2023-03-02")
    assert "征收范围公布" in worded(entries(store, "procedure_step")[0]).change

    set_case_date(store, case_id, "report_served", date(2023, 5, 1))
    set_case_date(store, case_id, "report_served", date(2023, 5, 3))
    set_case_date(store, case_id, "report_served", None)
    dated = entries(store, "case_date")
    assert [e.action for e in dated] == ["create", "update", "delete"]
    assert all(e.case_id == case_id for e in dated)
    assert "分户评估报告送达" in worded(dated[0]).change
    # the case's 修改记录 shows them
    assert {e.entity for e in cases.history(store, case_id)} >= {"case_date"}


def test_consent_answers_are_changed_in_place_old_to_new(store):
    project_id = projects.create_project(store, project_form(2))
    set_consents(store, project_id, [("1栋101", "none", Decimal("80.00")),
                                               ("1栋102", "agree", Decimal("60.00"))])
    set_consents(store, project_id, [("1栋101", "agree", Decimal("80.00")),
                                               ("1栋103", "disagree", Decimal("50.00"))])
    trail = entries(store, "consent")
    assert sorted(e.action for e in trail) == ["create"] * 3 + ["delete", "update"]
    change = next(e for e in trail if e.action == "update")
    assert (change.field, change.old, change.new) == ("answer", "none", "agree")
    row = worded(change)
    assert (row.what, row.change) == ("改建意见征询「意见」", "未表态 → 同意")
    deleted = next(e for e in trail if e.action == "delete")
    assert "1栋102" in worded(deleted).change


def test_payments_added_and_deleted_are_audited(store):
    project_id = projects.create_project(store, project_form(1))
    case_id = cases.save_case(store, project_id, case_form(1, status="signed"),
                              reason="测试：直接录入到这一阶段").case_id
    payments.record_payment(store, case_id, Decimal("1000.50"), date(2023, 8, 10), "付-001",
                            today=date(2026, 11, 30))
    with store.transaction() as session:   # (a signed case's payment: inside its event only)
        audit.open_event(session, cases.get_case(session, case_id), "登记拨付")
        session.delete(session.execute(select(Payment)).scalar_one())
    trail = entries(store, "payment")
    assert [e.action for e in trail] == ["create", "delete"]
    assert all(e.case_id == case_id for e in trail)
    assert "1000.50" in worded(trail[0]).change and "付-001" in worded(trail[0]).change
    text = worded(trail[1]).change  # the deleted row, in words
    assert "金额：1,000.50 元" in text and "凭证号：付-001" in text and "类别：拨付" in text


def test_housing_stock_and_handover_are_audited(store, tmp_path):
    project_id = projects.create_project(store, project_form(2))
    path = tmp_path / "房源.xlsx"
    path.write_bytes(housing.template_bytes())
    wb = load_workbook(path)
    wb[housing.SHEET].append(["住宅", "1栋", "1", "101", "60.00", "50.00", "4500"])
    wb.save(path)
    housing.import_stock(store, project_id, path)
    form = case_form(2, "B-001", status="reviewed")
    form["case"] = {**form["case"], "exchange": {**form["case"]["exchange"], "houses": []}}
    case_id = cases.save_case(store, project_id, form, reason="测试：直接录入到这一阶段").case_id
    with store.read() as session:
        house = housing.list_stock(session, project_id)[0]
    housing.assign(store, case_id, house.id)
    housing.set_handover(store, house.id, date(2026, 5, 1), None)
    housing.set_handover(store, house.id, date(2026, 5, 1), date(2026, 5, 20))
    trail = entries(store, "housing")
    assert trail[0].action == "create" and trail[0].project_id == project_id
    handed = [(e.field, e.old, e.new) for e in trail if e.action == "update"]
    assert ("notice_on", None, "2026-05-01") in handed
    assert ("handed_over_on", None, "2026-05-20") in handed
    row = worded(next(e for e in trail if e.field == "handed_over_on"))
    assert (row.what, row.change) == ("安置房源「交房日期」", "（空） → 2026-05-20")
