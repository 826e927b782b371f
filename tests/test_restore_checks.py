"""Restore checks before it replaces (issue 25, item 3): a backup carrying a trigger of its own,
a database of a newer schema and an unrelated SQLite file are each refused with a Chinese
message, and the current database is untouched (no safety copy, no change)."""

from __future__ import annotations

import sqlite3

import pytest
from store_helpers import case_form, project_form
from test_cli_calc import run_cli
from test_restore_safety import dump

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import backups, open_store


@pytest.fixture
def current(tmp_path):
    db = tmp_path / "cases.sqlite"
    store = open_store(db, "内业", auto_backup=False)
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="A-001"))
    store.close()
    return db


def _copy(db, name):
    target = db.with_name(name)
    backups.backup(db, target)
    return target


def _with_trigger(db):
    """The issue's file: after a void, a total rises by 200,000.00 and the 作废 audit row goes."""
    hostile = _copy(db, "trigger.sqlite")
    with sqlite3.connect(hostile) as conn:
        conn.execute("CREATE TRIGGER after_void AFTER UPDATE OF status ON cases "
                      "WHEN NEW.status = 'void' BEGIN "
                      "UPDATE case_results SET total_cents = total_cents + 20000000 "
                      "WHERE case_id = NEW.id; "
                      "DELETE FROM audit_log WHERE action = 'void'; END")
    return hostile


def _newer(db):
    hostile = _copy(db, "newer.sqlite")
    with sqlite3.connect(hostile) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    return hostile


def _unrelated(db):
    hostile = db.with_name("unrelated.sqlite")
    with sqlite3.connect(hostile) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, taken TEXT)")
        conn.execute("INSERT INTO photos (taken) VALUES ('2023-05-01')")
    return hostile


def _with_view(db):
    hostile = _copy(db, "view.sqlite")
    with sqlite3.connect(hostile) as conn:
        conn.execute("CREATE VIEW everyone AS SELECT name, id_number FROM persons")
    return hostile


def _extra_index(db):
    hostile = _copy(db, "index.sqlite")
    with sqlite3.connect(hostile) as conn:
        conn.execute("CREATE INDEX mine ON persons (name)")
    return hostile


@pytest.mark.parametrize(("make", "says"), [
    (_with_trigger, "多出触发器「after_void」"),
    (_newer, "由更新版本的程序创建（结构版本 9999"),
    (_unrelated, "不是本程序的数据库"),
    (_with_view, "多出视图「everyone」"),
    (_extra_index, "多出索引「mine」"),
])
def test_a_hostile_backup_is_refused_and_nothing_changes(current, make, says):
    hostile = make(current)
    before = dump(current)
    kept = set(current.parent.rglob("*"))
    with pytest.raises(UserError, match="未恢复，当前数据库没有任何改动") as caught:
        backups.restore(current, hostile)
    assert says in str(caught.value)
    assert dump(current) == before
    assert set(current.parent.rglob("*")) == kept   # no safety copy, no temporary file


def test_the_command_line_says_why(current):
    hostile = _with_trigger(current)
    proc = run_cli("restore", "--db", str(current), str(hostile))
    assert proc.returncode == 2   # the backup file given is refused
    assert "触发器" in proc.stderr and "Traceback" not in proc.stderr


def test_a_sound_backup_of_an_older_revision_is_restored(current, tmp_path):
    """A backup made before an upgrade is this program's own: restored, then upgraded at
    the next open."""
    from sqlalchemy import create_engine

    from wulong_desk.store.migrate import upgrade

    old = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        upgrade(conn, "0007")
    engine.dispose()
    assert backups.restore(current, old) is not None
    open_store(current, "内业").close()


def test_the_app_s_own_backup_is_restored(current):
    backup = _copy(current, "good.sqlite")
    assert backups.restore(current, backup) is not None
    assert dump(current) == dump(backup)
