"""Automatic daily backups rotate; restore keeps a safety copy; backups are private files."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from wulong_desk.store import open_store
from wulong_desk.store.backups import auto_backup, list_backups


def test_auto_backup_is_daily_and_keeps_the_newest(tmp_path):
    db = tmp_path / "c.sqlite"
    open_store(db, "t", auto_backup=False).close()
    made = auto_backup(db, keep=3)
    assert made is not None
    assert auto_backup(db, keep=3) is None  # not again the same day
    for day in range(1, 6):
        newest = list_backups(db)[0]
        past = (datetime.now(UTC) - timedelta(days=day + 1)).timestamp()
        os.utime(newest, (past, past))
        assert auto_backup(db, keep=3) is not None
    autos = [p for p in list_backups(db) if "-auto-" in p.name]
    assert len(autos) == 3
    if os.name == "posix":
        assert all((p.stat().st_mode & 0o777) == 0o600 for p in autos)
