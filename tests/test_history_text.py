"""修改记录 in a clerk's words: Beijing time, field labels, values in words and amounts."""

from __future__ import annotations

import re

from store_helpers import project_with_case, walk_to

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.history import describe
from wulong_desk.store import open_memory


def test_an_update_reads_in_words():
    row = describe("2023-06-30 06:05:12", "王科员", "update", "case", "status", "surveyed",
                   "signed", None)
    assert row.at == "2023-06-30 14:05:12"           # UTC + 8 hours
    assert row.action == "修改" and row.what == "案卷「状态」"
    assert row.change == "调查登记 → 已签约"
    row = describe("2023-12-31 20:00:00", "王", "update", "case", "turnover_house", "false",
                   "true", None)
    assert row.at == "2024-01-01 04:00:00" and row.change == "否 → 是"
    row = describe("2023-06-30 00:00:00", "王", "update", "part", "unit_price", "4000",
                   "12500.5", None)
    assert row.what == "房屋「评估单价」" and row.change == "4,000.00 元 → 12,500.50 元"
    row = describe("2023-06-30 00:00:00", "王", "update", "case", "signed_on", None,
                   "2023-06-30", None)
    assert row.change == "（空） → 2023-06-30"


def test_a_whole_case_history_shows_no_codes_or_json():
    store = open_memory("王科员")
    _project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "reviewed")
    rows = [describe(e.at, e.operator, e.action, e.entity, e.field, e.old, e.new, e.reason)
            for e in cases.history(store, case_id)]
    store.close()
    text = "\n".join(f"{r.at} {r.action} {r.what} {r.change}" for r in rows)
    assert "已审核" in text and "新建" in text and "评估单价" in text
    for leftover in ("true", "false", "None", "{", "status", "surveyed", "reviewed", "case."):
        assert leftover not in text, leftover
    # no English words left at all (dates, numbers, case numbers and 身份证 X are fine)
    assert not re.search(r"[A-Za-z]{2,}", text.replace("渝不动产权第A-001号", "")), text


def test_a_warning_about_a_figure_names_its_line():
    from wulong_desk.services.cases.field_names import describe_stored

    assert describe_stored("L1_INTERRUPT: 按每月5%计") == "「停产停业损失补偿」：按每月5%计"
    assert describe_stored("case.signed_on: 早于签约期限首日") == "「签约日期」：早于签约期限首日"


def test_a_void_is_one_row_with_its_reason_and_the_stage_it_left(tmp_path):
    """作废 reads as one event: one row (状态 已签约 → 作废, the reason), not three (修改 状态,
    修改 作废理由, 作废) — in the service's history, in words and on the command line."""
    from test_cli_calc import run_cli

    from wulong_desk.store import open_store

    db = tmp_path / "void.sqlite"
    store = open_store(db, "王科员")
    _project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    before = len(cases.history(store, case_id))
    cases.void_case(store, case_id, "协议解除，另行重签")
    added = cases.history(store, case_id)[before:]
    store.close()
    assert [(e.action, e.entity, e.field, e.old, e.new, e.reason) for e in added] == [
        ("void", "case", "status", "signed", "void", "协议解除，另行重签")]
    e = added[0]
    row = describe(e.at, e.operator, e.action, e.entity, e.field, e.old, e.new, e.reason)
    assert (row.operator, row.action, row.what, row.change, row.reason) == (
        "王科员", "作废", "案卷「状态」", "已签约 → 作废", "协议解除，另行重签")
    proc = run_cli("history", "--case", str(case_id), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    voids = [line for line in proc.stdout.splitlines() if "作废" in line]
    assert len(voids) == 1, voids
    assert voids[0].endswith("王科员  作废  案卷「状态」  已签约 → 作废  理由：协议解除，另行重签")
