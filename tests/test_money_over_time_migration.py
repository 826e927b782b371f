"""Migration 0011 on a database at revision 0010 (tests/fixtures/contract2.sqlite brought to 0010
first, with free-text payment terms and accounts as the old 付款 dialog wrote them): no stored
figure or record text changes; an unambiguous term becomes the before_move term, anything else
stays as text and is listed as 付款期限需重新录入; an account written 户名…开户行…账号… is split;
an ordinary agreement takes effect on its signing day; a moved case gets its move and an exchange
case with overdue months its delay, reconstructed as facts (inferred), with the same uuid on
every computer."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.store import migrate, open_store
from wulong_desk.store.models import Case, CaseEvent

FIXTURE = Path(__file__).parent / "fixtures" / "contract2.sqlite"
NAMESPACE = uuid.UUID("6f3e0c1e-0b5c-4a1e-9d3e-2b6f0e1d0a11")   # as the migration says
TERMS = {"FR-0002": "签约后十五日内", "E4-S": "交房后10日内付清", "E4-M": "2024年1月31日前付清",
         "E4-V": "签约后10个工作日内"}
ACCOUNTS = {"FR-0002": "户名：张三，开户行：武隆农商行，账号：6217 0000 1234",
            "E4-S": "张三 农商行 6217"}


@pytest.fixture
def at_0010(tmp_path) -> Path:
    path = tmp_path / "r10.sqlite"
    shutil.copy(FIXTURE, path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.upgrade(conn, "0010")
    engine.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0010",)
    for case_no, text in TERMS.items():
        conn.execute("UPDATE cases SET payment_term = ? WHERE case_no = ?", (text, case_no))
    for case_no, text in ACCOUNTS.items():
        conn.execute("UPDATE cases SET bank_account = ? WHERE case_no = ?", (text, case_no))
    conn.commit()
    conn.close()
    return path


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("case_results", "case_records", "payments")}
    finally:
        conn.close()


def test_no_figure_changes_and_the_facts_are_kept(at_0010):
    before = dump(at_0010)
    uuids = dict(sqlite3.connect(at_0010).execute("SELECT case_no, uuid FROM cases").fetchall())
    store = open_store(at_0010, "测试")
    try:
        assert dump(at_0010) == before
        with store.read() as session:
            by_no = {c.case_no: c for c in session.query(Case)}
            terms = {no: (c.payment_terms, c.payment_term) for no, c in by_no.items()
                     if no in TERMS}
            payee = {no: (c.payee_name, c.payee_bank, c.payee_account, c.bank_account)
                     for no, c in by_no.items() if no in ACCOUNTS}
            effective = {no: by_no[no].effective_on for no in
                         ("FR-0002", "E4-S", "E4-M", "E4-V", "E4-P", "E4-X", "E4-U")}
            events = sorted((e.case.case_no, e.kind, e.on_date, e.months, e.late,
                             e.amount_cents, e.inferred, e.uuid)
                            for e in session.query(CaseEvent))
            overdue = {no: by_no[no].result.overdue_cents for no in ("FR-0002", "E4-S", "E4-V")}
    finally:
        store.close()
    assert {no: (json.loads(t) if t else None, text) for no, (t, text) in terms.items()} == {
        "FR-0002": ({"before_move": {"days": 15, "from": "signing", "workdays": False}}, None),
        "E4-S": (None, "交房后10日内付清"),
        "E4-M": ({"before_move": {"on": "2024-01-31"}}, None),
        "E4-V": ({"before_move": {"days": 10, "from": "signing", "workdays": True}}, None)}
    assert payee == {"FR-0002": ("张三", "武隆农商行", "6217 0000 1234", None),
                     "E4-S": (None, None, None, "张三 农商行 6217")}
    # an ordinary agreement takes effect on its signing day; a presign or an unsigned case has
    # none (nothing says when a presign converted before this took effect)
    assert effective == {"FR-0002": date(2023, 8, 19), "E4-S": date(2023, 9, 15),
                         "E4-M": date(2023, 9, 20), "E4-V": date(2023, 10, 8), "E4-P": None,
                         "E4-X": None, "E4-U": None}

    def made(case_no: str, kind: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{uuids[case_no]}:{kind}"))

    # E4-M moved 2023-12-01, before its project's 搬迁期限 2024-03-31: on time; the exchange
    # cases signed with overdue months (the presign E4-P is not yet an agreement in force)
    assert events == sorted([
        ("E4-M", "move", date(2023, 12, 1), 0, False, 0, True, made("E4-M", "move")),
        ("E4-S", "delay", None, 2, None, overdue["E4-S"], True, made("E4-S", "delay")),
        ("E4-V", "delay", None, 2, None, overdue["E4-V"], True, made("E4-V", "delay")),
        ("FR-0002", "delay", None, 3, None, overdue["FR-0002"], True,
         made("FR-0002", "delay"))])
    assert all(overdue.values())


def test_a_term_that_cannot_be_read_is_listed_to_be_entered_again(at_0010):
    store = open_store(at_0010, "测试")
    try:
        with store.read() as session:
            items = due_list(session, 2, date(2026, 11, 30), WorkCalendar())
    finally:
        store.close()
    said = {(i.case_no, i.what.split("（")[0]) for i in items}
    assert ("E4-S", "付款期限需重新录入") in said and ("E4-S", "收款账户需重新录入") in said
    assert ("E4-M", "付款期限需重新录入") not in said
    [term] = [i for i in items if i.case_no == "E4-S" and i.what.startswith("付款期限")]
    assert "交房后10日内付清" in term.what and term.due is None
