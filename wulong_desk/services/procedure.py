"""The procedure's clocks (no Qt here): the project's dated steps with the statutory period each
starts, each case's own clocks and documents, and the list of what is due.

Every period below names its article of the 办法 (武隆府发〔2023〕5号) and says how it is counted
(`Period.counting`): the day of the event is never counted (民法典第二百零一条); a period in
working days counts the State Council's working days (`services.workdays`); a period in calendar
days whose last day is a day off runs to the next working day (民法典第二百零三条); a period in
years ends on the same date of the last year (第二百零二条) and a longest period (第十五条's one
year) is never extended. A minimum (a 公示 of at least so many days, a notice so many working
days ahead) that was cut short shows 期限不足 (`SHORT`), never 已完成.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.services.cases import get_case, get_project
from wulong_desk.services.money_due import money_dues
from wulong_desk.services.summary import ratio as share
from wulong_desk.services.terms import add_months
from wulong_desk.services.workdays import DueDate, WorkCalendar
from wulong_desk.statuses import STATUSES, is_frozen, is_out, is_signed
from wulong_desk.store import Store
from wulong_desk.store.models import (
    Case,
    CaseDate,
    CaseResult,
    Consent,
    ExchangeHouse,
    HousingUnit,
    ProcedureStep,
    Project,
)

WORKDAYS, DAYS, MONTHS, YEARS = "workdays", "days", "months", "years"
# what the counted date is: the last day of a period (a deadline); the earliest day a minimum
# period may end (or the event it announces take place); the last day of a longest period, never
# extended; the first day after the period (an act allowed only once the period has run out)
DEADLINE, MINIMUM, CAP, DAY_AFTER = "deadline", "minimum", "cap", "day_after"
SOON_WORKDAYS = 5      # "due soon": within this many working days

_NOT_COUNTED = "当日不计入，自次日起算（民法典第二百零一条）"


@dataclass(frozen=True)
class Period:
    kind: str          # workdays | days | years
    count: int
    article: str       # 办法第…条
    meaning: str       # what the due date is, in words
    rule: str = DEADLINE

    def due(self, calendar: WorkCalendar, start: date) -> DueDate:
        if self.kind == WORKDAYS:
            last = calendar.add_workdays(start, self.count)
        elif self.kind in (YEARS, MONTHS):
            end = (add_months(start, 12 * self.count) if self.kind == YEARS
                   else add_months(start, self.count))
            # a longest period ends on its date whatever day of the week it is
            last = DueDate(end) if self.rule == CAP else calendar.add_days(end, 0)
        else:
            last = calendar.add_days(start, self.count)
        if self.rule == DAY_AFTER:
            return DueDate(last.on + timedelta(days=1), last.estimated)
        return last

    def words(self) -> str:
        unit = {WORKDAYS: "个工作日", DAYS: "日", MONTHS: "个月", YEARS: "年"}[self.kind]
        return f"{self.count}{unit}（{self.article}）"

    def counting(self) -> str:
        """How the due date is counted, with the rule's source, in words for the clerk."""
        n = self.count
        if self.kind == WORKDAYS:
            base = (f"{_NOT_COUNTED}，数{n}个工作日（法定节假日和调休上班日按国务院当年的安排）")
            return base + {
                DEADLINE: f"，第{n}个工作日为最后一日",
                MINIMUM: f"，到第{n}个工作日方满；早于该日结束或举行的，为期限不足",
                DAY_AFTER: f"，第{n}个工作日届满后的次日起方可进行",
                CAP: f"，第{n}个工作日为最后一日",
            }[self.rule]
        if self.kind in (YEARS, MONTHS):
            text = (f"{_NOT_COUNTED}，{n}{'年' if self.kind == YEARS else '个月'}后的对应日为"
                    "最后一日（没有对应日的为该月末日，民法典第二百零二条）")
            if self.rule == CAP:
                return text + "；这是最长期限，最后一日遇休息日也不顺延"
            return text + "；最后一日遇法定节假日或休息日顺延至其后第一个工作日（第二百零三条）"
        text = (f"{_NOT_COUNTED}，数{n}日；最后一日是法定节假日或休息日的，顺延至其后第一个"
                "工作日（民法典第二百零三条）")
        if self.rule == MINIMUM:
            return text + "；早于该日结束或举行的，为期限不足"
        if self.rule == DAY_AFTER:
            return text + "；届满后的次日起方可进行"
        return text


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    start_label: str       # what the start date is
    done_label: str        # what the done date is
    period: Period | None
    article: str = ""      # the article behind the step (its period's, when it has one)

    def period_text(self) -> str:
        """The statutory period in words, or that the 办法 sets none."""
        if self.period is None:
            return f"办法未规定期限（{self.article}）"
        return f"{self.period.meaning}（{self.period.words()}）"


# The project's procedure, in order (办法第十四条至第二十五条、第三十三条、第四十八条、第五十二条).
STEPS = (
    Step("scope", "征收范围公布", "公布日", "解除暂停日",
         Period(YEARS, 1, "第十五条", "暂停办理相关手续最长至", CAP)),
    Step("survey_results", "调查登记结果公布", "公布日", "异议处理完毕日", None, "第十七条"),
    Step("unregistered", "未登记建筑认定公示", "公示开始日", "公示结束日",
         Period(WORKDAYS, 7, "第十八条", "公示期不少于7个工作日，最早可结束于", MINIMUM)),
    Step("use_determination", "房屋性质、用途、面积认定结论公示", "认定日", "公示日", None,
         "第三十三条"),
    Step("plan_comment", "补偿方案征求意见", "公布日", "征求意见结束日",
         Period(DAYS, 30, "第十九条", "征求意见不少于30日，最早可结束于", MINIMUM)),
    Step("hearing", "听证会", "通知并公告日", "听证会召开日",
         Period(WORKDAYS, 7, "第二十条", "提前7个工作日通知，听证会最早可于", MINIMUM)),
    Step("appraiser", "评估机构候选名单公示", "公示日", "评估机构确定日",
         Period(WORKDAYS, 5, "第四十八条", "被征收人协商确定评估机构的期限")),
    Step("appraiser_vote", "评估机构投票事项公布", "公布日", "投票日",
         Period(WORKDAYS, 5, "第四十八条第二款", "提前5个工作日公布投票时间和地点，投票最早可于",
                MINIMUM)),
    # the exchange houses' transfers suspended before the decision, until the signing period
    # ends — or the project is terminated (办法第二十二条第四款; `project terminate` ends it)
    Step("exchange_freeze", "产权调换房屋暂停办理转移登记", "申请暂停日", "解除暂停日", None,
         "第二十二条第四款"),
    Step("decision", "征收决定", "决定作出日", "公告日",
         Period(DAYS, 7, "第二十五条", "应于7日内公告，最迟")),
    Step("appraisal_publicity", "分户初步评估结果公示", "公示开始日", "公示结束日",
         Period(WORKDAYS, 7, "第五十二条", "公示7个工作日，最早可结束于", MINIMUM)),
    Step("compensation_notice", "分户补偿情况公示", "公示开始日", "公示结束日", None,
         "第二十九条"),
)
STEP_BY_CODE = {s.code: s for s in STEPS}


@dataclass(frozen=True)
class CaseClock:
    code: str
    label: str
    period: Period | None = None
    closes: tuple[str, ...] = ()     # the events that stop this clock

    def closed(self, dates: dict[str, date]) -> bool:
        return any(code in dates for code in self.closes)


# A case's own dated events, in order (办法第三十、三十一、三十七、五十四至五十六条).
CASE_CLOCKS = (
    CaseClock("report_served", "分户评估报告送达",
              Period(DAYS, 10, "第五十四条", "可申请复核评估至"), ("review_requested",)),
    CaseClock("review_requested", "申请复核评估",
              Period(DAYS, 10, "第五十四条第二款", "评估机构应答复复核至"), ("review_replied",)),
    CaseClock("review_replied", "复核评估结果送达",
              Period(DAYS, 10, "第五十五条", "可申请专家鉴定至"), ("expert_requested",)),
    CaseClock("expert_requested", "申请专家鉴定", None, ("expert_opinion", "expert_error")),
    CaseClock("expert_opinion", "鉴定意见送达"),
    CaseClock("expert_error", "鉴定意见认定复核评估结果有误（填其送达日）",
              Period(DAYS, 10, "第五十六条", "评估机构按鉴定意见修改评估报告并送达，最迟"),
              ("report_corrected",)),
    CaseClock("report_corrected", "修改后的评估报告送达"),
    CaseClock("comp_decision", "补偿决定公告"),
    # the compensation deposited (国务院条例第二十八条): one condition of the 催告 of a decision
    CaseClock("deposited", "补偿款已提存（条例第二十八条）"),
    CaseClock("reminder", "催告书送达",
              Period(WORKDAYS, 10, "第三十一条", "10个工作日内仍不搬迁的，可申请人民法院强制执行，"
                     "最早自", DAY_AFTER), ("enforcement",)),
    CaseClock("enforcement", "申请人民法院强制执行"),
    CaseClock("min_applied", "最低住房保障申请", None, ("min_verified",)),
    CaseClock("min_verified", "最低住房保障核实", None, ("min_publicity",)),
    CaseClock("min_publicity", "最低住房保障公示"),
)
CLOCK_BY_CODE = {c.code: c for c in CASE_CLOCKS}

# Documents received from the household: the checklist (code, label, article)
DOCUMENTS = (
    ("doc_title", "土地房屋权属证书交回", "第三十二条"),
    ("doc_licence", "营业执照", "第四十、四十二条"),
    ("doc_tax", "完税凭证", "第四十、四十二条"),
    ("doc_equipment", "设施设备购置凭据", "第四十三条"),
)
DOCUMENT_LABELS = {code: label for code, label, _article in DOCUMENTS}
CASE_DATE_CODES = set(CLOCK_BY_CODE) | set(DOCUMENT_LABELS)

OVERDUE, SHORT, DUE_SOON, OPEN, DONE = "overdue", "short", "due_soon", "open", "done"
RECOVER = "recover"   # an overpayment to recover (services/money_due.py)
STATE_LABELS = {OVERDUE: "已逾期", SHORT: "期限不足", DUE_SOON: "即将到期", OPEN: "未到期",
                DONE: "已完成", RECOVER: "应追回"}
STATE_ORDER = {SHORT: 0, OVERDUE: 0, RECOVER: 0, DUE_SOON: 1, OPEN: 2, DONE: 3}


def step_due(step: Step, started_on: date | None, calendar: WorkCalendar) -> DueDate | None:
    return step.period.due(calendar, started_on) if step.period and started_on else None


def is_short(step: Step, done_on: date | None, due: DueDate | None) -> bool:
    """A minimum period (a 公示, a notice ahead of an event) that ended before its due date."""
    return (step.period is not None and step.period.rule == MINIMUM and done_on is not None
            and due is not None and done_on < due.on)


def step_state(step: Step, started_on: date | None, done_on: date | None, today: date,
               calendar: WorkCalendar) -> str:
    """The state of a project step as the due list and the 程序时限 window show it."""
    due = step_due(step, started_on, calendar)
    if is_short(step, done_on, due):
        return SHORT
    soon_until = calendar.add_workdays(today, SOON_WORKDAYS).on
    return state_of(due, today, soon_until, done=done_on is not None)


# --- the public notices' 公示期 ---------------------------------------------------------------

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


# --- the due list ----------------------------------------------------------------------------

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


def state_of(due: DueDate | None, today: date, soon_until: date, *, done: bool) -> str:
    """done; overdue (the due day has passed); due_soon (due by `soon_until`, the 5th working
    day after today); open."""
    if done:
        return DONE
    if due is None:
        return OPEN
    if due.on < today:
        return OVERDUE
    if due.on <= soon_until:
        return DUE_SOON
    return OPEN


def project_steps(session: Session, project_id: int) -> dict[str, ProcedureStep]:
    rows = session.execute(select(ProcedureStep).where(ProcedureStep.project_id == project_id))
    return {row.step: row for row in rows.scalars()}


def case_dates(session: Session, case_ids: list[int]) -> dict[int, dict[str, date]]:
    found: dict[int, dict[str, date]] = {i: {} for i in case_ids}
    if case_ids:
        rows = session.execute(select(CaseDate).where(CaseDate.case_id.in_(case_ids)))
        for row in rows.scalars():
            found[row.case_id][row.what] = row.on_date
    return found


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
    # the 补偿决定's clocks (复议, 诉讼, 催告, 强制执行: services/case_decisions.py)
    from wulong_desk.services.case_decisions import decision_due_items

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


# --- recording dates -------------------------------------------------------------------------

def set_step(store: Store, project_id: int, code: str, started_on: date | None,
             done_on: date | None, note: str = "") -> None:
    step = STEP_BY_CODE.get(code)
    if step is None:
        raise UserError(f"未知的程序步骤：{code}")
    if started_on and done_on and done_on < started_on:
        raise UserError(f"{step.label}：{step.done_label}不能早于{step.start_label}")
    with store.transaction() as session:
        get_project(session, project_id)
        row = project_steps(session, project_id).get(code)
        if started_on is None and done_on is None and not note:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            row = ProcedureStep(project_id=project_id, step=code, note="")
            session.add(row)
        row.started_on, row.done_on, row.note = started_on, done_on, note.strip()


def set_case_date(store: Store, case_id: int, code: str, on: date | None) -> None:
    """Record (or clear, with None) a case's event or document date."""
    if code not in CASE_DATE_CODES:
        raise UserError(f"未知的案卷日期项：{code}")
    with store.transaction() as session:
        get_case(session, case_id)
        if code == "reminder" and on is not None:   # a 补偿决定's 催告: only when allowed
            from wulong_desk.services.case_decisions import check_reminder

            check_reminder(session, case_id, on)
        row = session.execute(select(CaseDate).where(CaseDate.case_id == case_id,
                                                     CaseDate.what == code)).scalar_one_or_none()
        if on is None:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            session.add(CaseDate(case_id=case_id, what=code, on_date=on))
        else:
            row.on_date = on


# --- 旧城区改建: consent (第十三条) and presign ratio (第二十三条) --------------------------------

ANSWERS = {"agree": "同意", "disagree": "不同意", "none": "未表态"}


@dataclass(frozen=True)
class ConsentTally:
    households: int                      # owners asked
    area: Decimal                        # their 专有部分面积
    agree_households: int
    agree_area: Decimal
    counts: dict[str, int]

    @property
    def household_ratio(self) -> Decimal:
        return share(Decimal(self.agree_households), Decimal(self.households))

    @property
    def area_ratio(self) -> Decimal:
        return share(self.agree_area, self.area)

    @property
    def passed(self) -> bool:
        """Both shares strictly above two thirds (第十三条: 超过三分之二)."""
        return (self.households > 0 and self.area > 0
                and Decimal(self.agree_households) * 3 > Decimal(self.households) * 2
                and self.agree_area * 3 > self.area * 2)


def consent_tally(session: Session, project_id: int) -> ConsentTally:
    rows = list(session.execute(select(Consent).where(Consent.project_id == project_id))
                .scalars())
    counts = dict.fromkeys(ANSWERS, 0)
    for row in rows:
        counts[row.answer] = counts.get(row.answer, 0) + 1
    agree = [r for r in rows if r.answer == "agree"]
    return ConsentTally(len(rows), sum((r.exclusive_area for r in rows), Decimal(0)),
                        len(agree), sum((r.exclusive_area for r in agree), Decimal(0)), counts)


@dataclass(frozen=True)
class PresignRatio:
    """Households (and their area) that signed, presign or later, against the whole
    expropriation area's totals (project fields), never against the cases entered so far."""

    signed_households: int
    signed_area: Decimal
    total_households: int | None
    total_area: Decimal | None
    threshold: Decimal

    @property
    def ratio(self) -> Decimal | None:
        if not self.total_households:
            return None
        return share(Decimal(self.signed_households), Decimal(self.total_households))

    @property
    def area_ratio(self) -> Decimal | None:
        if not self.total_area:
            return None
        return share(self.signed_area, self.total_area)

    @property
    def reached(self) -> bool:
        """办法第二十三条: the share of households that presigned reaches the threshold."""
        return bool(self.total_households) and (
            Decimal(self.signed_households) >= self.threshold * self.total_households)


def presign_ratio(session: Session, project_id: int) -> PresignRatio:
    project: Project = get_project(session, project_id)
    rows = session.execute(select(Case.status, CaseResult.area_centi)
                           .outerjoin(CaseResult, CaseResult.case_id == Case.id)
                           .where(Case.project_id == project_id))
    households, area_centi = 0, 0
    for status, centi in rows:
        if is_signed(status):
            households += 1
            area_centi += centi or 0
    return PresignRatio(households, Decimal(area_centi).scaleb(-2), project.total_households,
                        project.total_area, project.presign_threshold)


MAX_HOUSEHOLDS = 10_000_000  # a typing slip, not a district: more than the database can hold too


def set_project_totals(store: Store, project_id: int, households: int | None,
                       area: Decimal | None) -> None:
    """The households and area of the whole expropriation area (for the 第十三、二十三条 ratios)."""
    if households is not None and not 0 < households <= MAX_HOUSEHOLDS:
        raise UserError(f"征收范围总户数应大于 0、不超过 {MAX_HOUSEHOLDS:,}")
    if area is not None and (not area.is_finite() or area <= 0
                             or area != area.quantize(Decimal("0.01"))):
        raise UserError("征收范围总面积应大于 0，最多两位小数")
    with store.transaction() as session:
        project = get_project(session, project_id)
        project.total_households, project.total_area = households, area


def set_consents(store: Store, project_id: int,
                 rows: list[tuple[str, str, Decimal]]) -> None:
    """Replace the project's 第十三条 consultation answers: (坐落或户号, answer, 专有部分面积)."""
    for number, (label, answer, area) in enumerate(rows, 1):
        if not label.strip():
            raise UserError(f"第 {number} 行：坐落或户号不能为空")
        if answer not in ANSWERS:
            raise UserError(f"第 {number} 行：意见应为 {'、'.join(ANSWERS.values())} 之一")
        if not area.is_finite() or area < 0:
            raise UserError(f"第 {number} 行：专有部分面积应为不小于 0 的数")
    with store.transaction() as session:
        get_project(session, project_id)
        # row by row, in place: an answer that changed is audited old → new, a row taken away
        # as deleted, a new one as created (never a silent delete and rebuild)
        stored: dict[str, list[Consent]] = {}
        for old in session.execute(select(Consent).where(Consent.project_id == project_id)
                                   .order_by(Consent.id)).scalars():
            stored.setdefault(old.label, []).append(old)
        for label, answer, area in rows:
            name = label.strip()[:300]
            same = stored.get(name)
            if same:
                row = same.pop(0)
                row.answer, row.exclusive_area = answer, area
            else:
                session.add(Consent(project_id=project_id, label=name, answer=answer,
                                    exclusive_area=area))
        for left in stored.values():
            for row in left:
                session.delete(row)
