"""The ledger's 已付/未付 and the document checklist (issues 19 item 3, 20 item 3) on each
household's 分户明细 page, both taken from the records the services load; the agreement lists
the documents received."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from ledger_helpers import page_line, pages, plain
from openpyxl import load_workbook
from store_helpers import case_form, project_form

from wulong_desk.exports.ledger import build_ledger
from wulong_desk.exports.ledger_layout import PAYMENT_LABEL
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.records import load_records
from wulong_desk.services.documents.verify import verify_ledger
from wulong_desk.services.money import payments
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md

TODAY = date(2026, 11, 30)


@pytest.fixture
def ledger(tmp_path):
    store = open_store(tmp_path / "l.sqlite", "制表员")
    project_id = projects.create_project(store, project_form(1))
    ids = {}
    for n, case_no, status in ((1, "A-001", "signed"), (2, "A-002", "signed"),
                               (3, "A-003", "reviewed")):
        ids[case_no] = cases.save_case(store, project_id, case_form(n, case_no, status=status),
                                       reason="测试：直接录入到这一阶段").case_id
    # example 1 (money): 513834.00 owed before the move (the spec's schedule); 500000.00 paid
    # leaves 13834.00 (its 10000.00 on-time reward is owed only after the move)
    payments.record_payment(store, ids["A-001"], Decimal("500000.00"), date(2023, 8, 10),
                            "付-001", today=TODAY)
    set_case_date(store, ids["A-001"], "doc_title", date(2023, 8, 1))
    set_case_date(store, ids["A-003"], "doc_licence", date(2023, 9, 20))
    with store.read() as session:
        records = load_records(session, project_id)
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(build_ledger(records, public=False, operator="制表员"))
    yield store, ids, records, path
    store.close()


def _pages(path):
    return pages(load_workbook(path))


def test_paid_and_outstanding_on_each_signed_page(ledger):
    _store, _ids, records, path = ledger
    by_case = _pages(path)
    paid = plain(page_line(by_case["A-001"], PAYMENT_LABEL)[1])
    # example 1 (money) totals 523834.00 in the spec, of which 10000.00 (R7) is owed after the
    # move: 513834.00 owed now, 500000.00 paid leaves 13834.00
    assert paid == "已付 500,000.00 元，未付 13,834.00 元（以资金拨付台账为准）"
    # example 2's exchange under this project's options, not yet moved: what it owes before the
    # move is outstanding (the houses' price is set off at the hand-over, not yet)
    by_no = {e.case_no: e for e in records.entries}
    before_move = Decimal(by_no["A-002"].record["schedule"]["before_move"])
    assert before_move > 0
    assert plain(page_line(by_case["A-002"], PAYMENT_LABEL)[1]) == (
        f"已付 0.00 元，未付 {before_move:,.2f} 元（以资金拨付台账为准）")
    # not signed: no account, no payment line
    assert not [row for row in by_case["A-003"] if plain(row[0]) == PAYMENT_LABEL]
    assert (by_no["A-001"].paid, by_no["A-001"].outstanding) == ("500000.00", "13834.00")


def test_a_payment_after_export_does_not_make_the_ledger_differ(ledger):
    store, ids, _records, path = ledger
    payments.record_payment(store, ids["A-001"], Decimal("1000.00"), date(2023, 8, 11),
                            "付-002", today=TODAY)
    with store.read() as session:
        verdict = verify_ledger(session, path)
    assert verdict.matches, verdict.details


def test_document_checklist_on_each_page(ledger):
    _store, _ids, _records, path = ledger
    by_case = _pages(path)

    def documents(case_no: str) -> str:
        return plain(page_line(by_case[case_no], "已交材料")[1])

    # residential only: just the title deeds (办法第三十二条), received on the signing day
    assert documents("A-001") == "土地房屋权属证书交回（2023-08-01）"
    assert documents("A-002") == "未交：土地房屋权属证书交回"
    # a commercial part: licence, tax receipts and equipment evidence apply too
    assert documents("A-003") == ("营业执照（2023-09-20）"
                                  "未交：土地房屋权属证书交回、完税凭证、设施设备购置凭据")


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join("".join(page.extract_text().split())
                   for page in PdfReader(io.BytesIO(data)).pages)


def test_agreement_lists_the_documents_received(ledger):
    from wulong_desk.exports.household_papers import build_pdf
    from wulong_desk.services.documents.records import load_case

    store, ids, _records, _path = ledger
    with store.read() as session:
        project, money_case = load_case(session, ids["A-001"])
        _project, business = load_case(session, ids["A-003"])
    text = _pdf_text(build_pdf("money", project, money_case))
    assert "乙方交来材料" in text
    assert "土地房屋权属证书交回（办法第三十二条）：2023年8月1日已收" in text
    assert "营业执照" not in text  # a residence: no business documents asked for
    text = _pdf_text(build_pdf("money", project, business))
    assert "营业执照（办法第四十、四十二条）：2023年9月20日已收" in text
    assert "设施设备购置凭据（办法第四十三条）：尚未收到" in text
