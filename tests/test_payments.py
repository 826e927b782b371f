"""Payments (办法第二十二、二十九条): amount due from the spec's examples, payments and receipts,
nothing beyond what is outstanding; the command line; the project summary; the payment ledger."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form

from wulong_desk.cli import main
from wulong_desk.errors import UserError
from wulong_desk.services import cases, payments, projects
from wulong_desk.services.summary import project_summary
from wulong_desk.store import open_store

TODAY = date(2026, 11, 30)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "pay.sqlite", "出纳甲")
    yield s
    s.close()


def signed_case(store, n: int, case_no: str = "A-001", project_id: int | None = None,
                **extra) -> tuple[int, int]:
    if project_id is None:
        project_id = projects.create_project(store, project_form(n))
    saved = cases.save_case(
        store, project_id, case_form(n, case_no, status="signed", **extra),
        reason="测试：直接录入到这一阶段")
    return project_id, saved.case_id


def test_money_case_pays_the_total_and_no_more(store):
    # spec example 1: money, total 523834.00 (expected.json)
    project_id, case_id = signed_case(store, 1)
    account = payments.record_payment(store, case_id, Decimal("500000.00"), date(2023, 8, 10),
                                      "付-001", today=TODAY)
    assert (account.due, account.paid, account.outstanding) == (
        Decimal("523834.00"), Decimal("500000.00"), Decimal("23834.00"))
    with pytest.raises(UserError, match=r"超过未付 23,834\.00"):
        payments.record_payment(store, case_id, Decimal("23834.01"), date(2023, 8, 11),
                                "付-002", today=TODAY)
    with pytest.raises(UserError, match="凭证号 付-001 已在案卷 A-001"):
        payments.record_payment(store, case_id, Decimal("1"), date(2023, 8, 11), "付-001",
                                today=TODAY)
    account = payments.record_payment(store, case_id, Decimal("23834.00"), date(2023, 8, 11),
                                      "付-002", today=TODAY)
    assert account.outstanding == 0
    with pytest.raises(UserError, match="已结清"):
        payments.record_payment(store, case_id, Decimal("0.01"), date(2023, 8, 12), "付-003",
                                today=TODAY)
    with store.read() as session:
        summary = project_summary(session, project_id)
        [line] = payments.project_accounts(session, project_id)
    assert (summary.paid, summary.outstanding) == (Decimal("523834.00"), Decimal("0.00"))
    assert [p.operator for p in line.payments] == ["出纳甲", "出纳甲"]


def test_exchange_case_where_the_household_owes_records_receipts(store):
    # spec example 2: exchange, net payable −23746.00: the household pays the difference
    _project_id, case_id = signed_case(store, 2)
    account = payments.record_payment(store, case_id, Decimal("20000"), date(2023, 7, 5),
                                      "收-001", today=TODAY)
    assert account.payments[-1].kind == payments.RECEIVE
    assert (account.due, account.paid, account.outstanding) == (
        Decimal("-23746.00"), Decimal("-20000"), Decimal("-3746.00"))
    with pytest.raises(UserError, match=r"超过住户尚欠 3,746\.00"):
        payments.record_payment(store, case_id, Decimal("3746.01"), date(2023, 7, 6), "收-002",
                                today=TODAY)


@pytest.mark.parametrize(("amount", "on", "voucher", "needle"), [
    ("0", "2023-08-10", "V1", "大于 0"),
    ("-5", "2023-08-10", "V1", "大于 0"),
    ("1.001", "2023-08-10", "V1", "精确到分"),
    ("100", "2023-07-31", "V1", "早于签约日期 2023-08-01"),
    ("100", "2026-12-01", "V1", "晚于今天"),
    ("100", "2023-08-10", "  ", "凭证号不能为空"),
])
def test_bad_payments_are_refused_naming_the_field(store, amount, on, voucher, needle):
    _project_id, case_id = signed_case(store, 1)
    with pytest.raises(UserError, match=needle):
        payments.record_payment(store, case_id, Decimal(amount), date.fromisoformat(on), voucher,
                                today=TODAY)


def test_an_unsigned_case_takes_no_payment(store):
    project_id = projects.create_project(store, project_form(1))
    saved = cases.save_case(
        store, project_id, case_form(1, status="reviewed"),
        reason="测试：直接录入到这一阶段")
    with pytest.raises(UserError, match="尚未签约"):
        payments.record_payment(store, saved.case_id, Decimal("1"), date(2023, 8, 10), "V",
                                today=TODAY)


def test_payment_terms_and_account_reach_the_records(store):
    from wulong_desk.services.records import load_case

    _project_id, case_id = signed_case(store, 1)
    account = "户名：张三；开户行：武隆农商行；账号：6200"
    payments.set_payment_terms(store, case_id, "签约后15日内", account)
    with store.read() as session:
        _project, entry = load_case(session, case_id)
    assert entry is not None
    assert entry.payment_term == "签约后15日内"
    assert entry.bank_account == account
    with pytest.raises(UserError, match="「付款期限」：「尽快」无法识别"):
        payments.set_payment_terms(store, case_id, "尽快", None)


def test_payments_commands_and_summary(tmp_path, capsys):
    db = tmp_path / "cli.sqlite"
    store = open_store(db, "甲")
    project_id, case_id = signed_case(store, 1)
    other_project, _ = signed_case(store, 2, "A-002")
    store.close()
    base = ["--db", str(db), "--operator", "出纳乙"]
    assert main(["payments", "add", "--case", str(case_id), "--amount", "100000.50",
                 "--date", "2023-08-02", "--voucher", "付-9", *base]) == 0
    capsys.readouterr()
    assert main(["payments", "add", "--case", str(case_id), "--amount", "9999999",
                 "--date", "2023-08-02", "--voucher", "付-10", *base]) == 1
    assert "超过未付" in capsys.readouterr().err
    assert main(["payments", "add", "--case", str(case_id), "--amount", "十万",
                 "--date", "2023-08-02", "--voucher", "付-10", *base]) == 2
    assert "金额" in capsys.readouterr().err
    assert main(["payments", "list", "--project", str(project_id), "--json", *base]) == 0
    listed = {a["case_no"]: a for a in json.loads(capsys.readouterr().out)}
    assert listed["A-001"]["due"] == "523834.00"
    assert listed["A-001"]["paid"] == "100000.50"
    assert listed["A-001"]["outstanding"] == "423833.50"
    assert listed["A-001"]["payments"][0]["operator"] == "出纳乙"
    assert main(["payments", "list", "--project", str(other_project), "--json", *base]) == 0
    [exchange] = json.loads(capsys.readouterr().out)
    assert (exchange["due"], exchange["outstanding"]) == ("-23746.00", "-23746.00")
    assert main(["summary", "--project", str(project_id), "--json", *base]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["paid"], summary["outstanding"]) == ("100000.50", "423833.50")
    out = tmp_path / "资金拨付台账.xlsx"
    assert main(["payments", "ledger", "--project", str(project_id), "--out", str(out),
                 *base]) == 0
    assert "已导出 1 户" in capsys.readouterr().out
    assert load_workbook(out)["拨付明细"]["F3"].value == "出纳乙"  # under its title and header


def test_payment_ledger_export(store, tmp_path):
    from wulong_desk.services.exports import export_payments

    project_id, case_id = signed_case(store, 1)
    payments.record_payment(store, case_id, Decimal("123.45"), date(2023, 8, 10), "付-1",
                            today=TODAY)
    out = tmp_path / "资金拨付台账.xlsx"
    result = export_payments(store, project_id, out, operator="出纳甲")
    assert result.count == 1
    ws = load_workbook(out).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    text = json.dumps(rows, ensure_ascii=False, default=str)
    assert "资金拨付台账" in text and "A-001" in text
    row = next(r for r in rows if r and r[0] == "A-001")
    assert [Decimal(str(v)) for v in row[3:6]] == [
        Decimal("523834.00"), Decimal("123.45"), Decimal("523710.55")]
    detail = load_workbook(out)["拨付明细"]
    assert list(detail.iter_rows(values_only=True))[-1][:5] == (
        "A-001", "2023-08-10", "拨付", 123.45, "付-1")
