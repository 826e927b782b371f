"""Who may change a case (issue 30, item 2): every column of a case and its rows has a written
policy (store/column_policy.py), and the local backstop (store/audit.py, before every flush)
refuses what the policy forbids on a locked case — changed frozen values, and rows added or
removed — even from code that goes around services/cases/changes.py."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect
from store_helpers import project_with_case, walk_to

from wulong_desk.services.cases import changes as cases
from wulong_desk.store import column_policy, open_store, server_guards
from wulong_desk.store.audit import CaseLockedError
from wulong_desk.store.models import (
    AGREEMENT_COLUMNS,
    CASE_MONEY_COLUMNS,
    Base,
    CaseRecord,
    Equipment,
    HousePart,
    Person,
)

PACKAGE = Path(__file__).resolve().parent.parent / "wulong_desk"


def case_tables() -> dict[str, list[str]]:
    """Every mapped table of a case (the case, and each table whose rows point at a case or at
    its result), with its mapped columns, read from the models themselves."""
    found = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if table.name == "cases" or targets & {"cases", "case_results"}:
            found[table.name] = [attr.key for attr in mapper.column_attrs]
    return found


def test_every_mapped_column_of_a_case_has_a_policy():
    tables = case_tables()
    assert {"cases", "persons", "house_parts", "case_records", "case_dates"} <= set(tables)
    assert sorted(tables["cases"]) == sorted(column_policy.CASES)
    for name, columns in tables.items():
        if name == "cases":
            continue
        assert name in column_policy.ROW_TABLES, f"{name}: no policy for its rows"
        row = column_policy.ROW_TABLES[name]
        assert row.kind in column_policy.ROW_KINDS
        assert sorted(columns) == sorted(row.columns), name
    policies = [*column_policy.CASES.values(),
                *(p for t in column_policy.ROW_TABLES.values() for p in t.columns.values())]
    assert {p.kind for p in policies} <= set(column_policy.KINDS)
    # an event column names the events that write it, each one a known event
    known = {*column_policy.REFIGURE, *column_policy.EVENTS, "签约", "协议编号", "登记拨付",
             "复议或诉讼"}
    for policy in policies:
        if policy.kind in ("event", "once"):
            assert policy.events, policy
        assert set(policy.events) <= known, policy.events
    for event, columns in column_policy.EVENTS.items():
        for column in columns:
            table, name = column.split(".")
            policy = (column_policy.CASES[name] if table == "cases"
                      else column_policy.ROW_TABLES[table].columns[name])
            assert event in policy.events, (event, column)


def test_the_lists_the_code_uses_come_from_the_policy():
    assert set(CASE_MONEY_COLUMNS) == {c for c, p in column_policy.CASES.items()
                                       if p.group == "money"}
    assert set(AGREEMENT_COLUMNS) == {c for c, p in column_policy.CASES.items()
                                      if p.group == "agreement"}
    # every money and agreement column is locked on a signed case
    for column in (*CASE_MONEY_COLUMNS, *AGREEMENT_COLUMNS):
        assert column_policy.CASES[column].kind in ("frozen", "event")
    assert server_guards.CASE_ROW_TABLES == column_policy.CASE_ROW_TABLES


def test_the_office_servers_guard_names_every_locked_column():
    """The server's case guard checks each column the policy locks (by name), and none of the
    columns the policy leaves editable after signing."""
    guard = next(sql for sql in server_guards.guards_sql("public")
                 if "FUNCTION wulong_guard_case()" in sql)
    for column, policy in column_policy.CASES.items():
        named = f"NEW.{column}" in guard
        assert named == (policy.kind in column_policy.LOCKED_KINDS), column


@pytest.fixture
def signed(tmp_path):
    store = open_store(tmp_path / "cases.sqlite", "王经办")
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    yield store, case_id
    store.close()


def count(store, case_id, rows: str) -> int:
    with store.read() as session:
        return len(getattr(cases.get_case(session, case_id), rows))


def test_a_new_row_of_a_locked_case_is_refused_behind_the_owner(signed):
    store, case_id = signed
    with pytest.raises(CaseLockedError, match=r"案卷 A-001（已签约）已锁定：不能增加它的房屋"), \
            store.transaction() as session:
        session.add(HousePart(case_id=case_id, position=9, use="residential",
                              area=Decimal("10.00"), unit_price=Decimal("5000")))
    with pytest.raises(CaseLockedError, match="不能增加它的设施设备"), \
            store.transaction() as session:
        case = cases.get_case(session, case_id)
        case.equipment.append(Equipment(position=0, name="锅炉", reusable=False,
                                        net_value=Decimal("1000"), rate=Decimal("0.5")))
    assert count(store, case_id, "parts") == 1
    assert count(store, case_id, "equipment") == 0


def test_a_deleted_row_of_a_locked_case_is_refused_behind_the_owner(signed):
    store, case_id = signed
    with pytest.raises(CaseLockedError, match="案卷 A-001（已签约）已锁定：不能删除它的房屋"), \
            store.transaction() as session:
        case = cases.get_case(session, case_id)
        session.delete(case.parts[0])
    with pytest.raises(CaseLockedError, match="不能删除它的被征收人"), \
            store.transaction() as session:
        case = cases.get_case(session, case_id)
        case.persons.clear()   # (delete-orphan)
    with pytest.raises(CaseLockedError, match="计算记录"), store.transaction() as session:
        session.delete(session.get(CaseRecord, case_id))
    with pytest.raises(CaseLockedError, match="案卷 A-001（已签约）已锁定：不能删除"), \
            store.transaction() as session:
        session.delete(cases.get_case(session, case_id))
    assert count(store, case_id, "parts") == 1
    assert count(store, case_id, "persons") == 1


def test_a_locked_cases_frozen_and_event_columns_are_refused_behind_the_owner(signed):
    store, case_id = signed
    changes = {"land_area": Decimal("1"), "case_no": "A-002", "payee_account": "6222",
               "status": "reviewed", "moved_on": date(2023, 7, 1), "void_reason": "误签了协议",
               "converted_on": date(2023, 7, 1), "uuid": "x"}
    for column, value in changes.items():
        with pytest.raises(CaseLockedError, match="案卷 A-001（已签约）已锁定：不能修改"), \
                store.transaction() as session:
            setattr(cases.get_case(session, case_id), column, value)
    with pytest.raises(CaseLockedError, match="不能修改它的房屋"), \
            store.transaction() as session:
        cases.get_case(session, case_id).parts[0].area += 1


def test_what_the_policy_leaves_open_on_a_locked_case_is_saved_and_audited(signed):
    store, case_id = signed
    with store.transaction() as session:
        case = cases.get_case(session, case_id)
        case.remarks = "户主电话已更换"
        case.persons[0].phone = "13800000000"
        case.persons.append(Person(position=1, role="owner", name="李四"))
        case.agreement_seq = 7   # 协议编号: given once
    assert count(store, case_id, "persons") == 2
    fields = [(e.action, e.entity, e.field) for e in cases.history(store, case_id)]
    assert ("update", "case", "remarks") in fields
    assert ("create", "person", "*") in fields
    with pytest.raises(CaseLockedError, match="不能修改"), store.transaction() as session:
        cases.get_case(session, case_id).agreement_seq = 8


def test_a_correction_still_adds_and_removes_rows(signed):
    """解锁更正 opens the case: a row added, the record recomputed, the case locked again."""
    store, case_id = signed
    cases.unlock_case(store, case_id, "补录漏登的一处房屋")
    with store.read() as session:
        form = cases.case_to_form(cases.get_case(session, case_id))
    part = dict(form["case"]["parts"][0])
    form["case"]["parts"].append(part)
    cases.save_case(store, form_project(store, case_id), form, case_id)
    assert count(store, case_id, "parts") == 2
    with store.read() as session:
        assert cases.get_case(session, case_id).locked


def form_project(store, case_id) -> int:
    with store.read() as session:
        return cases.get_case(session, case_id).project_id


# ---- the screens read and write through services -----------------------------------------

WRITES = ("add", "add_all", "delete", "merge", "flush", "commit", "bulk_save_objects")
SQL_WRITES = ("insert", "update", "delete", "text")
# a model's columns, as a screen could assign them to a row it read (`case.remarks = …`)
MODEL_COLUMNS = {attr.key for mapper in Base.registry.mappers for attr in mapper.column_attrs
                 if mapper.local_table.name == "cases"
                 or mapper.local_table.name in column_policy.ROW_TABLES}
MODEL_NAMES = ("case", "project", "part", "person", "row", "result", "record", "decision",
               "payment", "house", "item", "equipment")


def ui_store_writes(path: Path) -> list[str]:
    """Writes to the store in a screen's module: a `store.transaction()`, a session's
    add/delete/flush/commit, SQL's insert/update/delete/text, or an assignment of a model's
    column to a model read from the store (`case.remarks = …`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value).lower()
            if (node.func.attr in WRITES and "session" in owner) or (
                    node.func.attr == "transaction" and "store" in owner):
                found.append(f"{node.lineno}: {ast.unparse(node.func)}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"{node.lineno}: {node.module}.{alias.name}" for alias in node.names
                      if alias.name in SQL_WRITES]
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])
        for target in targets:
            if (isinstance(target, ast.Attribute) and target.attr in MODEL_COLUMNS
                    and isinstance(target.value, ast.Name)
                    and target.value.id.lower().endswith(MODEL_NAMES)):
                found.append(f"{node.lineno}: {ast.unparse(target)} =")
    return found


def test_the_screens_never_write_the_store():
    """The screens change cases only through services (reads: see docs/architecture.md)."""
    offenders = {}
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        if found := ui_store_writes(path):
            offenders[path.name] = found
    assert offenders == {}


def test_the_screen_check_would_see_a_write(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from sqlalchemy import update\n"
                      "def f(store, case):\n    with store.transaction() as session:\n"
                      "        session.add(case)\n        case.remarks = 'x'\n",
                      encoding="utf-8")
    assert len(ui_store_writes(sample)) == 4


def test_the_case_tables_walk_sees_every_case_row_table():
    assert set(case_tables()) - {"cases"} == set(column_policy.ROW_TABLES)
    assert inspect(HousePart).local_table.name in column_policy.CASE_ROW_TABLES


def test_the_architecture_document_states_the_policy_of_every_column():
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("## Who may change a case"):]
    for column, policy in column_policy.CASES.items():
        row = next((line for line in section.splitlines() if line.startswith(f"| `{column}`")),
                   "")
        assert f"| {policy.kind} |" in row, column
    for table, rows in column_policy.ROW_TABLES.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{table}`"))
        assert f"| {rows.kind} |" in row
        assert all(f"`{column}`" in row for column in rows.columns), table


def test_a_decided_cases_remarks_are_saved_and_its_effective_day_kept(tmp_path):
    """A save of a 补偿决定 case (no signing day) keeps the day its decision took effect: the
    backstop refused the save that set 协议生效日 to the missing signing day."""
    from wulong_desk.services.projects.demo import create_demo
    from wulong_desk.store.models import Case

    store = open_store(tmp_path / "demo.sqlite", "王经办")
    try:
        create_demo(store)
        with store.read() as session:
            case = session.query(Case).filter_by(case_no="FR-0004").one()
            assert case.status == "decided" and case.signed_on is None
            case_id, project_id, kept = case.id, case.project_id, case.effective_on
            form = cases.case_to_form(case)
        assert kept is not None
        cases.save_case(store, project_id, form | {"remarks": "补偿决定已送达"}, case_id)
        with store.read() as session:
            case = cases.get_case(session, case_id)
            assert (case.remarks, case.effective_on) == ("补偿决定已送达", kept)
    finally:
        store.close()
