"""The office server: the same store on PostgreSQL (psycopg 3), opened from a
`postgresql://user@host:port/dbname` address.

Passwords never travel in the address: the command line takes them from PGPASSWORD or the
login's .pgpass (libpq reads both itself); the app passes one it asked for (or found in the
system's keyring). In server mode the audit's operator is the login (`current_user`) — the
database writes it itself (see `server_roles`), whatever the app says.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from wulong_desk.errors import ServerUnreachableError, UserError
from wulong_desk.store import migrate

ROLES = ("clerk", "reviewer", "admin")
ROLE_LABELS = {"clerk": "经办人员", "reviewer": "审核人员", "admin": "管理员",
               "owner": "数据库所有者"}
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


def display(address: str) -> str:
    """The address as it may be shown or logged: never with a password."""
    try:
        url = make_url(address.strip())
    except Exception:
        return "（无法识别的地址）"
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=True)


def connect_message(exc: BaseException, address: str) -> str:
    text_ = str(getattr(exc, "orig", exc)).lower()
    where = display(address)
    if "password authentication failed" in text_ or "no password supplied" in text_:
        return f"办公室服务器拒绝登录（{where}）：用户名或密码不对"
    if "does not exist" in text_ and "database" in text_:
        return f"办公室服务器上没有这个数据库（{where}），请检查地址或请管理员先运行 server init"
    if "pg_hba.conf" in text_:
        return (f"办公室服务器不允许这台电脑登录（{where}）：请管理员在 pg_hba.conf 中放行"
                "办公室网段")
    return (f"无法连接办公室服务器（{where}）：服务器没有响应或地址不对。"
            "本机的数据没有任何改动；请检查网络和地址后重试")


def make_engine(address: str, password: str | None = None, **options: Any) -> Engine:
    return create_engine(parse(address, password), pool_pre_ping=True,
                         connect_args={"connect_timeout": 8,
                                       "application_name": "wulong-desk"}, **options)


def role_of(conn: Connection) -> str:
    """owner (superuser or owner of the tables), admin, reviewer or clerk; '' for none."""
    row = conn.execute(text(
        "SELECT r.rolsuper OR pg_has_role(current_user, "
        "  COALESCE((SELECT tableowner FROM pg_tables WHERE tablename = 'cases' "
        "            AND schemaname = current_schema()), current_user), 'MEMBER'), "
        " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wulong_admin') "
        "   AND pg_has_role(current_user, 'wulong_admin', 'MEMBER'), "
        " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wulong_reviewer') "
        "   AND pg_has_role(current_user, 'wulong_reviewer', 'MEMBER'), "
        " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wulong_clerk') "
        "   AND pg_has_role(current_user, 'wulong_clerk', 'MEMBER') "
        "FROM pg_roles r WHERE r.rolname = current_user")).one()
    for name, member in zip(("owner", "admin", "reviewer", "clerk"), row, strict=True):
        if member:
            return name
    return ""


def upgrade(conn: Connection) -> None:
    """Bring the schema to head (one migration at a time across the office, in one
    transaction: PostgreSQL changes tables transactionally, so a failure leaves it as it was)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
    current = migrate.current_revision(conn)
    if current == migrate.head_revision():
        return
    if current is not None and current not in migrate.known_revisions():
        raise UserError(f"服务器上的数据库由更新版本的程序创建（结构版本 {current}），"
                        "请升级本程序后再连接。")
    migrate.upgrade(conn, "head")


def open_server(address: str, operator: str = "", *, password: str | None = None) -> Any:
    """Open the store on a server. The schema must be at head (`server init` migrates it):
    staff logins may not change tables."""
    from wulong_desk.store.database import Store

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
            raise UserError(f"服务器上的数据库由更新版本的程序创建（结构版本 {current}），"
                            "请升级本程序后再连接。")
        raise UserError(f"服务器上的数据库（{display(address)}）还没有建好或需要升级："
                        "请管理员运行 wulong-desk server init --db 地址")
    store = Store(None, engine, login)
    store.server = display(address)
    store.role = role
    return store


def init_server(address: str) -> str:
    """`server init`: migrate and (re)create the roles, grants and guards. Returns the login."""
    from wulong_desk.store import server_roles

    engine = make_engine(address)
    try:
        with engine.begin() as conn:
            if role_of(conn) != "owner" and not _can_create(conn):
                raise UserError("server init 需要数据库所有者或管理员登录（能建表、建角色）")
            upgrade(conn)
            server_roles.install(conn)
            return conn.execute(text("SELECT current_user")).scalar_one()
    except OperationalError as exc:
        raise ServerUnreachableError(connect_message(exc, address)) from exc
    except ProgrammingError as exc:
        raise UserError(f"server init 未完成，服务器没有任何改动：{exc.orig}") from exc
    finally:
        engine.dispose()


def _can_create(conn: Connection) -> bool:
    return bool(conn.execute(text(
        "SELECT has_database_privilege(current_database(), 'CREATE') AND "
        "has_schema_privilege(current_schema(), 'CREATE')")).scalar())


def add_user(address: str, name: str, role: str, password: str) -> None:
    """`server add-user`: a staff login in one of the group roles."""
    from psycopg import sql

    if role not in ROLES:
        raise UserError(f"--role: 应为 {' | '.join(ROLES)} 之一")
    if not name or not name.replace("_", "").isalnum() or len(name) > 60:
        raise UserError("NAME: 登录名只能由字母、数字和下划线组成（不超过60个字符）")
    if len(password) < 8:
        raise UserError("密码至少8个字符")
    engine = make_engine(address)
    try:
        with engine.begin() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                                  {"n": name}).first()
            verb = "ALTER" if exists else "CREATE"
            attributes = " CREATEROLE" if role == "admin" else ""
            # hashed here (SCRAM), so the password itself never reaches the server's log
            hashed = raw.pgconn.encrypt_password(password.encode(), name.encode(),
                                                 b"scram-sha-256").decode()
            cursor.execute(sql.SQL(verb + " ROLE {} LOGIN" + attributes + " PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(hashed)))
            for other in ROLES:
                if other != role:
                    cursor.execute(sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(f"wulong_{other}"), sql.Identifier(name)))
            cursor.execute(sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(f"wulong_{role}"), sql.Identifier(name)))
    except OperationalError as exc:
        raise ServerUnreachableError(connect_message(exc, address)) from exc
    except ProgrammingError as exc:
        raise UserError(f"未能建立登录 {name}（服务器没有任何改动）：{exc.orig}") from exc
    finally:
        engine.dispose()


class ForbiddenError(UserError):
    """The server refused a change this login may not make (the database's own rule)."""


def server_error(exc: DBAPIError, where: str) -> Exception:
    """What to tell the user about a statement the server refused (or a lost connection:
    ServerUnreachableError, the message `connect_message`'s)."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or ""
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(orig or exc)
    if state == "42501":   # insufficient_privilege: a grant or one of our guards
        if "permission denied" in primary:
            return ForbiddenError(f"服务器拒绝了这项修改：当前登录没有这项权限（{primary}）。"
                                  "未保存任何修改")
        return ForbiddenError(f"服务器拒绝了这项修改：{primary}。未保存任何修改")
    if isinstance(exc, OperationalError) or state.startswith("08"):
        return ServerUnreachableError(connect_message(exc, where))
    return exc
