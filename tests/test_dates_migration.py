"""Migration 0013 (dates as dates, issue 30 item 4) on a database at revision 0012, on a local
file and on the office server: every date reads back as the same day, every stored figure
unchanged, and the app works on it. On the server the date columns become DATE (a text that
is not a day stops the migration, naming it, and nothing changes); on SQLite the file's tables
stay exactly as revision 0012 made them (so an old backup is still accepted)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import Date, create_engine, select, text
from test_decision_path import DECISION, decided_project, reviewed
from test_money_over_time import TODAY, _hand_over, account, signed

from wulong_desk.errors import EnvironmentFailure
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import payments
from wulong_desk.services.procedure.case_decisions import decide_case, record_appeal
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.store import open_store
from wulong_desk.store.backup_check import restore_problem
from wulong_desk.store.backups import list_backups
from wulong_desk.store.migrate import alembic_config, current_revision, head_revision
from wulong_desk.store.models import Base, Case, CaseEvent
from wulong_desk.store.server import init_server, make_engine

pytestmark = pytest.mark.consistency   # the stored figures and days before and after

BEFORE_0013 = "0012"


def _engine(backend):
    return (make_engine(backend) if isinstance(backend, str)
            else create_engine(f"sqlite:///{backend}"))


def _to_0012(backend) -> None:
    """Take the database back to revision 0012 (Alembic's own downgrade of 0013: on the
    server the columns become VARCHAR(10) text again, on SQLite nothing changes)."""
    engine = _engine(backend)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), BEFORE_0013)
    engine.dispose()


def _sql(backend, *statements: str) -> list[list[tuple]]:
    """Run statements as the owner, in one transaction; the rows of each SELECT."""
    engine = _engine(backend)
    results = []
    with engine.begin() as conn:
        for statement in statements:
            found = conn.execute(text(statement))
            results.append([tuple(row) for row in found] if found.returns_rows else [])
    engine.dispose()
    return results


def _revision(backend) -> str | None:
    engine = _engine(backend)
    with engine.connect() as conn:
        revision = current_revision(conn)
    engine.dispose()
    return revision


def _server_types(url: str) -> dict[tuple[str, str], str]:
    """The server's type of every column the models say is a Date."""
    wanted = {(table.name, column.name) for table in Base.metadata.tables.values()
              for column in table.columns if isinstance(column.type, Date)}
    [rows] = _sql(url, "SELECT table_name, column_name, data_type FROM information_schema."
                       "columns WHERE table_schema = current_schema()")
    return {(t, c): kind for t, c, kind in rows if (t, c) in wanted}


def _days(store) -> dict[tuple[str, int, str], date | None]:
    """Every date of every row, by table, row and column."""
    out = {}
    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, Date)]
            if columns:
                for row_id, *values in session.execute(select(table.c.id, *columns)):
                    out.update({(table.name, row_id, column.name): value
                                for column, value in zip(columns, values, strict=True)})
    return out


def _figures(store) -> dict[str, dict[str, int]]:
    with store.read() as session:
        return {c.case_no: cases.stored_figures(c.result)
                for c in session.execute(select(Case)).scalars()}


def _office(store) -> dict[str, int]:
    """Example 2 signed, moved on time on 2023-07-05, paid, its house handed over on
    2025-01-10, and a second household of it signed, not yet moved; example 1 settled by a
    补偿决定 (2023-09-15, move by 2023-10-31), a 复议 filed."""
    project_id, moved = signed(store, 2)
    _project, waiting = signed(store, 2, "A-002", project_id=project_id)
    cases.set_status(store, moved, "moved", moved_on=date(2023, 7, 5))
    payments.record_payment(store, moved, Decimal("233004.00"), date(2023, 7, 6), "付-1",
                            today=TODAY)
    _hand_over(store, moved, date(2025, 1, 10))
    set_case_date(store, moved, "report_served", date(2023, 6, 20))
    decided = reviewed(store, decided_project(store), "D-1")
    decide_case(store, decided, DECISION, today=date(2023, 9, 21))
    record_appeal(store, decided, "review_filed", date(2023, 9, 25), today=TODAY)
    return {"moved": moved, "waiting": waiting, "decided": decided}


def _schema(path) -> list[tuple]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        raw.close()


def test_migration_0013_reads_every_day_back_and_keeps_every_figure(backend):
    store = open_store(backend, "经办甲")
    ids = _office(store)
    days, figures = _days(store), _figures(store)
    owed_before = account(store, ids["moved"])
    store.close()
    # some of the dates entered, as the app reads them (every one is compared below)
    assert (days[("cases", ids["moved"], "moved_on")], days[("payments", 1, "paid_on")],
            days[("housing_stock", 1, "handed_over_on")]) == (
        date(2023, 7, 5), date(2023, 7, 6), date(2025, 1, 10))
    assert sum(day is not None for day in days.values()) >= 20

    _to_0012(backend)
    assert _revision(backend) == BEFORE_0013
    if isinstance(backend, str):
        assert set(_server_types(backend).values()) == {"character varying"}
        # a day left empty where a date may be empty (the app never wrote one: it reads as none)
        _sql(backend, "UPDATE housing_stock SET notice_on = ''",
             # the move-by date as revision 0012's `server init` left it: text
             "CREATE FUNCTION wulong_move_deadline(p_case integer) RETURNS text LANGUAGE sql "
             "STABLE AS $f$ SELECT p.move_deadline FROM cases c JOIN projects p "
             "ON p.id = c.project_id WHERE c.id = p_case $f$")
        days[("housing_stock", 1, "notice_on")] = None
        init_server(backend)   # `server init` migrates, then sets up the events again
    else:
        at_0012 = _schema(backend)
        copy = backend.with_name("copy.sqlite")
        shutil.copyfile(backend, copy)
        engine = _engine(copy)
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0013")
        engine.dispose()
        assert _schema(copy) == at_0012           # 0013 changes nothing on disk
        open_store(backend, "经办甲").close()   # migrated, after a backup
        [backup] = [p for p in list_backups(backend) if f"pre-migrate-{BEFORE_0013}" in p.name]
        assert restore_problem(backup) is None   # a backup made before 0013 is accepted
    assert _revision(backend) == head_revision()
    if isinstance(backend, str):
        types = _server_types(backend)
        assert len(types) >= 30 and set(types.values()) == {"date"}
        assert _sql(backend, "SELECT prorettype::regtype::text FROM pg_proc "
                             "WHERE proname = 'wulong_move_deadline'") == [[("date",)]]

    store = open_store(backend, "经办甲")
    try:
        assert _days(store) == days
        assert _figures(store) == figures
        # the app works on it: what is owed, a receipt, an appeal closed, a save
        mine = account(store, ids["moved"])
        assert (mine.due_now, mine.recover, mine.paid) == (
            owed_before.due_now, owed_before.recover, owed_before.paid)
        done = payments.record_payment(store, ids["moved"], mine.recover, date(2025, 1, 20),
                                       "收-1", today=TODAY)
        assert done.recover == 0 and done.payments[-1].paid_on == date(2025, 1, 20)
        record_appeal(store, ids["decided"], "review_closed", date(2023, 11, 2), today=TODAY)
        # a move after the project's 搬迁期限 (2023-12-31): late
        cases.set_status(store, ids["waiting"], "moved", moved_on=date(2024, 1, 5))
        with store.read() as session:
            decision = session.get(Case, ids["decided"]).decisions[-1]
            assert (decision.made_on, decision.move_by, decision.review_filed_on,
                    decision.review_closed_on) == (date(2023, 9, 15), date(2023, 10, 31),
                                                   date(2023, 9, 25), date(2023, 11, 2))
            moved = session.get(Case, ids["moved"])
            assert moved.moved_on == date(2023, 7, 5) and moved.locked
            [event] = session.execute(select(CaseEvent).where(
                CaseEvent.case_id == ids["waiting"])).scalars()
            assert (event.kind, event.on_date, event.late) == ("move", date(2024, 1, 5), True)
            assert session.get(Case, ids["waiting"]).moved_on == date(2024, 1, 5)
    finally:
        store.close()


def test_a_server_date_that_is_not_a_day_stops_the_migration_and_changes_nothing(pg_url):
    store = open_store(pg_url, "经办甲")
    project_id, case_id = signed(store, 2)
    cases.set_status(store, case_id, "moved", moved_on=date(2023, 7, 5))
    payments.record_payment(store, case_id, Decimal("1.00"), date(2023, 7, 6), "付-1",
                            today=TODAY)
    store.close()
    _to_0012(pg_url)
    _sql(pg_url, "UPDATE payments SET paid_on = '2023-02-30'",
         f"UPDATE cases SET moved_on = '2023/7/5' WHERE id = {case_id}",
         f"UPDATE projects SET announced_on = '' WHERE id = {project_id}")

    with pytest.raises(EnvironmentFailure) as refused:
        init_server(pg_url)
    told = str(refused.value)
    assert "服务器数据库中有无法识别的日期" in told and "数据库没有任何改动" in told
    assert "payments.paid_on 第 1 行为「2023-02-30」" in told
    assert f"cases.moved_on 第 {case_id} 行为「2023/7/5」" in told
    assert f"projects.announced_on 第 {project_id} 行为「」（必须填写日期）" in told
    # nothing changed: still revision 0012, text columns, the values as they were
    assert _revision(pg_url) == BEFORE_0013
    assert set(_server_types(pg_url).values()) == {"character varying"}
    [[(paid_on,)]] = _sql(pg_url, "SELECT paid_on FROM payments")
    assert paid_on == "2023-02-30"

    _sql(pg_url, "UPDATE payments SET paid_on = '2023-07-06'",
         f"UPDATE cases SET moved_on = '2023-07-05' WHERE id = {case_id}",
         f"UPDATE projects SET announced_on = '2023-06-01' WHERE id = {project_id}")
    init_server(pg_url)
    assert _revision(pg_url) == head_revision()
    store = open_store(pg_url, "经办甲")
    try:
        with store.read() as session:
            case = session.get(Case, case_id)
            assert (case.moved_on, case.project.announced_on) == (date(2023, 7, 5),
                                                                  date(2023, 6, 1))
    finally:
        store.close()
