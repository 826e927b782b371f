"""A public notice's 公示期: the dates the office gives, or its project step's, against the 办法's
minimum where it sets one (第十八、五十二条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.services.procedure.catalogue import MINIMUM, STEP_BY_CODE, project_steps
from wulong_desk.services.procedure.workdays import WorkCalendar


@dataclass(frozen=True)
class NoticePeriod:
    start: date
    end: date | None   # None: no end given and the 办法 sets no length (left to fill by hand)
    basis: str         # how the period was set, in words (for the export log, never printed)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def notice_period(session: Session, project_id: int, start: date | None = None,
                  end: date | None = None, calendar: WorkCalendar | None = None, *,
                  step_code: str | None = "compensation_notice", article: str = ""
                  ) -> NoticePeriod | None:
    """A public notice's 公示期, as the office enters it: both dates as given; with neither, the
    project's timeline step `step_code` (its dates). Where the 办法 sets a minimum (the step's
    period: 第十八、五十二条, 7 working days) a start alone runs to the minimum's last day and an
    end before it is refused; where it sets none (第十七、二十九、三十七条) a start alone leaves
    the end blank to fill in by hand (`article`: the one behind a notice without a step).
    None: no date at all (the line is left blank)."""
    step = STEP_BY_CODE[step_code] if step_code else None
    period = step.period if step else None
    if start is None and end is not None:
        raise UserError("公示期只有结束日，请同时给出开始日")
    if start is not None and end is not None and end < start:
        raise UserError("公示期结束日早于开始日")
    source = "所填日期"
    if start is None:
        row = project_steps(session, project_id).get(step_code) if step_code else None
        if row is None or row.started_on is None:
            return None
        assert step is not None
        start, end = row.started_on, row.done_on
        source = f"项目程序时限「{step.label}」"
    if period is None or period.rule != MINIMUM:
        cited = step.article if step else (article or "办法")
        basis = f"{source}；{cited}未规定公示期长短" + ("" if end else "，结束日留空待填")
        return NoticePeriod(start, end, basis)
    due = period.due(calendar or WorkCalendar.for_user(), start)
    if end is not None and end < due.on:
        raise UserError(f"公示期不足：{period.article}要求公示不少于{period.count}个工作日，"
                        f"自{_day(start)}起最早于{_day(due.on)}期满，所填结束日为{_day(end)}")
    if end is None:
        end = due.on
        basis = f"{source}；结束日按{period.words()}计算：{period.counting()}"
        if due.estimated:
            basis += f"；{due.text()}"
    else:
        basis = f"{source}；不短于{period.words()}"
    return NoticePeriod(start, end, basis)



