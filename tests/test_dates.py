"""Dates typed the way people type them, read by the one reader (wulong_desk/dates.py) at every
entry: the forms a clerk types, refused with the field named when unreadable or outside
1990–2100, never replaced by today; the date box and its Chinese calendar; the command line,
the calc JSON and case packages (ISO only, bounded the same)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from helpers import request
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QToolButton, QWidget

from wulong_desk.dates import DateError, check_day, parse_date, read_date, read_iso
from wulong_desk.errors import UserError
from wulong_desk.rules import InputError, default_standards, read_request
from wulong_desk.ui.date_field import DateField

DEC_1 = date(2026, 12, 1)


@pytest.mark.parametrize("typed", [
    "2026-12-01", "2026/12/01", "2026.12.01", "20261201", "2026年12月1日", "2026年12月01日",
    "2026-12-1", "2026/12/1", " 2026.12.1 ", "２０２６－１２－０１", "２０２６年１２月１日",
    "2026 年 12 月 1 日", "2026年12月1",
])
def test_every_way_people_write_a_date_reads_as_the_same_day(typed):
    assert parse_date(typed) == DEC_1


@pytest.mark.parametrize(("typed", "said"), [
    ("26/12/01", "不是能读懂的日期"),          # a two-digit year is never guessed
    ("01/12/2026", "不是能读懂的日期"),        # nor a day written first
    ("2026-12/01", "不是能读懂的日期"),        # nor mixed marks
    ("2026121", "不是能读懂的日期"),
    ("下周一", "不是能读懂的日期"),
    ("٢٠٢٦-١٢-٠١", "不是能读懂的日期"),        # other scripts' digits
    ("2026-02-30", "不是真实存在的日期（2026年没有2月30日）"),
    ("20230230", "不是真实存在的日期"),
    ("2026-13-01", "不是真实存在的日期"),
    ("1989-12-31", "年份 1989 不在 1990–2100 年之间"),
    ("2101-01-01", "年份 2101 不在 1990–2100 年之间"),
    ("0023-06-30", "年份 23 不在 1990–2100 年之间"),
    ("9999-12-31", "年份 9999 不在 1990–2100 年之间"),
])
def test_what_cannot_be_read_is_refused_saying_why(typed, said):
    with pytest.raises(DateError, match=said):
        parse_date(typed)


def test_the_years_1990_and_2100_are_inside_the_bound():
    assert parse_date("1990-01-01") == date(1990, 1, 1)
    assert parse_date("2100年12月31日") == date(2100, 12, 31)
    assert check_day(date(2050, 6, 1)) == date(2050, 6, 1)
    with pytest.raises(DateError, match="不在 1990–2100 年之间"):
        check_day(date(1899, 1, 1))


def test_a_blank_date_is_no_date_and_a_wrong_one_names_the_field():
    assert read_date("", "签约日期") is None and read_date("  ", "签约日期") is None
    assert read_date(None, "签约日期") is None
    with pytest.raises(UserError) as caught:
        read_date("2026-02-30", "签约日期")
    assert str(caught.value).startswith("「签约日期」：「2026-02-30」")


def test_files_carry_iso_dates_only_bounded_the_same():
    assert read_iso("2026-12-01") == DEC_1
    for text in ("2026/12/01", "20261201", "2026-12-1", "2026年12月1日"):
        with pytest.raises(DateError, match="应为日期 YYYY-MM-DD"):
            read_iso(text)
    with pytest.raises(DateError, match="不在 1990–2100 年之间"):
        read_iso("0023-06-30")


def test_the_calc_request_refuses_a_date_outside_the_bound():
    with pytest.raises(InputError) as caught:
        read_request(request(case={"signed_on": "0023-06-30"}), default_standards())
    assert [p.path for p in caught.value.problems] == ["case.signed_on"]
    assert "不在 1990–2100 年之间" in caught.value.problems[0].message


@pytest.mark.parametrize(("argv", "said"), [
    (["workdays", "9999-12-31", "1"],
     "「起算日」：「9999-12-31」的年份 9999 不在 1990–2100 年之间"),
    (["workdays", "2026-02-30", "1"], "「起算日」：「2026-02-30」不是真实存在的日期"),
])
def test_the_command_line_reads_dates_with_the_same_reader(argv, said):
    done = subprocess.run([sys.executable, "-m", "wulong_desk", *argv],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_line_takes_a_date_as_people_write_it():
    done = subprocess.run([sys.executable, "-m", "wulong_desk", "workdays", "2026年9月30日",
                           "7", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["date"] == "2026-10-15"   # docs/cli.md: 国庆 holidays skipped


# ---- the date box --------------------------------------------------------------------------

@pytest.fixture
def form(qtbot):
    """A date box between two plain fields, shown (Tab goes through them)."""
    from PySide6.QtWidgets import QVBoxLayout

    host = QWidget()
    before, after = QLineEdit(host), QLineEdit(host)
    field = DateField(host, "签约日期")
    layout = QVBoxLayout(host)
    for widget in (before, field, after):
        layout.addWidget(widget)
    QWidget.setTabOrder(before, field.edit)
    QWidget.setTabOrder(field.edit, after)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    yield before, field, after
    host.close()


def tab() -> None:
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    QApplication.processEvents()


def test_a_blank_date_box_stays_blank_and_tab_moves_on(qtbot, form):
    _before, field, after = form
    assert field.text() == "" and field.iso() is None and field.day() is None
    assert field.edit.placeholderText() == "如 2026-12-01"   # a hint, not part of the value
    tab()
    assert field.edit.hasFocus()
    tab()                                                    # nothing typed: Tab moves on
    assert after.hasFocus() and field.text() == "" and field.problem() is None


@pytest.mark.parametrize("typed", ["2026/12/01", "20261201", "2026.12.1"])
def test_a_typed_date_is_read_and_shown_back_as_it_was_understood(qtbot, form, typed):
    _before, field, after = form
    tab()
    QTest.keyClicks(field.edit, typed)
    tab()
    assert after.hasFocus()
    assert field.text() == "2026-12-01" and field.day() == DEC_1 and field.iso() == "2026-12-01"


def test_an_unreadable_date_is_refused_at_the_field_never_replaced_by_today(qtbot, form):
    _before, field, after = form
    tab()
    QTest.keyClicks(field.edit, "20261301")
    tab()
    assert after.hasFocus()                                  # Tab is never trapped
    assert field.text() == "20261301"                        # kept as typed, no guess, no today
    assert field.iso() == "20261301"                         # (a form's checker names it)
    assert "「签约日期」" in field.toolTip() and "不是真实存在的日期" in field.toolTip()
    assert "#ffd6d6" in field.edit.styleSheet()
    with pytest.raises(UserError, match="「签约日期」"):
        field.day()
    field.edit.setFocus()
    field.edit.selectAll()
    QTest.keyClicks(field.edit, "20261201")
    assert field.problem() is None and field.edit.styleSheet() == ""


def test_the_calendar_picks_a_date_only_when_a_day_is_chosen(qtbot, form):
    _before, field, _after = form
    tab()
    QTest.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = field.popup
    assert popup is not None and popup.isVisible()
    assert field.text() == ""                                # opening it wrote nothing
    popup.calendar.setSelectedDate(QDate(2026, 12, 1))
    QTest.keyClick(popup.calendar.findChild(QTableView), Qt.Key.Key_Return)
    assert not popup.isVisible() and field.text() == "2026-12-01"


def test_the_calendar_shows_chinese_month_and_day_names(qtbot, qapp):
    """Whatever the PC's language: the calendar's words come from the default locale, which
    the app sets to Chinese with Qt's own Chinese translations (ui/app.py)."""
    from wulong_desk.ui.app import install_chinese_translation

    assert install_chinese_translation(qapp)
    assert QLocale().language() == QLocale.Language.Chinese
    field = DateField(None, "签约日期")
    qtbot.addWidget(field)
    field.show()
    field.setText("2026-12-01")
    popup = field.open_calendar()
    qtbot.waitExposed(popup)
    month = next(b for b in popup.calendar.findChildren(QToolButton)
                 if b.objectName() == "qt_calendar_monthbutton")
    assert month.text() == "十二月"
    view = popup.calendar.findChild(QTableView)
    days = [view.model().data(view.model().index(0, column)) for column in range(1, 8)]
    assert days == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    popup.hide()
