"""The one reader of dates, as people type them and as files carry them (Qt-free).

A clerk types 2026-12-01, 2026/12/01, 2026.12.01, 20261201 or 2026年12月1日 (full-width digits
and marks from a Chinese input method too); all read as the same day. Anything else — a
two-digit year, a day first (01/12/2026), a day that does not exist (2026-02-30), mixed marks
(2026-12/01) — is refused with a Chinese message naming the field, never guessed and never
replaced by today. Every day read here lies in 1990–2100: a day outside those years is a slip
of the keyboard in this work (a signing in year 0023, a notice in 9999), refused the same way.

The calc contract's JSON and case packages keep ISO dates only (`read_iso`); the bound applies
to them too. `check_day` bounds a date that arrived as a date object.

- `parse_date(text)`   → date, or DateError (its message says what is wrong, no field name)
- `read_date(text, field)` → date | None (blank), or UserError 「field」：…
- `read_iso(text)`     → date from exactly YYYY-MM-DD, or DateError
- `check_day(day)`     → the day, or DateError when outside 1990–2100
- `add_months(day, n)` → the same day n months later (a month without it: its last day)
"""

from __future__ import annotations

import re
from datetime import date

from wulong_desk.errors import UserError

FIRST_YEAR, LAST_YEAR = 1990, 2100
EXAMPLES = "2026-12-01、2026/12/01、2026.12.01、20261201 或 2026年12月1日"
# what a Chinese input method types for digits and date marks
_HALF_WIDTH = str.maketrans("０１２３４５６７８９－／．　", "0123456789-/. ")
_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_WORDS = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class DateError(UserError):
    """A date that cannot be read or lies outside 1990–2100; the message names no field."""


def _quoted(text: str) -> str:
    shown = text if len(text) <= 30 else text[:30] + "…"
    return f"「{shown}」"


def check_day(day: date) -> date:
    """The day itself when it lies in 1990–2100; otherwise DateError."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DateError(f"{day.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，请核对年份")
    return day


def _day(year: str, month: str, day: str, typed: str) -> date:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise DateError(f"{_quoted(typed)}的年份 {int(year)} 不在 {FIRST_YEAR}–{LAST_YEAR} "
                        "年之间，请核对年份")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(f"{_quoted(typed)}不是真实存在的日期（{int(year)}年没有"
                        f"{int(month)}月{int(day)}日）") from None


def parse_date(text: str) -> date:
    """A date as a person types it (the forms above); DateError otherwise."""
    typed = text.strip()
    normal = typed.translate(_HALF_WIDTH).strip()
    for pattern in (_SEPARATED, _WORDS, _COMPACT):
        match = pattern.fullmatch(normal)
        if match:
            groups = match.groups()
            year, month, day = (groups[0], groups[2], groups[3]) if pattern is _SEPARATED \
                else groups
            return _day(year, month, day, typed)
    if not typed:
        raise DateError("没有填写日期")
    raise DateError(f"{_quoted(typed)}不是能读懂的日期（请写作 {EXAMPLES}）")


def read_date(text: str | None, field: str) -> date | None:
    """An optional date typed into `field`: None when blank; a date that cannot be read, or
    lies outside 1990–2100, is refused naming the field: 「签约日期」：…"""
    if text is None or not text.strip():
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise UserError(f"「{field}」：{exc}") from None


def read_iso(text: str) -> date:
    """A date as the calc contract and case packages carry it: exactly YYYY-MM-DD, in
    1990–2100."""
    match = _ISO.fullmatch(text)
    if match is None:
        raise DateError(f"应为日期 YYYY-MM-DD，收到{_quoted(text)}")
    return _day(*match.groups(), text)


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a month without that day: its last day (民法典第二百零二条).
    Every clock and every payment term counts months by it."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(start.day, day))
        except ValueError:
            continue
    raise UserError(f"{start.isoformat()} 之后 {months} 个月的日期无法计算")
