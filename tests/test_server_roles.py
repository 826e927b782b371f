"""Roles the office server itself enforces (issue 18 item 3, issue 24): what a clerk or a reviewer
may do directly stays possible, written under the login; the app refuses first what the database
would refuse; the audited events do the frozen changes; staff logins hold nothing beyond LOGIN
and one group of one database. (What must be refused: tests/server_attacks.toml.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy.engine import make_url
from store_helpers import case_form, project_form, walk_to

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.lifecycle import TransitionError
from wulong_desk.services.money import payments
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.server import add_user, init_server
from wulong_desk.store.server_errors import ForbiddenError

CLERK_PW = "clerk-password-1"
REVIEWER_PW = "reviewer-password-1"


def as_login(url: str, user: str) -> str:
    return make_url(url).set(username=user).render_as_string(hide_password=False)


@pytest.fixture
def office(pg_url):
    """A project with a signed case (A-001), an assessed one (A-002) and a reviewed one (A-003),
    and two staff logins."""
    add_user(pg_url, "clerk_wang", "clerk", CLERK_PW)
    add_user(pg_url, "reviewer_li", "reviewer", REVIEWER_PW)
    store = open_store(pg_url, "")
    project_id = projects.create_project(store, project_form())
    signed = cases.save_case(store, project_id, case_form(case_no="A-001")).case_id
    walk_to(store, signed, "signed")
    assessed = cases.save_case(store, project_id, case_form(case_no="A-002")).case_id
    walk_to(store, assessed, "assessed")
    reviewed = cases.save_case(store, project_id, case_form(case_no="A-003")).case_id
    walk_to(store, reviewed, "reviewed")
    store.close()
    return pg_url, project_id, signed, assessed, reviewed


def connect(url: str, user: str, password: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, dbname=parsed.database,
                           user=user, password=password, autocommit=True)


def last_entry(conn: psycopg.Connection) -> tuple:
    return conn.execute("SELECT operator, action, field, old, new, reason FROM audit_log "
                        "ORDER BY id DESC LIMIT 1").fetchone()


def test_a_clerk_may_do_a_clerks_work_directly(office):
    """The guards are not a blanket refusal: names and phones and remarks of a signed case, an
    open case's figures, signing a reviewed case, a payment — and whatever is written down is
    written under the login, SET ROLE or not."""
    url, _project_id, signed, assessed, reviewed = office
    with connect(url, "clerk_wang", CLERK_PW) as conn:
        conn.execute("UPDATE persons SET phone = '13900000000' WHERE case_id = %s", (signed,))
        conn.execute("UPDATE cases SET remarks = '已电话回访' WHERE id = %s", (signed,))
        conn.execute("UPDATE house_parts SET decoration_value = '7000' WHERE case_id = %s",
                     (assessed,))
        conn.execute("SELECT wulong_sign(%s, 'signed')", (reviewed,))
        assert conn.execute("SELECT status FROM cases WHERE id = %s", (reviewed,)
                            ).fetchone() == ("signed",)
        assert last_entry(conn) == ("clerk_wang", "update", "status", "reviewed", "signed", None)
        conn.execute(f"SET ROLE wulong_{make_url(url).database}_clerk")
        conn.execute("SELECT wulong_audit(%s::jsonb)",
                     ('[{"action": "update", "entity": "case", "field": "remarks"}]',))
        assert last_entry(conn)[:2] == ("clerk_wang", "update")   # the login, not the group
        owed = conn.execute("SELECT wulong_may_still_pay(%s)", (signed,)).fetchone()[0]
        # example 2, signed and not yet moved: only its before_move is owed (the spec's
        # schedule); the houses' price is set against it at the hand-over, not yet
        assert owed == Decimal("211664.00")
        conn.execute("SELECT wulong_record_payment(%s, 'pay', '100.00', current_date, "
                     "'PZ-101', NULL)", (signed,))
        assert conn.execute("SELECT operator, amount FROM payments").fetchall() == [
            ("clerk_wang", "100.00")]
        assert conn.execute("SELECT wulong_may_still_pay(%s)", (signed,)).fetchone()[0] \
            == owed - 100


def test_the_app_refuses_first_what_the_database_refuses(office, monkeypatch):
    url, project_id, signed, assessed, _reviewed = office
    monkeypatch.setenv("PGPASSWORD", CLERK_PW)
    clerk = open_store(as_login(url, "clerk_wang"), "随便写的名字")
    try:
        assert clerk.role == "clerk" and clerk.operator == "clerk_wang"
        assert "审核人员" in (clerk.may("解锁更正") or "")
        with pytest.raises(ForbiddenError, match="解锁更正只能由审核人员操作"):
            cases.unlock_case(clerk, signed, "补充材料后更正面积")
        with pytest.raises(ForbiddenError, match="标为已审核只能由审核人员操作"):
            cases.set_status(clerk, assessed, "reviewed")
        with pytest.raises(ForbiddenError, match="修改项目设置只能由审核人员操作"):
            projects.update_project(clerk, project_id, project_form() | {"name": "改个名字"})
        from wulong_desk.services.cases.recalc import recalc_project

        assert [r.case_no for r in recalc_project(clerk, project_id, dry_run=True)] == [
            "A-001", "A-002", "A-003"]               # looking is anyone's; writing is not
        with pytest.raises(ForbiddenError, match="按新规则重算只能由审核人员操作"):
            recalc_project(clerk, project_id, dry_run=False)
        # a plain save that marks 已审核, or goes back with a reason: refused before writing
        form = case_form(case_no="A-002") | {"status": "reviewed"}
        with pytest.raises(ForbiddenError, match="标为已审核只能由审核人员操作"):
            cases.save_case(clerk, project_id, form, assessed)
        back = case_form(case_no="A-002") | {"status": "surveyed"}
        with pytest.raises(ForbiddenError, match="退回或跳过阶段只能由审核人员操作"):
            cases.save_case(clerk, project_id, back, assessed, reason="评估单价需要重新核实")
        # the clerk's own work: a new case, and a step forward, under the login's name
        made = cases.save_case(clerk, project_id, case_form(case_no="A-004"))
        cases.set_status(clerk, made.case_id, "assessed")
        assert {e.operator for e in cases.history(clerk, made.case_id)} == {"clerk_wang"}
        # a payment the app's own check would let through is still refused by the server
        with clerk.transaction() as session:
            case = cases.get_case(session, signed)
            with pytest.raises(Exception, match=r"超过现在应付未付的 211664\.00 元"):
                payments.add_payment(session, case, "pay", Decimal("211664.01"),
                                     date.today(), "PZ-900", "clerk_wang")
    finally:
        clerk.close()
    with connect(url, "clerk_wang", CLERK_PW) as conn:
        assert conn.execute("SELECT status FROM cases WHERE id = %s", (assessed,)
                            ).fetchone() == ("assessed",)
        assert conn.execute("SELECT count(*) FROM payments").fetchone() == (0,)


def test_a_reviewer_corrects_through_the_audited_events(office, monkeypatch):
    """解锁更正 → change → save: the unlock, every changed figure old → new (with the unlock's
    reason) and the relock are written by the server's events, under the reviewer's login; a
    jump over a stage is the reviewer's, with its reason."""
    url, project_id, signed, assessed, _reviewed = office
    monkeypatch.setenv("PGPASSWORD", REVIEWER_PW)
    reviewer = open_store(as_login(url, "reviewer_li"), "")
    try:
        assert reviewer.role == "reviewer" and reviewer.may("解锁更正") is None
        cases.unlock_case(reviewer, signed, "评估报告单价录入有误")
        form = case_form(case_no="A-001", status="signed")
        form["case"]["parts"][0]["unit_price"] = "4100"   # 36 m² × 100 more: 3,600.00 more
        cases.save_case(reviewer, project_id, form, signed)
        entries = cases.history(reviewer, signed)
        corrected = {e.field: (e.old, e.new, e.reason, e.operator)
                     for e in entries if e.action == "correct"}
        old, new, why, who = corrected["total"]
        assert Decimal(new) > Decimal(old) and (why, who) == ("评估报告单价录入有误", "reviewer_li")
        assert corrected["V_AREA"][:2] == ("144000.00", "147600.00")   # 36 m² × 4000 → × 4100
        relock = [e for e in entries if e.action == "relock"]
        assert relock[-1].operator == "reviewer_li" and relock[-1].reason == "更正后保存，自动锁定"
        with reviewer.read() as session:
            assert cases.get_case(session, signed).locked
        cases.save_case(reviewer, project_id, case_form(case_no="A-002", status="surveyed"),
                        assessed, reason="评估单价需要重新核实")
        stage = [e for e in cases.history(reviewer, assessed) if e.action == "status"]
        assert [(e.old, e.new, e.reason, e.operator) for e in stage] == [
            ("assessed", "surveyed", "评估单价需要重新核实", "reviewer_li")]
    finally:
        reviewer.close()


def test_a_stage_change_is_the_events_in_order():
    """The events a stage change takes on the server (services.cases.changes.stage_events)."""
    from types import SimpleNamespace

    plain, town = SimpleNamespace(old_town=False), SimpleNamespace(old_town=True)
    assert cases.stage_events(plain, "surveyed", "assessed") is None
    assert cases.stage_events(plain, "assessed", "reviewed") is None
    assert cases.stage_events(plain, "reviewed", "surveyed") == [("change_stage", "surveyed")]
    assert cases.stage_events(plain, "reviewed", "signed") == [("sign", "signed")]
    assert cases.stage_events(town, "reviewed", "presigned") == [("sign", "presigned")]
    assert cases.stage_events(town, "presigned", "signed") == [("sign", "signed")]
    assert cases.stage_events(plain, "signed", "moved") == [("record_move", "moved")]
    assert cases.stage_events(plain, "surveyed", "moved") == [
        ("change_stage", "reviewed"), ("sign", "signed"), ("record_move", "moved")]


def staff_roles(url: str) -> list[tuple]:
    """Every login holding a group of this database, with its attributes and memberships."""
    from pg_cluster import SUPERUSER, SUPERUSER_PASSWORD

    database = make_url(url).database
    with connect(url, SUPERUSER, SUPERUSER_PASSWORD) as conn:
        return conn.execute(
            "SELECT m.rolname, m.rolsuper, m.rolcreaterole, m.rolcreatedb, m.rolreplication, "
            " m.rolbypassrls, m.rolcanlogin, array_agg(g.rolname ORDER BY g.rolname) "
            "FROM pg_roles m JOIN pg_auth_members a ON a.member = m.oid "
            "JOIN pg_roles g ON g.oid = a.roleid WHERE m.rolcanlogin AND m.oid IN ("
            "  SELECT member FROM pg_auth_members x JOIN pg_roles y ON y.oid = x.roleid "
            "  WHERE y.rolname LIKE %s) "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1", (f"wulong_{database}_%",)).fetchall()


def test_a_staff_login_holds_login_and_one_group_nothing_else(pg_url, pg_cluster,
                                                              monkeypatch):
    """`server add-user` makes a plain login of any role (no CREATEROLE for an admin), takes
    away what a login held beyond it (here pg_read_server_files, granted by hand), and leaves
    another office database's group alone; a name that is not a plain staff login is
    refused, and so is anyone but the owner running it."""
    other = pg_cluster.create_database("wulong_roles_other", template="wulong_template")
    try:
        init_server(other)
        add_user(other, "zhang", "reviewer", "zhang-password-1")
        pg_cluster.admin_sql("GRANT pg_read_server_files TO zhang")
        for name, role in (("zhang", "clerk"), ("qian", "reviewer"), ("sun", "admin")):
            add_user(pg_url, name, role, f"{name}-password-1")
        database = make_url(pg_url).database
        assert staff_roles(pg_url) == [
            ("qian", False, False, False, False, False, True, [f"wulong_{database}_reviewer"]),
            ("sun", False, False, False, False, False, True, [f"wulong_{database}_admin"]),
            ("zhang", False, False, False, False, False, True,
             sorted([f"wulong_{database}_clerk", "wulong_wulong_roles_other_reviewer"]))]
        add_user(pg_url, "zhang", "reviewer", "zhang-password-2")   # a new role, not two
        assert staff_roles(pg_url)[-1][-1] == sorted([f"wulong_{database}_reviewer",
                                                     "wulong_wulong_roles_other_reviewer"])
        for name in ("postgres", "pg_monitor", "wulong_owner", f"wulong_{database}_clerk"):
            with pytest.raises(UserError, match=r"保留的名字|不能作为工作人员"):
                add_user(pg_url, name, "clerk", "some-password-1")
        monkeypatch.setenv("PGPASSWORD", "sun-password-1")
        with pytest.raises(UserError, match="要用数据库所有者登录运行"):
            add_user(as_login(pg_url, "sun"), "zhou", "clerk", "zhou-password-1")
    finally:
        pg_cluster.drop_database("wulong_roles_other")


def test_server_init_is_the_owners_and_says_what_is_missing(pg_cluster, pg_url, monkeypatch):
    from pg_cluster import SUPERUSER_PASSWORD

    add_user(pg_url, "sun", "admin", "sun-password-1")
    monkeypatch.setenv("PGPASSWORD", "sun-password-1")
    with pytest.raises(UserError, match=r"要用数据库 .* 的所有者 wulong_owner 登录运行"):
        init_server(as_login(pg_url, "sun"))
    pg_cluster.admin_sql("CREATE ROLE plain_owner LOGIN PASSWORD 'plain-owner-pw'")
    try:
        pg_cluster.admin_sql("CREATE DATABASE wulong_plain OWNER plain_owner")
        monkeypatch.setenv("PGPASSWORD", "plain-owner-pw")
        url = pg_cluster.url(user="plain_owner", database="wulong_plain")
        with pytest.raises(UserError, match="没有建立角色的权限（CREATEROLE）"):
            init_server(url)
        pg_cluster.admin_sql("CREATE DATABASE \"Wulong-2\" OWNER plain_owner")
        with pytest.raises(UserError, match="只能由小写字母、数字和下划线组成"):
            init_server(pg_cluster.url(user="plain_owner", database="Wulong-2"))
    finally:
        pg_cluster.admin_sql("DROP DATABASE IF EXISTS wulong_plain")
        pg_cluster.admin_sql("DROP DATABASE IF EXISTS \"Wulong-2\"")
        pg_cluster.admin_sql("DROP ROLE plain_owner")
    monkeypatch.setenv("PGPASSWORD", SUPERUSER_PASSWORD)
    with pytest.raises(UserError, match="所有者 wulong_owner 登录运行"):   # not even postgres
        init_server(as_login(pg_url, "postgres"))


def test_a_clerk_sees_a_refusal_said_in_words(office, monkeypatch):
    """A statement the database refuses reaches the app as its Chinese sentence (a save that
    gets past the app's own checks: the server's word is the last)."""
    url, _project_id, signed, _assessed, _reviewed = office
    monkeypatch.setenv("PGPASSWORD", CLERK_PW)
    clerk = open_store(as_login(url, "clerk_wang"), "")
    try:
        with pytest.raises(ForbiddenError, match=r"服务器拒绝了这项修改：.*已锁定") as caught:
            with clerk.transaction() as session:
                from sqlalchemy import text

                session.execute(text("UPDATE case_results SET total_cents = 0 "
                                     "WHERE case_id = :c"), {"c": signed})
        assert "未保存任何修改" in str(caught.value)
        with pytest.raises(TransitionError):
            cases.set_status(clerk, signed, "moved")   # no move date: the app says so first
    finally:
        clerk.close()


def test_a_login_of_another_office_database_is_told_so_plainly(pg_url, pg_cluster,
                                                               monkeypatch):
    from wulong_desk.errors import ServerUnreachableError

    other = pg_cluster.create_database("wulong_roles_elsewhere", template="wulong_template")
    try:
        init_server(other)
        add_user(other, "elsewhere", "clerk", "elsewhere-password-1")
        monkeypatch.setenv("PGPASSWORD", "elsewhere-password-1")
        with open_store(as_login(other, "elsewhere"), "") as store:
            assert store.role == "clerk"
        with pytest.raises(ServerUnreachableError, match="这个登录不能连接办公室服务器上的"):
            open_store(as_login(pg_url, "elsewhere"), "")
    finally:
        pg_cluster.drop_database("wulong_roles_elsewhere")


def test_server_init_takes_back_what_a_staff_login_was_given_by_hand(pg_url, pg_cluster):
    """A staff login that was granted the owner (or CREATEROLE) by hand is made plain again by
    the next `server init`, which says so."""
    add_user(pg_url, "qian", "reviewer", "qian-password-1")
    pg_cluster.admin_sql("GRANT wulong_owner TO qian")
    pg_cluster.admin_sql("ALTER ROLE qian CREATEROLE")
    _login, notes = init_server(pg_url)
    assert any("qian" in note and "wulong_owner" in note for note in notes)
    database = make_url(pg_url).database
    assert [row[0] for row in staff_roles(pg_url)] == ["qian"]
    assert staff_roles(pg_url)[0][1:] == (False, False, False, False, False, True,
                                          [f"wulong_{database}_reviewer"])


def test_every_table_has_its_place_and_every_event_its_function(pg_url):
    """A table a later revision adds must be placed in server_roles (else staff only read it);
    every event of server_events.EVENTS is a SECURITY DEFINER function of the owner, which
    only the groups it names may call."""
    from pg_cluster import SUPERUSER, SUPERUSER_PASSWORD

    from wulong_desk.store import event_function, server_events, server_guards, server_roles
    from wulong_desk.store.models import Base

    placed = {*server_roles.CASE_TABLE, *server_roles.CASE_ROWS, *server_roles.STAFF_TABLES,
              *server_roles.REVIEWER_TABLES, *server_roles.PROPOSAL_TABLES,
              *server_roles.EVENT_TABLES, *server_roles.READ_ONLY_TABLES,
              *server_roles.PRIVATE_TABLES}
    assert set(Base.metadata.tables) <= placed
    guarded = {table for _function, tables in server_guards.TRIGGERS for table in tables}
    assert {*server_roles.CASE_TABLE, *server_roles.CASE_ROWS, "payments"} <= guarded
    database = make_url(pg_url).database
    with connect(pg_url, SUPERUSER, SUPERUSER_PASSWORD) as conn:
        for event in server_events.EVENTS:
            definer, owner = conn.execute(
                "SELECT prosecdef, proowner::regrole::text FROM pg_proc "
                "WHERE oid = %s::regprocedure", (event.signature,)).fetchone()
            assert (definer, owner) == (True, "wulong_owner"), event.name
            may = {kind: conn.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')",
                                      (f"wulong_{database}_{kind}", event.signature)).fetchone()[0]
                   for kind in ("clerk", "reviewer", "admin")}
            assert may == {"clerk": event.who == event_function.STAFF,
                           "reviewer": event.who != event_function.ADMIN,
                           "admin": True}, event.name
