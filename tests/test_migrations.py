"""An old database (made at the first revision) is upgraded when opened, after a backup."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.cases.maintenance import compute_missing
from wulong_desk.services.cases.search import search_cases
from wulong_desk.store import open_store
from wulong_desk.store.backups import list_backups
from wulong_desk.store.migrate import head_revision, migrations_dir
from wulong_desk.store.models import Case

FIXTURE = Path(__file__).parent / "fixtures" / "rev0001.sqlite"
REV0002_ROWS = Path(__file__).parent / "fixtures" / "rev0002_rows.sql"


def _insert_rev0002_rows(conn) -> None:
    """The fixture's rows (a project and its cases as revision 0002 stored them)."""
    from sqlalchemy import text

    for statement in REV0002_ROWS.read_text(encoding="utf-8").split(";\n"):
        if statement.strip():
            conn.execute(text(statement))


def test_first_revision_database_is_upgraded_after_a_backup(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, path)
    store = open_store(path, "tester")
    backups = [p for p in list_backups(path) if "pre-migrate-0001" in p.name]
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    old.close()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == \
            head_revision()
    with store.read() as session:
        # the new search column was filled for the old case
        rows = search_cases(session, 1, "王老五")
        assert [r.case_no for r in rows] == ["OLD-001"]
        assert search_cases(session, 1, "0000001号")[0].case_no == "OLD-001"
    assert compute_missing(store) == 1
    with store.read() as session:
        case = session.get(Case, 1)
        record = stored_breakdown(case)
        assert record["totals"]["total"] == "235004.00"   # the old inputs are example 2
        assert record["settlement"]["net_payable"] == "-23746.00"
        assert case.exchange_houses[0].location == "安置小区1栋101"
    store.close()
    # opening again does not migrate or back up again
    before = len(list_backups(path))
    open_store(path, "tester").close()
    assert len([p for p in list_backups(path) if "pre-migrate" in p.name]) == 1
    assert len(list_backups(path)) == before


def test_migrations_are_found_by_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing depends on the working directory
    assert migrations_dir().is_absolute()
    assert (migrations_dir() / "env.py").exists()
    open_store(tmp_path / "x.sqlite", "t").close()


def test_results_move_to_their_own_table_in_revision_3(tmp_path):
    """A database at revision 0002 with a stored breakdown keeps it, byte for byte."""
    from sqlalchemy import create_engine

    from wulong_desk.store.migrate import upgrade

    path = tmp_path / "r2.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        upgrade(conn, "0002")
        _insert_rev0002_rows(conn)
    engine.dispose()
    store = open_store(path, "t")
    with store.read() as session:
        case = session.get(Case, 1)
        assert case.result.breakdown_json == '{"totals": {"total": "1.00"}}'
        assert case.result.problems_json == "[]"
        assert case.result.total_cents == 100
    store.close()


def test_revision_4_adds_the_lifecycle_columns_and_keeps_every_figure(tmp_path):
    """A database at 0003 with a signed case: nothing of its record changes; the case gets
    version 1, and its last exchanged hash becomes the start of its version trail."""
    from sqlalchemy import create_engine, text

    from wulong_desk.store.migrate import upgrade

    path = tmp_path / "r3.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        upgrade(conn, "0002")
        _insert_rev0002_rows(conn)
        upgrade(conn, "0003")
        conn.execute(text("UPDATE cases SET status = 'signed', exchanged_hash = 'abc'"))
        before = [conn.execute(text(f"SELECT * FROM {t}")).all()
                  for t in ("case_results", "case_records")]
    engine.dispose()
    store = open_store(path, "t")
    with store.engine.connect() as conn:
        after = [conn.execute(text(f"SELECT * FROM {t}")).all()
                 for t in ("case_results", "case_records")]
    # later revisions add columns at the end (0007: v_unreg 0, contract_revision 1)
    assert [[tuple(row)[:len(rows[0])] for row in table] for table, rows in
            zip(after, before, strict=True)] == before
    with store.read() as session:
        case = session.get(Case, 1)
        assert case.version == 1 and case.version_trail == '["abc"]'
        assert case.moved_on is None and case.void_reason is None and case.locked
    store.close()


def test_a_revision_table_that_cannot_be_read_is_an_error_not_an_empty_database(tmp_path):
    """Only a database without the revision table is new; any other failure to read the
    revision (here a table of the wrong shape) is raised, never taken for "no schema yet"."""
    import pytest
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from wulong_desk.store.migrate import current_revision

    engine = create_engine(f"sqlite:///{tmp_path / 'odd.sqlite'}")
    with engine.connect() as conn:
        assert current_revision(conn) is None
        conn.exec_driver_sql("CREATE TABLE alembic_version (something_else TEXT)")
        with pytest.raises(OperationalError):
            current_revision(conn)
    engine.dispose()


def test_revision_14_drops_the_unused_exchanged_hash_and_its_downgrade_puts_it_back(tmp_path):
    """The column nothing reads since 0009 goes; figures stay; a downgrade gives back exactly
    revision 0013's schema (what store/backup_check.py holds an old backup to)."""
    from alembic import command
    from sqlalchemy import create_engine

    from wulong_desk.services.cases import changes
    from wulong_desk.services.projects import examples
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store.backup_check import _schema, reference
    from wulong_desk.store.migrate import alembic_config

    db = tmp_path / "w.sqlite"
    store = open_store(db, "x")
    project_id = projects.create_project(store, examples.project_form(examples.example(2), 2))
    case_id = changes.save_case(store, project_id,
                                examples.case_form(examples.example(2))).case_id
    with store.read() as session:
        total = session.get(Case, case_id).result.total_cents
    store.close()
    columns = [row[1] for row in sqlite3.connect(db).execute("PRAGMA table_info(cases)")]
    assert "exchanged_hash" not in columns and "version_id" in columns
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0013")
    engine.dispose()
    raw = sqlite3.connect(db)
    assert _schema(raw) == reference("0013")
    assert raw.execute("SELECT total_cents FROM case_results WHERE case_id = ?",
                       (case_id,)).fetchone() == (total,)
    raw.close()
