"""The procedure's clocks (no Qt here): the project's dated steps with the statutory period each
starts, each case's own clocks and documents, and the states a dated item can be in.

Every period below names its article of the 办法 (武隆府发〔2023〕5号) and says how it is counted
(`Period.counting`): the day of the event is never counted (民法典第二百零一条); a period in
working days counts the State Council's working days (`services.procedure.workdays`); a period in
calendar days whose last day is a day off runs to the next working day (民法典第二百零三条); a
period in years ends on the same date of the last year (第二百零二条) and a longest period
(第十五条's one year) is never extended. A minimum (a 公示 of at least so many days, a notice so
many working days ahead) that was cut short shows 期限不足 (`SHORT`), never 已完成."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.dates import add_months
from wulong_desk.services.cases.lookup import get_case
from wulong_desk.services.procedure.workdays import DueDate, WorkCalendar
from wulong_desk.store import Store
from wulong_desk.store.models import (
    CaseDate,
    ProcedureStep,
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
RECOVER = "recover"   # an overpayment to recover (services/money/due.py)
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



@dataclass(frozen=True)
class CaseClockDates:
    """A case's number and its dated clocks and documents (案卷时限与材料), by code."""
    case_no: str
    dates: dict[str, date]


def case_clock_dates(store: Store, case_id: int) -> CaseClockDates:
    with store.read() as session:
        case_no = get_case(session, case_id).case_no
        return CaseClockDates(case_no, case_dates(session, [case_id])[case_id])
