"""The 到期事项 list: every dated item of a project — its steps, the signing and move deadlines,
each case's clocks, the money owed by its term, the 补偿决定's clocks and the exchange houses
not yet handed over — in order of urgency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.money.due import money_dues
from wulong_desk.services.procedure.case_decisions import decision_due_items
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
    due = _DueItems(today, calendar or WorkCalendar.for_user())
    project = get_project(session, project_id)
    # id, case number, stage and conversion only: no case objects are loaded for the list
    cases = list(session.execute(select(Case.id, Case.case_no, Case.status, Case.converted_on)
                                 .where(Case.project_id == project_id).order_by(Case.case_no)))
    dates = _dates_by_case(session, project_id, cases)
    due.project_steps(session, project_id)
    due.deadlines(project, cases)
    for case in cases:
        if case.status == "assessed":
            due.add(case, "已评估，等待审核", None)
    due.money(session, project, {c.id: c for c in cases})
    due.case_clocks(cases, dates)
    due.title_deeds(cases, dates)
    due.decisions(session, project_id, {c.id: c for c in cases})
    due.houses(session, project_id)
    return sorted(due.items, key=lambda i: (STATE_ORDER[i.state],
                                            i.due.on if i.due else date.max, i.case_no or ""))


def _dates_by_case(session: Session, project_id: int, cases: list[Any]
                   ) -> dict[int, dict[str, date]]:
    found: dict[int, dict[str, date]] = {c.id: {} for c in cases}
    for row in session.execute(select(CaseDate).join(Case, Case.id == CaseDate.case_id)
                               .where(Case.project_id == project_id)).scalars():
        found[row.case_id][row.what] = row.on_date
    return found


class _DueItems:
    """The list being made, one kind of item at a time (each a method below)."""

    def __init__(self, today: date, calendar: WorkCalendar):
        self.today, self.calendar = today, calendar
        self.soon_until = calendar.add_workdays(today, SOON_WORKDAYS).on
        self.items: list[DueItem] = []

    def add(self, case: Any, what: str, due: DueDate | None, *, done: bool = False,
            state: str | None = None) -> None:
        self.items.append(DueItem(case.id if case else None, case.case_no if case else None,
                                  what, due,
                                  state or state_of(due, self.today, self.soon_until, done=done)))

    def project_steps(self, session: Session, project_id: int) -> None:
        """The project's steps with a statutory period; a minimum cut short is never 已完成."""
        for code, row in project_steps(session, project_id).items():
            step = STEP_BY_CODE.get(code)
            if step is None or step.period is None or row.started_on is None:
                continue
            due = step_due(step, row.started_on, self.calendar)
            if is_short(step, row.done_on, due):
                assert row.done_on is not None and due is not None
                self.add(None, f"{step.label}：{step.done_label} {row.done_on.isoformat()} 早于"
                         f"法定最短期限，应不早于 {due.on.isoformat()}（{step.period.words()}）",
                         due, state=SHORT)
                continue
            self.add(None, f"{step.label}：{step.period.meaning}（{step.period.words()}）", due,
                     done=row.done_on is not None)

    def deadlines(self, project: Any, cases: list[Any]) -> None:
        """The signing deadline and the move deadline: done only when there are households and
        each has signed (moved) — a project with no case yet has its deadlines ahead of it. A
        terminated project has neither (办法第二十三条: nothing to sign)."""
        if project.decision_state == "terminated":
            return
        unsigned = [c for c in cases if c.status in STATUSES and not is_frozen(c.status)]
        entered = any(not is_out(c.status) for c in cases)
        self.add(None, f"签约期限届满（尚有 {len(unsigned)} 户未签约）",
                 DueDate(project.signing_deadline), done=entered and not unsigned)
        if project.move_deadline is None:
            return
        # a 预签 agreement takes effect with the decision (办法第二十三条、第二十九条): a
        # presigned household must move by the deadline like a signed one
        not_moved = [c for c in cases if is_signed(c.status) and c.status != "moved"]
        if project.move_deadline >= self.today:
            self.add(None, f"搬迁期限届满（已签约或预签未搬迁 {len(not_moved)} 户）",
                     DueDate(project.move_deadline),
                     done=entered and not not_moved and not unsigned)
            return
        for case in not_moved:
            signed_as = ("已预签（预签协议随征收决定生效）" if case.status == "presigned"
                         else "已签约")
            self.add(case, f"{signed_as}，搬迁期限已过仍未搬迁", DueDate(project.move_deadline))

    def money(self, session: Session, project: Any, by_id: dict[int, Any]) -> None:
        """Each owed bucket not yet paid, by the agreement's term; what to recover (red);
        terms and accounts still to be entered again after migration 0011."""
        for due in money_dues(session, project, self.calendar, self.today):
            self.add(by_id[due.case_id], due.what, due.due,
                     state=RECOVER if due.recover else None)

    def case_clocks(self, cases: list[Any], dates: dict[int, dict[str, date]]) -> None:
        """Each case's own clocks that have started (复核, 鉴定, 催告 …)."""
        for case in cases:
            for clock in CASE_CLOCKS:
                start = dates[case.id].get(clock.code)
                if start is None or clock.period is None:
                    continue
                self.add(case, f"{clock.label}后：{clock.period.meaning}"
                         f"（{clock.period.words()}）", clock.period.due(self.calendar, start),
                         done=clock.closed(dates[case.id]))

    def title_deeds(self, cases: list[Any], dates: dict[int, dict[str, date]]) -> None:
        """The title deeds of a presign are due when it converts to the 补偿协议 (第三十二条)."""
        for case in cases:
            if case.converted_on is not None and "doc_title" not in dates[case.id] \
                    and case.status in ("signed", "moved"):
                self.add(case, "预签已转为补偿协议，土地房屋权属证书尚未交回（第三十二条）",
                         DueDate(case.converted_on))

    def decisions(self, session: Session, project_id: int, by_id: dict[int, Any]) -> None:
        """The 补偿决定's clocks (复议, 诉讼, 催告, 强制执行: procedure/case_decisions.py)."""
        for case_id, _case_no, clock in decision_due_items(session, project_id, self.today,
                                                           self.calendar, self.soon_until):
            self.add(by_id[case_id], clock.what, clock.due, state=clock.state)

    def houses(self, session: Session, project_id: int) -> None:
        """The exchange houses assigned and not yet handed over (第四十四条)."""
        houses = session.execute(
            select(HousingUnit, Case).join(ExchangeHouse,
                                           HousingUnit.exchange_house_id == ExchangeHouse.id)
            .join(Case, ExchangeHouse.case_id == Case.id)
            .where(HousingUnit.project_id == project_id, HousingUnit.handed_over_on.is_(None)))
        for house, case in houses.all():  # (case: the Case row of the house's exchange line)
            notice = f"，已于 {house.notice_on.isoformat()} 通知接房" if house.notice_on else ""
            self.add(case, f"安置房 {house_label(house)} 尚未交付{notice}（第四十四条）", None)


def house_label(house: HousingUnit) -> str:
    parts = [house.building, f"{house.unit}单元" if house.unit else "", f"{house.number}号"]
    return "".join(p for p in parts if p)



