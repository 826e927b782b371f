"""Working days against the State Council's published holiday arrangements for 2023–2026.

The days off and make-up working days below are copied by hand from the yearly notices
(国务院办公厅关于20XX年部分节假日安排的通知), not from the calendar package; the period results
are counted by hand on a paper calendar.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from wulong_desk.cli import main
from wulong_desk.errors import UserError
from wulong_desk.services.procedure.workdays import OFFICE_FILE, WorkCalendar, read_office_file


def span(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# (days off, make-up working days on a weekend) per year, as published
PUBLISHED = {
    2023: (["2023-01-01..2023-01-02", "2023-01-21..2023-01-27",
           "2023-04-05", "2023-04-29..2023-05-03", "2023-06-22..2023-06-24",
           "2023-09-29..2023-10-06"],
           ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07",
            "2023-10-08"]),
    2024: (["2024-01-01", "2024-02-10..2024-02-17", "2024-04-04..2024-04-06",
           "2024-05-01..2024-05-05", "2024-06-10", "2024-09-15..2024-09-17",
           "2024-10-01..2024-10-07"],
           ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
            "2024-09-29", "2024-10-12"]),
    2025: (["2025-01-01", "2025-01-28..2025-02-04", "2025-04-04..2025-04-06",
           "2025-05-01..2025-05-05", "2025-05-31..2025-06-02",
           "2025-10-01..2025-10-08"],
           ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]),
    2026: (["2026-01-01..2026-01-03", "2026-02-15..2026-02-23",
           "2026-04-04..2026-04-06", "2026-05-01..2026-05-05",
           "2026-06-19..2026-06-21", "2026-09-25..2026-09-27",
           "2026-10-01..2026-10-07"],
           ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]),
}


def expand(items: list[str]) -> set[date]:
    out: set[date] = set()
    for item in items:
        first, _, last = item.partition("..")
        out.update(span(first, last or first))
    return out


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_every_published_day_off_and_make_up_day(cal, year):
    off, make_up = PUBLISHED[year]
    off_days, make_up_days = expand(off), expand(make_up)
    for day in off_days:
        assert not cal.is_workday(day), f"{day} 应放假"
    for day in make_up_days:
        assert day.weekday() >= 5, f"{day} 调休上班日应在周末（测试数据自查）"
        assert cal.is_workday(day), f"{day} 应调休上班"
    # every other day of the year: Monday to Friday work, weekends off
    for day in span(f"{year}-01-01", f"{year}-12-31"):
        if day not in off_days and day not in make_up_days:
            assert cal.is_workday(day) == (day.weekday() < 5), day
    assert cal.known(year)


@pytest.mark.parametrize(("start", "count", "expected"), [
    ("2023-09-28", 1, "2023-10-07"),    # 中秋国庆 8 days off, then a Saturday at work
    ("2023-09-27", 7, "2023-10-12"),
    ("2023-01-20", 1, "2023-01-28"),    # 春节 2023: back on Saturday the 28th
    ("2024-02-08", 1, "2024-02-09"),    # 除夕 2024 was a working Friday
    ("2024-02-08", 2, "2024-02-18"),    # 春节 2024, back on Sunday the 18th
    ("2024-09-27", 5, "2024-10-10"),    # Sunday 29 Sept at work, national day off
    ("2025-01-24", 1, "2025-01-26"),    # Sunday 26 Jan at work before 春节 2025
    ("2025-01-24", 3, "2025-02-05"),
    ("2025-09-26", 10, "2025-10-16"),   # 国庆中秋 2025: 8 days off, Saturday 11 Oct at work
    ("2026-02-13", 1, "2026-02-14"),    # 春节 2026: Saturday 14 Feb at work, then 9 days off
    ("2026-02-13", 2, "2026-02-24"),
    ("2026-09-30", 7, "2026-10-15"),    # 国庆 2026, Saturday 10 Oct at work
    ("2026-11-30", 0, "2026-11-30"),
])
def test_nth_working_day_after(cal, start, count, expected):
    due = cal.add_workdays(date.fromisoformat(start), count)
    assert due.on == date.fromisoformat(expected)
    assert not due.estimated


@pytest.mark.parametrize(("start", "count", "expected"), [
    ("2025-09-01", 30, "2025-10-09"),   # ends on 1 Oct: runs to the first working day after
    ("2024-02-07", 10, "2024-02-18"),   # ends Saturday 17 Feb (春节): Sunday 18 is a working day
    ("2026-01-09", 7, "2026-01-16"),    # ends on a working Friday: unchanged
    ("2026-02-05", 10, "2026-02-24"),   # ends Sunday 15 Feb, first of 9 days off (春节)
    ("2023-04-26", 10, "2023-05-06"),   # ends on a Saturday that was a working day
])
def test_calendar_day_period_ending_on_a_day_off(cal, start, count, expected):
    assert cal.add_days(date.fromisoformat(start), count).on == date.fromisoformat(expected)


def test_after_the_published_years_weekends_only_and_said_so(cal):
    due = cal.add_workdays(date(2027, 1, 1), 1)
    assert due.on == date(2027, 1, 4) and due.estimated
    assert "2027" in due.text() and "估算" in due.text()
    crossing = cal.add_workdays(date(2026, 12, 30), 3)
    assert crossing.on == date(2027, 1, 4) and crossing.estimated
    assert not cal.add_workdays(date(2026, 12, 1), 3).estimated


def test_office_file_supplies_a_later_year(tmp_path):
    path = tmp_path / OFFICE_FILE
    path.write_text('[2027]\nholidays = ["2027-01-04"]\nworkdays = ["2027-01-09"]\n',
                    encoding="utf-8")
    cal = WorkCalendar(read_office_file(path))
    due = cal.add_workdays(date(2027, 1, 1), 1)
    assert due.on == date(2027, 1, 5) and not due.estimated
    assert cal.is_workday(date(2027, 1, 9))                 # a Saturday at work
    assert cal.add_workdays(date(2027, 1, 8), 1).on == date(2027, 1, 9)


@pytest.mark.parametrize(("text", "needle"), [
    ('[2027]\nholidays = ["2027-13-01"]\n', "holidays（放假日）"),
    ('[2027]\nholidays = ["2028-01-01"]\n', "不属于 2027 年"),
    ('[27]\nholidays = []\n', "四位年份"),
    ('[2027]\nholiday = []\n', "holiday"),
    ('[2027]\nholidays = ["2027-01-04"]\nworkdays = ["2027-01-04"]\n', "同时列为"),
    ("[2027\n", "无法读取"),
])
def test_office_file_mistakes_are_named(tmp_path, text, needle):
    path = tmp_path / OFFICE_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=needle.replace("(", r"\(")):
        read_office_file(path)


def test_workdays_command(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("WULONG_DESK_HOME", str(tmp_path))
    assert main(["workdays", "2026-09-30", "7"]) == 0
    assert capsys.readouterr().out.strip() == "2026-10-15"
    assert main(["workdays", "2025-09-01", "30", "--calendar-days", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "date": "2025-10-09", "estimated": False, "note": None}
    assert main(["workdays", "2027-01-01", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "2027-01-04" and "估算" in captured.err
    (tmp_path / OFFICE_FILE).write_text('[2027]\nholidays = ["2027-01-04"]\n', encoding="utf-8")
    assert main(["workdays", "2027-01-01", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "2027-01-05" and captured.err == ""
    assert main(["workdays", "2026-02-30", "1"]) == 2
    assert "日期" in capsys.readouterr().err
