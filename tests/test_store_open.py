"""Opening the database: fresh files at the latest revision, modes, WAL, integrity at open."""

from __future__ import annotations

import os
import sqlite3

import pytest

from wulong_desk.store import DamagedDatabaseError, open_store
from wulong_desk.store.backups import list_backups
from wulong_desk.store.database import NewerDatabaseError, default_db_path
from wulong_desk.store.migrate import head_revision


def test_new_database_is_at_head_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "cases.sqlite"
    open_store(path, "tester").close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    if os.name == "posix":
        assert (path.stat().st_mode & 0o777) == 0o600


def test_foreign_keys_are_enforced(tmp_path):
    store = open_store(tmp_path / "c.sqlite", "t")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_default_location_is_the_user_data_folder(isolated_home):
    store = open_store(None, "t")
    assert store.path == (isolated_home / "wulong-desk.sqlite").resolve()
    assert default_db_path() == isolated_home / "wulong-desk.sqlite"
    store.close()


def test_damaged_file_is_never_overwritten_and_the_newest_backup_is_offered(tmp_path):
    path = tmp_path / "c.sqlite"
    open_store(path, "t").close()
    open_store(path, "t").close()  # second open makes the daily automatic backup
    backups = list_backups(path)
    assert backups
    with open(path, "r+b") as handle:  # wreck the schema page's b-tree header
        handle.seek(100)
        handle.write(b"\xff" * 400)
    damaged = path.read_bytes()
    with pytest.raises(DamagedDatabaseError) as exc:
        open_store(path, "t")
    assert str(backups[0]) in str(exc.value)
    assert "restore" in str(exc.value)
    assert path.read_bytes() == damaged


def test_garbage_file_is_refused(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DamagedDatabaseError, match="没有找到备份文件"):
        open_store(path, "t")


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "c.sqlite"
    open_store(path, "t").close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerDatabaseError, match="更新版本"):
        open_store(path, "t")


class _Stop(Exception):
    pass


def test_a_savepoint_is_part_of_its_transaction(backend):
    """A savepoint (session.begin_nested) undoes only its own writes, and what a released one
    wrote is still undone with the transaction around it — on a SQLite file as on the office
    server (the sqlite3 module's own transaction handling would let a savepoint begun before
    any write commit on its own)."""
    from store_helpers import project_form

    from wulong_desk.services.projects import project as projects
    from wulong_desk.store.models import Project

    store = open_store(backend, "t")
    try:
        project_id = projects.create_project(store, project_form(name="原名"))
        with pytest.raises(_Stop), store.transaction() as session:
            with session.begin_nested():
                session.get(Project, project_id).name = "保存点里改的名"
            raise _Stop
        with store.transaction() as session:
            session.get(Project, project_id).department = "外层改的部门"
            with pytest.raises(_Stop), session.begin_nested():
                session.get(Project, project_id).name = "撤销的名"
                session.flush()
                raise _Stop
        with store.read() as session:
            project = session.get(Project, project_id)
            assert (project.name, project.department) == ("原名", "外层改的部门")
    finally:
        store.close()


def test_foreign_keys_are_on_again_after_a_migration(tmp_path):
    """Tables are rebuilt with foreign keys off (set outside the migration's transaction) and
    every connection has them on afterwards."""
    import shutil
    from pathlib import Path

    path = tmp_path / "old.sqlite"
    shutil.copy(Path(__file__).parent / "fixtures" / "contract1.sqlite", path)
    store = open_store(path, "t")
    try:
        with store.engine.connect() as first, store.engine.connect() as second:
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()
