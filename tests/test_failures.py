"""What goes wrong on a real PC is said plainly, and no error shows personal data (issue 15,
findings 7 and 9)."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import OperationalError

from wulong_desk.failures import plain_message
from wulong_desk.services.exchange.survey import write_template

NAME, ID_NUMBER, PHONE, ADDRESS = "赵七", "11010519491231002X", "13900000007", "芙蓉路七号"


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WULONG_DESK_HOME": str(home), "WULONG_DESK_OPERATOR": "测试"}
    return subprocess.run([sys.executable, "-m", "wulong_desk", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=env)


def test_a_database_error_quoting_personal_data_is_redacted_on_the_command_line(tmp_path):
    # before: the last-resort handler printed the SQL parameters (name, ID number, phone)
    db = tmp_path / "w.sqlite"
    assert run_cli(tmp_path, "--db", str(db), "projects").returncode == 0
    from store_helpers import project_form

    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_store

    store = open_store(db, "测试")
    project_id = projects.create_project(store, project_form(1))
    store.close()
    con = sqlite3.connect(db)  # a fault that makes the insert fail with its values quoted
    con.execute("CREATE TRIGGER fault BEFORE INSERT ON persons BEGIN "
                "INSERT INTO no_such_table VALUES (NEW.name); END")
    con.commit()
    con.close()
    sheet = tmp_path / "s.xlsx"
    write_template(sheet)
    wb = load_workbook(sheet)
    wb["调查登记"].append(["FR-0007", NAME, ID_NUMBER, PHONE, "渝权007", ADDRESS, "货币补偿",
                         "住宅", 78.5, 68, 5200, 15000, 1, 1, 1])
    wb.save(sheet)
    proc = run_cli(tmp_path, "--db", str(db), "import-survey", str(sheet),
                   "--project", str(project_id))
    assert proc.returncode == 1
    assert "内部错误" in proc.stderr and "no_such_table" in proc.stderr
    for secret in (NAME, ID_NUMBER, PHONE, ADDRESS, "13900000007", "1101051949"):
        assert secret not in proc.stderr + proc.stdout


def _wrapped(orig: BaseException) -> OperationalError:
    return OperationalError("INSERT INTO persons (name) VALUES (?)", (NAME,), orig)


@pytest.mark.parametrize(("exc", "words"), [
    (OSError(errno.EROFS, "Read-only file system", "/mnt/u/w.sqlite"), "只读"),
    (PermissionError(errno.EACCES, "Permission denied", "/mnt/u/out.xlsx"), "只读"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
    (OSError(getattr(errno, "ESTALE", errno.ENOENT), "Stale file handle"), "网络驱动器已断开"),
    (_wrapped(sqlite3.OperationalError("database is locked")), "另一个程序"),
    (_wrapped(sqlite3.OperationalError("attempt to write a readonly database")), "只读"),
    (_wrapped(sqlite3.OperationalError("database or disk is full")), "磁盘已满"),
    (_wrapped(sqlite3.OperationalError("disk I/O error")), "磁盘或网络出错"),
])
def test_each_situation_is_one_plain_sentence_with_what_to_do(exc, words):
    message = plain_message(exc)
    assert message is not None and words in message
    assert "没有丢失" in message and "重试" in message
    assert NAME not in message and "INSERT" not in message


def test_an_unknown_error_is_not_dressed_up():
    assert plain_message(ValueError("x")) is None


def test_a_full_disk_while_saving_is_a_plain_message_and_nothing_is_lost(tmp_path):
    # before: 内部错误. SQLite's page limit stands in for the disk: the same SQLITE_FULL
    from sqlalchemy import event, func, select
    from store_helpers import case_form, project_form

    from wulong_desk.errors import UserError
    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_store
    from wulong_desk.store.models import Case

    store = open_store(tmp_path / "w.sqlite", "测试")
    project_id = projects.create_project(store, project_form(1))
    store.engine.dispose()
    event.listen(store.engine, "connect",
                 lambda conn, _record: conn.execute("PRAGMA max_page_count=1"))
    form = case_form(1, "FULL-1", remarks="备注" * 900)
    with pytest.raises(UserError, match="磁盘已满") as caught:
        for number in range(40):
            cases.save_case(store, project_id, {**form, "case_no": f"FULL-{number}",
                                                "title_no": f"T{number}"})
    assert "没有丢失" in str(caught.value)
    with store.read() as session:
        saved = session.scalar(select(func.count()).select_from(Case))
    store.close()
    assert saved < 40


def test_a_database_set_read_only_is_opened_read_only_and_left_as_it_is(tmp_path):
    # before: a 0400 database was silently made 0600
    import stat as stat_module

    from store_helpers import case_form, project_form

    from wulong_desk.errors import UserError
    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.cases.search import search_cases
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_store

    db = tmp_path / "w.sqlite"
    store = open_store(db, "测试")
    project_id = projects.create_project(store, project_form(1))
    cases.save_case(store, project_id, case_form(1, "R-1"))
    store.close()
    os.chmod(db, 0o400)
    store = open_store(db, "测试")
    try:
        assert store.read_only and "只读" in store.read_only and "不能保存" in store.read_only
        with store.read() as session:
            assert [r.case_no for r in search_cases(session, project_id)] == ["R-1"]
        with pytest.raises(UserError, match="只读") as caught:  # root may write; SQLite won't
            cases.save_case(store, project_id, case_form(1, "R-2"))
        assert "没有丢失" in str(caught.value)
    finally:
        store.close()
    assert stat_module.S_IMODE(db.stat().st_mode) == 0o400
    proc = run_cli(tmp_path, "--db", str(db), "projects")
    assert proc.returncode == 0 and "已以只读方式打开" in proc.stderr


def test_a_read_only_disk_is_not_called_damaged(tmp_path, monkeypatch):
    # before: a read-only mount was reported as 数据库文件已损坏 with advice to restore
    from store_helpers import project_form

    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import database, open_store

    db = tmp_path / "w.sqlite"
    store = open_store(db, "测试")
    projects.create_project(store, project_form(1))
    store.close()
    monkeypatch.setattr(database, "_read_only_folder", lambda folder: True)
    store = open_store(db, "测试")
    try:
        assert "磁盘或文件夹是只读的" in store.read_only
        assert "损坏" not in store.read_only
        assert len(projects.list_projects(store)) == 1
    finally:
        store.close()


def test_a_database_that_cannot_be_opened_is_not_called_damaged(tmp_path, monkeypatch):
    from wulong_desk.errors import UserError
    from wulong_desk.store import backup_check

    db = tmp_path / "w.sqlite"
    db.write_bytes(b"")
    real = sqlite3.connect

    def gone(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", gone)
    db.write_bytes(b"x")
    with pytest.raises(UserError) as caught:
        backup_check.check_file(db)
    monkeypatch.setattr(sqlite3, "connect", real)
    assert "网络驱动器已断开" in str(caught.value) and "损坏" not in str(caught.value)


def test_a_read_only_folder_needs_no_lock_to_be_read(tmp_path, monkeypatch):
    from wulong_desk import instance_lock

    db = tmp_path / "w.sqlite"
    db.write_bytes(b"")
    real_open = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    lock = instance_lock.acquire(db, instance_lock.COMMAND)
    lock.unlock()  # nothing held, nothing to let go
    db.unlink()
    with pytest.raises(Exception, match="无法建立锁文件"):
        instance_lock.acquire(db, instance_lock.COMMAND)  # a new database cannot be made there


def test_a_backup_onto_a_full_disk_says_so(tmp_path, monkeypatch):
    from wulong_desk.errors import UserError
    from wulong_desk.store import backups, open_store

    db = tmp_path / "w.sqlite"
    open_store(db, "测试").close()
    real = sqlite3.connect

    class Full:
        def __init__(self, conn):
            self.conn = conn

        def backup(self, target):
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            self.conn.close()

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: Full(real(*a, **k)))
    with pytest.raises(UserError, match="备份失败：磁盘已满") as caught:
        backups.backup(db, tmp_path / "b.sqlite")
    assert "没有丢失" in str(caught.value)
    assert not list(tmp_path.glob(".b.sqlite.*"))  # no half-written copy left
