"""A public notice's 公示期 as the office enters it (issue 28 item 2): a minimum only where the 办法
gives one (第十八、五十二条: 7 working days), none invented where it gives none (第十七、二十九、
三十七条); the project's timeline step gives the default; how the period was set is said to the
clerk and written to the log, never printed on the notice. Expected dates are counted by hand
against the State Council's 2023 arrangement (中秋、国庆 29 Sept–6 Oct off, Sat 7 and Sun 8 Oct
worked) and 2025's (nothing in early July)."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form, walk_to

from wulong_desk.cli import main
from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.exports import export_ledger
from wulong_desk.services.documents.notices import export_notice
from wulong_desk.services.procedure.dated import set_step
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store


@pytest.fixture
def project(tmp_path):
    db = tmp_path / "p.sqlite"
    store = open_store(db, "公示测试")
    project_id = projects.create_project(store, project_form(2))
    walk_to(store, cases.save_case(store, project_id, case_form(2)).case_id, "signed")
    # not signed, with buildings without a title (the spec's example 4)
    unsigned = case_form(4, "A-004")
    unsigned["case"]["signed_on"] = None
    unsigned["case"].pop("presign", None)   # (example 4 is a presign; not signed yet)
    cases.save_case(store, project_id, unsigned)
    yield store, project_id, db
    store.close()


def period_line(path) -> str:
    ws = load_workbook(path).worksheets[0]
    return str(ws["A3"].value)


def sheet_text(path) -> str:
    return "\n".join(str(c) for row in load_workbook(path).worksheets[0]
                     .iter_rows(values_only=True) for c in row if c is not None)


def test_no_length_is_invented_for_the_compensation_notice(project, tmp_path):
    """第二十九条 gives no length: a start alone leaves the end to fill in by hand."""
    store, project_id, _db = project
    out = tmp_path / "a.xlsx"
    result = export_ledger(store, project_id, out, public=True, operator="x",
                           notice_period=(date(2023, 9, 28), None))
    assert period_line(out).startswith("公示期：2023年9月28日至＿＿＿＿年＿＿月＿＿日")
    assert "工作日" not in sheet_text(out)
    assert result.notice.startswith("2023-09-28 至 （留空待填）")
    assert "第二十九条未规定公示期长短" in result.notice


@pytest.mark.parametrize("kind", ["unregistered", "appraisal"])
def test_a_start_alone_runs_the_seven_working_days_of_articles_18_and_52(project, tmp_path,
                                                                         kind, caplog):
    store, project_id, _db = project
    out = tmp_path / f"{kind}.xlsx"
    # Thu 28 Sept not counted; 7, 8, 9, 10, 11, 12, 13 Oct are the 7 working days
    with caplog.at_level(logging.INFO, logger="wulong_desk"):
        result = export_notice(store, project_id, out, kind=kind,
                               period=(date(2023, 9, 28), None))
    assert period_line(out).startswith("公示期：2023年9月28日至2023年10月13日")
    text = sheet_text(out)
    assert "自次日起算" not in text and "民法典" not in text and "所填日期" not in text
    assert result.notice.startswith("2023-09-28 至 2023-10-13（所填日期；结束日按7个工作日")
    # the counting note goes to the export log instead
    assert any("2023-10-13" in r.getMessage() and "7个工作日" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize(("kind", "article"), [("unregistered", "第十八条"),
                                               ("appraisal", "第五十二条")])
def test_a_period_shorter_than_the_minimum_is_refused(project, tmp_path, kind, article):
    """2025-07-01 + 7 working days is 07-10: a 公示 to 07-09 is short."""
    store, project_id, _db = project
    out = tmp_path / "short.xlsx"
    with pytest.raises(UserError, match=f"公示期不足：{article}要求公示不少于7个工作日，"
                                        "自2025年7月1日起最早于2025年7月10日期满"):
        export_notice(store, project_id, out, kind=kind,
                      period=(date(2025, 7, 1), date(2025, 7, 9)))
    assert not out.exists()
    export_notice(store, project_id, out, kind=kind, period=(date(2025, 7, 1), date(2025, 7, 10)))
    assert period_line(out).startswith("公示期：2025年7月1日至2025年7月10日")


def test_the_timeline_step_gives_the_default(project, tmp_path):
    store, project_id, _db = project
    out = tmp_path / "b.xlsx"
    set_step(store, project_id, "compensation_notice", date(2023, 9, 28), None)
    result = export_ledger(store, project_id, out, public=True, operator="x")
    assert period_line(out).startswith("公示期：2023年9月28日至＿＿＿＿年")
    assert "项目程序时限「分户补偿情况公示」" in result.notice
    set_step(store, project_id, "compensation_notice", date(2023, 9, 28), date(2023, 10, 16))
    export_ledger(store, project_id, out, public=True, operator="x")
    assert period_line(out).startswith("公示期：2023年9月28日至2023年10月16日")
    # both dates given override the step
    export_ledger(store, project_id, out, public=True, operator="x",
                  notice_period=(date(2023, 7, 3), date(2023, 7, 11)))
    assert period_line(out).startswith("公示期：2023年7月3日至2023年7月11日")
    # the 未登记建筑认定公示 step, its end not yet recorded: the minimum's last day
    set_step(store, project_id, "unregistered", date(2023, 9, 28), None)
    export_notice(store, project_id, out, kind="unregistered")
    assert period_line(out).startswith("公示期：2023年9月28日至2023年10月13日")
    # a step recorded short is refused when the notice is printed from it
    set_step(store, project_id, "unregistered", date(2025, 7, 1), date(2025, 7, 9))
    with pytest.raises(UserError, match="公示期不足"):
        export_notice(store, project_id, out, kind="unregistered")


def test_no_date_at_all_leaves_the_line_blank(project, tmp_path):
    store, project_id, _db = project
    out = tmp_path / "c.xlsx"
    result = export_notice(store, project_id, out, kind="survey")
    assert period_line(out).startswith("公示期：＿＿＿＿年＿＿月＿＿日至＿＿＿＿年＿＿月＿＿日")
    assert result.notice == "未定（表上留空待填）"


def test_command_line_prints_the_period(project, tmp_path, capsys):
    store, project_id, db = project
    store.close()
    out = tmp_path / "c.xlsx"
    base = ["--project", str(project_id), "--out", str(out), "--db", str(db),
            "--operator", "x"]
    assert main(["ledger", "--public", "--notice-from", "2023-09-28",
                 "--notice-to", "2023-10-13", *base]) == 0
    assert "公示期：2023-09-28 至 2023-10-13" in capsys.readouterr().out
    assert main(["ledger", "--public", "--notice-to", "2023-10-13", *base]) != 0
    assert "--notice-from" in capsys.readouterr().err
    assert main(["notice", "--kind", "appraisal", "--from", "2023-09-28", *base]) == 0
    said = capsys.readouterr().out
    assert "已导出分户初步评估结果公示：2 户" in said and "2023-09-28 至 2023-10-13" in said
    assert main(["notice", "--kind", "unregistered", "--from", "2025-07-01",
                 "--to", "2025-07-09", *base]) == 2
    assert "公示期不足" in capsys.readouterr().err
    assert main(["notice", "--kind", "survey", "--to", "2025-07-09", *base]) == 2
    assert "只给了 --to" in capsys.readouterr().err
