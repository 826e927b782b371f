"""The office server: the same store on PostgreSQL (psycopg 3), opened from a
`postgresql://user@host:port/dbname` address.

Passwords never travel in the address: the command line takes them from PGPASSWORD or the
login's .pgpass (libpq reads both itself); the app passes one it asked for (or found in the
system's keyring). In server mode the audit's operator is the login (`session_user`) — the
database writes it itself (see `server_guards`), whatever the app says. Who may do what is the
database's own rule (`server_roles`, `server_guards`, `server_events`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from wulong_desk.errors import EnvironmentFailure, ServerUnreachableError, UserError
from wulong_desk.store import migrate, server_roles
from wulong_desk.store.database import Store
from wulong_desk.store.server_errors import (
    ROLES,
    connect_message,
    display,
)
from wulong_desk.store.server_roles import KINDS, OFFICE_GROUP, current_groups, group_names

BACKUPS_ARE_THE_SERVERS = (
    "办公室服务器上的数据由服务器备份：请管理员用 pg_dump 定时备份数据库（见说明书“办公室服务器"
    "（PostgreSQL）”一节），恢复用 pg_restore。本程序的“立即备份”和“从备份恢复”只用于本机的"
    "数据库文件。")
# a database lock number only this program takes: one migration at a time
MIGRATE_LOCK = 7_263_001


def parse(address: str, password: str | None = None) -> URL:
    """The SQLAlchemy address for psycopg 3; a password written into the address is refused
    (it would end up in shell histories, settings and logs)."""
    try:
        url = make_url(address.strip())
    except Exception as exc:
        raise UserError(f"--db: 服务器地址格式不对：{display(address)}（应为 "
                        "postgresql://用户名@主机:端口/数据库名）") from exc
    if url.password:
        raise UserError("--db: 不要把密码写在服务器地址里；命令行请用 PGPASSWORD 环境变量或 "
                        ".pgpass 文件，程序界面会单独询问密码")
    if not url.host or not url.database:
        raise UserError(f"--db: 服务器地址缺少主机或数据库名：{display(address)}（应为 "
                        "postgresql://用户名@主机:端口/数据库名）")
    url = url.set(drivername="postgresql+psycopg")
    if password:
        url = url.set(password=password)
    return url


def make_engine(address: str, password: str | None = None, **options: Any) -> Engine:
    return create_engine(parse(address, password), pool_pre_ping=True,
                         connect_args={"connect_timeout": 8,
                                       "application_name": "wulong-desk"}, **options)


def role_of(conn: Connection) -> str:
    """owner (superuser, or the owner of the tables — before `server init`, of the database),
    admin, reviewer or clerk (a member of this database's group); '' for none."""
    owner = conn.execute(text(
        "SELECT r.rolsuper OR r.rolname = coalesce("
        "  (SELECT tableowner FROM pg_tables WHERE tablename = 'cases' "
        "    AND schemaname = current_schema()), "
        "  (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()))"
        " FROM pg_roles r WHERE r.rolname = current_user")).scalar()
    if owner:
        return "owner"
    try:
        groups = current_groups(conn)
    except UserError:
        return ""
    for kind in reversed(KINDS):   # admin, reviewer, clerk
        if conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :g) "
                             "AND pg_has_role(current_user, :g, 'MEMBER')"),
                        {"g": groups[kind]}).scalar():
            return kind
    return ""


def upgrade(conn: Connection) -> None:
    """Bring the schema to head (one migration at a time across the office, in one
    transaction: PostgreSQL changes tables transactionally, so a failure leaves it as it was)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
    current = migrate.current_revision(conn)
    if current == migrate.head_revision():
        return
    if current is not None and current not in migrate.known_revisions():
        raise EnvironmentFailure(f"服务器上的数据库由更新版本的程序创建（结构版本 {current}），"
                        "请升级本程序后再连接。")
    migrate.upgrade(conn, "head")


def open_server(address: str, operator: str = "", *, password: str | None = None) -> Any:
    """Open the store on a server. The schema must be at head (`server init` migrates it):
    staff logins may not change tables."""
    engine = make_engine(address, password)
    try:
        with engine.connect() as conn:
            current = migrate.current_revision(conn)
            login = conn.execute(text("SELECT current_user")).scalar_one()
            role = role_of(conn)
    except OperationalError as exc:
        engine.dispose()
        raise ServerUnreachableError(connect_message(exc, address)) from exc
    except DBAPIError:
        engine.dispose()
        raise
    if current != migrate.head_revision():
        engine.dispose()
        if current is not None and current not in migrate.known_revisions():
            raise EnvironmentFailure(f"服务器上的数据库由更新版本的程序创建（结构版本 {current}），"
                            "请升级本程序后再连接。")
        raise EnvironmentFailure(f"服务器上的数据库（{display(address)}）还没有建好或需要升级："
                        "请管理员运行 wulong-desk server init --db 地址")
    store = Store(None, engine, login)
    store.server = display(address)
    store.role = role
    return store


def init_server(address: str) -> tuple[str, list[str]]:
    """`server init`, run as the database's owner: migrate, then (re)create this database's
    groups, guards, events and grants (`server_roles`). Returns the login and notes for the
    person running it (an older scheme retired, a login made plain)."""
    engine = make_engine(address)
    try:
        with engine.begin() as conn:
            login = _check_owner(conn)
            upgrade(conn)
            notes = server_roles.install(conn)
            return login, notes
    except OperationalError as exc:
        raise ServerUnreachableError(connect_message(exc, address)) from exc
    except ProgrammingError as exc:
        raise EnvironmentFailure(f"server init 未完成，服务器没有任何改动：{exc.orig}") from exc
    finally:
        engine.dispose()


def _check_owner(conn: Connection) -> str:
    """`server init` is the database owner's: it owns the tables and the event functions, and
    creates the groups (CREATEROLE). Returns the login."""
    login, db_owner, creates_roles, tables_owner, database = conn.execute(text(
        "SELECT current_user, pg_get_userbyid(d.datdba), r.rolcreaterole OR r.rolsuper, "
        " (SELECT tableowner FROM pg_tables WHERE tablename = 'cases' "
        "   AND schemaname = current_schema()), current_database() "
        "FROM pg_database d, pg_roles r "
        "WHERE d.datname = current_database() AND r.rolname = current_user")).one()
    group_names(database)   # a name that can go into role names
    if login != db_owner:
        raise EnvironmentFailure(f"server init 要用数据库 {database} 的所有者 {db_owner} 登录运行"
                        f"（当前登录是 {login}）")
    if tables_owner is not None and tables_owner != login:
        raise EnvironmentFailure(f"数据库 {database} 的表属于 {tables_owner}，不属于数据库所有者 "
                        f"{login}：请先由 postgres 在该库中执行 REASSIGN OWNED BY {tables_owner} "
                        f"TO {login}，再运行 server init")
    if not creates_roles:
        raise EnvironmentFailure(
                        f"数据库所有者 {login} 没有建立角色的权限（CREATEROLE）：请由 postgres "
                        f"执行 ALTER ROLE {login} CREATEROLE（见说明书“办公室服务器”第2步）后再"
                        "运行")
    return login


# names a staff login may not have: PostgreSQL's own, and the office groups' pattern
RESERVED_LOGIN = re.compile(r"(pg_.*|postgres|public|wulong_.*_(clerk|reviewer|admin)|"
                            r"wulong_(clerk|reviewer|admin))")


def add_user(address: str, name: str, role: str, password: str) -> None:
    """`server add-user`, run as the database owner: a staff login holding LOGIN and this
    database's group for `role`, nothing else (any other membership is taken away; another
    office database's group is left alone)."""
    from psycopg import sql

    if role not in ROLES:
        raise UserError(f"--role: 应为 {' | '.join(ROLES)} 之一")
    if not name or not name.replace("_", "").isalnum() or not name.isascii() or len(name) > 60:
        raise UserError("NAME: 登录名只能由字母、数字和下划线组成（不超过60个字符）")
    if RESERVED_LOGIN.fullmatch(name.lower()):
        raise UserError(f"NAME: 登录名 {name} 是保留的名字（数据库或本程序的角色），请换一个")
    if len(password) < 8:
        raise UserError("密码至少8个字符")
    engine = make_engine(address)
    try:
        with engine.begin() as conn:
            if role_of(conn) != "owner":
                raise EnvironmentFailure("server add-user 要用数据库所有者登录运行（工作人员的"
                                         "登录由负责电脑的同事用所有者添加）")
            groups = current_groups(conn)
            if conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:g)"),
                            {"g": list(groups.values())}).scalar() != len(groups):
                raise EnvironmentFailure("这个数据库还没有初始化：请先运行 wulong-desk server init")
            found = conn.execute(text(
                "SELECT rolsuper OR rolreplication OR rolbypassrls, "
                " EXISTS (SELECT 1 FROM pg_database WHERE datdba = r.oid) "
                "   OR EXISTS (SELECT 1 FROM pg_class WHERE relowner = r.oid) "
                "FROM pg_roles r WHERE rolname = :n"), {"n": name}).first()
            if found is not None and (found[0] or found[1]):
                raise UserError(f"{name} 是超级用户、数据库所有者或有其他特殊权限的角色，"
                                "不能作为工作人员的登录；请换一个登录名")
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            who = sql.Identifier(name)
            # hashed here (SCRAM), so the password itself never reaches the server's log
            hashed = raw.pgconn.encrypt_password(password.encode(), name.encode(),
                                                 b"scram-sha-256").decode()
            verb = "ALTER" if found is not None else "CREATE"
            cursor.execute(sql.SQL(verb + " ROLE {} LOGIN NOCREATEDB NOCREATEROLE INHERIT "
                                   "PASSWORD {}").format(who, sql.Literal(hashed)))
            held = conn.execute(text(
                "SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = :n"), {"n": name}
            ).scalars()
            for group in held:
                if group in groups.values() or not OFFICE_GROUP.fullmatch(group):
                    cursor.execute(sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(group), who))
            cursor.execute(sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(groups[role]), who))
    except OperationalError as exc:
        raise ServerUnreachableError(connect_message(exc, address)) from exc
    except ProgrammingError as exc:
        raise EnvironmentFailure(f"未能建立登录 {name}（服务器没有任何改动）：{exc.orig}") from exc
    finally:
        engine.dispose()


# a lock number space only this program uses (pg_advisory_xact_lock's two-key form): one
# package import or sync of a project at a time
PROJECT_LOCK = 7_263_002


def lock_project(session: Any, project_uuid: Any) -> None:
    """On the office server: wait until no other import or sync of this project (by its uuid)
    is under way, and hold the project until this transaction ends, so a second one finds the
    first's work done. On a local file BEGIN IMMEDIATE already serialises writers."""
    if not project_uuid or session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(str(project_uuid).encode("utf-8")).digest()
    key = int.from_bytes(digest[:4], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                    {"space": PROJECT_LOCK, "key": key})
