"""The 到期事项 list: every dated item of a project — its steps, the signing and move deadlines,
each case's clocks, the money owed by its term, the 补偿决定's clocks and the exchange houses
not yet handed over — in order of urgency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.services.cases.changes import get_project
from wulong_desk.services.money.due import money_dues
from wulong_desk.services.procedure.catalogue import (
    CASE_CLOCKS,
    RECOVER,
    SHORT,
    SOON_WORKDAYS,
    STATE_LABELS,
    STATE_ORDER,
    STEP_BY_CODE,
    is_short,
    project_steps,
    state_of,
    step_due,
)
from wulong_desk.services.procedure.workdays import DueDate, WorkCalendar
from wulong_desk.statuses import STATUSES, is_frozen, is_out, is_signed
from wulong_desk.store.models import (
    Case,
    CaseDate,
    ExchangeHouse,
    HousingUnit,
)


@dataclass(frozen=True)
class DueItem:
    case_id: int | None
    case_no: str | None
    what: str
    due: DueDate | None
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def due_text(self) -> str:
        return self.due.text() if self.due else "—"

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "what": self.what,
                "due": self.due.iso() if self.due else None, "state": self.state,
                "estimated": bool(self.due and self.due.estimated)}



def due_list(session: Session, project_id: int, today: date,
             calendar: WorkCalendar | None = None) -> list[DueItem]:
    """Everything with a clock in the project: cut short or overdue first, then due soon,
    open, done."""

    calendar = calendar or WorkCalendar.for_user()
    soon_until = calendar.add_workdays(today, SOON_WORKDAYS).on
    project = get_project(session, project_id)
    items: list[DueItem] = []

    def add(case: Any, what: str, due: DueDate | None, *, done: bool = False,
            state: str | None = None) -> None:
        items.append(DueItem(case.id if case else None, case.case_no if case else None, what,
                             due, state or state_of(due, today, soon_until, done=done)))

    for code, row in project_steps(session, project_id).items():
        step = STEP_BY_CODE.get(code)
        if step is None or step.period is None or row.started_on is None:
            continue
        due = step_due(step, row.started_on, calendar)
        what = f"{step.label}：{step.period.meaning}（{step.period.words()}）"
        if is_short(step, row.done_on, due):  # a minimum cut short is never 已完成
            assert row.done_on is not None and due is not None
            what = (f"{step.label}：{step.done_label} {row.done_on.isoformat()} 早于法定最短"
                    f"期限，应不早于 {due.on.isoformat()}（{step.period.words()}）")
            add(None, what, due, state=SHORT)
            continue
        add(None, what, due, done=row.done_on is not None)

    # id, case number and status only: no case objects are loaded for the list
    cases = list(session.execute(select(Case.id, Case.case_no, Case.status, Case.converted_on)
                                 .where(Case.project_id == project_id).order_by(Case.case_no)))
    unsigned = [c for c in cases if c.status in STATUSES and not is_frozen(c.status)]
    # done only when there are households and each has signed (moved): a project with no case
    # yet has its deadlines ahead of it, not behind it
    entered = any(not is_out(c.status) for c in cases)
    terminated = project.decision_state == "terminated"   # (办法第二十三条: nothing to sign)
    if not terminated:
        add(None, f"签约期限届满（尚有 {len(unsigned)} 户未签约）",
            DueDate(project.signing_deadline), done=entered and not unsigned)
    if project.move_deadline is not None and not terminated:
        # a 预签 agreement takes effect with the decision (办法第二十三条、第二十九条): a
        # presigned household must move by the deadline like a signed one
        not_moved = [c for c in cases if is_signed(c.status) and c.status != "moved"]
        if project.move_deadline >= today:
            add(None, f"搬迁期限届满（已签约或预签未搬迁 {len(not_moved)} 户）",
                DueDate(project.move_deadline), done=entered and not not_moved and not unsigned)
        else:
            for case in not_moved:
                signed_as = "已预签（预签协议随征收决定生效）" if case.status == "presigned" \
                    else "已签约"
                add(case, f"{signed_as}，搬迁期限已过仍未搬迁", DueDate(project.move_deadline))
    for case in cases:
        if case.status == "assessed":
            add(case, "已评估，等待审核", None)

    by_id = {c.id: c for c in cases}
    # money: each owed bucket not yet paid, by the agreement's term; what to recover (red);
    # terms and accounts still to be entered again after migration 0011
    for due in money_dues(session, project, calendar, today):
        add(by_id[due.case_id], due.what, due.due, state=RECOVER if due.recover else None)

    by_case: dict[int, dict[str, date]] = {c.id: {} for c in cases}
    for row in session.execute(select(CaseDate).join(Case, Case.id == CaseDate.case_id)
                               .where(Case.project_id == project_id)).scalars():
        by_case[row.case_id][row.what] = row.on_date
    for case in cases:
        dates = by_case[case.id]
        for clock in CASE_CLOCKS:
            start = dates.get(clock.code)
            if start is None or clock.period is None:
                continue
            add(case, f"{clock.label}后：{clock.period.meaning}（{clock.period.words()}）",
                clock.period.due(calendar, start), done=clock.closed(dates))

    # the title deeds of a presign are due when it converts to the 补偿协议 (第三十二条)
    for case in cases:
        if case.converted_on is not None and "doc_title" not in by_case[case.id] \
                and case.status in ("signed", "moved"):
            add(case, "预签已转为补偿协议，土地房屋权属证书尚未交回（第三十二条）",
                DueDate(case.converted_on))
    # the 补偿决定's clocks (复议, 诉讼, 催告, 强制执行: services/procedure/case_decisions.py)
    from wulong_desk.services.procedure.case_decisions import decision_due_items

    named = {c.id: c for c in cases}
    for case_id, _case_no, clock in decision_due_items(session, project_id, today, calendar,
                                                       soon_until):
        add(named[case_id], clock.what, clock.due, state=clock.state)

    houses = session.execute(
        select(HousingUnit, Case).join(ExchangeHouse,
                                       HousingUnit.exchange_house_id == ExchangeHouse.id)
        .join(Case, ExchangeHouse.case_id == Case.id)
        .where(HousingUnit.project_id == project_id, HousingUnit.handed_over_on.is_(None)))
    for house, case in houses.all():  # (case: the Case row of the house's exchange line)
        notice = f"，已于 {house.notice_on.isoformat()} 通知接房" if house.notice_on else ""
        add(case, f"安置房 {house_label(house)} 尚未交付{notice}（第四十四条）", None)

    items.sort(key=lambda i: (STATE_ORDER[i.state], i.due.on if i.due else date.max,
                              i.case_no or ""))
    return items


def house_label(house: HousingUnit) -> str:
    parts = [house.building, f"{house.unit}单元" if house.unit else "", f"{house.number}号"]
    return "".join(p for p in parts if p)



