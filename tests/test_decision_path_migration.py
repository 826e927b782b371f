"""Migration 0012 (the decision path) on a database at revision 0010: every stored figure of a
signed case unchanged; a project in use marked decided (not 旧城区改建, or its decision day known,
or a signed case), the others planned; a presign converted before the revision dated from the
later of its project's decision day and its report's service."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

from sqlalchemy import create_engine, select
from store_helpers import case_form, project_form, walk_to
from test_decision_path import old_town, presign

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.procedure.appraisal import stage_values_in_session
from wulong_desk.services.procedure.conversion import convert_presigns
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.procedure.project_decision import decide_project
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.backups import list_backups
from wulong_desk.store.migrate import alembic_config, current_revision, head_revision
from wulong_desk.store.models import Case, Project


def _at_revision_0011(path) -> None:
    """Take the database back to revision 0011 (Alembic's own downgrade: the decision path's
    columns and tables dropped, every other row as it was)."""
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        driver.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            command.downgrade(alembic_config(conn), "0011")
    engine.dispose()


def test_migration_0012_keeps_every_figure_and_marks_the_projects(tmp_path):
    path = tmp_path / "cases.sqlite"
    store = open_store(path, "甲")
    town = old_town(store, 2)
    waiting, converted = presign(store, town, "P-1"), presign(store, town, "P-2")
    decide_project(store, town, date(2023, 9, 1), date(2023, 9, 5), "武隆府征〔2023〕4号",
                   today=date(2023, 9, 6))
    with store.transaction() as session:
        stage_values_in_session(session, session.get(Case, converted), {
            0: (Decimal("5000"), Decimal("10000")), 1: (Decimal("9000"), Decimal("20000")),
            2: (Decimal("2000"), Decimal("1000"))})
    set_case_date(store, converted, "report_served", date(2023, 9, 20))
    convert_presigns(store, town, converted)
    plain = projects.create_project(store, project_form(1, name="另一个项目"))
    signed = cases.save_case(store, plain, case_form(1, case_no="S-1")).case_id
    walk_to(store, signed, "signed")
    planned = old_town(store, 5)
    presign(store, planned, "Q-1")
    with store.read() as session:
        before = {c.case_no: cases.stored_figures(c.result)
                  for c in session.execute(select(Case)).scalars()}
    store.close()

    _at_revision_0011(path)
    with create_engine(f"sqlite:///{path}").connect() as conn:
        assert current_revision(conn) == "0011"
    raw = sqlite3.connect(path)
    assert "converted_on" not in [r[1] for r in raw.execute("PRAGMA table_info(cases)")]
    raw.close()

    store = open_store(path, "甲")   # migrated, after a backup
    try:
        assert [p for p in list_backups(path) if "pre-migrate-0011" in p.name]
        with store.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
        with store.read() as session:
            after = {c.case_no: cases.stored_figures(c.result)
                     for c in session.execute(select(Case)).scalars()}
            assert after == before
            assert session.get(Project, town).decision_state == "decided"
            assert session.get(Project, plain).decision_state == "decided"
            assert session.get(Project, planned).decision_state == "planned"
            # the later of the decision (2023-09-01) and the service (2023-09-20)
            assert session.get(Case, converted).converted_on == date(2023, 9, 20)
            assert session.get(Case, waiting).converted_on is None
            assert session.get(Case, waiting).status == "presigned"
            assert all(p.formal_unit_price is None for p in session.get(Case, waiting).parts)
    finally:
        store.close()
