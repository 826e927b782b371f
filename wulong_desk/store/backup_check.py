"""What a file must be before it may replace the case database (`backups.restore`): a sound
SQLite file (integrity check), made by this program (its schema revision is one this program
knows: never newer), and holding exactly this program's own tables, columns and indexes at that
revision — no trigger, no view, no table or index of its own. A trigger in a backup would act on
every later change (a void that raises a total and deletes its own audit row); a newer schema
would leave the program unable to open its database; an unrelated SQLite file would open as an
empty one. Each is refused with a sentence saying why; nothing is changed then.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine

from wulong_desk.errors import EnvironmentFailure
from wulong_desk.failures import plain_message
from wulong_desk.store import migrate

Schema = tuple[frozenset[tuple[str, str, str]], dict[str, tuple[tuple[str, str, int, int], ...]]]

_OBJECT_WORDS = {"table": "表", "index": "索引", "trigger": "触发器", "view": "视图"}


def _schema(conn: sqlite3.Connection) -> Schema:
    """The file's own objects (SQLite's internal sqlite_* ones aside: nobody may create those)
    and each table's columns (name, declared type, not null, primary key)."""
    rows = conn.execute("SELECT type, name, tbl_name FROM sqlite_master "
                        "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
    objects = frozenset((str(t), str(n), str(tbl)) for t, n, tbl in rows)
    columns = {}
    for kind, name, _ in sorted(objects):
        if kind == "table":
            info = conn.execute("SELECT name, upper(type), \"notnull\", pk FROM "
                                "pragma_table_info(?)", (name,)).fetchall()
            columns[name] = tuple((str(a), str(b), int(c), int(d)) for a, b, c, d in info)
    return objects, columns


@cache
def reference(revision: str) -> Schema:
    """This program's schema at a revision: an empty database migrated to it, in memory."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn, revision)
            driver = conn.connection.driver_connection
            assert driver is not None
            return _schema(driver)
    finally:
        engine.dispose()


def check_file(path: Path, *, immutable: bool = False) -> str | None:
    """None when the file is a sound SQLite database, else what is wrong (in Chinese). A file
    that cannot be opened (locked, unreadable, a drive gone) is not called damaged: that is a
    UserError saying what happened. immutable: the file is on a read-only disk."""
    if not path.exists():
        return "文件不存在"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro" + ("&immutable=1" if immutable else ""),
                               uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        plain = plain_message(exc)
        if plain is not None:
            raise EnvironmentFailure(f"无法打开数据库 {path}：{plain}") from exc
        return f"不是有效的数据库文件（{exc}）"
    except sqlite3.DatabaseError as exc:
        return f"不是有效的数据库文件（{exc}）"
    if rows != [("ok",)]:
        return "完整性检查未通过：" + "；".join(str(r[0]) for r in rows[:5])
    return None


def restore_problem(path: Path) -> str | None:
    """None when the file may replace the database, else why not, in Chinese."""
    problem = check_file(path)
    if problem:
        return problem
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            has_version = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                       "name = 'alembic_version'").fetchone()
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone()
                        if has_version else None)
            found = _schema(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"无法读取其中的结构（{exc}）"
    if revision is None or not isinstance(revision[0], str):
        return "这不是本程序的数据库（其中没有本程序的结构版本记录）"
    if revision[0] not in migrate.known_revisions():
        return (f"它由更新版本的程序创建（结构版本 {revision[0]}，本程序最高是 "
                f"{migrate.head_revision()}），本程序无法使用；请先升级本程序")
    expected = reference(revision[0])
    if found == expected:
        return None
    extra = sorted(found[0] - expected[0])
    missing = sorted(expected[0] - found[0])
    told = [f"多出{_OBJECT_WORDS.get(kind, kind)}「{name}」" for kind, name, _ in extra[:5]]
    told += [f"缺少{_OBJECT_WORDS.get(kind, kind)}「{name}」" for kind, name, _ in missing[:5]]
    if not told:
        changed = sorted(name for name in expected[1]
                         if found[1].get(name) != expected[1][name])
        told = [f"表「{name}」的列与本程序的不同" for name in changed[:5]]
    return "它的结构与本程序的不一致（" + "；".join(told) + "），可能被改动过"
