"""Who may do what on the office server, enforced by PostgreSQL itself (not only by the app):
a clerk who logs in with psql gets no further than the app lets them.

Run by `server init` after the migrations (idempotent: every statement can run again). This is
PostgreSQL-only DDL, kept here rather than in an Alembic revision because it names cluster-wide
roles and must be re-applied when later revisions add tables (their grants).

- Group roles wulong_clerk, wulong_reviewer, wulong_admin (admin ⊃ reviewer); staff logins are
  members of one (`server add-user`).
- Grants: everyone reads; clerks and reviewers write cases and their rows; only reviewers write
  projects (settings, readings); audit rows can be added, never changed: UPDATE, DELETE and
  TRUNCATE of audit_log are the database owner's alone (no grant, and a trigger besides);
  payments and proposals (待确认, services/proposals.py) are added by anyone but changed or
  deleted only by reviewers.
- Triggers on cases: only a reviewer marks 已审核, unlocks a signed case (解锁更正) or voids one;
  a locked case (预签/已签约/已搬迁/作废, not unlocked) keeps its money-relevant columns and can
  only move 预签 → 已签约 → 已搬迁; it cannot be deleted.
- Triggers on the case's rows (house parts, equipment, exchange houses, the stored result and
  record; people for deletion): a locked case's rows are not inserted, changed or deleted
  unless this same transaction changed the case while it was open (a signing or a correction
  writes the figures in the same transaction). wulong_open_cases remembers those, per
  transaction; nobody but the owner can write it.
- The audit's operator is written by the database: the login (current_user).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from wulong_desk.statuses import FROZEN_STATUSES
from wulong_desk.store.models import CASE_MONEY_COLUMNS

GROUPS = ("wulong_clerk", "wulong_reviewer", "wulong_admin")
# the statuses that freeze a case's figures, as an SQL list: the one list in statuses.py
FROZEN = "(" + ", ".join(f"'{status}'" for status in FROZEN_STATUSES) + ")"
# the columns of a case the calculation reads (besides its rows), and what ties it to its
# project and keeps it void
MONEY_COLUMNS = (*CASE_MONEY_COLUMNS, "project_id", "void_reason")
CASE_ROWS = ("persons", "house_parts", "equipment", "exchange_houses", "case_results",
             "case_records")
# tables only reviewers (and the owner) write, and tables nobody but the owner changes
REVIEWER_TABLES = ("projects",)
# tables everyone adds to but only reviewers (and the owner) change or delete from: a payment is
# corrected by a reversing entry (services/payments.py), not rewritten
ADD_ONLY_TABLES = ("payments", "proposals")   # a proposal is decided by a reviewer
OWNER_TABLES = ("audit_log", "alembic_version", "wulong_open_cases")


def _roles_sql() -> list[str]:
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN "
        f"CREATE ROLE {group} NOLOGIN; END IF; END $$" for group in GROUPS]
    statements.append("GRANT wulong_reviewer TO wulong_admin")
    return statements


def _functions_sql(schema: str) -> list[str]:
    money = ", ".join(f"NEW.{c}" for c in MONEY_COLUMNS)
    money_old = ", ".join(f"OLD.{c}" for c in MONEY_COLUMNS)
    return [
        "CREATE UNLOGGED TABLE IF NOT EXISTS wulong_open_cases "
        "(xid bigint NOT NULL, case_id integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS ix_wulong_open_cases ON wulong_open_cases (xid, case_id)",
        # who may review: a reviewer (or admin), the owner of the tables, a superuser
        """CREATE OR REPLACE FUNCTION wulong_reviewing() RETURNS boolean
           LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
           SELECT pg_has_role(session_user, 'wulong_reviewer', 'MEMBER')
               OR pg_has_role(session_user, (SELECT tableowner FROM pg_tables
                   WHERE tablename = 'cases' ORDER BY schemaname = current_schema() DESC
                   LIMIT 1), 'MEMBER') $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_guard_case() RETURNS trigger
           LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
           DECLARE
             reviewer boolean := wulong_reviewing();
             was_locked boolean;
           BEGIN
             IF TG_OP = 'DELETE' THEN
               IF OLD.status IN {FROZEN} AND NOT reviewer THEN
                 RAISE EXCEPTION '案卷 % 已签约（或已作废），不能删除', OLD.case_no
                   USING ERRCODE = 'insufficient_privilege';
               END IF;
               RETURN OLD;
             END IF;
             IF TG_OP = 'INSERT' THEN
               IF NOT reviewer AND NEW.status IN ('reviewed', 'void') THEN
                 RAISE EXCEPTION '只有审核人员可以建立已审核或作废的案卷（%）', NEW.case_no
                   USING ERRCODE = 'insufficient_privilege';
               END IF;
               INSERT INTO wulong_open_cases VALUES (txid_current(), NEW.id);
               RETURN NEW;
             END IF;
             was_locked := OLD.status IN {FROZEN} AND OLD.unlocked_reason IS NULL;
             IF NOT reviewer THEN
               IF NEW.status = 'reviewed' AND OLD.status <> 'reviewed' THEN
                 RAISE EXCEPTION '只有审核人员可以把案卷 % 标为已审核', OLD.case_no
                   USING ERRCODE = 'insufficient_privilege';
               END IF;
               IF NEW.status = 'void' AND OLD.status <> 'void' THEN
                 RAISE EXCEPTION '只有审核人员可以作废案卷 %', OLD.case_no
                   USING ERRCODE = 'insufficient_privilege';
               END IF;
               IF NEW.unlocked_reason IS NOT NULL
                  AND NEW.unlocked_reason IS DISTINCT FROM OLD.unlocked_reason THEN
                 RAISE EXCEPTION '只有审核人员可以解锁更正案卷 %', OLD.case_no
                   USING ERRCODE = 'insufficient_privilege';
               END IF;
               IF was_locked THEN
                 IF ROW({money}) IS DISTINCT FROM ROW({money_old}) THEN
                   RAISE EXCEPTION '案卷 % 已锁定：不能修改影响补偿金额的数据', OLD.case_no
                     USING ERRCODE = 'insufficient_privilege';
                 END IF;
                 IF NEW.status <> OLD.status AND NOT (
                      (OLD.status = 'presigned' AND NEW.status = 'signed')
                      OR (OLD.status = 'signed' AND NEW.status = 'moved')) THEN
                   RAISE EXCEPTION '案卷 % 已锁定：不能从 % 改为 %', OLD.case_no, OLD.status,
                     NEW.status USING ERRCODE = 'insufficient_privilege';
                 END IF;
               END IF;
             END IF;
             IF NOT was_locked THEN
               INSERT INTO wulong_open_cases VALUES (txid_current(), OLD.id);
             END IF;
             IF random() < 0.01 THEN   -- forget the marks of finished transactions now and then
               DELETE FROM wulong_open_cases
                WHERE xid < txid_snapshot_xmin(txid_current_snapshot());
             END IF;
             RETURN NEW;
           END $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_guard_case_row() RETURNS trigger
           LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
           DECLARE
             cid integer;
             row_new record;
             row_old record;
           BEGIN
             -- a row moved to another case leaves its old case: that one is checked as for a
             -- deletion (the new one below, as for a change)
             IF TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id
                AND NOT wulong_reviewing()
                AND EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND status IN {FROZEN}
                            AND unlocked_reason IS NULL)
                AND NOT EXISTS (SELECT 1 FROM wulong_open_cases
                                WHERE xid = txid_current() AND case_id = OLD.case_id) THEN
               RAISE EXCEPTION '案卷 % 已锁定：不能把它的 % 记录移到别的案卷', OLD.case_id,
                 TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
             END IF;
             IF TG_OP = 'DELETE' THEN cid := OLD.case_id; ELSE cid := NEW.case_id; END IF;
             IF wulong_reviewing()
                OR NOT EXISTS (SELECT 1 FROM cases WHERE id = cid AND status IN {FROZEN}
                               AND unlocked_reason IS NULL)
                OR EXISTS (SELECT 1 FROM wulong_open_cases
                           WHERE xid = txid_current() AND case_id = cid) THEN
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END IF;
             IF TG_OP = 'DELETE' THEN
               RAISE EXCEPTION '案卷 % 已锁定：不能删除它的 % 记录', cid, TG_TABLE_NAME
                 USING ERRCODE = 'insufficient_privilege';
             END IF;
             IF TG_TABLE_NAME = 'persons' THEN   -- names and phones are not money
               RETURN NEW;
             END IF;
             IF TG_OP = 'UPDATE' THEN
               IF TG_TABLE_NAME = 'exchange_houses' THEN
                 IF ROW(NEW.case_id, NEW.area, NEW.inner_area, NEW.unit_price)
                    IS NOT DISTINCT FROM ROW(OLD.case_id, OLD.area, OLD.inner_area,
                                             OLD.unit_price) THEN
                   RETURN NEW;   -- the location's wording only
                 END IF;
               ELSIF NEW IS NOT DISTINCT FROM OLD THEN
                 RETURN NEW;
               END IF;
             END IF;
             RAISE EXCEPTION '案卷 % 已锁定：不能修改影响补偿金额的 % 记录', cid, TG_TABLE_NAME
               USING ERRCODE = 'insufficient_privilege';
           END $f$""",
        """CREATE OR REPLACE FUNCTION wulong_guard_audit() RETURNS trigger
           LANGUAGE plpgsql AS $f$
           BEGIN
             IF TG_OP = 'INSERT' THEN
               NEW.operator := current_user;   -- the login, whatever the program wrote
               RETURN NEW;
             END IF;
             IF NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                   WHERE tablename = TG_TABLE_NAME AND schemaname = TG_TABLE_SCHEMA),
                   'MEMBER') THEN
               RAISE EXCEPTION '修改记录不能更改或删除' USING ERRCODE = 'insufficient_privilege';
             END IF;
             IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
             RETURN NEW;
           END $f$""",
    ]


def _triggers_sql() -> list[str]:
    statements = [
        "DROP TRIGGER IF EXISTS wulong_guard ON cases",
        "CREATE TRIGGER wulong_guard BEFORE INSERT OR UPDATE OR DELETE ON cases "
        "FOR EACH ROW EXECUTE FUNCTION wulong_guard_case()",
        "DROP TRIGGER IF EXISTS wulong_guard ON audit_log",
        "CREATE TRIGGER wulong_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION wulong_guard_audit()",
        "DROP TRIGGER IF EXISTS wulong_guard_truncate ON audit_log",
        "CREATE TRIGGER wulong_guard_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION wulong_guard_audit()",
    ]
    for table in CASE_ROWS:
        statements += [
            f"DROP TRIGGER IF EXISTS wulong_guard ON {table}",
            f"CREATE TRIGGER wulong_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION wulong_guard_case_row()"]
    return statements


def _grants_sql(schema: str, tables: list[str], sequences: list[str]) -> list[str]:
    everyone = ", ".join(GROUPS)
    statements = [f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC",
                  f"GRANT USAGE ON SCHEMA {schema} TO {everyone}"]
    for table in tables:
        statements.append(f"REVOKE ALL ON {table} FROM {everyone}")
        if table == "wulong_open_cases":
            continue
        statements.append(f"GRANT SELECT ON {table} TO {everyone}")
        if table == "audit_log":
            statements.append(f"GRANT INSERT ON {table} TO {everyone}")
        elif table in ADD_ONLY_TABLES:
            statements.append(f"GRANT INSERT ON {table} TO {everyone}")
            statements.append(f"GRANT UPDATE, DELETE ON {table} TO wulong_reviewer")
        elif table in REVIEWER_TABLES:
            statements.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO wulong_reviewer")
        elif table not in OWNER_TABLES:
            statements.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {everyone}")
    for sequence in sequences:
        statements.append(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {everyone}")
    for function in ("wulong_guard_case()", "wulong_guard_case_row()", "wulong_reviewing()"):
        statements.append(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    statements.append(f"GRANT EXECUTE ON FUNCTION wulong_reviewing() TO {everyone}")
    return statements


def install(conn: Connection) -> None:
    """Create (or bring up to date) the roles, guards and grants, in the caller's transaction."""
    schema = conn.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    for statement in _roles_sql() + _functions_sql(schema) + _triggers_sql():
        cursor.execute(statement)   # no parameters: the % of RAISE is PostgreSQL's
    tables = list(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
    sequences = list(conn.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")).scalars())
    for statement in _grants_sql(schema, tables, sequences):
        cursor.execute(statement)
