"""Roles the office server itself enforces (issue 18, item 3): a clerk who logs in directly
(psycopg, as psql would) gets no further than the app lets them."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.engine import make_url
from store_helpers import case_form, project_form, walk_to

from wulong_desk.services import cases, projects
from wulong_desk.store import open_store
from wulong_desk.store.server import ForbiddenError, add_user

CLERK_PW = "clerk-password-1"
REVIEWER_PW = "reviewer-password-1"


def as_login(url: str, user: str) -> str:
    return make_url(url).set(username=user).render_as_string(hide_password=False)


@pytest.fixture
def office(pg_url):
    """A project with a signed case (A-001) and an assessed one (A-002), and two staff logins."""
    add_user(pg_url, "clerk_wang", "clerk", CLERK_PW)
    add_user(pg_url, "reviewer_li", "reviewer", REVIEWER_PW)
    store = open_store(pg_url, "")
    project_id = projects.create_project(store, project_form())
    signed = cases.save_case(store, project_id, case_form(case_no="A-001")).case_id
    walk_to(store, signed, "signed")
    assessed = cases.save_case(store, project_id, case_form(case_no="A-002")).case_id
    walk_to(store, assessed, "assessed")
    store.close()
    return pg_url, project_id, signed, assessed


def clerk_connection(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, dbname=parsed.database,
                           user="clerk_wang", password=CLERK_PW, autocommit=True)


FORBIDDEN = [
    ("mark reviewed", "UPDATE cases SET status = 'reviewed' WHERE id = {assessed}"),
    ("unlock a signed case",
     "UPDATE cases SET unlocked_reason = '客户要求更正' WHERE id = {signed}"),
    ("void a signed case",
     "UPDATE cases SET status = 'void', void_reason = '协议解除了' WHERE id = {signed}"),
    ("take back a signature", "UPDATE cases SET status = 'reviewed' WHERE id = {signed}"),
    ("change a signed case's money input",
     "UPDATE cases SET method = CASE method WHEN 'money' THEN 'exchange' ELSE 'money' END"
     " WHERE id = {signed}"),
    ("move a signing date", "UPDATE cases SET signed_on = '2023-07-01' WHERE id = {signed}"),
    ("delete a signed case", "DELETE FROM cases WHERE id = {signed}"),
    ("change a signed case's area",
     "UPDATE house_parts SET area = '1.00' WHERE case_id = {signed}"),
    ("add a part to a signed case",
     "INSERT INTO house_parts (case_id, position, use, area, decoration_value, water_accounts,"
     " power_accounts, gas_accounts, gas_cost, business_eligible, manufacturing) VALUES"
     " ({signed}, 9, 'residential', '10.00', '0', 0, 0, 0, '0', false, false)"),
    ("delete a signed case's part", "DELETE FROM house_parts WHERE case_id = {signed}"),
    ("delete a signed case's person", "DELETE FROM persons WHERE case_id = {signed}"),
    ("rewrite a signed case's figures",
     "UPDATE case_results SET total_cents = total_cents + 100 WHERE case_id = {signed}"),
    ("delete a signed case's figures", "DELETE FROM case_results WHERE case_id = {signed}"),
    ("rewrite a signed case's record",
     "UPDATE case_records SET breakdown_json = '{{}}' WHERE case_id = {signed}"),
    ("change project settings", "UPDATE projects SET zone = 'outer' WHERE id = {project}"),
    ("create a project", "INSERT INTO projects SELECT * FROM projects WHERE false"),
    ("change the audit", "UPDATE audit_log SET operator = 'someone'"),
    ("delete the audit", "DELETE FROM audit_log"),
    ("empty the audit", "TRUNCATE audit_log"),
    ("move a row out of a signed case",
     "UPDATE house_parts SET case_id = {assessed} WHERE case_id = {signed}"),
    ("move a person out of a signed case",
     "UPDATE persons SET case_id = {assessed} WHERE case_id = {signed}"),
    ("move a row into a signed case",
     "UPDATE house_parts SET case_id = {signed} WHERE case_id = {assessed}"),
    ("forge a correction mark", "INSERT INTO wulong_open_cases VALUES (txid_current(), 1)"),
]


@pytest.mark.parametrize(("what", "statement"), FORBIDDEN, ids=[w for w, _ in FORBIDDEN])
def test_a_clerk_logged_in_directly_cannot(office, what, statement):
    url, project_id, signed, assessed = office
    sql = statement.format(signed=signed, assessed=assessed, project=project_id)
    with clerk_connection(url) as conn:
        before = conn.execute("SELECT count(*) FROM audit_log").fetchone()
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(sql)
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == before
        status = conn.execute("SELECT status, unlocked_reason FROM cases WHERE id = %s",
                              (signed,)).fetchone()
        assert status == ("signed", None)


def test_a_clerk_may_do_a_clerks_work_directly(office):
    """The guards are not a blanket refusal: names and phones of a signed case, an open case's
    figures, signing, and adding audit rows (written under the login, whatever is claimed)."""
    url, _project_id, signed, assessed = office
    with clerk_connection(url) as conn:
        conn.execute("UPDATE persons SET phone = '13900000000' WHERE case_id = %s", (signed,))
        conn.execute("UPDATE cases SET remarks = '已电话回访' WHERE id = %s", (signed,))
        conn.execute("UPDATE house_parts SET decoration_value = '7000' WHERE case_id = %s",
                     (assessed,))
        conn.execute("INSERT INTO audit_log (at, operator, action, entity, field) VALUES "
                     "(now(), '李审核', 'update', 'case', 'remarks')")
        written = conn.execute("SELECT operator FROM audit_log ORDER BY id DESC LIMIT 1")
        assert written.fetchone() == ("clerk_wang",)


def test_the_app_says_what_the_database_refused_and_a_reviewer_may(office, monkeypatch):
    url, project_id, signed, assessed = office
    monkeypatch.setenv("PGPASSWORD", CLERK_PW)
    clerk = open_store(as_login(url, "clerk_wang"), "随便写的名字")
    try:
        assert clerk.role == "clerk" and clerk.operator == "clerk_wang"
        assert "审核人员" in (clerk.may("解锁更正") or "")
        # the app refuses first, naming the role …
        with pytest.raises(ForbiddenError, match="解锁更正只能由审核人员操作"):
            cases.unlock_case(clerk, signed, "补充材料后更正面积")
        with pytest.raises(ForbiddenError, match="标为已审核只能由审核人员操作"):
            cases.set_status(clerk, assessed, "reviewed")
        with pytest.raises(ForbiddenError, match="修改项目设置只能由审核人员操作"):
            projects.update_project(clerk, project_id, project_form() | {"name": "改个名字"})
        from wulong_desk.services.recalc import recalc_project

        assert [r.case_no for r in recalc_project(clerk, project_id, dry_run=True)] == [
            "A-001", "A-002"]                       # looking is anyone's; writing is not
        with pytest.raises(ForbiddenError, match="按新规则重算只能由审核人员操作"):
            recalc_project(clerk, project_id, dry_run=False)
        # … and a path that does not ask (a plain save) meets the database's own refusal
        form = case_form(case_no="A-002") | {"status": "reviewed"}
        with pytest.raises(ForbiddenError, match="只有审核人员可以把案卷 A-002 标为已审核"):
            cases.save_case(clerk, project_id, form, assessed)
        # the clerk's own work: a save (as a clerk) goes through, under the login's name
        cases.save_case(clerk, project_id, case_form(case_no="A-003"))
        assert cases.history(clerk, signed)[-1].operator != "clerk_wang"
    finally:
        clerk.close()
    monkeypatch.setenv("PGPASSWORD", REVIEWER_PW)
    reviewer = open_store(as_login(url, "reviewer_li"), "")
    try:
        assert reviewer.role == "reviewer" and reviewer.may("解锁更正") is None
        cases.set_status(reviewer, assessed, "reviewed")
        cases.unlock_case(reviewer, signed, "补充材料后更正面积")
        entry = cases.history(reviewer, signed)[-1]
        assert (entry.action, entry.operator) == ("unlock", "reviewer_li")
    finally:
        reviewer.close()


def test_only_a_reviewer_may_change_or_delete_a_payment(office):
    """Review finding 8: a payment is corrected by a reversing entry; a clerk adds payments but
    cannot rewrite or delete one, directly on the server; a reviewer may."""
    from datetime import date
    from decimal import Decimal

    from wulong_desk.services import payments

    url, _project_id, signed, _assessed = office
    store = open_store(url, "")
    try:
        payments.record_payment(store, signed, Decimal("100.00"), date.today(), "PZ-001")
    finally:
        store.close()
    with clerk_connection(url) as conn:
        for sql in ("DELETE FROM payments", "UPDATE payments SET amount = '1.00'",
                    "TRUNCATE payments"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)
        conn.execute("INSERT INTO payments (case_id, kind, amount, paid_on, voucher, operator,"
                     " created_at) VALUES (%s, 'pay', '50.00', current_date, 'PZ-002',"
                     " 'clerk_wang', now())", (signed,))
        rows = conn.execute("SELECT voucher FROM payments ORDER BY voucher").fetchall()
        assert rows == [("PZ-001",), ("PZ-002",)]      # nothing rewritten, the addition kept
    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, dbname=parsed.database,
                         user="reviewer_li", password=REVIEWER_PW, autocommit=True) as conn:
        conn.execute("DELETE FROM payments WHERE voucher = 'PZ-002'")
        assert conn.execute("SELECT count(*) FROM payments").fetchone() == (1,)
