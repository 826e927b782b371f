"""补偿决定 as a case outcome beside 已签约 (办法第三十一条): the district government's decision
for a household that did not sign within the 签约期限 — or, at any time, whose owner is unclear —
with its number, 作出日, 公告日, the day it was served and the move-by date it sets; its
appeals (复议, 诉讼); what ends it (撤销, 变更, or an agreement signed after it: the history
kept, the amounts recomputed under what replaces it); and its clocks on the due list.

The case is computed with `decided_on` (calc contract revision 3: no early-signing reward; R5 by
the project's reading `decision_guide_reward`; R7 and the second R8 against the move-by date of
the decision in force — `decision_move_by` — bringing 复议 or 诉讼 never by itself forfeits them),
frozen like a signed case. Every change is a reviewer's audited event (on the office server:
decide_case, decision_appeal, open_refigure + decision_outcome). Qt-free.

The clocks, from service (or, not served, from the 公告):
- 复议: 60 days (行政复议法第二十条); 诉讼: 6 months (行政诉讼法第四十六条) — up to one year when
  the decision did not state these rights (行政复议法第二十条第三款; 最高人民法院关于适用《中华
  人民共和国行政诉讼法》的解释第六十四条);
- the 催告 (第三十一条第四款), allowed only when the 诉讼 period has run out, the move-by date has
  passed, no 复议 or 诉讼 is pending and the compensation is recorded as deposited (国务院《国有
  土地上房屋征收与补偿条例》第二十八条);
- 10 working days from its service, 可申请强制执行 from the next day (the 催告书 clock of
  services/procedure/), inside the 3 months counted from the end of the 诉讼 period
  (行政强制法第五十三条) — warned when the 10 working days do not fit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wulong_desk.errors import UserError
from wulong_desk.services.cases.calculation import problems, recompute, stored_figures, yuan_text
from wulong_desk.services.cases.lookup import get_case
from wulong_desk.services.cases.versions import extend_trail, version_before
from wulong_desk.services.money.owed import decision_in_force as in_force
from wulong_desk.services.procedure.catalogue import (
    CAP,
    CLOCK_BY_CODE,
    DAYS,
    DEADLINE,
    DONE,
    DUE_SOON,
    MONTHS,
    OPEN,
    SHORT,
    YEARS,
    Period,
    state_of,
)
from wulong_desk.services.procedure.path_events import begin, on_server, record_status
from wulong_desk.services.procedure.project_decision import clean_number
from wulong_desk.services.procedure.workdays import DueDate, WorkCalendar
from wulong_desk.statuses import DECIDED, STATUS_LABELS
from wulong_desk.store import Store, audit, server_events
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import FIGURE_COLUMNS, Case, CaseDate, CaseDecision

GROUNDS = {"no_agreement": "签约期限内未达成补偿协议", "owner_unclear": "被征收房屋所有权人不明确"}
APPEALS = {"review_filed": "申请行政复议", "review_closed": "行政复议结束（维持补偿决定）",
           "suit_filed": "提起行政诉讼", "suit_closed": "行政诉讼结束（维持补偿决定）"}
OUTCOMES = {"revoked": "补偿决定被撤销", "changed": "补偿决定被变更",
            "superseded": "其后签订补偿协议"}
STATE_LABELS = {"in_force": "生效", "revoked": "已撤销", "changed": "已变更",
                "superseded": "已由补偿协议取代"}

REVIEW = Period(DAYS, 60, "行政复议法第二十条", "可申请行政复议至")
REVIEW_UNSTATED = Period(YEARS, 1, "行政复议法第二十条第三款",
                         "补偿决定未告知复议权利，可申请行政复议最长至", CAP)
SUIT = Period(MONTHS, 6, "行政诉讼法第四十六条", "可提起行政诉讼至")
SUIT_UNSTATED = Period(YEARS, 1, "行诉法解释第六十四条",
                       "补偿决定未告知诉讼权利，可提起行政诉讼最长至", CAP)
# the 催告书's clock is the procedure's own (services/procedure/ CASE_CLOCKS)
REMINDER = CLOCK_BY_CODE["reminder"].period
ENFORCEMENT = Period(MONTHS, 3, "行政强制法第五十三条",
                     "诉讼期限届满之日起三个月内申请人民法院强制执行，最迟", DEADLINE)


@dataclass(frozen=True)
class DecisionFacts:
    number: str
    made_on: date
    move_by: date
    announced_on: date | None = None
    served_on: date | None = None
    ground: str = "no_agreement"
    rights_stated: bool = True


def _check_facts(facts: DecisionFacts, today: date) -> DecisionFacts:
    number = clean_number(facts.number, "补偿决定文号")
    if facts.ground not in GROUNDS:
        raise UserError(f"ground: 补偿决定的事由应为{'或'.join(GROUNDS.values())}")
    if facts.made_on > today:
        raise UserError(f"decided_on: 补偿决定作出日 {facts.made_on} 在今天之后")
    for name, label, day in (("move_by", "搬迁期限", facts.move_by),
                             ("announced_on", "公告日", facts.announced_on),
                             ("served_on", "送达日", facts.served_on)):
        if day is not None and day < facts.made_on:
            raise UserError(f"{name}: {label} {day} 早于补偿决定作出日 {facts.made_on}")
    for name, label, day in (("announced_on", "公告日", facts.announced_on),
                             ("served_on", "送达日", facts.served_on)):
        if day is not None and day > today:
            raise UserError(f"{name}: {label} {day} 在今天之后")
    return DecisionFacts(number, facts.made_on, facts.move_by, facts.announced_on,
                         facts.served_on, facts.ground, facts.rights_stated)


def decide_case(store: Store, case_id: int, facts: DecisionFacts, *,
                today: date | None = None) -> CaseDecision:
    """补偿决定 for a case at 已审核 (see the module)."""
    store.require("作出补偿决定")
    today = today or date.today()
    facts = _check_facts(facts, today)
    with store.transaction() as session:
        case = get_case(session, case_id)
        project = case.project
        if project.decision_state != "decided":
            raise UserError("项目尚未作出征收决定（或已终止）：不能作出补偿决定")
        if case.status != "reviewed":
            raise UserError(f"案卷 {case.case_no} 是{STATUS_LABELS.get(case.status)}：补偿决定只对"
                            "已审核、尚未签约的案卷作出（办法第三十一条）")
        if facts.ground == "no_agreement" and not (
                project.signing_deadline < facts.made_on and project.signing_deadline < today):
            raise UserError(f"签约期限到 {project.signing_deadline} 才届满：以“签约期限内未达成补偿"
                            "协议”为由的补偿决定须在届满之后作出；所有权人不明确的，请选该事由"
                            "（办法第三十一条）")
        decision = decide_in_session(session, case, facts)
        session.flush()
        return decision


def decide_in_session(session: Session, case: Case, facts: DecisionFacts,
                      event_uuid: str | None = None, *, recomputed: bool = False
                      ) -> CaseDecision:
    """The decision recorded and the case computed with it (checked by the caller); on the
    office server by the decide_case event. `recomputed`: the caller already wrote the inputs
    and the record (a decision that replaces another)."""
    event_uuid = event_uuid or str(uuid.uuid4())
    version = version_before(case)
    old_status = case.status
    reason = (f"补偿决定 {facts.number}（{GROUNDS[facts.ground]}），作出日 {facts.made_on}，"
              f"搬迁期限 {facts.move_by}")
    if not recomputed:
        before = stored_figures(case.result)
        case.decided_on = case.effective_on = facts.made_on   # a decision takes effect when made
        case.signed_on = None
        case.moved_on_time = True   # the undertaking as at a signing: a later move decides it
        audit.allow_refigure(session, case)
        session.flush()
        recompute(session, case)
        session.flush()
        if not (case.result and case.result.ok):
            raise UserError(f"案卷 {case.case_no} 按补偿决定无法计算：" + "；".join(problems(case)))
        after = stored_figures(case.result)
        for key in FIGURE_COLUMNS:   # the figures the decision settles, old → new (重算)
            old = None if before is None else before.get(key)
            new = None if after is None else after.get(key)
            if old != new:
                audit.record(session, "recompute", case, key, yuan_text(old), yuan_text(new),
                             reason, entity="result")
    decision = CaseDecision(uuid=event_uuid, case_id=case.id, number=facts.number,
                            ground=facts.ground, made_on=facts.made_on,
                            announced_on=facts.announced_on, served_on=facts.served_on,
                            move_by=facts.move_by, rights_stated=facts.rights_stated,
                            state="in_force", recorded_at=now_utc())
    if on_server(session):
        session.flush()
        server_events.call(session, "decide_case", case.id, event_uuid, facts.number,
                           facts.ground, facts.made_on, facts.announced_on, facts.served_on,
                           facts.move_by, facts.rights_stated)
        set_committed_value(case, "status", DECIDED)
        session.expire(case, ["decisions"])
        decision = next(d for d in case.decisions if d.uuid == event_uuid)
    else:
        audit.record(session, "decision", case, "status", old_status, DECIDED, reason,
                     tells=("status",))
        audit.open_event(session, case, "补偿决定")   # (a replacement: the case is decided)
        case.status = DECIDED
        case.decisions.append(decision)
        session.flush()
    extend_trail(case, version)
    return decision


def _decision(session: Session, case_id: int) -> tuple[Case, CaseDecision]:
    case = get_case(session, case_id)
    decision = in_force(case)
    if decision is None or case.status not in (DECIDED, "moved"):
        raise UserError(f"案卷 {case.case_no} 没有生效的补偿决定")
    return case, decision


def record_appeal(store: Store, case_id: int, what: str, on: date, *,
                  today: date | None = None) -> None:
    """A 复议 or 诉讼 brought against the decision in force, or ended upholding it."""
    store.require("登记复议或诉讼")
    if what not in APPEALS:
        raise UserError(f"what: 应为 {'、'.join(APPEALS.values())} 之一")
    if on > (today or date.today()):
        raise UserError(f"on: 日期 {on} 在今天之后")
    with store.transaction() as session:
        case, decision = _decision(session, case_id)
        appeal_in_session(session, case, decision, what, on)


def appeal_in_session(session: Session, case: Case, decision: CaseDecision, what: str,
                      on: date) -> None:
    if on < decision.made_on:
        raise UserError(f"on: 日期 {on} 早于补偿决定作出日 {decision.made_on}")
    filed = {"review_closed": decision.review_filed_on,
             "suit_closed": decision.suit_filed_on}
    if what in filed and (filed[what] is None or on < filed[what]):
        first = APPEALS[what.replace("closed", "filed")]
        raise UserError(f"{APPEALS[what]}：须先登记{first}，结束日不早于其日期")
    if on_server(session):
        server_events.call(session, "decision_appeal", case.id, what, on)
        session.expire(decision)
        return
    audit.record(session, "appeal", case, what, None, on.isoformat(),
                 f"补偿决定 {decision.number}：{APPEALS[what]}")
    audit.open_event(session, case, "复议或诉讼")
    setattr(decision, f"{what}_on", on)
    if what.endswith("_filed"):
        setattr(decision, what.replace("filed", "closed") + "_on", None)


@dataclass
class OutcomeDone:
    case_no: str
    status: str
    moved: list[tuple[str, str, str]]


def record_outcome(store: Store, case_id: int, kind: str, on: date, reference: str, *,
                   signed_on: date | None = None, replacement: DecisionFacts | None = None,
                   today: date | None = None) -> OutcomeDone:
    """What ends the decision in force (see the module): revoked (the case back at 已审核,
    computed as unsigned), changed (`replacement` in force, the case recomputed with it) or
    superseded by an agreement signed on `signed_on` (the case 已签约)."""
    store.require("登记补偿决定的结果")
    today = today or date.today()
    if kind not in OUTCOMES:
        raise UserError(f"kind: 应为 {'、'.join(OUTCOMES.values())} 之一")
    if on > today:
        raise UserError(f"on: 日期 {on} 在今天之后")
    reference = (reference or "").strip()[:200]
    if kind != "superseded" and not reference:
        raise UserError("reference: 须填写撤销或变更补偿决定的文书（复议决定书、判决书等）的文号")
    if kind == "changed":
        if replacement is None:
            raise UserError("变更后的补偿决定：须给出文号、作出日和搬迁期限")
        replacement = _check_facts(replacement, today)
    if kind == "superseded" and (signed_on is None or signed_on > today):
        raise UserError("signed_on: 须填写其后签订的补偿协议的签约日期（不在今天之后）")
    with store.transaction() as session:
        case, decision = _decision(session, case_id)
        if case.status != DECIDED:
            raise UserError(f"案卷 {case.case_no} 已搬迁：补偿决定的结果请按实际情况解锁更正")
        if on < decision.made_on:
            raise UserError(f"on: 日期 {on} 早于补偿决定作出日 {decision.made_on}")
        if kind == "superseded" and signed_on is not None and signed_on < decision.made_on:
            raise UserError(f"signed_on: 签约日期 {signed_on} 早于补偿决定作出日")
        return outcome_in_session(session, case, decision, kind, on, reference,
                                  signed_on=signed_on, replacement=replacement)


def outcome_in_session(session: Session, case: Case, decision: CaseDecision, kind: str,
                       on: date, reference: str, *, signed_on: date | None = None,
                       replacement: DecisionFacts | None = None,
                       replacement_uuid: str | None = None) -> OutcomeDone:
    event = begin(session, case, "outcome")
    if kind == "revoked":
        case.decided_on = case.effective_on = None
        new_status = "reviewed"
    elif kind == "superseded":
        assert signed_on is not None
        case.decided_on, case.signed_on, case.moved_on_time = None, signed_on, True
        case.effective_on = signed_on   # the agreement signed instead takes effect when signed
        new_status = "signed"
    else:
        assert replacement is not None
        case.decided_on = case.effective_on = replacement.made_on
        new_status = DECIDED
    event.recompute()
    words = {"revoked": "被撤销", "changed": "被变更", "superseded": "因其后签订补偿协议而不再执行"}
    reason = f"补偿决定 {decision.number} {words[kind]}（{reference or '—'}，{on}）"
    if new_status != DECIDED:
        record_status(session, case, "outcome", DECIDED, new_status, reason)
    elif not on_server(session):
        audit.record(session, "outcome", case, "decision", decision.number, None, reason)
    if not on_server(session):
        decision.state, decision.ended_on, decision.ended_by = kind, on, reference
    moved = event.finish(reason, server_event=("decision_outcome", (kind, on, reference)),
                         committed={"status": new_status})
    if on_server(session):
        session.expire(decision)
    if replacement is not None:
        decide_in_session(session, case, replacement, replacement_uuid, recomputed=True)
    return OutcomeDone(case.case_no, new_status, moved)


# --- the clocks ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Clock:
    what: str
    due: DueDate | None
    state: str


def _start(decision: CaseDecision) -> date | None:
    return decision.served_on or decision.announced_on


def suit_end(decision: CaseDecision, calendar: WorkCalendar) -> DueDate | None:
    start = _start(decision)
    if start is None:
        return None
    return (SUIT if decision.rights_stated else SUIT_UNSTATED).due(calendar, start)


def pending_appeal(decision: CaseDecision) -> str | None:
    if decision.review_filed_on is not None and decision.review_closed_on is None:
        return f"行政复议尚未结束（{decision.review_filed_on} 申请）"
    if decision.suit_filed_on is not None and decision.suit_closed_on is None:
        return f"行政诉讼尚未结束（{decision.suit_filed_on} 起诉）"
    return None


def reminder_refusals(decision: CaseDecision, dates: dict[str, date], on: date,
                      calendar: WorkCalendar) -> list[str]:
    """Why a 催告 may not be served on `on` (办法第三十一条第四款), in words; [] when it may."""
    found = []
    end = suit_end(decision, calendar)
    if end is None:
        found.append("补偿决定的送达日（或公告日）未记录，复议、诉讼期限无从起算")
    elif on <= end.on:
        found.append(f"提起行政诉讼的期限到 {end.text()} 才届满")
    if on <= decision.move_by:
        found.append(f"补偿决定规定的搬迁期限 {decision.move_by} 尚未届满")
    if (why := pending_appeal(decision)) is not None:
        found.append(why)
    if "deposited" not in dates:
        found.append("补偿款尚未登记为已提存（条例第二十八条，时限与材料中的“补偿款已提存”）")
    elif dates["deposited"] > on:
        found.append(f"补偿款 {dates['deposited']} 才提存")
    return found


def decision_clocks(decision: CaseDecision, dates: dict[str, date], today: date,
                    calendar: WorkCalendar, soon_until: date, *, moved: bool = False
                    ) -> list[Clock]:
    """The decision's clocks for the due list (see the module)."""
    clocks: list[Clock] = []
    start = _start(decision)
    label = f"补偿决定 {decision.number}"
    if start is None:
        clocks.append(Clock(f"{label}：送达日和公告日都未记录，复议、诉讼期限无从起算", None,
                            OPEN))
        return clocks
    review = REVIEW if decision.rights_stated else REVIEW_UNSTATED
    due = review.due(calendar, start)
    filed = decision.review_filed_on is not None
    clocks.append(Clock(f"{label}：{review.meaning}（{review.words()}，自送达或公告起）"
                        + ("，已申请复议" if filed else ""), due,
                        DONE if filed or due.on < today else state_of(due, today, soon_until,
                                                                      done=False)))
    suit = SUIT if decision.rights_stated else SUIT_UNSTATED
    end = suit.due(calendar, start)
    filed = decision.suit_filed_on is not None
    clocks.append(Clock(f"{label}：{suit.meaning}（{suit.words()}）"
                        + ("，已起诉" if filed else ""), end,
                        DONE if filed or end.on < today else state_of(end, today, soon_until,
                                                                      done=False)))
    if moved:
        return clocks
    earliest = max(end.on, decision.move_by) + timedelta(days=1)
    served = dates.get("reminder")
    if served is None:
        refusals = reminder_refusals(decision, dates, max(today, earliest), calendar)
        if refusals:
            what = f"{label}：催告（办法第三十一条）尚不能发出：" + "；".join(refusals)
            state = OPEN
        else:
            what = f"{label}：可发出催告书（办法第三十一条；诉讼期限、搬迁期限已过，补偿款已提存）"
            state = DUE_SOON
        clocks.append(Clock(what, DueDate(earliest), state))
    window = ENFORCEMENT.due(calendar, end.on)
    enforced = "enforcement" in dates
    clocks.append(Clock(f"{label}：{ENFORCEMENT.meaning}（{ENFORCEMENT.words()}）", window,
                        state_of(window, today, soon_until, done=enforced)))
    reminder_day = served or max(today, earliest)
    assert REMINDER is not None
    may_enforce = REMINDER.due(calendar, reminder_day)
    if not enforced and may_enforce.on > window.on:
        when = "催告书送达" if served else "最早于 " + reminder_day.isoformat() + " 送达催告书"
        clocks.append(Clock(f"{label}：{when}后10个工作日届满（{may_enforce.on - timedelta(1)}）"
                            f"已超出申请强制执行的三个月期限（最迟 {window.on}，行政强制法第"
                            "五十三条）", window, SHORT))
    return clocks


def decision_due_items(session: Session, project_id: int, today: date,
                       calendar: WorkCalendar, soon_until: date
                       ) -> list[tuple[int, str, Clock]]:
    """(case id, case number, clock) for every decision in force of the project."""
    rows = session.execute(
        select(Case.id, Case.case_no, Case.status, CaseDecision)
        .join(CaseDecision, CaseDecision.case_id == Case.id)
        .where(Case.project_id == project_id, CaseDecision.state == "in_force",
               Case.status.in_((DECIDED, "moved"))).order_by(Case.case_no)).all()
    if not rows:
        return []
    dates: dict[int, dict[str, date]] = {}
    for row in session.execute(select(CaseDate).where(
            CaseDate.case_id.in_([r[0] for r in rows]))).scalars():
        dates.setdefault(row.case_id, {})[row.what] = row.on_date
    found = []
    for case_id, case_no, status, decision in rows:
        for clock in decision_clocks(decision, dates.get(case_id, {}), today, calendar,
                                     soon_until, moved=status == "moved"):
            found.append((case_id, case_no, clock))
    return found


def check_reminder(session: Session, case_id: int, on: date) -> None:
    """A 催告书送达 recorded for a case with a decision in force only when it may be served."""
    case = get_case(session, case_id)
    decision = in_force(case)
    if decision is None:
        return
    dates = {row.what: row.on_date for row in session.execute(
        select(CaseDate).where(CaseDate.case_id == case_id)).scalars()}
    refusals = reminder_refusals(decision, dates, on, WorkCalendar.for_user())
    if refusals:
        raise UserError(f"{on} 还不能向案卷 {case.case_no} 的被征收人发出催告书（办法第三十一条）："
                        + "；".join(refusals))


def decision_record(decision: CaseDecision) -> dict[str, Any]:
    """A decision as a package and the documents carry it."""
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {"uuid": decision.uuid, "number": decision.number, "ground": decision.ground,
            "made_on": day(decision.made_on), "announced_on": day(decision.announced_on),
            "served_on": day(decision.served_on), "move_by": day(decision.move_by),
            "rights_stated": decision.rights_stated,
            "review_filed_on": day(decision.review_filed_on),
            "review_closed_on": day(decision.review_closed_on),
            "suit_filed_on": day(decision.suit_filed_on),
            "suit_closed_on": day(decision.suit_closed_on), "state": decision.state,
            "ended_on": day(decision.ended_on), "ended_by": decision.ended_by,
            "recorded_at": decision.recorded_at.isoformat()}


def decision_text(case: Case) -> str:
    """The decision in force in words (the case window), "" when there is none."""
    decision = in_force(case)
    if decision is None:
        return ""
    parts = [f"补偿决定 {decision.number}（{GROUNDS[decision.ground]}）",
             f"作出 {decision.made_on}"]
    if decision.announced_on:
        parts.append(f"公告 {decision.announced_on}")
    parts.append(f"送达 {decision.served_on}" if decision.served_on else "送达日未记录")
    parts.append(f"搬迁期限 {decision.move_by}")
    if not decision.rights_stated:
        parts.append("未告知复议、诉讼权利")
    if (why := pending_appeal(decision)) is not None:
        parts.append(why)
    return "，".join(parts)


@dataclass(frozen=True)
class DecisionView:
    """What the 补偿决定 dialogs open on: the case, its stage, the project's deadlines and the
    decision in force in words ("" when there is none)."""
    case_no: str
    status: str
    signing_deadline: date | None
    move_deadline: date | None
    said: str


def decision_view(store: Store, case_id: int) -> DecisionView:
    with store.read() as session:
        case = get_case(session, case_id)
        return DecisionView(case.case_no, case.status, case.project.signing_deadline,
                            case.project.move_deadline, decision_text(case))
