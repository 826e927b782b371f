"""The procedure's clocks as the articles count them (issue 28 item 3). Every expected date is
counted by hand from the article's text and the State Council's holiday arrangements (the
`chinese-calendar` package carries them): 2023 中秋、国庆 29 Sept–6 Oct off, Sat 7 and Sun 8 Oct
worked; 2024 国庆 1–7 Oct off, Sun 29 Sept and Sat 12 Oct worked; 2025 春节 28 Jan–4 Feb off,
Sun 26 Jan and Sat 8 Feb worked; 2026 中秋 25–27 Sept and 国庆 1–7 Oct off, Sun 20 Sept and
Sat 10 Oct worked."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from store_helpers import case_form, project_form

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.history import WORDS
from wulong_desk.services.procedure.catalogue import (
    CLOCK_BY_CODE,
    MINIMUM,
    STATE_ORDER,
    STEP_BY_CODE,
    STEPS,
    project_steps,
)
from wulong_desk.services.procedure.dated import set_case_date, set_step
from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store

CALENDAR = WorkCalendar()


@pytest.fixture
def project(tmp_path):
    store = open_store(tmp_path / "clocks.sqlite", "甲")
    project_id = projects.create_project(store, project_form(1))
    case_id = cases.save_case(store, project_id, case_form(1, "A-001")).case_id
    yield store, project_id, case_id
    store.close()


def press_save(qtbot, dialog) -> None:
    """Click the dialog's 保存 button."""
    from PySide6.QtWidgets import QDialogButtonBox

    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def listed(store, project_id, today):
    with store.read() as session:
        return due_list(session, project_id, today, CALENDAR)


def step_item(items, label):
    [item] = [i for i in items if i.case_no is None and i.what.startswith(label)]
    return item


def case_item(items, label):
    [item] = [i for i in items if i.case_no is not None and i.what.startswith(label)]
    return item


@pytest.mark.parametrize(("code", "label", "start", "earliest", "early"), [
    # 第十八条 公示不少于7个工作日: 2025-07-01 → 2, 3, 4, 7, 8, 9, 10 July
    ("unregistered", "未登记建筑认定公示", date(2025, 7, 1), date(2025, 7, 10), date(2025, 7, 9)),
    # 第五十二条 公示7个工作日, the same count
    ("appraisal_publicity", "分户初步评估结果公示", date(2025, 7, 1), date(2025, 7, 10),
     date(2025, 7, 9)),
    # 第二十条 提前7个工作日: 27 Sept 2024 → 29 (Sun, worked), 30 Sept, 8, 9, 10, 11, 12 Oct
    ("hearing", "听证会", date(2024, 9, 27), date(2024, 10, 12), date(2024, 10, 11)),
    # 第四十八条第二款 提前5个工作日公布投票: 29 Sept, 30 Sept, 8, 9, 10 Oct
    ("appraiser_vote", "评估机构投票事项公布", date(2024, 9, 27), date(2024, 10, 10),
     date(2024, 10, 9)),
    # 第十九条 不少于30日: 20 Aug 2026 + 30 = Sat 19 Sept → Sun 20 Sept (worked)
    ("plan_comment", "补偿方案征求意见", date(2026, 8, 20), date(2026, 9, 20),
     date(2026, 9, 19)),
])
def test_a_minimum_cut_short_is_short_never_done(project, code, label, start, earliest, early):
    store, project_id, _case = project
    set_step(store, project_id, code, start, early)
    item = step_item(listed(store, project_id, date(2026, 12, 1)), label)
    assert (item.due.on, item.state, item.state_label) == (earliest, "short", "期限不足")
    assert early.isoformat() in item.what and earliest.isoformat() in item.what
    set_step(store, project_id, code, start, earliest)
    item = step_item(listed(store, project_id, date(2026, 12, 1)), label)
    assert (item.due.on, item.state) == (earliest, "done")
    # short comes first on the list, with the overdue
    set_step(store, project_id, code, start, early)
    items = listed(store, project_id, date(2026, 12, 1))
    assert items[0].state in ("short", "overdue")
    assert STATE_ORDER["short"] == STATE_ORDER["overdue"]


def test_a_deadline_met_early_is_done(project):
    """第二十五条 (announce within 7 days) and 第四十八条 (agree within 5 working days) are
    deadlines: done early is simply done."""
    store, project_id, _case = project
    set_step(store, project_id, "decision", date(2024, 9, 27), date(2024, 9, 28))
    set_step(store, project_id, "appraiser", date(2024, 9, 27), date(2024, 9, 29))
    items = listed(store, project_id, date(2026, 12, 1))
    # 27 Sept + 7 = 4 Oct (国庆) → 8 Oct; 5 working days: 29, 30 Sept, 8, 9, 10 Oct
    assert (step_item(items, "征收决定").due.on, step_item(items, "征收决定").state) == (
        date(2024, 10, 8), "done")
    appraiser = step_item(items, "评估机构候选名单公示")
    assert (appraiser.due.on, appraiser.state) == (date(2024, 10, 10), "done")


@pytest.mark.parametrize(("published", "cap"), [
    (date(2023, 9, 22), date(2024, 9, 22)),    # a Sunday: never moved to Monday the 23rd
    (date(2024, 2, 29), date(2025, 2, 28)),    # no 29 Feb: the month's last day (第二百零二条)
    (date(2024, 9, 30), date(2025, 9, 30)),
])
def test_the_one_year_cap_of_article_15_is_never_extended(project, published, cap):
    store, project_id, _case = project
    step = STEP_BY_CODE["scope"]
    assert step.period.due(CALENDAR, published).on == cap
    set_step(store, project_id, "scope", published, None)
    item = step_item(listed(store, project_id, date(2023, 1, 1)), "征收范围公布")
    assert item.due.on == cap and "最长" in item.what
    assert "不顺延" in step.period.counting() and "第二百零二条" in step.period.counting()


@pytest.mark.parametrize(("served", "court_from"), [
    # 10 working days: 22, 23, 24, 28, 29, 30 Sept, 8, 9, 10, 12 Oct → the court from the 13th
    (date(2026, 9, 21), date(2026, 10, 13)),
    # 28 Sept, Sat 7 and Sun 8 Oct (worked), 9, 10, 11, 12, 13, 16, 17 Oct → from the 18th
    (date(2023, 9, 27), date(2023, 10, 18)),
    # the 10th working day a Friday (2025-07-11): the day after is a Saturday, as the article
    # counts it
    (date(2025, 6, 27), date(2025, 7, 12)),
])
def test_the_court_may_be_asked_from_the_day_after_the_tenth_working_day(project, served,
                                                                          court_from):
    store, project_id, case_id = project
    set_case_date(store, case_id, "reminder", served)
    item = case_item(listed(store, project_id, served), "催告书送达")
    assert item.due.on == court_from
    assert "最早自" in item.what and "第三十一条" in item.what
    assert "次日起方可" in CLOCK_BY_CODE["reminder"].period.counting()
    set_case_date(store, case_id, "enforcement", court_from)
    assert case_item(listed(store, project_id, served), "催告书送达").state == "done"


@pytest.mark.parametrize(("code", "served", "due", "article"), [
    # 第五十四条: 10 days to ask for a review; 27 Sept 2024 + 10 = Mon 7 Oct (国庆) → 8 Oct
    ("report_served", date(2024, 9, 27), date(2024, 10, 8), "第五十四条"),
    # 第五十四条第二款: the appraiser answers within 10 days
    ("review_requested", date(2025, 7, 1), date(2025, 7, 11), "第五十四条第二款"),
    # 第五十五条: 10 days to ask for 鉴定; 20 Sept 2023 + 10 = 30 Sept (off) → Sat 7 Oct, worked
    ("review_replied", date(2023, 9, 20), date(2023, 10, 7), "第五十五条"),
    # 第五十六条: 10 days to correct the report; 19 Jan 2025 + 10 = 29 Jan (春节) → 5 Feb
    ("expert_error", date(2025, 1, 19), date(2025, 2, 5), "第五十六条"),
])
def test_the_appraisal_review_clocks(project, code, served, due, article):
    store, project_id, case_id = project
    clock = CLOCK_BY_CODE[code]
    set_case_date(store, case_id, code, served)
    item = case_item(listed(store, project_id, served), clock.label)
    assert item.due.on == due and item.state != "done" and article in item.what
    for closing in clock.closes[:1]:
        set_case_date(store, case_id, closing, due)
        assert case_item(listed(store, project_id, served), clock.label).state == "done"


def test_an_expert_opinion_either_way_closes_the_request(project):
    store, project_id, case_id = project
    set_case_date(store, case_id, "expert_requested", date(2025, 3, 3))
    clock = CLOCK_BY_CODE["expert_requested"]
    for closing in ("expert_opinion", "expert_error"):
        assert clock.closed({closing: date(2025, 3, 20)})
    assert not clock.closed({"report_served": date(2025, 3, 20)})
    # the 第五十六条 correction clock runs only when the opinion found the review wrong
    set_case_date(store, case_id, "expert_opinion", date(2025, 3, 20))
    items = listed(store, project_id, date(2025, 3, 21))
    assert not [i for i in items if i.case_no and "第五十六条" in i.what]


def test_the_use_determination_of_article_33_is_a_step(project):
    store, project_id, _case = project
    step = STEP_BY_CODE["use_determination"]
    assert step.period is None and step.article == "第三十三条"
    assert (step.start_label, step.done_label) == ("认定日", "公示日")
    set_step(store, project_id, "use_determination", date(2025, 5, 6),
                       date(2025, 5, 8))
    with store.read() as session:
        row = project_steps(session, project_id)["use_determination"]
        assert (row.started_on, row.done_on) == (date(2025, 5, 6), date(2025, 5, 8))
    assert "未规定期限（第三十三条）" in step.period_text()
    with pytest.raises(UserError, match="公示日不能早于认定日"):
        set_step(store, project_id, "use_determination", date(2025, 5, 6),
                           date(2025, 5, 5))


def test_no_notice_length_is_invented_for_articles_17_29_and_37():
    for code in ("survey_results", "compensation_notice"):
        step = STEP_BY_CODE[code]
        assert step.period is None
    assert CLOCK_BY_CODE["min_publicity"].period is None
    assert STEP_BY_CODE["unregistered"].period.rule == MINIMUM
    assert STEP_BY_CODE["appraisal_publicity"].period.rule == MINIMUM


def test_the_timeline_window_cites_each_rule_and_shows_short_in_red(qtbot, project):
    from wulong_desk.ui.procedure_dialog import ProcedureDialog

    store, project_id, _case = project
    dialog = ProcedureDialog(store, project_id)
    qtbot.addWidget(dialog)
    dialog.show()
    codes = [s.code for s in STEPS]
    row = codes.index("unregistered")
    dialog.steps.item(row, 1).setText("2025-07-01")
    dialog.steps.item(row, 2).setText("2025-07-09")
    scope = codes.index("scope")
    dialog.steps.item(scope, 1).setText("2023-09-22")
    press_save(qtbot, dialog)
    assert dialog.steps.item(row, 4).text() == "2025-07-10"
    state = dialog.steps.item(row, 5)
    assert state.text() == "期限不足" and state.foreground().color() == QColor("#b00020")
    assert "第7个工作日" in dialog.steps.item(row, 6).text()
    assert dialog.steps.item(scope, 4).text() == "2024-09-22"
    assert "不顺延" in dialog.steps.item(scope, 6).text()
    survey = codes.index("survey_results")
    assert "第十七条" in dialog.steps.item(survey, 3).text()
    assert "未规定期限" in dialog.steps.item(survey, 6).text()
    for r in range(len(codes)):   # every row says how it is counted
        assert dialog.steps.item(r, 6).text()
    with store.read() as session:
        stored = project_steps(session, project_id)["unregistered"]
        assert (stored.started_on, stored.done_on) == (date(2025, 7, 1), date(2025, 7, 9))


def test_the_case_clocks_window_cites_each_rule(qtbot, project):
    from wulong_desk.ui.case_clocks_dialog import CaseClocksDialog

    store, _project_id, case_id = project
    dialog = CaseClocksDialog(store, case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    row = dialog.codes.index("expert_error")
    dialog.table.item(row, 1).setText("2025-01-19")
    press_save(qtbot, dialog)
    assert dialog.table.item(row, 3).text() == "2025-02-05"
    assert "第五十六条" in dialog.table.item(row, 2).text()
    assert "第二百零三条" in dialog.table.item(row, 4).text()
    reminder = dialog.codes.index("reminder")
    assert "次日起方可" in dialog.table.item(reminder, 4).text()


def test_the_dashboard_shows_short_in_red(qtbot, project):
    from wulong_desk.ui.main_window import MainWindow

    store, project_id, _case = project
    set_step(store, project_id, "unregistered", date(2025, 7, 1), date(2025, 7, 9))
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    win.tabs.setCurrentWidget(win.dashboard)
    win.dashboard.wait()
    table = win.dashboard.due_table
    [row] = [r for r in range(table.rowCount()) if table.item(r, 0) is not None
             and table.item(r, 0).text() == "期限不足"]
    assert table.item(row, 0).foreground().color() == QColor("#b00020")
    assert "未登记建筑认定公示" in table.item(row, 3).text()


def test_history_names_the_new_steps_and_events_in_chinese():
    assert WORDS["step"]["use_determination"] == "房屋性质、用途、面积认定结论公示"
    assert WORDS["step"]["appraiser_vote"] == "评估机构投票事项公布"
    assert WORDS["what"]["expert_error"].startswith("鉴定意见认定复核评估结果有误")
    assert WORDS["what"]["report_corrected"] == "修改后的评估报告送达"
