"""verify-ledger checks every printed figure, not only the fingerprint (issue 14, finding 4);
a voided case stays on record but leaves the ledger's rows and totals (finding 9)."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from ledger_helpers import plain, table, write_ledger
from openpyxl import load_workbook
from test_cli_calc import run_cli

from wulong_desk.exports.ledger_layout import DETAIL_SHEET, SUMMARY_SHEET, VOID_SHEET
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.records import load_records
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_store
from wulong_desk.store.models import Case

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    path = folder / "d.sqlite"
    store = open_store(path, "制表员")
    create_demo(store)
    with store.read() as session:
        write_ledger(load_records(session, 1), folder / "ledger.xlsx", public=False,
                     operator="制表员")
    store.close()
    return path, folder / "ledger.xlsx"


@pytest.fixture
def demo(demo_file, tmp_path):
    db, ledger = demo_file
    shutil.copy(db, tmp_path / "d.sqlite")
    shutil.copy(ledger, tmp_path / "ledger.xlsx")
    return tmp_path / "d.sqlite", tmp_path / "ledger.xlsx"


def verify(db, ledger):
    return run_cli("verify-ledger", str(ledger), "--db", str(db))


def test_an_untouched_ledger_is_consistent(demo):
    proc = verify(*demo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("一致")


def test_one_total_cell_overwritten_is_found(demo):
    db, ledger = demo
    wb = load_workbook(ledger)
    ws = wb[SUMMARY_SHEET]
    headers, body, _totals, top = table(ws)
    case_no = list(body)[2]
    ws.cell(row=top + 3, column=headers.index("补偿合计") + 1).value = Decimal("1.00")
    wb.save(ledger)
    proc = verify(db, ledger)
    assert proc.returncode == 1
    assert f"{case_no} 补偿合计）：台账显示「1.00」" in proc.stdout
    assert "数据指纹不同" not in proc.stdout   # the fingerprint alone would have said 一致


def test_a_line_on_a_page_a_removed_row_and_the_totals_row_are_each_found(demo):
    db, ledger = demo
    wb = load_workbook(ledger)
    ws = wb[SUMMARY_SHEET]
    headers, body, _totals, top = table(ws)
    first = next(iter(body))
    detail = wb[DETAIL_SHEET]
    row = next(r for r in range(1, detail.max_row) if plain(detail.cell(row=r, column=1).value)
               == "室内装饰装修补偿")
    detail.cell(row=row, column=4).value = 12345
    wb.save(ledger)
    proc = verify(db, ledger)
    assert proc.returncode == 1 and f"{first} 室内装饰装修补偿 金额）：台账显示「12,345.00」" in \
        proc.stdout
    # the totals row typed over with a number
    wb = load_workbook(ledger)
    ws = wb[SUMMARY_SHEET]
    totals_row = next(r for r in range(top + 1, ws.max_row + 1)
                      if ws.cell(row=r, column=1).value == "合计")
    ws.cell(row=totals_row, column=headers.index("补偿合计") + 1).value = 1
    wb.save(ledger)
    assert "被改为数值「1.00」" in verify(db, ledger).stdout


def test_a_case_missing_from_the_ledger_is_named(demo):
    db, ledger = demo
    wb = load_workbook(ledger)
    ws = wb[SUMMARY_SHEET]
    _headers, body, _totals, top = table(ws)
    removed = list(body)[1]
    ws.delete_rows(top + 2)
    wb.save(ledger)
    proc = verify(db, ledger)
    assert proc.returncode == 1
    assert f"{removed}：数据库中有，台账中没有它的「汇总」中的一行" in proc.stdout


def test_a_voided_case_leaves_the_rows_and_totals_and_is_listed_apart(demo, tmp_path):
    db, _ = demo
    store = open_store(db, "王经办")
    try:
        with store.read() as session:
            case = session.query(Case).filter(Case.status == "signed").order_by(Case.id).first()
            case_id, case_no, total_cents = case.id, case.case_no, case.result.total_cents
            before = project_summary(session, 1)
        cases.void_case(store, case_id, "协议解除，另行重签")
        with store.read() as session:
            after = project_summary(session, 1)
            records = load_records(session, 1)
        assert after.total == before.total - Decimal(total_cents).scaleb(-2)
        assert after.households == before.households - 1
        assert after.by_status["void"] == 1
        out = tmp_path / "after.xlsx"
        write_ledger(records, out, public=False, operator="制表员")
    finally:
        store.close()
    wb = load_workbook(out)
    assert case_no not in table(wb[SUMMARY_SHEET])[1]
    assert list(table(wb[VOID_SHEET])[1]) == [case_no]
    assert verify(db, out).returncode == 0


def test_the_command_line_follows_the_same_lifecycle(demo):
    db, _ = demo
    cases_json = run_cli("cases", "--project", "1", "--db", str(db), "--json").stdout
    import json

    rows = json.loads(cases_json)
    unsigned = next(r for r in rows if r["status"] == "surveyed" and r["total"] is not None)
    signed = next(r for r in rows if r["status"] == "signed")
    skip = run_cli("set-status", "--case", str(unsigned["id"]), "--to", "signed", "--db", str(db))
    assert skip.returncode != 0 and "必须写明理由" in skip.stderr
    assert run_cli("delete-case", "--case", str(signed["id"]), "--db", str(db)).returncode != 0
    moved = run_cli("set-status", "--case", str(signed["id"]), "--to", "moved", "--db", str(db))
    assert moved.returncode != 0 and "搬迁日期" in moved.stderr
    ok = run_cli("void", "--case", str(signed["id"]), "--reason", "协议解除，另行重签",
                 "--db", str(db))
    assert ok.returncode == 0, ok.stderr
    gone = run_cli("delete-case", "--case", str(unsigned["id"]), "--db", str(db))
    assert gone.returncode == 0, gone.stderr
    history = run_cli("history", "--case", str(signed["id"]), "--db", str(db)).stdout
    assert "理由：协议解除，另行重签" in history
