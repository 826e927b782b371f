"""The public notice's 公示期 in working days (issue 20 item 3 after the procedure issue):
a start alone runs 7 working days, the project's timeline step gives the default, both dates
given win. Expected dates are counted by hand against the State Council's 2023 arrangement
(中秋、国庆 29 Sept–6 Oct off, Sat 7 and Sun 8 Oct worked)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form

from wulong_desk.cli import main
from wulong_desk.services import cases, projects
from wulong_desk.services.exports import export_ledger
from wulong_desk.services.procedure import set_step
from wulong_desk.store import open_store


@pytest.fixture
def project(tmp_path):
    db = tmp_path / "p.sqlite"
    store = open_store(db, "公示测试")
    project_id = projects.create_project(store, project_form(2))
    cases.save_case(store, project_id, case_form(2))
    yield store, project_id, db
    store.close()


def basis_line(path) -> str:
    ws = load_workbook(path).worksheets[0]
    return str(ws["A2"].value)


def test_a_start_alone_runs_seven_working_days(project, tmp_path):
    store, project_id, _db = project
    out = tmp_path / "a.xlsx"
    # Thu 28 Sept not counted; 7, 8, 9, 10, 11, 12, 13 Oct are the 7 working days
    result = export_ledger(store, project_id, out, public=True, operator="x",
                           notice_period=(date(2023, 9, 28), None))
    line = basis_line(out)
    assert "公示期：2023年9月28日至2023年10月13日（自公示开始次日起7个工作日" in line
    assert result.notice.startswith("2023-09-28 至 2023-10-13")


def test_the_timeline_step_gives_the_default(project, tmp_path):
    store, project_id, _db = project
    set_step(store, project_id, "compensation_notice", date(2023, 9, 28), None)
    out = tmp_path / "b.xlsx"
    export_ledger(store, project_id, out, public=True, operator="x")
    line = basis_line(out)
    assert "公示期：2023年9月28日至2023年10月13日（按项目程序时限“分户补偿情况公示”" in line
    # the step's own end date, once recorded, is printed as it is
    set_step(store, project_id, "compensation_notice", date(2023, 9, 28), date(2023, 10, 16))
    export_ledger(store, project_id, out, public=True, operator="x")
    assert "公示期：2023年9月28日至2023年10月16日" in basis_line(out)
    # both dates given override the step
    export_ledger(store, project_id, out, public=True, operator="x",
                  notice_period=(date(2023, 7, 3), date(2023, 7, 11)))
    line = basis_line(out)
    assert "公示期：2023年7月3日至2023年7月11日" in line and "工作日" not in line


def test_command_line_prints_the_period(project, tmp_path, capsys):
    store, project_id, db = project
    store.close()
    out = tmp_path / "c.xlsx"
    base = ["--project", str(project_id), "--out", str(out), "--db", str(db),
            "--operator", "x"]
    assert main(["ledger", "--public", "--notice-from", "2023-09-28", *base]) == 0
    assert "公示期：2023-09-28 至 2023-10-13" in capsys.readouterr().out
    assert main(["ledger", "--public", "--notice-to", "2023-10-13", *base]) != 0
    assert "--notice-from" in capsys.readouterr().err
