"""Who may do what on the office server, enforced by PostgreSQL itself: a login in psql gets no
further than the app lets it. Run by `server init` (as the database owner) after the migrations;
idempotent, and the way an office server set up by an older version is brought to this scheme.

- The database owner is the office's trusted IT person: it owns the tables, the guards and the
  events, adds the staff logins (`server add-user`) and is the only login no guard stops.
- Group roles are per database, their names carrying the database's: wulong_<db>_clerk,
  wulong_<db>_reviewer, wulong_<db>_admin (admin ⊃ reviewer). Only they may CONNECT (PUBLIC may
  not); a login of one office database is nobody in another. Staff logins hold LOGIN and one
  group, nothing else (no CREATEROLE, no other role).
- Grants: everyone reads; everyone writes a case and its rows (the guards of `server_guards`
  decide what follows from its stored stage); only reviewers write projects; payments and the
  audit trail are written only by the audited events (`server_events`) and the app's trail
  writer `wulong_audit`; nobody but the owner truncates, deletes a case or a project, or
  creates anything (no CREATE on the schema, no TEMP).
- The older scheme (cluster-wide wulong_clerk/wulong_reviewer/wulong_admin, CREATEROLE for
  admins, per-transaction marks) is retired here: its members become members of this
  database's groups, lose CREATEROLE and CREATEDB, the old groups lose every right here, and
  they are dropped (with their memberships) unless another database still uses them.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from wulong_desk.errors import UserError
from wulong_desk.store import event_function, server_events, server_guards

# the names of the offices' groups, whatever their database
OFFICE_GROUP = re.compile(r"wulong_[a-z0-9_]+_(clerk|reviewer|admin)")
KINDS = ("clerk", "reviewer", "admin")
# the older, cluster-wide scheme's groups (retired by `install`)
OLD_GROUPS = {"clerk": "wulong_clerk", "reviewer": "wulong_reviewer", "admin": "wulong_admin"}
OLD_OBJECTS = (
    "DROP FUNCTION IF EXISTS wulong_reviewing() CASCADE",
    "DROP FUNCTION IF EXISTS wulong_guard_audit() CASCADE",
    "DROP TABLE IF EXISTS wulong_open_cases",
    # the move event before it took the late move's record (issue 26)
    "DROP FUNCTION IF EXISTS wulong_record_move(integer, date)",
    # the move-by date as text, before the dates were DATE columns (migration 0013): a
    # function's result type cannot be replaced, only the function dropped and made again
    """DO $d$ BEGIN
         IF (SELECT prorettype FROM pg_proc
              WHERE oid = to_regprocedure('wulong_move_deadline(integer)')) = 'text'::regtype
         THEN
           DROP FUNCTION wulong_move_deadline(integer);
         END IF;
       END $d$""",
)
# every table of the store, by who writes it (a table not listed here is read-only to staff,
# and a test holds the ORM's tables to this list)
CASE_TABLE = ("cases",)   # INSERT and UPDATE: its guard; DELETE only through wulong_remove_case
CASE_ROWS = ("persons", "house_parts", "equipment", "exchange_houses", "case_results",
             "case_records")
STAFF_TABLES = ("procedure_steps", "case_dates", "consents", "housing_stock")
REVIEWER_TABLES = ("projects",)   # INSERT, UPDATE (never DELETE: its cases would go with it)
# a version from outside that waits for a reviewer (services/exchange/proposals.py): anyone's
# import files it, only a reviewer decides it (nothing of it is applied before; accepting is a
# correction)
PROPOSAL_TABLES = ("proposals",)
# read-only to staff; written by the events
EVENT_TABLES = ("payments", "audit_log", "case_events", "case_decisions", "case_revaluations")
READ_ONLY_TABLES = ("alembic_version",)
PRIVATE_TABLES = (server_guards.UNLOCKED_FIGURES,)   # the owner's alone
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,46}")


def group_names(database: str) -> dict[str, str]:
    """This database's group roles by kind. The database name goes into the role names, so it
    must be plain: lower-case letters, digits and underscores, at most 47 characters."""
    if not DATABASE_NAME.fullmatch(database):
        raise UserError(f"数据库名「{database}」不能用于办公室服务器：它是角色名的一部分，只能由"
                        "小写字母、数字和下划线组成（不以数字开头，不超过47个字符），例如 wulong")
    return {kind: f"wulong_{database}_{kind}" for kind in KINDS}


def current_groups(conn: Connection) -> dict[str, str]:
    return group_names(conn.execute(text("SELECT current_database()")).scalar_one())


def _ident(cursor: Any, name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(cursor)


def install(conn: Connection) -> list[str]:
    """Create (or bring up to date) the groups, guards, events and grants in the caller's
    transaction. Returns notes for the person running it (in Chinese)."""
    schema = conn.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    groups = group_names(database)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    q = {kind: _ident(cursor, name) for kind, name in groups.items()}

    def run(statements: list[str]) -> None:
        for statement in statements:
            cursor.execute(statement)   # no parameters: the % of RAISE is PostgreSQL's

    existing = set(conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"),
                                {"n": list(groups.values())}).scalars())
    run([f"CREATE ROLE {q[kind]} NOLOGIN" for kind, name in groups.items()
         if name not in existing])
    run([f"GRANT {q['reviewer']} TO {q['admin']}"])
    notes = _retire_old_scheme(conn, cursor, schema, database, groups)
    notes += _plain_staff(conn, cursor, groups)
    run(list(OLD_OBJECTS))
    run(server_guards.helpers_sql(schema, groups["reviewer"], groups["admin"]))
    run([server_guards.audit_writer_sql(schema, server_events.reserved_audit())])
    run([event.create_sql(schema) for event in server_events.EVENTS])
    run(server_guards.guards_sql(schema))
    run(server_guards.triggers_sql())
    # a case unlocked under the older scheme: its figures now, for its relock's audit
    run([f"INSERT INTO {server_guards.UNLOCKED_FIGURES} SELECT id, wulong_figures(id) "
         "FROM cases WHERE unlocked_reason IS NOT NULL ON CONFLICT (case_id) DO NOTHING"])
    tables = list(conn.execute(text(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars())
    sequences = list(conn.execute(text(
        "SELECT quote_ident(sequencename) FROM pg_sequences "
        "WHERE schemaname = current_schema()")).scalars())
    run(_grants_sql(schema, _ident(cursor, database), q, tables, sequences))
    return notes


def _grants_sql(schema: str, database: str, q: dict[str, str], tables: list[str],
                sequences: list[str]) -> list[str]:
    everyone = ", ".join(q[kind] for kind in KINDS)
    reviewers = q["reviewer"]
    statements = [
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {everyone}",
        f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {schema} TO {everyone}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC, {everyone}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM PUBLIC, {everyone}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM PUBLIC, {everyone}",
    ]
    for table in tables:
        if table in PRIVATE_TABLES:
            continue
        statements.append(f"GRANT SELECT ON {table} TO {everyone}")
        if table in CASE_TABLE:
            statements.append(f"GRANT INSERT, UPDATE ON {table} TO {everyone}")
        elif table in CASE_ROWS or table in STAFF_TABLES:
            statements.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {everyone}")
        elif table in REVIEWER_TABLES:
            statements.append(f"GRANT INSERT, UPDATE ON {table} TO {reviewers}")
        elif table in PROPOSAL_TABLES:
            statements.append(f"GRANT INSERT ON {table} TO {everyone}")
            statements.append(f"GRANT UPDATE ON {table} TO {reviewers}")
    for sequence in sequences:
        statements.append(f"GRANT USAGE ON SEQUENCE {sequence} TO {everyone}")
    for function in (*server_guards.HELPER_FUNCTIONS, *server_guards.GUARD_FUNCTIONS,
                     "wulong_guard_owner_only()"):
        statements.append(f"GRANT EXECUTE ON FUNCTION {function} TO {everyone}")
    granted = {event_function.STAFF: everyone, event_function.REVIEWER: reviewers,
               event_function.ADMIN: q["admin"]}
    for event in server_events.EVENTS:
        statements.append(f"GRANT EXECUTE ON FUNCTION {event.signature} TO {granted[event.who]}")
    return statements


def _retire_old_scheme(conn: Connection, cursor: Any, schema: str, database: str,
                       groups: dict[str, str]) -> list[str]:
    """Bring a database set up by the older `server init` to this scheme (see the module)."""
    old = dict(conn.execute(text(
        "SELECT rolname, oid FROM pg_roles WHERE rolname = ANY(:n)"),
        {"n": list(OLD_GROUPS.values())}).all())
    if not old:
        return []
    notes: list[str] = []
    rank = {name: KINDS.index(kind) for kind, name in OLD_GROUPS.items()}
    members: dict[str, int] = {}
    for login, group in conn.execute(text(
            "SELECT m.rolname, g.rolname FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "WHERE g.rolname = ANY(:n) AND m.rolcanlogin"), {"n": list(old)}):
        members[login] = max(members.get(login, 0), rank[group])
    for login, level in sorted(members.items()):
        cursor.execute(f"GRANT {_ident(cursor, groups[KINDS[level]])} TO {_ident(cursor, login)}")
    if members:
        notes.append("原来的组角色（wulong_clerk 等）的成员已转为本数据库的角色："
                     + "、".join(f"{login}（{KINDS[level]}）"
                                 for login, level in sorted(members.items())))
    db = _ident(cursor, database)
    for name in old:
        role = _ident(cursor, name)
        for statement in (f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
                          f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
                          f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM {role}",
                          f"REVOKE ALL ON SCHEMA {schema} FROM {role}",
                          f"REVOKE ALL ON DATABASE {db} FROM {role}"):
            cursor.execute(statement)
    # dropped with their memberships, unless another database still grants them something
    kept = []
    for name in sorted(old, key=lambda n: -rank[n]):
        cursor.execute("SAVEPOINT wulong_old_group")
        try:
            cursor.execute(f"DROP ROLE {_ident(cursor, name)}")
        except Exception:   # another database's objects still name it
            cursor.execute("ROLLBACK TO SAVEPOINT wulong_old_group")
            kept.append(name)
        else:
            cursor.execute("RELEASE SAVEPOINT wulong_old_group")
    if kept:
        notes.append("同一服务器上的其他数据库仍在使用原来的组角色 " + "、".join(kept)
                     + "：它们在本数据库中已没有任何权限；请对那些数据库也运行 server init，"
                     "最后一次运行会删除这些组角色")
    else:
        notes.append("原来的全服务器组角色 wulong_clerk、wulong_reviewer、wulong_admin 已删除")
    return notes


def _plain_staff(conn: Connection, cursor: Any, groups: dict[str, str]) -> list[str]:
    """Every member of this database's groups is a plain login: CREATEROLE and CREATEDB are
    taken away, and any role it holds besides office groups (the owner, pg_read_server_files
    …); a superuser, replication or bypass-RLS login is taken out of the groups."""
    notes = []
    for login, role in conn.execute(text(
            "SELECT DISTINCT m.rolname, h.rolname FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "JOIN pg_auth_members b ON b.member = m.oid JOIN pg_roles h ON h.oid = b.roleid "
            "WHERE g.rolname = ANY(:n) AND m.rolcanlogin AND NOT m.rolsuper"),
            {"n": list(groups.values())}):
        if not OFFICE_GROUP.fullmatch(role) and role not in OLD_GROUPS.values():
            cursor.execute(f"REVOKE {_ident(cursor, role)} FROM {_ident(cursor, login)}")
            notes.append(f"登录 {login} 原来还有角色 {role}：已取消（工作人员只有本数据库的"
                         "一个角色）")
    for login, superish, createish in conn.execute(text(
            "SELECT DISTINCT m.rolname, m.rolsuper OR m.rolreplication OR m.rolbypassrls, "
            "m.rolcreaterole OR m.rolcreatedb FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "WHERE g.rolname = ANY(:n) AND m.rolcanlogin"), {"n": list(groups.values())}):
        who = _ident(cursor, login)
        if superish:
            for name in groups.values():
                cursor.execute(f"REVOKE {_ident(cursor, name)} FROM {who}")
            notes.append(f"登录 {login} 有超级用户（或复制、绕过行级安全）权限，不能作为工作人员："
                         "已从本数据库的角色中移出")
        elif createish:
            cursor.execute(f"ALTER ROLE {who} NOCREATEROLE NOCREATEDB")
            notes.append(f"登录 {login} 的建角色、建库权限已取消（工作人员的登录只有登录权限）")
    return notes
