"""Case packages carry the procedure's data: case dates and payments (and, as the agreement's
content, its payment terms and account), merged without loss; the same package twice writes
nothing; disagreements are conflicts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from store_helpers import case_form, project_form

from wulong_desk.errors import UserError
from wulong_desk.rules.inputs import InputError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.exchange.packages import ConflictError, export_cases, import_cases
from wulong_desk.services.exchange.proposals import accept, list_proposals
from wulong_desk.services.money import payments
from wulong_desk.services.procedure.catalogue import case_dates
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry

TODAY = date(2026, 11, 30)


@pytest.fixture
def office(tmp_path):
    store = open_store(tmp_path / "office.sqlite", "内业")
    project_id = projects.create_project(store, project_form(1))
    agreement = {"payment_terms": {"before_move": {"from": "signing", "days": 15}},
                 "payee": {"name": "甲", "account": "1"}}
    case_id = cases.save_case(
        store, project_id, case_form(1, status="signed", agreement=agreement),
        reason="测试：直接录入到这一阶段").case_id
    payments.record_payment(store, case_id, Decimal("1000.00"), date(2023, 8, 5), "V-1",
                            today=TODAY)
    set_case_date(store, case_id, "doc_title", date(2023, 8, 1))
    yield store, project_id, case_id
    store.close()


def account_of(store, project_id):
    with store.read() as session:
        [account] = payments.project_accounts(session, project_id)
        return account


def test_procedure_data_travels_and_merges(office, tmp_path):
    store, project_id, _case_id = office
    out = tmp_path / "pkg.json"
    export_cases(store, project_id, out)
    entry = json.loads(out.read_text(encoding="utf-8"))["cases"][0]
    assert entry["procedure"]["payments"][0]["voucher"] == "V-1"
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    report = import_cases(laptop, out)
    [waiting] = list_proposals(laptop)   # a signed case from outside waits for a reviewer,
    accept(laptop, waiting.id)           # its procedure data with it
    account = account_of(laptop, report.project_id)
    assert account.paid == Decimal("1000.00")
    with laptop.read() as session:
        from wulong_desk.services.documents.records import agreement_words
        from wulong_desk.store.models import Case

        words, _line, payee, _account = agreement_words(session.get(Case, account.case_id))
    assert words["before_move"] == "签约之日起15日内" and payee["name"] == "甲"
    assert account.payments[0].operator == "内业"
    with laptop.read() as session:
        dates = case_dates(session, [account.case_id])[account.case_id]
        audit = session.query(AuditEntry).count()
    assert dates == {"doc_title": date(2023, 8, 1)}
    import_cases(laptop, out)                       # again: nothing written
    with laptop.read() as session:
        assert session.query(AuditEntry).count() == audit
    # the laptop records a second payment; it flows back to the office
    payments.record_payment(laptop, account.case_id, Decimal("500.00"), date(2023, 8, 6),
                            "V-2", today=TODAY)
    back = tmp_path / "back.json"
    export_cases(laptop, report.project_id, back)
    import_cases(store, back)
    assert account_of(store, project_id).paid == Decimal("1500.00")
    laptop.close()


def test_the_same_voucher_with_other_figures_is_a_conflict(office, tmp_path):
    store, project_id, _case_id = office
    out = tmp_path / "pkg.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["cases"][0]["procedure"]["payments"][0]["amount"] = "999.00"
    package["cases"][0]["procedure"]["payments"].append(
        {"kind": "pay", "amount": "1.00", "date": "2023-08-09", "voucher": "V-9",
         "operator": "外业"})
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ConflictError, match="凭证号 V-1 两边记录不同"):
        import_cases(store, out)
    assert account_of(store, project_id).paid == Decimal("1000.00")   # V-9 not taken either


def test_payments_beyond_what_is_due_are_refused(office, tmp_path):
    store, project_id, _case_id = office
    out = tmp_path / "pkg.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    # spec example 1: total 523834.00; 1000.00 already paid: one cent more than the whole
    # agreement (both sides paid it)
    package["cases"][0]["procedure"]["payments"].append(
        {"kind": "pay", "amount": "522834.01", "date": "2023-08-09", "voucher": "V-8",
         "operator": "外业"})
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ConflictError, match="超出协议应付金额"):
        import_cases(store, out)


def test_bad_procedure_data_names_the_field(office, tmp_path):
    store, project_id, _case_id = office
    out = tmp_path / "pkg.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["cases"][0]["procedure"]["dates"]["doc_title"] = "昨天"
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_cases(store, out)
    assert caught.value.problems[0].path == "cases[0].procedure.dates.doc_title"
    assert str(caught.value) == ("第1户（A-001）程序日期「土地房屋权属证书交回」："
                                 "应为日期 YYYY-MM-DD，收到「昨天」")
    assert issubclass(InputError, UserError)
