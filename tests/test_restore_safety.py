"""Restore (issue 15, finding 8): never under an open app, and a crash at any step leaves either
the current database whole or exactly the backup — never the backup with the old database's
log replayed into it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import case_form, project_form

from wulong_desk.instance_lock import acquire
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import backups, open_store


def dump(db: Path) -> list[str]:
    """The database's whole content as the app would see it (any -wal beside it applied), read
    from a copy: reading the file itself would fold the log in."""
    scratch = db.parent / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for suffix in ("", "-wal"):
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", scratch / f"d.sqlite{suffix}")
    conn = sqlite3.connect(scratch / "d.sqlite")
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # as the app opens it: a -wal beside is read
        return list(conn.iterdump())
    finally:
        conn.close()
        shutil.rmtree(scratch, ignore_errors=True)


LATER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA wal_autocheckpoint=0")
conn.execute("CREATE TABLE later (n INTEGER)")
for n in range(300):
    conn.execute("INSERT INTO later VALUES (?)", (n,))
os._exit(0)  # like a killed app: the 300 commits stay in the -wal file
"""

KILL_AT = """
import os, sqlite3, sys
from pathlib import Path
from wulong_desk.store import backups

limit, calls = int(sys.argv[3]), [0]

def step(function):
    def wrapped(*args, **kwargs):
        calls[0] += 1
        if calls[0] == limit:
            os._exit(137)  # killed: no cleanup, no finally
        return function(*args, **kwargs)
    return wrapped

for name in ("open", "replace", "rename", "unlink", "fsync", "chmod", "ftruncate"):
    setattr(os, name, step(getattr(os, name)))
sqlite3.connect = step(sqlite3.connect)
backups.restore(Path(sys.argv[1]), Path(sys.argv[2]))
print("restored")
"""


@pytest.fixture
def world(tmp_path):
    """A database with one household, its backup, then 300 later commits left in its log."""
    db = tmp_path / "base" / "w.sqlite"
    db.parent.mkdir()
    store = open_store(db, "测试", auto_backup=False)
    project_id = projects.create_project(store, project_form(1))
    cases.save_case(store, project_id, case_form(1, "R-1"))
    store.close()
    backup = backups.backup(db, tmp_path / "base" / "b.sqlite")
    conn = sqlite3.connect(db)  # work after the backup, folded into the file itself …
    conn.execute("CREATE TABLE middle (t TEXT)")
    conn.executemany("INSERT INTO middle VALUES (?)", [("x" * 500,)] * 40)
    conn.commit()
    conn.close()
    # … and then 300 commits still in the -wal file: an old log replayed into the restored
    # file would mix the two (pages of one over pages of the other)
    subprocess.run([sys.executable, "-c", LATER, str(db)], check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0
    return db, backup


def test_a_crash_at_every_step_of_a_restore_leaves_old_or_exactly_the_backup(tmp_path, world):
    db, backup = world
    expected, current = dump(backup), dump(db)
    assert any("later" in line for line in current) and expected != current
    for limit in range(1, 200):
        run = tmp_path / f"run-{limit}"
        shutil.copytree(db.parent, run)
        target = run / db.name
        proc = subprocess.run([sys.executable, "-c", KILL_AT, str(target),
                               str(run / backup.name), str(limit)],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode == 0:
            assert "restored" in proc.stdout
            assert dump(target) == expected
            break
        assert proc.returncode == 137, proc.stderr
        try:
            after = dump(target)
        except sqlite3.DatabaseError as exc:
            pytest.fail(f"killed at step {limit}: the database is damaged ({exc})")
        assert after in (current, expected), f"killed at step {limit}: a mixture"
        backups.restore(target, run / backup.name)  # trying again finishes the job
        assert dump(target) == expected, f"killed at step {limit}, then restored"
        assert not Path(f"{target}-wal").exists() or dump(target) == expected
        shutil.rmtree(run)
    else:
        pytest.fail("the restore never finished")
    assert limit > 5  # the kill really fell on many steps


def test_the_command_line_refuses_to_restore_under_an_open_app(tmp_path, world):
    # before: restore ran while the app was open; the app's next save was lost
    db, backup = world
    before = dump(db)
    held = acquire(db)  # as the app's window holds it
    try:
        proc = subprocess.run([sys.executable, "-m", "wulong_desk", "restore", "--db", str(db),
                               str(backup)], capture_output=True, text=True, timeout=60,
                              encoding="utf-8")
        listed = subprocess.run([sys.executable, "-m", "wulong_desk", "cases", "--db", str(db),
                                 "--project", "1"], capture_output=True, text=True, timeout=60,
                                encoding="utf-8")
    finally:
        held.unlock()
    assert proc.returncode == 1
    assert "已在另一个武隆征收补偿案卷系统窗口中打开" in proc.stderr
    assert "请先关闭那个窗口" in proc.stderr
    assert listed.returncode == 1 and "请先关闭那个窗口" in listed.stderr
    assert dump(db) == before
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "restore", "--db", str(db),
                           str(backup)], capture_output=True, text=True, timeout=60,
                          encoding="utf-8")
    assert proc.returncode == 0, proc.stderr  # once the app is closed


def test_the_copy_of_a_damaged_database_is_private(tmp_path, world):
    db, backup = world
    db.write_bytes(b"damaged" * 100)
    safety = backups.restore(db, backup)
    assert safety is not None and safety.read_bytes() == b"damaged" * 100
    assert stat.S_IMODE(os.stat(safety).st_mode) == 0o600  # before: 0644
    assert Path(f"{safety}-wal").exists()  # the log that may hold the latest work, kept too
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
