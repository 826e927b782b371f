"""Opening the case database: where it lives, integrity at open, migrations after a backup,
WAL mode, foreign keys, private file modes, and one session factory with the audit attached."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from wulong_desk.errors import EnvironmentFailure, ServerUnreachableError, UserError
from wulong_desk.failures import plain_message
from wulong_desk.fileio import private_file
from wulong_desk.logs import log
from wulong_desk.paths import default_db_path
from wulong_desk.store import audit, backup_check, backups, migrate
from wulong_desk.store.server_errors import ROLE_LABELS, ForbiddenError, server_error


class DamagedDatabaseError(EnvironmentFailure):
    """The file failed its integrity check. Never overwritten; the newest backup is offered."""

    def __init__(self, path: Path, problem: str, candidates: list[Path]):
        self.path = path
        self.problem = problem
        self.backups = candidates
        offer = (f"最新的备份是 {candidates[0]}，可用 wulong-desk restore --db {path} "
                 f"{candidates[0]} 恢复（当前文件会先另存一份）。" if candidates
                 else "没有找到备份文件。")
        super().__init__(f"数据库文件已损坏，未做任何改动：{path}（{problem}）。{offer}")


class NewerDatabaseError(EnvironmentFailure):
    pass


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# Store.transaction asks for its BEGIN to take the write lock at once (see _own_transactions)
WRITE_BEGIN = {"wulong_begin": "IMMEDIATE"}


def _own_transactions(engine: Engine) -> None:
    """SQLAlchemy, not the sqlite3 module, begins each transaction on this file (the pysqlite
    recipe of the SQLAlchemy documentation: the driver's own transaction handling off, BEGIN
    emitted on SQLAlchemy's begin). Every statement then runs inside the transaction — a
    SELECT, a SAVEPOINT — so a savepoint (`session.begin_nested()`) undoes exactly its part,
    as on PostgreSQL, and a migration is all or nothing. A write transaction begins IMMEDIATE:
    it waits its turn for the write lock (busy_timeout) instead of failing when another write
    committed after its first read. PRAGMA foreign_keys must be set outside a transaction: on
    the driver connection before SQLAlchemy begins (see _migrate)."""

    @event.listens_for(engine, "connect")
    def _driver_begins_nothing(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("wulong_begin")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


class Store:
    """An open case database. Use `with store.transaction() as session:` for every change."""

    def __init__(self, path: Path | None, engine: Engine, operator: str):
        self.path = path
        self.engine = engine
        self.operator = operator
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        audit.install(self._sessions)
        self.instance_lock: Any = None  # a command's hold on the database, let go at close
        self.read_only: str | None = None  # why it was opened read-only (said to the user)
        self.server: str | None = None  # the office server's address (no password), or None
        self.role: str | None = None  # on a server: owner | admin | reviewer | clerk
        self.backup_warning: str | None = None  # today's automatic backup failed (said once)
        self.closed = False  # set by close(): nothing more is read through this store

    @property
    def where(self) -> str:
        """The database as shown to the user: the file, or the server's address."""
        return self.server or str(self.path or "（内存）")

    def require(self, action: str, *, admin: bool = False) -> None:
        """Refuse (before anything is written) what this login may not do; see `may`."""
        why = self.may(action, admin=admin)
        if why is not None:
            raise ForbiddenError(why)

    def may(self, action: str, *, admin: bool = False) -> str | None:
        """None when this login may do `action` (review, unlock, void, settings, recalc, the
        decision path's reviewer events; with `admin`, what only an administrator does: making
        or terminating the expropriation decision), else why not, in Chinese. A file on this
        computer allows everything; on the office server the database enforces the same rule
        (see store/server_roles.py and store/server_events.py)."""
        allowed = ("owner", "admin") if admin else ("owner", "admin", "reviewer")
        if self.server is None or self.role in allowed:
            return None
        who = ROLE_LABELS.get(self.role or "", "这个登录")
        staff = "管理员" if admin else "审核人员"
        return (f"{action}只能由{staff}操作（当前登录 {self.operator} 是{who}）；"
                f"请{staff}登录后办理")

    @contextmanager
    def transaction(self, operator: str | None = None) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        try:
            with self._sessions.begin() as session:
                if self.server is None:
                    session.connection(execution_options=WRITE_BEGIN)
                # on the server the login is the operator (the database writes it too)
                session.info["operator"] = (self.operator if self.server
                                            else operator or self.operator)
                # what this login may not do, asked before writing (services.cases.changes)
                session.info["may"] = self.may
                yield session
        except IntegrityError as exc:
            raise _integrity_message(exc) from exc
        except DBAPIError as exc:
            if self.server is not None:
                mapped = server_error(exc, self.server)
                if mapped is exc:
                    raise
                raise mapped from exc
            if not isinstance(exc, OperationalError):
                raise
            # a full disk, a read-only file, a locked database
            plain = plain_message(exc)
            if plain is None:
                raise
            raise EnvironmentFailure(plain) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end). On the office server a connection
        that has gone (the network, the server restarted) becomes ServerUnreachableError, the
        plain sentence the window shows, as a transaction's does."""
        session = self._sessions()
        try:
            yield session
        except DBAPIError as exc:
            if self.server is not None:
                mapped = server_error(exc, self.server)
                if isinstance(mapped, ServerUnreachableError):
                    raise mapped from exc
            raise
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.closed = True
        self.engine.dispose()
        if self.instance_lock is not None:
            self.instance_lock.unlock()
            self.instance_lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# a database constraint's clash, said in words: (what SQLite or PostgreSQL name, sentence)
_CLASHES = (
    (("housing_stock.exchange_house_id", "uq_housing_assigned_once"),
     "这套安置房已分配给其他案卷，一套房只能分配给一户（未保存任何修改）"),
    (("housing_stock.building", "uq_housing_address"),
     "本项目已有楼栋、单元、房号都相同的安置房源（未保存任何修改）"),
    (("procedure_steps.step", "uq_step_per_project"),
     "这个程序步骤已有记录，请刷新后再改（未保存任何修改）"),
    (("case_dates.what", "uq_case_date"),
     "这个案卷的这项日期已有记录，请刷新后再改（未保存任何修改）"),
)


def _integrity_message(exc: IntegrityError) -> UserError:
    text = str(exc.orig)
    for names, sentence in _CLASHES:
        if any(name in text for name in names):
            return UserError(sentence)
    if "case_no" in text:
        return UserError("case_no: 案卷编号在本项目中已存在（未保存任何修改）")
    for names, thing in ((("cases.uuid", "cases_uuid_key"), "案卷"),
                         (("projects.uuid", "projects_uuid_key"), "项目")):
        if any(name in text for name in names):
            return UserError(f"已有识别码相同的{thing}（两处同时写入了同一个{thing}？），"
                             "未保存任何修改；请重试")
    return UserError("保存失败，未保存任何修改：要写入的编号或识别码与已有的记录重复")


def open_file(path: Path | str | None = None, operator: str = "", *,
              auto_backup: bool = True) -> Store:
    """Open (creating or upgrading as needed) the database file at path (default: user data
    folder)."""
    db = Path(path) if path else default_db_path()
    db = db.expanduser().resolve()
    if not db.parent.exists():
        db.parent.mkdir(mode=0o700, parents=True)
    fresh = not db.exists() or db.stat().st_size == 0
    reason = None if fresh else read_only_reason(db)
    if reason is not None:  # never made writable behind the user's back
        return _open_read_only(db, operator, reason)
    if fresh:
        private_file(db)
    else:
        problem = backup_check.check_file(db)
        if problem:
            raise DamagedDatabaseError(db, problem, backups.list_backups(db))
    engine = create_engine(f"sqlite:///{db}", connect_args={"timeout": 10})
    event.listen(engine, "connect", _sqlite_pragmas)
    _own_transactions(engine)
    try:
        _migrate(engine, db, fresh)
    except OperationalError as exc:  # locked by another program, a full disk, a drive gone
        engine.dispose()
        plain = plain_message(exc)
        if plain is None:
            raise
        raise EnvironmentFailure(f"无法打开数据库 {db}：{plain}") from exc
    except Exception:
        engine.dispose()
        raise
    if os.name == "posix":
        os.chmod(db, 0o600)
    store = Store(db, engine, operator)
    if auto_backup and not fresh:
        store.backup_warning = daily_backup(db)
    return store


def daily_backup(db: Path) -> str | None:
    """Today's automatic backup. One that fails (a full disk, a folder that cannot be written)
    never stops the cases being read or exported: it is said as a warning (returned, and
    logged); the backup before a migration is another matter (it must succeed, `_migrate`)."""
    try:
        backups.auto_backup(db)
    except (UserError, OSError) as exc:
        warning = f"今天的自动备份没有完成（{plain_message(exc) or exc}）：可以照常查看和导出，" \
                  "请尽快腾出磁盘空间或检查备份文件夹，再用“立即备份”备份一次"
        log().warning("每日自动备份失败：%s", type(exc).__name__)
        return warning
    return None


def read_only_reason(db: Path) -> str | None:
    """Why the database cannot be written (set read-only, a read-only disk, no permission),
    or None when it can."""
    try:
        mode = db.stat().st_mode
    except OSError:
        return None
    if not mode & stat.S_IWUSR:
        return "数据库文件被设为只读"
    if _read_only_folder(db.parent):
        return "数据库所在的磁盘或文件夹是只读的"
    if not os.access(db, os.W_OK):
        return "没有写入数据库文件的权限"
    return None


def _read_only_folder(folder: Path) -> bool:
    if os.name == "posix":
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return True
        except OSError:
            pass
    return not os.access(folder, os.W_OK)


def _read_only_pragmas(dbapi_connection: sqlite3.Connection, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _open_read_only(db: Path, operator: str, reason: str) -> Store:
    """Open a database that cannot be written for reading only, with the reason for the user.
    On a read-only disk SQLite cannot make its shared-memory file: the file is read as
    unchangeable (immutable), which it is."""
    immutable = _read_only_folder(db.parent)
    uri = f"file:{db}?mode=ro" + ("&immutable=1" if immutable else "")
    problem = backup_check.check_file(db, immutable=immutable)
    if problem:
        raise DamagedDatabaseError(db, problem, backups.list_backups(db))
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
        uri, uri=True, timeout=10, check_same_thread=False))
    event.listen(engine, "connect", _read_only_pragmas)
    try:
        with engine.connect() as conn:
            current = migrate.current_revision(conn)
    except Exception:
        engine.dispose()
        raise
    if current != migrate.head_revision():
        engine.dispose()
        raise EnvironmentFailure(f"{reason}（{db}），而它需要先升级结构才能由本版本打开。"
                        "请取消只读（或复制到可写的位置）后再打开。")
    store = Store(db, engine, operator)
    store.read_only = (f"{reason}（{db}），已以只读方式打开：可以查看、导出和打印，不能保存"
                       "修改。要修改，请取消文件的只读属性（或复制到可写的位置）后重新打开。")
    return store


def _migrate(engine: Engine, db: Path, fresh: bool) -> None:
    head = migrate.head_revision()
    with engine.connect() as conn:
        current = migrate.current_revision(conn)
    if current == head:
        return
    known = migrate.known_revisions()
    if current is not None and current not in known:
        raise NewerDatabaseError(f"数据库 {db} 由更新版本的程序创建（结构版本 {current}），"
                                 "请升级本程序后再打开。")
    if current is not None or not fresh:
        backups.backup(db, kind=f"pre-migrate-{current or 'none'}")
    with engine.connect() as conn:
        # SQLite's own procedure for schema changes: foreign keys off while tables are rebuilt
        # (else a rebuilt parent table cascades deletes into its children), checked afterwards.
        # The pragma is ignored inside a transaction: it goes to the driver connection before
        # SQLAlchemy begins one. The whole upgrade is one transaction (all or nothing).
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                migrate.upgrade(conn, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise EnvironmentFailure(
                        f"数据库升级后外键检查未通过（{broken[:3]}）：升级已撤销，"
                        "数据库保持原样（升级前的备份也已保留）")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


def open_memory(operator: str = "test") -> Store:
    """An in-memory store (for tests of services): same migrations, no file."""
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://", connect_args={"check_same_thread": False},
                           poolclass=StaticPool)
    event.listen(engine, "connect", _sqlite_pragmas)
    _own_transactions(engine)
    with engine.begin() as conn:
        migrate.upgrade(conn, "head")
    return Store(None, engine, operator)
