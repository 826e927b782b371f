"""Backups with SQLite's online backup API: manual, automatic daily (rotating), before
migrations and before restores. Every file is written to a temporary name, then renamed."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wulong_desk.errors import EnvironmentFailure, UserError
from wulong_desk.failures import plain_message
from wulong_desk.fileio import check_output, private_file, replace_atomically, temp_beside
from wulong_desk.store.backup_check import check_file, restore_problem

AUTO_KEEP = 10
AUTO_EVERY = timedelta(days=1)


def backups_folder(db_path: Path) -> Path:
    """Backups live beside the database, in <name>-backups/."""
    return db_path.with_name(db_path.stem + "-backups")


def backups_dir(db_path: Path) -> Path:
    """The backup folder, created (readable by the owner only) if need be."""
    folder = backups_folder(db_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def copy_database(source: Path, target: Path) -> Path:
    """Copy a live SQLite database consistently (online backup API), atomically into target."""
    tmp = temp_beside(target)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            private_file(tmp)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        replace_atomically(tmp, target)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise EnvironmentFailure(f"备份失败：{_plain(exc)}") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EnvironmentFailure(f"无法写入备份文件 {target}：{_plain(exc)}") from exc
    return target


def _plain(exc: Exception) -> str:
    return plain_message(exc) or str(getattr(exc, "strerror", None) or exc)


def backup(db_path: Path, out: Path | None = None, kind: str = "manual") -> Path:
    if not db_path.exists():
        raise UserError(f"数据库不存在：{db_path}")
    if out is not None:   # a folder or a device (/dev/full) is refused as the exports are
        check_output(Path(out))
    target = out or backups_dir(db_path) / f"{db_path.stem}-{kind}-{_stamp()}.sqlite"
    return copy_database(db_path, target)


def list_backups(db_path: Path) -> list[Path]:
    """All backups of this database, newest first."""
    folder = backups_folder(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.sqlite"), key=lambda p: p.stat().st_mtime,
                  reverse=True)


def auto_backup(db_path: Path, keep: int = AUTO_KEEP, now: datetime | None = None) -> Path | None:
    """At most one automatic backup a day; keep the newest `keep` of them."""
    now = now or datetime.now(UTC)
    autos = [p for p in list_backups(db_path) if "-auto-" in p.name]
    if autos:
        newest = datetime.fromtimestamp(autos[0].stat().st_mtime, UTC)
        if now - newest < AUTO_EVERY:
            return None
    made = backup(db_path, kind="auto")
    autos = [made, *autos]
    for old in autos[keep:]:
        old.unlink(missing_ok=True)
    return made


def restore(db_path: Path, backup_file: Path) -> Path | None:
    """Put a backup in place of the database, keeping a safety copy of the current file first.
    Returns the safety copy (None when there was no current file). A file that is not a sound
    backup of this program's database (store/backup_check.py) is refused before anything is
    touched.

    The order makes a crash at any step harmless: until the final rename the current database
    is whole (its write-ahead log first folded into it, then removed); after it, the backup is
    in place with no old log beside it that SQLite could replay into it."""
    problem = restore_problem(backup_file)   # integrity, revision, exactly our own schema
    if problem:
        raise UserError(f"未恢复，当前数据库没有任何改动：备份文件不可用（{backup_file}）："
                        f"{problem}")
    for stale in db_path.parent.glob(f".{db_path.name}.*.tmp"):  # a crashed restore's copy
        stale.unlink(missing_ok=True)
    safety = None
    if db_path.exists():
        safety = backups_dir(db_path) / f"{db_path.stem}-before-restore-{_stamp()}.sqlite"
        if check_file(db_path) is None:
            copy_database(db_path, safety)
        else:  # a damaged file is kept byte for byte: never thrown away
            tmp = temp_beside(safety)
            private_file(tmp)
            with open(tmp, "wb") as handle:
                handle.write(db_path.read_bytes())
            replace_atomically(tmp, safety)
            log = Path(str(db_path) + "-wal")  # and its log, which may hold the latest work
            if log.exists():
                kept = safety.with_name(safety.name + "-wal")
                private_file(kept)
                with open(kept, "wb") as handle:
                    handle.write(log.read_bytes())
    incoming = temp_beside(db_path)
    copy_database(backup_file, incoming)  # complete and synced before anything is removed
    try:
        _fold_log(db_path)
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        replace_atomically(incoming, db_path)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    if os.name == "posix":
        os.chmod(db_path, 0o600)
    return safety


def _fold_log(db_path: Path) -> None:
    """Write the database's log into the file itself and empty it: the -wal removed next then
    holds nothing (a crash before the rename leaves the current database whole)."""
    if not Path(str(db_path) + "-wal").exists() or check_file(db_path) is not None:
        return
    conn = sqlite3.connect(db_path)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        raise EnvironmentFailure(f"无法恢复：当前数据库正被使用或无法写入（{exc}）") from exc
    finally:
        conn.close()
    if busy and busy[0]:
        raise EnvironmentFailure("无法恢复：当前数据库正被另一个程序使用，请关闭后重试")
