"""One app instance per database: a lock file beside it (QLockFile). A lock left behind by a
crashed instance is recognised as stale (its process is gone) and taken over."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

from wulong_desk.errors import UserError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def acquire(db_path: Path) -> QLockFile:
    """The held lock (keep it for the app's lifetime), or UserError naming who holds it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(lock_path(db_path)))
    lock.setStaleLockTime(0)  # never stale by age: an app may stay open for days
    if lock.tryLock(100):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        info = lock.getLockInfo()  # (pid, host, app) when the lock file could be read
        who = f"（进程 {info[0]}，计算机 {info[1]}）" if isinstance(info, tuple) and info else ""
        raise UserError(f"这个数据库已在另一个武隆征收补偿案卷系统窗口中打开{who}。"
                        "请切换到那个窗口；同一数据库同时只能由一个窗口使用。")
    raise UserError(f"无法建立锁文件 {lock_path(db_path)}（文件夹只读或没有权限）")
