"""A database written by the revision-2 engine (tests/fixtures/contract2.sqlite, schema 0007: the
demo project, and example 4's project under the three alternative readings with a presign,
signed, moved, voided and unsigned cases, its rate changed to the printed 5% after the signings)
opens at revision 3 with no stored figure changed; every record keeps the readings it was
computed with and gains its schedule; a later event on a revision-2 record is figured with its
own readings; `recalc` brings the unsigned cases to revision 3, audited, naming why.

Expected figures are worked by hand from the spec (revision 3's schedule) and example 4's
numbers: base 360000.00 (commercial 40 × 9000), R9 20 × 70.00 a month, one move 2000 + 30 × 40."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from test_cli_calc import run_cli

from wulong_desk.services.cases.calculation import (
    breakdown_under_record,
    record_readings,
    stored_breakdown,
    stored_schedule,
)
from wulong_desk.services.cases.maintenance import compute_missing
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry, Case, Project

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md

FIXTURE = Path(__file__).parent / "fixtures" / "contract2.sqlite"
TABLES = ("case_results", "case_records")
BUCKETS = ("before_move_cents", "transition_cents", "after_move_cents", "overdue_cents")
READINGS = ("exchange_interruption_rate", "early_days_from", "second_move_requires_on_time")


def rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY case_id").fetchall()
                for t in TABLES}
    finally:
        conn.close()


def by_case_no(path: Path, columns: str) -> dict[str, tuple]:
    conn = sqlite3.connect(path)
    try:
        return {row[0]: row[1:] for row in conn.execute(
            f"SELECT c.case_no, {columns} FROM cases c JOIN case_results r ON r.case_id = c.id")}
    finally:
        conn.close()


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "contract2.sqlite"
    shutil.copy(FIXTURE, path)
    return path


@pytest.fixture
def opened(old_db) -> Path:
    open_store(old_db, "测试").close()
    return old_db


def test_the_fixture_is_a_revision_2_database():
    conn = sqlite3.connect(FIXTURE)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0007"
    assert set(conn.execute("SELECT contract_revision FROM case_results")) == {(2,)}
    assert conn.execute("SELECT exchange_interruption_rate, early_days_from, "
                        "second_move_requires_on_time FROM projects ORDER BY id").fetchall() == [
        ("0.05", "period", 1), ("0.05", "signing_day", 0)]
    columns = [r[1] for r in conn.execute("PRAGMA table_info(case_results)")]
    assert "before_move_cents" not in columns
    conn.close()


def test_opening_changes_no_stored_figure(old_db):
    before = rows(old_db)
    store = open_store(old_db, "测试")
    assert compute_missing(store) == 0            # nothing is recomputed by opening
    store.close()
    after = rows(old_db)
    for table in TABLES:
        assert len(after[table]) == len(before[table]) == 42
        # the new columns come last: every old column is unchanged, byte for byte (the record
        # text too, so a ledger printed before still verifies)
        assert [r[:len(before[table][0])] for r in after[table]] == before[table]
    conn = sqlite3.connect(old_db)
    assert set(conn.execute("SELECT contract_revision FROM case_results")) == {(2,)}
    columns = [r[1] for r in conn.execute("PRAGMA table_info(projects)")]
    assert not set(READINGS) & set(columns)               # retired from the project
    assert conn.execute("SELECT ontime_reward_mixed, decision_guide_reward, presign_start,"
                        " presign_end, decision_made_on FROM projects").fetchall() == [
        ("both", "as_plan", None, None, None)] * 2
    # every record's schedule adds up to its stored total
    assert conn.execute("SELECT count(*) FROM case_results WHERE ok AND before_move_cents + "
                        "transition_cents + after_move_cents + overdue_cents != total_cents"
                        ).fetchone()[0] == 0
    conn.close()


def test_each_record_keeps_the_readings_it_was_computed_with(opened):
    readings = by_case_no(opened, ", ".join(f"r.{key}" for key in READINGS))
    # signed under 5‰, days from the signing day, two moves for every exchange: the record's
    # own formulas say so, though the project had gone back to the printed 5% since
    for case_no in ("E4-P", "E4-S", "E4-M", "E4-V"):
        assert readings[case_no] == ("0.005", "signing_day", 0), case_no
    # the unsigned ones were recomputed at 5% after the change
    assert readings["E4-U"] == ("0.05", "signing_day", 0)
    # the demo project kept every default
    assert {readings[no] for no in readings if no.startswith("FR-")} - {(None, None, None)} == {
        ("0.05", "period", 1)}


def test_presigns_are_marked_from_the_stage_and_the_date(opened):
    conn = sqlite3.connect(opened)
    marked = {no for (no,) in conn.execute("SELECT case_no FROM cases WHERE presign")}
    conn.close()
    # 预签 (E4-P, FR-0005) and an unsigned case of the 旧城区改建 project dated before the
    # announcement (E4-X, 2023-08-25 < 2023-09-01): under revision 2 only a presign could be
    assert marked == {"E4-P", "E4-X", "FR-0005"}


def test_the_schedule_of_revision_2_records_by_hand(opened):
    """E4-P (presign, 5‰, overdue 2, two moves under its reading, not on time): transition
    0.005 × 360000 × 6 + 20 × 70 × 12 = 10800 + 16800 = 27600.00; overdue 0.005 × 360000 × 2
    + 20 × 70 × 2 = 3600 + 2800 = 6400.00; after_move the second move 6400 − 3200 = 3200.00;
    before_move the rest of 926800.00. E4-M (moved on time, no overdue months): after_move
    R7 10000 + 20000 and the second move 3200 = 33200.00. E4-U (unsigned, recomputed at 5%):
    transition 108000 + 16800, overdue 36000 + 2800."""
    schedule = by_case_no(opened, "r.total_cents, " + ", ".join(f"r.{b}" for b in BUCKETS))
    assert schedule["E4-P"] == (92680000, 88960000, 2760000, 320000, 640000)
    assert schedule["E4-M"] == (92870000, 92870000 - 2760000 - 3320000, 2760000, 3320000, 0)
    assert schedule["E4-U"][2:] == (12480000, 320000, 3880000)


def test_a_later_delay_on_a_revision_2_record_is_paid_at_its_own_rate(opened):
    """办法第三十条: the agreement E4-S signed at 5‰ pays a further month of the department's
    delay at 5‰ — L1 + 0.005 × 360000 = 1800.00 (not 18000.00), R9 + 20 × 70 = 1400.00 — and
    only the overdue bucket moves; its stored lines are reproduced exactly before the event."""
    store = open_store(opened, "测试")
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == "E4-S").one()
        readings = record_readings(case.result)
        assert readings is not None and readings.exchange_interruption_rate == Decimal("0.005")
        stored = stored_breakdown(case)
        same = breakdown_under_record(case)
        assert [f"{line.amount:.2f}" for line in same.lines] == [
            line["amount"] for line in stored["lines"]]
        assert same.schedule == stored_schedule(case.result)
        case.overdue_months += 1          # (not flushed: the read session is rolled back)
        later = breakdown_under_record(case)
    store.close()
    assert later.line("L1_INTERRUPT").amount - same.line("L1_INTERRUPT").amount == \
        Decimal("1800.00")
    assert later.line("R9_TEMP").amount - same.line("R9_TEMP").amount == Decimal("1400.00")
    for key in ("before_move", "transition", "after_move"):
        assert later.schedule[key] == same.schedule[key]
    assert later.schedule["overdue"] - same.schedule["overdue"] == Decimal("3200.00")


def test_a_revision_3_record_takes_a_later_delay_at_the_printed_rate(opened):
    store = open_store(opened, "测试")
    project_id = 2
    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.projects import examples

    request = json.loads((Path(__file__).parent / "fixtures" / "example-4.json").read_text(
        encoding="utf-8"))
    form = examples.case_form(request, "E4-N")
    form["case"].update(presign=False, signed_on="2023-09-15")
    saved = cases.save_case(store, project_id, form)
    with store.read() as session:
        case = session.get(Case, saved.case_id)
        assert record_readings(case.result) is None
        before = breakdown_under_record(case)
        case.overdue_months += 1
        later = breakdown_under_record(case)
    store.close()
    assert later.line("L1_INTERRUPT").amount - before.line("L1_INTERRUPT").amount == \
        Decimal("18000.00")


def recalc_json(db: Path, *extra: str) -> list[dict]:
    proc = run_cli("recalc", "--project", "2", "--db", str(db), "--operator", "测试",
                   "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_recalc_lists_why_revision_3_changes_each_unsigned_case(opened):
    conn = sqlite3.connect(opened)   # E4-U's record as if signed under 5‰ (its L1 changes)
    conn.execute("UPDATE case_results SET exchange_interruption_rate = '0.005' WHERE case_id ="
                 " (SELECT id FROM cases WHERE case_no = 'E4-U')")
    conn.commit()
    conn.close()
    before = rows(opened)
    listed = {row["case_no"]: row for row in recalc_json(opened, "--dry-run")}
    assert rows(opened) == before
    assert {no for no, row in listed.items() if row["kept"]} == {"E4-P", "E4-S", "E4-M", "E4-V"}
    unsigned = listed["E4-U"]
    # at signing: moved on time, no overdue months; L1 at the printed 5% a month
    assert unsigned["reasons"] == [
        "读法「产权调换停产停业损失的月比例」已取消（此前：按每月5‰），停产停业损失按公报所印月比例计",
        "签约时按承诺按期搬迁计算（按期搬迁：否 → 是）",
        "签约时没有逾期交房（过渡逾期 2 → 0 个月）"]
    # example 4 at signing, not as a presign: 745000.00 + L1 108000.00 + L2 31000.00 + R5
    # 60000.00 + R7 30000.00 + R8 6400.00 + R9 16800.00
    assert unsigned["new_total"] == "997200.00" and unsigned["changed"]
    early = listed["E4-X"]     # a presign date, and the project has no presign period
    assert early["new_total"] is None
    assert any("预签期限" in reason for reason in early["reasons"])


def test_recalc_writes_them_audited_and_keeps_every_signed_record(opened):
    before = by_case_no(opened, "r.total_cents, r.contract_revision, " +
                        ", ".join(f"r.{b}" for b in BUCKETS))
    conn = sqlite3.connect(opened)
    last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.close()
    recalc_json(opened)
    after = by_case_no(opened, "r.total_cents, r.contract_revision, r.ok, " +
                       ", ".join(f"r.{key}" for key in READINGS))
    for case_no in ("E4-P", "E4-S", "E4-M", "E4-V"):
        assert after[case_no][:2] == before[case_no][:2]
    assert after["E4-U"] == (99720000, 3, 1, None, None, None)
    assert after["E4-X"][1:3] == (3, 0)        # cannot be computed until its date is put right
    store = open_store(opened, "测试")
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == "E4-U").one()
        assert case.moved_on_time is True and case.overdue_months == 0
        mine = session.query(AuditEntry).filter(AuditEntry.case_id == case.id,
                                                AuditEntry.id > last).all()
        assert {entry.action for entry in mine} == {"recompute"}
        fields = {entry.field: (entry.old, entry.new) for entry in mine}
        assert fields["moved_on_time"] == ("false", "true")
        assert fields["overdue_months"] == ("2", "0")
        assert fields["contract_revision"] == ("2", "3")
        assert fields["overdue"] == ("38800.00", "0.00")
        assert all("按新规则重算" in entry.reason for entry in mine)
        project = session.get(Project, 2)
        assert project.decision_guide_reward == "as_plan"
    store.close()


def test_documents_of_revision_2_records_name_their_own_readings(opened, tmp_path):
    """The agreement of E4-S (signed at 5‰) prints its record's figures — L1 at 5‰, 0.005 ×
    360000 × 8 = 14400.00 — and states no readings (issue 26: {读法说明} prints nothing); the
    ledger lists the retired readings the records used and still verifies."""
    import dataclasses
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from wulong_desk.exports.household_papers import build_pdf
    from wulong_desk.services.documents.exports import export_ledger
    from wulong_desk.services.documents.records import load_case
    from wulong_desk.services.documents.verify import verify_ledger

    store = open_store(opened, "测试")
    out = tmp_path / "台账.xlsx"
    export_ledger(store, 2, out, public=False, operator="测试")
    with store.read() as session:
        assert verify_ledger(session, out).matches
        signed = session.query(Case).filter(Case.case_no == "E4-S").one()
        project, entry = load_case(session, signed.id)
    store.close()
    # (its houses were stored without a location, which an agreement must name: issue 28)
    assert entry.exchange_houses and not any(h["location"] for h in entry.exchange_houses)
    located = dataclasses.replace(entry, exchange_houses=[
        {**house, "location": f"安置房{i}"} for i, house in enumerate(entry.exchange_houses, 1)])
    text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(
        build_pdf("exchange", project, located))).pages).split())
    assert "14,400.00" in text and "读法" not in text
    from ledger_helpers import params as params_of

    params = params_of(load_workbook(out))
    assert "按每月5‰ 4户" in params["已取消的读法 产权调换停产停业损失的月比例"]
    assert params["计算规则版本"].startswith("第2版")


def test_a_stored_line_the_record_does_not_reproduce_stays_owed_before_the_move():
    """services/cases/revision3.stored_schedule_cents on example 4's inputs (5%, two moves under the
    reading): a revision-1 style R9 over the agreed months only (16800.00) is all transition;
    an L1 no reading reproduces (12345.67) stays in before_move, as its agreement owed it at
    once; the buckets add up to the stored total whatever the lines."""
    from wulong_desk.rules.model import RetiredReadings
    from wulong_desk.services.cases.revision3 import stored_schedule_cents

    request = json.loads((Path(__file__).parent / "fixtures" / "example-4.json").read_text(
        encoding="utf-8"))
    readings = RetiredReadings(Decimal("0.05"), "signing_day", False)
    lines = {"L1_INTERRUPT": 14400000, "R9_TEMP": 1680000, "R7_ONTIME": 0, "R8_MOVE": 640000}
    schedule = stored_schedule_cents(request, readings, lines, 100000000)
    # L1 reproduced: 108000.00 agreed + 36000.00 overdue; R9 as agreed: 16800.00; the second
    # move 6400.00 − 3200.00 after the move
    assert schedule == {"transition": 10800000 + 1680000, "overdue": 3600000,
                        "after_move": 320000,
                        "before_move": 100000000 - 12480000 - 3600000 - 320000}
    odd = stored_schedule_cents(request, readings, lines | {"L1_INTERRUPT": 1234567}, 100000000)
    assert (odd["transition"], odd["overdue"]) == (1680000, 0)
    assert sum(odd.values()) == 100000000
    broken = dict(request, case=dict(request["case"], parts=[]))   # cannot be figured again
    assert stored_schedule_cents(broken, readings, lines, 100000000) == {
        "before_move": 100000000, "transition": 0, "after_move": 0, "overdue": 0}
