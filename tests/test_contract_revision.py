"""A database written by the revision-1 engine (tests/fixtures/contract1.sqlite, made from the
demo project before the engine followed revision 2) opens with every figure unchanged (through
migrations 0007 and 0010), and `recalc` brings its unsigned cases to the current revision (3)
with a full audit; signed cases are kept. (tests/test_revision3_migration.py does the same for a
revision-2 database.)

Expected revision-3 totals come from the independent reading (tests/reference_calc.py) of each
case's stored inputs as revision 3 computes an unsigned case — at signing, with the undertaking
to move on time and no overdue months — never from the engine."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from reference_calc import reference
from test_cli_calc import run_cli

from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.cases.contract import calc_request
from wulong_desk.services.cases.maintenance import compute_missing
from wulong_desk.statuses import is_frozen
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry, Case

FIXTURE = Path(__file__).parent / "fixtures" / "contract1.sqlite"
TABLES = ("case_results", "case_records")


def rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY case_id").fetchall()
                for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "contract1.sqlite"
    shutil.copy(FIXTURE, path)
    return path


def test_the_fixture_is_a_revision_1_database():
    conn = sqlite3.connect(FIXTURE)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"
    columns = [r[1] for r in conn.execute("PRAGMA table_info(case_results)")]
    assert "v_unreg" not in columns and "contract_revision" not in columns
    statuses = {r[0] for r in conn.execute("SELECT status FROM cases")}
    assert "signed" in statuses and statuses - {"signed"}
    conn.close()


@pytest.mark.consistency
def test_opening_changes_no_stored_figure(old_db):
    before = rows(old_db)
    store = open_store(old_db, "测试")
    assert compute_missing(store) == 0            # nothing is recomputed by opening
    store.close()
    after = rows(old_db)
    for table in TABLES:
        assert len(after[table]) == len(before[table]) == 36
        # the new columns come last: every old column is unchanged, byte for byte
        assert [r[:len(before[table][0])] for r in after[table]] == before[table]
    conn = sqlite3.connect(old_db)
    assert set(conn.execute("SELECT v_unreg, contract_revision FROM case_results")) == {(0, 1)}
    # the readings revision 1 applied, copied into every record (migration 0010); the project
    # keeps only revision 3's readings
    assert set(conn.execute("SELECT exchange_interruption_rate, early_days_from,"
                            " second_move_requires_on_time FROM case_results WHERE ok")) == {
        ("0.05", "signing_day", 0)}
    assert conn.execute("SELECT ontime_reward_mixed, decision_guide_reward FROM projects"
                        ).fetchall() == [("both", "as_plan")]
    # each record's schedule adds up to its stored total
    assert conn.execute("SELECT count(*) FROM case_results WHERE before_move_cents + "
                        "transition_cents + after_move_cents + overdue_cents != total_cents"
                        ).fetchone()[0] == 0
    assert set(conn.execute("SELECT registration FROM house_parts")) == {("registered",)}
    assert set(conn.execute("SELECT use FROM exchange_houses")) == {("residential",)}
    # the turnover as entered: FR-0008 (an exchange workshop with a turnover house) keeps it
    # for its business; FR-0029 (an exchange home with one) has no business parts
    flags = dict(((no, (house, premises)) for no, house, premises in conn.execute(
        "SELECT case_no, turnover_house, turnover_premises FROM cases")))
    assert flags["FR-0008"] == (1, 1)
    assert flags["FR-0029"] == (1, None)
    conn.close()


def recalc_json(db: Path, *extra: str) -> list[dict]:
    proc = run_cli("recalc", "--project", "1", "--db", str(db), "--operator", "测试",
                   "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def at_signing(request: dict) -> dict:
    """An unsigned case's request as revision 3 computes it: at signing, with the undertaking to
    move on time and no overdue months (spec "Case inputs", `moved_on_time`)."""
    request["case"]["moved_on_time"] = True
    if isinstance(request["case"].get("exchange"), dict):
        request["case"]["exchange"]["overdue_months"] = 0
    return request


def revision_3_totals(db: Path) -> dict[str, str]:
    """Each unsigned case's total under revision 3, by the independent reading."""
    store = open_store(db, "测试")
    with store.read() as session:
        totals = {c.case_no: reference(at_signing(json.loads(json.dumps(
                      calc_request(c.project, c)))))["totals"]["total"]
                  for c in session.query(Case) if not is_frozen(c.status)
                  and all(p.unit_price is not None for p in c.parts)}
    store.close()
    return totals


@pytest.mark.independent
def test_a_dry_run_lists_every_case_and_writes_nothing(old_db):
    store = open_store(old_db, "测试")
    store.close()
    before = rows(old_db)
    listed = recalc_json(old_db, "--dry-run")
    assert rows(old_db) == before
    assert len(listed) == 36
    assert all(set(row) == {"case_no", "status", "old_total", "new_total", "changed", "kept",
                            "reasons"} for row in listed)
    expected = revision_3_totals(old_db)
    for row in listed:
        if row["status"] == "signed":
            assert row["kept"] and not row["changed"] and row["new_total"] is None
        elif row["case_no"] in expected:
            assert not row["kept"]
            assert row["new_total"] == expected[row["case_no"]], row["case_no"]
            if row["new_total"] != row["old_total"]:
                assert row["changed"]
    # the exchange workshop (unsigned): computed as at signing, with the undertaking to move
    workshop = next(row for row in listed if row["case_no"] == "FR-0008")
    assert workshop["changed"] and workshop["new_total"] != workshop["old_total"]
    assert "签约时按承诺按期搬迁计算（按期搬迁：否 → 是）" in workshop["reasons"]
    assert all(row["reasons"] == [] for row in listed if row["kept"])


@pytest.mark.independent
def test_recalc_writes_unsigned_cases_under_revision_3_with_a_full_audit(old_db):
    store = open_store(old_db, "测试")
    store.close()
    before = rows(old_db)
    signed_ids = {r[0] for r in sqlite3.connect(old_db).execute(
        "SELECT id FROM cases WHERE status = 'signed'")}
    listed = recalc_json(old_db)
    after = rows(old_db)
    width = len(before["case_results"][0])
    expected = revision_3_totals(old_db)
    store = open_store(old_db, "测试")
    with store.read() as session:
        for case in session.query(Case):
            if case.id in signed_ids:
                kept = next(r for r in after["case_results"] if r[0] == case.id)
                old = next(r for r in before["case_results"] if r[0] == case.id)
                assert kept[:width] == old and case.result.contract_revision == 1
                assert stored_breakdown(case) == json.loads(
                    next(r for r in before["case_records"] if r[0] == case.id)[1])
            elif case.case_no in expected:
                assert case.result.contract_revision == 3
                assert case.moved_on_time is True
                assert stored_breakdown(case)["totals"]["total"] == expected[case.case_no]
                assert len(stored_breakdown(case)["lines"]) == 14
        entries = session.query(AuditEntry).filter(AuditEntry.action == "recompute").all()
        workshop = session.query(Case).filter(Case.case_no == "FR-0008").one()
        mine = [e for e in entries if e.case_id == workshop.id]
        fields = {e.field for e in mine}
        assert {"total", "contract_revision", "moved_on_time", "R7_ONTIME",
                "after_move"} <= fields
        assert all(e.operator == "测试" and "按新规则重算" in (e.reason or "") for e in mine)
        moved = next(e for e in mine if e.field == "moved_on_time")
        assert (moved.old, moved.new, moved.entity) == ("false", "true", "case")
        revision = next(e for e in mine if e.field == "contract_revision")
        assert (revision.old, revision.new) == ("1", "3")
        assert not [e for e in entries if e.case_id in signed_ids]
    store.close()
    assert sum(1 for row in listed if not row["kept"]) == 36 - len(signed_ids)
    # a second run finds nothing more to change
    again = recalc_json(old_db)
    assert not any(row["changed"] for row in again)


@pytest.mark.consistency
def test_a_written_recalc_computes_each_case_once_and_stores_what_it_lists(old_db, monkeypatch):
    """One calculation per case feeds both the listed row and the stored record: a written
    recalc calls the engine as often as the dry run (once per case it can compute), and lists
    the same rows the dry run did."""
    from wulong_desk.services.cases import calculation
    from wulong_desk.services.cases.recalc import recalc_project

    calls: list[str] = []
    engine = calculation.compute

    def counted(inputs, options, standard):
        calls.append("compute")
        return engine(inputs, options, standard)

    monkeypatch.setattr(calculation, "compute", counted)
    store = open_store(old_db, "测试")
    try:
        listed = recalc_project(store, 1, dry_run=True)
        computable = [row for row in listed if not row.kept and row.new_total is not None]
        assert computable and len(calls) == len(computable)
        calls.clear()
        written = recalc_project(store, 1, dry_run=False)
        assert len(calls) == len(computable)
        assert written == listed
        with store.read() as session:
            stored = {case.case_no: stored_breakdown(case)["totals"]["total"]
                      for case in session.query(Case) if stored_breakdown(case) is not None}
        assert all(stored[row.case_no] == row.new_total for row in computable)
    finally:
        store.close()


@pytest.mark.independent
def test_a_signed_revision_1_case_shows_its_stored_figures_in_the_editor(qtbot, old_db):
    """FR-0011 (an exchange signed, not moved on time) was paid two moves under revision 1;
    revision 2 would pay one. Its editor shows the signed record, not a recomputation."""
    from PySide6.QtCore import Qt

    from wulong_desk.ui.case_editor import CaseEditor

    conn = sqlite3.connect(old_db)
    case_id, project_id, status = conn.execute(
        "SELECT id, project_id, status FROM cases WHERE case_no = 'FR-0011'").fetchone()
    stored_move = conn.execute(
        "SELECT r8_move FROM case_results WHERE case_id = ?", (case_id,)).fetchone()[0]
    conn.close()
    assert status == "signed"
    store = open_store(old_db, "测试")
    with store.read() as session:
        case = session.get(Case, case_id)
        fresh = reference(json.loads(json.dumps(calc_request(case.project, case))))
    # (revision 3: a late exchange is paid one move)
    assert Decimal(fresh["lines"]["R8_MOVE"]) * 2 == Decimal(stored_move) / 100
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    table = editor.panel.table
    shown = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): table.item(r, 1).text()
             for r in range(table.rowCount()) if table.item(r, 0) is not None}
    assert shown["R8_MOVE"].replace(",", "") == f"{Decimal(stored_move) / 100:.2f}"
    assert "第1版" in editor.panel.status.text()
    editor.close()
    store.close()


@pytest.mark.consistency
def test_documents_of_revision_1_records_still_read_and_verify(old_db, tmp_path):
    """A ledger of revision-1 records (no V_UNREG in them) exports with V_UNREG 0, verifies
    against the database, and a signed agreement says which revision its figures are."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from wulong_desk.exports.household_papers import build_pdf
    from wulong_desk.services.documents.exports import export_ledger
    from wulong_desk.services.documents.records import load_case
    from wulong_desk.services.documents.verify import verify_ledger

    store = open_store(old_db, "测试")
    out = tmp_path / "台账.xlsx"
    export_ledger(store, 1, out, public=False, operator="测试")
    with store.read() as session:
        assert verify_ledger(session, out).matches
        signed = session.query(Case).filter(Case.case_no == "FR-0011").one()
        project, entry = load_case(session, signed.id)
    from ledger_helpers import pages, plain

    # a revision-1 record has no line for buildings without a title: its page lists the
    # record's own lines, none of them that
    written = pages(load_workbook(out))
    assert len(written) == 35
    assert not [row for page in written.values() for row in page
                if plain(row[0]) == "未经登记建筑补偿"]
    text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(
        build_pdf("exchange", project, entry))).pages).split())
    # (the agreement states no readings any more: issue 26, {读法说明} prints nothing)
    assert "读法" not in text and "合计" in text
    store.close()
