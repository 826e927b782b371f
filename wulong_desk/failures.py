"""What goes wrong on a real PC, said plainly: a read-only folder or file, a full disk, a
database another program holds, a network drive that went away. Each becomes one Chinese
sentence saying what happened and what to do — and that nothing already saved was lost
(every change is one transaction, every file is written to a temporary name first).

`plain_message(exc)` finds such a cause anywhere in an exception's chain (SQLAlchemy wraps the
driver's error; our own UserErrors keep the OSError as their cause) and never quotes personal
data: only the file's path is named, never an SQL statement or its values. The office server
gone away (ServerUnreachableError, said by store.server.connect_message) is one of them.
"""

from __future__ import annotations

import errno
import sqlite3

from wulong_desk.errors import ServerUnreachableError

NOTHING_LOST = "已保存的数据没有丢失，本次操作未完成。"

READ_ONLY = ("文件或文件夹是只读的（或没有写入权限）{where}。请换一个可以写入的位置，"
             "或请管理员开放写入权限后重试。")
DISK_FULL = "磁盘已满{where}。请删除不需要的文件、清出空间（或换一个有空间的位置）后重试。"
LOCKED = ("数据库正被另一个程序使用{where}（等待后仍未释放）。请关闭其他打开这个数据库的程序"
          "（如数据库查看工具、同步或备份软件、另一台电脑上的本系统）后重试。")
GONE = ("找不到文件或网络驱动器已断开{where}。请检查网络连接、重新连接网络驱动器（或插回 U 盘）"
        "后重试。")
IO_ERROR = "读写文件时磁盘或网络出错{where}。请检查磁盘和网络连接后重试。"
IS_FOLDER = "给出的是一个文件夹，不是文件{where}。请写上文件名后重试。"

_ERRNO = {
    errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY, errno.EPERM: READ_ONLY,
    errno.ENOSPC: DISK_FULL, getattr(errno, "EDQUOT", errno.ENOSPC): DISK_FULL,
    errno.ENOENT: GONE, getattr(errno, "ESTALE", errno.ENOENT): GONE,
    getattr(errno, "ENOTCONN", errno.ENOENT): GONE, getattr(errno, "EHOSTDOWN", errno.ENOENT): GONE,
    getattr(errno, "ENETDOWN", errno.ENOENT): GONE,
    getattr(errno, "ENETUNREACH", errno.ENOENT): GONE, errno.EIO: IO_ERROR,
    errno.EISDIR: IS_FOLDER,
}
# Windows: ERROR_WRITE_PROTECT, ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL, ERROR_NETNAME_DELETED,
# ERROR_BAD_NETPATH, ERROR_UNEXP_NET_ERR, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
_WINERROR = {19: READ_ONLY, 112: DISK_FULL, 39: DISK_FULL, 64: GONE, 53: GONE, 59: GONE,
             32: LOCKED, 33: LOCKED}
# SQLite's own words for the same situations
_SQLITE = (
    ("readonly", READ_ONLY), ("read-only", READ_ONLY),
    ("database or disk is full", DISK_FULL), ("disk is full", DISK_FULL),
    ("database is locked", LOCKED), ("database table is locked", LOCKED),
    ("unable to open database file", GONE), ("disk i/o error", IO_ERROR),
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen) or len(seen) > 20:
            continue
        seen.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return seen


def plain_message(exc: BaseException) -> str | None:
    """The plain sentence for a known situation anywhere in exc's chain, else None."""
    for link in _chain(exc):
        template = None
        where = ""
        if isinstance(link, ServerUnreachableError):
            return str(link)   # (says itself that nothing was changed)
        if isinstance(link, OSError):
            template = _WINERROR.get(getattr(link, "winerror", None) or 0) or _ERRNO.get(
                link.errno or 0)
            if link.filename:
                where = f"（{link.filename}）"
        elif isinstance(link, sqlite3.Error):
            text = str(link).lower()
            template = next((t for words, t in _SQLITE if words in text), None)
        if template is not None:
            return template.format(where=where) + NOTHING_LOST
    return None
