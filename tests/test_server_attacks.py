"""The attack suite (issue 24, item 4): every statement of tests/server_attacks.toml, run through
the real psql as the office's clerk, reviewer and admin logins, is refused — and afterwards the
whole office (figures, stages, rows, payments, history, roles, passwords, triggers, functions,
grants) is exactly as it was."""

from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from store_helpers import case_form, project_form, walk_to

from wulong_desk.services.cases import agreement_numbers
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import payments
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.server import add_user

SUITE = Path(__file__).with_name("server_attacks.toml")
ROLES = ("clerk", "reviewer", "admin")
LOGINS = {"clerk": "atk_clerk", "reviewer": "atk_reviewer", "admin": "atk_admin"}
OTHER_LOGIN = "atk_other"
PASSWORD = "attack-password-1"
# the statements the issue names, each of which the suite must hold (by a word of its name)
NAMED = ("ON CONFLICT", "SET ROLE", "insert an audit row", "forge", "DISABLE TRIGGER",
         "CREATE OR REPLACE", "GRANT the owner", "pg_execute_server_program", "TO PROGRAM",
         "CREATE ROLE", "PASSWORD of another login", "TRUNCATE", "uuid", "案卷编号",
         "'s id", "jump", "99,999,999.00", "more than is still owed", "another office database")
# the whole office, read by the superuser: what no attack may change
TABLES = ("projects", "cases", "persons", "house_parts", "equipment", "exchange_houses",
          "case_results", "case_records", "payments", "case_events", "audit_log",
          "procedure_steps",
          "case_dates", "consents", "housing_stock", "alembic_version",
          "wulong_unlocked_figures", "case_decisions", "case_revaluations")
CATALOG = {
    "roles": "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, "
             "rolreplication, rolbypassrls, rolpassword FROM pg_authid ORDER BY rolname",
    "memberships": "SELECT r.rolname, m.rolname, a.admin_option FROM pg_auth_members a "
                   "JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
                   "ORDER BY 1, 2",
    "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled, tgfoid::regproc::text "
                "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
    "functions": "SELECT p.oid::regprocedure::text, md5(p.prosrc), p.prosecdef, "
                 "p.proowner::regrole::text, p.proacl::text, p.proconfig::text FROM pg_proc p "
                 "JOIN pg_namespace n ON n.oid = p.pronamespace "
                 "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    "relations": "SELECT c.oid::regclass::text, c.relkind, c.relowner::regrole::text, "
                 "c.relacl::text FROM pg_class c JOIN pg_namespace n "
                 "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', "
                 "'information_schema', 'pg_toast') ORDER BY 1",
    "schemas": "SELECT nspname, nspacl::text FROM pg_namespace ORDER BY 1",
    "databases": "SELECT datname, datdba::regrole::text, datacl::text FROM pg_database "
                 "ORDER BY 1",
    "settings": "SELECT setdatabase, setrole, setconfig::text FROM pg_db_role_setting "
                "ORDER BY 1, 2",
    "large objects": "SELECT count(*) FROM pg_largeobject_metadata",
}


@dataclass(frozen=True)
class Attack:
    name: str
    roles: tuple[str, ...]
    refused: str
    sql: str
    says: str = ""
    database: str = "this"


def load_suite() -> list[Attack]:
    with SUITE.open("rb") as handle:
        entries = tomllib.load(handle)["attack"]
    return [Attack(e["name"], tuple(e["roles"]), e["refused"], e["sql"], e.get("says", ""),
                   e.get("database", "this")) for e in entries]


ATTACKS = load_suite()


@dataclass
class Office:
    cluster: Any
    database: str
    other_database: str
    variables: dict[str, str]
    program_mark: Path

    def psql(self, login: str, sql: str, *, database: str | None = None,
             extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """One psql session as `login`, the script as one transaction, stopping at an error."""
        env = os.environ | {"PGHOST": "127.0.0.1", "PGPORT": str(self.cluster.port),
                            "PGUSER": login, "PGPASSWORD": PASSWORD,
                            "PGDATABASE": database or self.database, "PGCONNECT_TIMEOUT": "10",
                            "PGAPPNAME": "attack-suite"}
        command = [str(self.cluster.bin / "psql"), "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1",
                   "-v", "VERBOSITY=verbose"]
        for key, value in (self.variables | (extra or {})).items():
            command += ["-v", f"{key}={value}"]
        return subprocess.run([*command, "-f", "-"], input=sql, capture_output=True, text=True,
                              env=env, timeout=120)

    def state(self) -> dict[str, Any]:
        """Everything an attack could change, read as the superuser."""
        from pg_cluster import SUPERUSER, SUPERUSER_PASSWORD

        found: dict[str, Any] = {}
        with psycopg.connect(host="127.0.0.1", port=self.cluster.port, user=SUPERUSER,
                             password=SUPERUSER_PASSWORD, dbname=self.database) as conn:
            for table in TABLES:
                found[table] = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for what, query in CATALOG.items():
                found[what] = conn.execute(query).fetchall()
        found["program ran"] = self.program_mark.exists()
        return found


@pytest.fixture(scope="module")
def office(pg_cluster, tmp_path_factory):
    """An office database with a project (and a second one), a signed case with a payment and
    an agreement number, a moved, a reviewed, an assessed and a surveyed case; logins for a
    clerk, a reviewer, an admin and one more clerk; and a second office database none of them
    belongs to."""
    from pg_cluster import OWNER_PASSWORD

    from wulong_desk.store.server import init_server

    os.environ["PGPASSWORD"] = OWNER_PASSWORD
    name, other = "wulong_attacks", "wulong_attacks_other"
    url = pg_cluster.create_database(name, template="wulong_template")
    init_server(url)
    init_server(pg_cluster.create_database(other, template="wulong_template"))
    for role, login in LOGINS.items():
        add_user(url, login, role, PASSWORD)
    add_user(url, OTHER_LOGIN, "clerk", PASSWORD)
    store = open_store(url, "")
    try:
        project = projects.create_project(store, project_form(3))
        project2 = projects.create_project(store, project_form(3, name="另一个项目"))
        ids = {}
        for number, stage in (("A-001", "signed"), ("A-002", "assessed"), ("A-003", "reviewed"),
                              ("A-004", "surveyed"), ("A-005", "moved")):
            ids[stage] = cases.save_case(store, project, case_form(3, case_no=number)).case_id
            walk_to(store, ids[stage], stage, moved_on=date(2023, 10, 20))
        account = payments.record_payment(store, ids["signed"], Decimal("1000.00"),
                                           date(2023, 10, 2), "PZ-001")
        # an exchange case signed with the undertaking to move on time (example 2): the late
        # move's and the delay's attacks
        exchange_project = projects.create_project(store, project_form(2, name="调换项目"))
        form = case_form(2, case_no="X-001")
        form["case"]["moved_on_time"] = True
        ids["signed_exchange"] = cases.save_case(store, exchange_project, form).case_id
        walk_to(store, ids["signed_exchange"], "signed")
        form = case_form(2, case_no="X-002")
        form["case"]["moved_on_time"] = True
        ids["moved_exchange"] = cases.save_case(store, exchange_project, form).case_id
        walk_to(store, ids["moved_exchange"], "moved", moved_on=date(2023, 7, 5))
        agreement_numbers.assign_numbers(store, project, [ids["signed"]])
    finally:
        store.close()
    mark = tmp_path_factory.mktemp("attack") / "program-ran"
    variables = {"signed": str(ids["signed"]), "moved": str(ids["moved"]),
                 "signed_exchange": str(ids["signed_exchange"]),
                 "moved_exchange": str(ids["moved_exchange"]),
                 "reviewed": str(ids["reviewed"]), "assessed": str(ids["assessed"]),
                 "surveyed": str(ids["surveyed"]), "project": str(project),
                 "project2": str(project2), "payment": str(account.payments[0].id),
                 "owner": make_url(url).username, "admin_group": f"wulong_{name}_admin",
                 "other_login": OTHER_LOGIN, "db": name, "program": f"touch {mark}"}
    yield Office(pg_cluster, name, other, variables, mark)
    pg_cluster.drop_database(name)
    pg_cluster.drop_database(other)


CASES = [pytest.param(attack, role, id=f"{role}: {attack.name}")
         for attack in ATTACKS for role in attack.roles]


@pytest.mark.parametrize(("attack", "role"), CASES)
def test_the_server_refuses_and_nothing_changes(office, attack, role):
    before = office.state()
    proc = office.psql(LOGINS[role], attack.sql,
                       database=office.other_database if attack.database == "other" else None,
                       extra={"my_group": f"wulong_{office.database}_{role}"})
    assert proc.returncode != 0, f"went through: {proc.stdout}"
    errors = [line for line in proc.stderr.splitlines() if "ERROR:" in line or "FATAL:" in line]
    assert errors, proc.stderr
    assert attack.refused in errors[0], proc.stderr
    if attack.says:
        assert attack.says in proc.stderr
    assert office.state() == before


def test_the_suite_holds_every_statement_the_issue_names():
    assert len({(a.name, r) for a in ATTACKS for r in a.roles}) >= 3 * 45
    assert len(ATTACKS) >= 45
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)
    for words in NAMED:
        assert any(words in attack.name for attack in ATTACKS), words
    for attack in ATTACKS:
        assert set(attack.roles) <= set(ROLES) and attack.roles, attack.name


def test_the_runner_and_the_comparison_would_see_a_statement_go_through(office):
    """The suite can fail: a clerk's allowed work goes through the same runner, and the
    comparison sees the change (the phone number of a signed case's owner, put back after)."""
    before = office.state()
    proc = office.psql(LOGINS["clerk"], "SELECT status FROM cases WHERE id = :signed;")
    assert proc.returncode == 0 and "signed" in proc.stdout
    change = "UPDATE persons SET phone = :'phone' WHERE case_id = :signed;"
    old = before["persons"][[row[1] for row in before["persons"]].index(
        int(office.variables["signed"]))][6]
    assert office.psql(LOGINS["clerk"], change, extra={"phone": "13800000000"}).returncode == 0
    assert office.state() != before
    assert office.psql(LOGINS["clerk"], change, extra={"phone": old}).returncode == 0
    assert office.state() == before
