"""Payments (办法第二十二、二十九条): what is owed now from the spec's schedule (a signed case not
yet moved owes its before_move only), payments and receipts, nothing beyond what is owed now
(exit 2, the figures named); the command line (`payments list --json` exactly as issue 26
lists it); the project summary; the payment ledger."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form

from wulong_desk.cli import main
from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import payments
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_store

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md

TODAY = date(2026, 11, 30)
LIST_KEYS = ["case_id", "case_no", "status", "before_move", "transition", "after_move",
             "overdue", "due_now", "paid", "outstanding", "recover", "exchange_price",
             "payments"]


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


def test_a_signed_money_case_owes_its_before_move_and_no_more(store):
    # spec example 1: total 523834.00 = before_move 513834.00 + after_move 10000.00 (R7)
    project_id, case_id = signed_case(store, 1)
    account = payments.record_payment(store, case_id, Decimal("500000.00"), date(2023, 8, 10),
                                      "付-001", today=TODAY)
    assert (account.due_now, account.paid, account.outstanding, account.recover) == (
        Decimal("513834.00"), Decimal("500000.00"), Decimal("13834.00"), Decimal("0.00"))
    with pytest.raises(UserError, match=r"「金额」13,834\.01 元超过现在应付未付的 13,834\.00 元"
                                        r".*按期搬迁后应付 10,000\.00 元"):
        payments.record_payment(store, case_id, Decimal("13834.01"), date(2023, 8, 11),
                                "付-002", today=TODAY)
    with pytest.raises(UserError, match="「凭证号」付-001 已在案卷 A-001"):
        payments.record_payment(store, case_id, Decimal("1"), date(2023, 8, 11), "付-001",
                                today=TODAY)
    account = payments.record_payment(store, case_id, Decimal("13834.00"), date(2023, 8, 11),
                                      "付-002", today=TODAY)
    assert account.outstanding == 0
    with pytest.raises(UserError, match="现在没有应付未付的款项"):
        payments.record_payment(store, case_id, Decimal("0.01"), date(2023, 8, 12), "付-003",
                                today=TODAY)
    with store.read() as session:
        summary = project_summary(session, project_id)
        [line] = payments.project_accounts(session, project_id, TODAY)
    assert (summary.paid, summary.outstanding) == (Decimal("513834.00"), Decimal("0.00"))
    assert summary.buckets["after_move"] == Decimal("10000.00")
    assert [p.operator for p in line.payments] == ["出纳甲", "出纳甲"]
    assert line.filled() == {"before_move": Decimal("513834.00"), "transition": 0,
                             "after_move": 0, "overdue": 0}


def test_an_exchange_case_owes_its_before_move_until_the_house_is_handed_over(store):
    # spec example 2: before_move 211664.00 owed at signing; the houses' price (258750.00) is
    # set against the compensation only at the hand-over
    _project_id, case_id = signed_case(store, 2)
    account = payments.record_payment(store, case_id, Decimal("20000"), date(2023, 7, 5),
                                      "付-001", today=TODAY)
    assert account.payments[-1].kind == payments.PAY
    assert (account.due_now, account.paid, account.outstanding, account.exchange_price) == (
        Decimal("211664.00"), Decimal("20000"), Decimal("191664.00"), Decimal("258750.00"))


@pytest.mark.parametrize(("amount", "on", "voucher", "needle"), [
    ("0", "2023-08-10", "V1", "「金额」必须大于 0"),
    ("-5", "2023-08-10", "V1", "「金额」必须大于 0"),
    ("1.001", "2023-08-10", "V1", "精确到分"),
    ("100", "2023-07-31", "V1", "「拨付日期」2023-07-31 早于签约日期 2023-08-01"),
    ("100", "2026-12-01", "V1", "晚于今天"),
    ("100", "2023-08-10", "  ", "「凭证号」不能为空"),
])
def test_bad_payments_are_refused_naming_the_field(store, amount, on, voucher, needle):
    _project_id, case_id = signed_case(store, 1)
    with pytest.raises(UserError, match=needle):
        payments.record_payment(store, case_id, Decimal(amount), date.fromisoformat(on), voucher,
                                today=TODAY)


def test_an_unsigned_case_or_a_presign_takes_no_payment(store):
    project_id = projects.create_project(store, project_form(
        2, old_town=True, presign_start="2023-04-20", presign_end="2023-05-05"))
    saved = cases.save_case(
        store, project_id, case_form(2, status="reviewed"),
        reason="测试：直接录入到这一阶段")
    with pytest.raises(UserError, match="现在是已审核，还没有生效的补偿协议"):
        payments.record_payment(store, saved.case_id, Decimal("1"), date(2023, 8, 10), "V",
                                today=TODAY)
    form = case_form(2, "P-001", status="presigned")
    form["case"]["signed_on"] = "2023-05-01"
    presign = cases.save_case(store, project_id, form, reason="测试：直接录入到这一阶段")
    with pytest.raises(UserError, match="预签协议转为补偿协议后才付款"):
        payments.record_payment(store, presign.case_id, Decimal("1"), date(2023, 8, 10), "V",
                                today=TODAY)
    with store.read() as session:
        assert payments.project_accounts(session, project_id) == []


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
    # beyond what is owed now: refused input, exit 2, one line naming the field and figures
    assert main(["payments", "add", "--case", str(case_id), "--amount", "9999999",
                 "--date", "2023-08-02", "--voucher", "付-10", *base]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "「金额」" in said[0] and "413,833.50" in said[0]
    assert main(["payments", "add", "--case", str(case_id), "--amount", "十万",
                 "--date", "2023-08-02", "--voucher", "付-10", *base]) == 2
    assert "金额" in capsys.readouterr().err
    assert main(["payments", "list", "--project", str(project_id), "--json", *base]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert list(listed) == LIST_KEYS
    assert {key: listed[key] for key in LIST_KEYS[2:-1]} == {
        "status": "signed", "before_move": "513834.00", "transition": "0.00",
        "after_move": "10000.00", "overdue": "0.00", "due_now": "513834.00",
        "paid": "100000.50", "outstanding": "413833.50", "recover": "0.00",
        "exchange_price": None}
    assert listed["payments"] == [{"amount": "100000.50", "date": "2023-08-02",
                                   "voucher": "付-9", "operator": "出纳乙"}]
    assert main(["payments", "list", "--project", str(other_project), "--json", *base]) == 0
    [exchange] = json.loads(capsys.readouterr().out)
    assert (exchange["before_move"], exchange["transition"], exchange["after_move"],
            exchange["due_now"], exchange["outstanding"], exchange["exchange_price"]) == (
        "211664.00", "11340.00", "12000.00", "211664.00", "211664.00", "258750.00")
    assert main(["summary", "--project", str(project_id), "--json", *base]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert {key: summary[key] for key in ("before_move", "transition", "after_move", "overdue",
                                          "paid", "outstanding", "recover")} == {
        "before_move": "513834.00", "transition": "0.00", "after_move": "10000.00",
        "overdue": "0.00", "paid": "100000.50", "outstanding": "413833.50", "recover": "0.00"}
    out = tmp_path / "资金拨付台账.xlsx"
    assert main(["payments", "ledger", "--project", str(project_id), "--out", str(out),
                 *base]) == 0
    assert "已导出 1 户" in capsys.readouterr().out
    assert load_workbook(out)["拨付明细"]["F3"].value == "出纳乙"  # under its title and header


def test_payment_ledger_export(store, tmp_path):
    from wulong_desk.exports.payments_ledger import HEADERS
    from wulong_desk.services.documents.exports import export_payments

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
    shown = {header: row[HEADERS.index(header)] for header in (
        "搬迁前应付", "按期搬迁后应付", "现应付", "已付", "未付", "应追回")}
    assert {k: Decimal(str(v)) for k, v in shown.items()} == {
        "搬迁前应付": Decimal("513834.00"), "按期搬迁后应付": Decimal("10000.00"),
        "现应付": Decimal("513834.00"), "已付": Decimal("123.45"),
        "未付": Decimal("513710.55"), "应追回": Decimal("0")}
    detail = load_workbook(out)["拨付明细"]
    assert list(detail.iter_rows(values_only=True))[-1][:5] == (
        "A-001", "2023-08-10", "拨付", 123.45, "付-1")
