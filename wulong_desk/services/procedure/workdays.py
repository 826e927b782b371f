"""Working days as the law counts them (no Qt here).

- Official holidays and make-up working days come from the `chinese_calendar` package, which
  knows the State Council's yearly arrangements up to the last year it was released for.
- A period starts counting on the day after the event (民法典第二百零一条: the day of the event
  is not counted).
- A period counted in calendar days whose last day is not a working day runs to the next working
  day (民法典第二百零三条).
- For a year the package does not know, the office can list that year's holidays and make-up
  working days in `holidays.toml` in the user data folder; failing that, only Saturdays and
  Sundays are taken as days off and every date computed so is marked as an estimate.

The office file looks like this (one table per year):

    [2027]
    holidays = ["2027-01-01", "2027-02-06"]
    workdays = ["2027-02-13"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from wulong_desk.errors import UserError
from wulong_desk.paths import user_data_dir

OFFICE_FILE = "holidays.toml"
MAX_PERIOD = 3660   # days: no statutory period in this work is longer than ten years


@dataclass(frozen=True)
class DueDate:
    """A computed date; `estimated` when a year without published holidays was counted as
    Saturdays and Sundays only."""

    on: date
    estimated: bool = False

    def iso(self) -> str:
        return self.on.isoformat()

    def text(self) -> str:
        """The date as a clerk sees it, with the estimate said in words."""
        if not self.estimated:
            return self.on.isoformat()
        return f"{self.on.isoformat()}（{estimate_note(self.on.year)}）"


def estimate_note(year: int) -> str:
    return (f"{year} 年的法定节假日安排尚未录入，按周六、周日休息估算；"
            f"可在用户数据目录的 {OFFICE_FILE} 中补录")


@dataclass(frozen=True)
class OfficeYear:
    holidays: frozenset[date]
    workdays: frozenset[date]


def _library_knows(year: int) -> bool:
    return year in _library_years()


@lru_cache(maxsize=1)
def _library_years() -> frozenset[int]:
    import chinese_calendar

    years = set()
    for year in range(2004, 2100):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


def read_office_file(path: Path) -> dict[int, OfficeYear]:
    """The office's own holiday list; a mistake is a clear message naming the entry."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"节假日文件 {path.name} 无法读取：{exc}") from exc
    years: dict[int, OfficeYear] = {}
    for key, table in data.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise UserError(f"节假日文件 {path.name}：[{key}] 应为四位年份，如 [2027]")
        year = int(key)
        if not isinstance(table, dict):
            raise UserError(f"节假日文件 {path.name}：[{key}] 应包含 holidays 与 workdays 两项")
        lists: dict[str, frozenset[date]] = {}
        for name, label in (("holidays", "放假日"), ("workdays", "调休上班日")):
            values = table.get(name, [])
            if not isinstance(values, list):
                raise UserError(f"节假日文件 {path.name}：[{key}] {name}（{label}）应为日期列表")
            days = set()
            for value in values:
                day = _office_day(path, key, name, label, value)
                if day.year != year:
                    raise UserError(f"节假日文件 {path.name}：[{key}] {name}（{label}）中的 "
                                    f"{day.isoformat()} 不属于 {year} 年")
                days.add(day)
            lists[name] = frozenset(days)
        unknown = set(table) - {"holidays", "workdays"}
        if unknown:
            raise UserError(f"节假日文件 {path.name}：[{key}] 中有不认识的项 "
                            f"{'、'.join(sorted(unknown))}（只能是 holidays、workdays）")
        both = lists["holidays"] & lists["workdays"]
        if both:
            raise UserError(f"节假日文件 {path.name}：{min(both).isoformat()} "
                            "同时列为放假日和调休上班日")
        years[year] = OfficeYear(lists["holidays"], lists["workdays"])
    return years


def _office_day(path: Path, key: str, name: str, label: str, value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UserError(f"节假日文件 {path.name}：[{key}] {name}（{label}）中的 {value!r} "
                    "不是日期（应写作 2027-01-01）")


class WorkCalendar:
    """Which days are working days; built once per use from the package and the office file."""

    def __init__(self, office: dict[int, OfficeYear] | None = None) -> None:
        self.office = office or {}

    @classmethod
    def for_user(cls) -> WorkCalendar:
        return cls(read_office_file(user_data_dir() / OFFICE_FILE))

    def known(self, year: int) -> bool:
        """Whether the year's holidays are known (published in the package, or in the file)."""
        return year in self.office or _library_knows(year)

    def is_workday(self, day: date) -> bool:
        if _library_knows(day.year):
            import chinese_calendar

            return bool(chinese_calendar.is_workday(day))
        office = self.office.get(day.year)
        if office is not None:
            if day in office.workdays:
                return True
            if day in office.holidays:
                return False
        return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> DueDate:
        """The `count`-th working day after `start` (the day of `start` itself not counted)."""
        _check_count(count)
        day = start
        estimated = False
        left = count
        try:
            while left > 0:
                day += timedelta(days=1)
                estimated = estimated or not self.known(day.year)
                if self.is_workday(day):
                    left -= 1
        except OverflowError:
            raise _beyond_calendar(start, count) from None
        return DueDate(day, estimated)

    def add_days(self, start: date, count: int) -> DueDate:
        """The last day of a period of `count` calendar days after `start`; a last day that is
        not a working day moves to the next working day."""
        _check_count(count)
        try:
            day = start + timedelta(days=count)
            estimated = not self.known(day.year)
            while not self.is_workday(day):
                day += timedelta(days=1)
                estimated = estimated or not self.known(day.year)
        except OverflowError:
            raise _beyond_calendar(start, count) from None
        return DueDate(day, estimated)


def _beyond_calendar(start: date, count: int) -> UserError:
    return UserError(f"起算日 {start.isoformat()} 之后 {count} 天已超出日历（最晚到 9999-12-31），"
                     "请检查起算日")


def _check_count(count: int) -> None:
    if count < 0 or count > MAX_PERIOD:
        raise UserError(f"期限天数应在 0 到 {MAX_PERIOD} 之间，收到 {count}")
