"""One user of a database at a time: the app's window and the command line alike take a lock
file beside the database (<name>.lock) for as long as they use it.

The lock is the operating system's (flock on Linux and macOS, a locked byte on Windows), so it
goes with the process: a lock left by a crashed instance is free again at once, with nothing to
judge stale. The file says who holds it (process, computer, window or command) for the message
the next one sees.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from wulong_desk.errors import EnvironmentFailure

WINDOW = "窗口"
COMMAND = "命令"
_INFO_AT = 16  # Windows: the holder's details are written past the locked byte


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class InstanceLock:
    """A held lock; `unlock()` lets it go (closing the process does too)."""

    def __init__(self, path: Path, fd: int | None):
        self.path = path
        self._fd: int | None = fd

    def unlock(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if os.name == "nt":  # pragma: no cover - Windows only
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":  # pragma: no cover - Windows only
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _holder(path: Path) -> tuple[str, str]:
    """(who, kind) from the lock file: '（进程 …，计算机 …）' and 窗口 or 命令."""
    try:
        with open(path, "rb") as handle:
            if os.name == "nt":  # pragma: no cover - Windows only
                handle.seek(_INFO_AT)
            lines = handle.read(512).decode("utf-8", "replace").split("\n")
    except OSError:
        return "", WINDOW
    if len(lines) >= 3 and lines[0].strip().isdigit():
        return f"（进程 {lines[0].strip()}，计算机 {lines[1].strip()}）", lines[2].strip()
    return "", WINDOW


def acquire(db_path: Path, kind: str = WINDOW) -> InstanceLock:
    """The held lock (keep it while the database is in use), or UserError naming who holds
    it. kind says who asks: the app's window, or a command."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and db_path.exists():
            # a read-only folder: nobody can change the database there, so there is nothing
            # to keep apart; it is opened read-only (with a notice) without a lock
            return InstanceLock(path, None)
        raise EnvironmentFailure(f"无法建立锁文件 {path}（文件夹只读或没有权限）") from exc
    if not _try_lock(fd):
        os.close(fd)
        who, holder = _holder(path)
        if holder == COMMAND:
            said = f"这个数据库正被另一个武隆征收补偿案卷系统命令使用{who}。"
        else:
            said = f"这个数据库已在另一个武隆征收补偿案卷系统窗口中打开{who}。"
        if kind == WINDOW:
            raise EnvironmentFailure(said + "请切换到那个窗口（或等命令结束）；同一数据库同时"
                                     "只能由一个窗口使用。")
        raise EnvironmentFailure(said + "请先关闭那个窗口（或等那个命令结束）再运行这个命令："
                                 "数据库在别处打开时，命令行不能改动或恢复它。")
    try:
        info = f"{os.getpid()}\n{socket.gethostname()}\n{kind}\n".encode()
        if os.name == "nt":  # pragma: no cover - Windows only
            os.lseek(fd, _INFO_AT, os.SEEK_SET)
        else:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, info)
    except OSError:
        pass  # the details are for the message only; the lock itself is held
    return InstanceLock(path, fd)
